"""The one identity service: who a handle, alias or name is, and what a hashtag names.

Pure (no Pelican): built from the registry records and a few settings. Handles are
case-insensitive; aliases and every network's handles (Twitter, Mastodon `user@host`,
Bluesky) of a registry person resolve to their slug; anyone else gets a slug derived
from the handle (handles.handle_slug). The text engine records what it resolved as typed
values (`Mention`, `PersonRef`, `TagRef`: picklable, so they live in Pelican's content
cache), and the index, comments, feeds, SEO, lint and `invoke check` use them as they
are. `is_named(slug)` is the one place that decides whether a person is named in the
built site: whatever lists or links a person asks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import build
from .data import EventRecord, PersonRecord, SiteData, load_site_data, table_line
from .handles import (
    NETWORKS,
    display_handle,
    fold_name,
    handle_identity,
    network_identity,
    profile_url,
    topic_key,
    topic_slug,
    unregistered_slug,
)

DEFAULTS: dict[str, Any] = {"DEFAULT_NETWORK": "twitter", "MASTODON_HOST": ""}


def _table_line(path: str, table: str, key: str) -> int | None:
    """Line of the `[table.key]` header in a TOML file, for messages (None if not found)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return table_line(text, table, key)


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A handle resolved to a person, as every consumer takes it (no re-deriving)."""

    slug: str  # person page slug
    network: str  # "twitter" | "mastodon" | "bluesky"
    key: str  # the handle's canonical key on its network (lower case)
    handle: str  # as written, without the sigil
    registered: bool  # the registry describes this person

    @property
    def identity(self) -> str:
        """Equal identities are one person: the registry slug, else network and key."""
        return f"person:{self.slug}" if self.registered else f"{self.network}:{self.key}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as a call with the fields: half the time of a slotted dataclass's state
        # (Pelican's content cache holds every finding of the site).
        return (PersonRef, (self.slug, self.network, self.key, self.handle, self.registered))


@dataclass(frozen=True, slots=True)
class Mention:
    """An @handle found in prose: who it is, the sentence around it, a name the text gave."""

    person: PersonRef
    sentence: str  # plain text of the sentence holding it
    name_hint: str  # a name learnt from the text ("Nick Keane (@nickkeane)"), or ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (Mention, (self.person, self.sentence, self.name_hint))  # as PersonRef's


@dataclass(frozen=True, slots=True)
class TagRef:
    """A #hashtag or Tags entry resolved to a topic or an event."""

    tag: str  # as written, without the sigil
    key: str  # topic identity: equal keys are one topic
    kind: str  # "topic" | "event"
    slug: str  # topic slug or event slug

    def __reduce__(self) -> tuple[Any, ...]:
        return (TagRef, (self.tag, self.key, self.kind, self.slug))  # as PersonRef's


@dataclass(frozen=True)
class KnownHandle:
    """A handle the registry gives for a person: as spelled there, and whether it is an alias."""

    network: str
    key: str
    spelling: str
    slug: str
    alias: bool


@dataclass
class Identity:
    """Handle → person, name → person, hashtag → topic or event, and the site URLs of each."""

    people: Mapping[str, PersonRecord] = field(default_factory=dict)
    events: Mapping[str, EventRecord] = field(default_factory=dict)
    default_network: str = "twitter"
    mastodon_host: str = ""
    siteurl: str = ""
    person_pattern: str = "people/{slug}/"
    topic_pattern: str = "topics/{slug}/"
    event_pattern: str = "events/{slug}/"
    people_path: str = "content/people.toml"
    events_path: str = "content/events.toml"
    # filled in by __post_init__
    known: dict[tuple[str, str], KnownHandle] = field(init=False, repr=False)
    event_tags: dict[str, str] = field(init=False, repr=False)
    problems: list[tuple[str, int | None, str]] = field(init=False, repr=False)
    _slugs: dict[str, str] = field(init=False, repr=False)
    _ids: dict[str, tuple[str, str]] = field(init=False, repr=False)
    _refs: dict[str, PersonRef] = field(init=False, repr=False)
    _names: dict[str, list[str]] = field(init=False, repr=False)
    _tags: dict[str, tuple[str, str]] = field(init=False, repr=False)
    _urls: dict[tuple[str, str], str] = field(init=False, repr=False)
    _strings: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Answers by handle or hashtag as written: a site names the same people and topics
        # over and over, and findings holding one shared string each stay small.
        self._slugs = {}  # handle as written -> slug
        self._ids = {}  # handle as written -> (network, key)
        self._refs = {}  # handle as written -> PersonRef (one object per spelling)
        self._names = {}  # folded registry name -> slugs having it (more than one: ambiguous)
        for slug in sorted(self.people):
            if self.people[slug].name:
                self._names.setdefault(fold_name(self.people[slug].name), []).append(slug)
        self._tags = {}  # hashtag as written -> (kind, slug)
        self._urls = {}  # (kind, slug) -> URL
        self._strings = {}  # handle or hashtag as written -> the one copy findings keep
        self.known = {}
        self.event_tags = {}
        self.problems = []
        for slug, person in self.people.items():
            for network in NETWORKS:
                for handle in person.handles.get(network, ()):
                    self._add(network_identity(network, handle), handle, slug, alias=False)
            for alias in person.aliases:
                self._add(self.identity(alias), alias, slug, alias=True)
        for slug, event in self.events.items():
            for tag in event.hashtags:
                key = topic_key(tag)
                other = self.event_tags.get(key)
                if other is not None and other != slug:
                    self.problems.append(
                        (self.events_path, _table_line(self.events_path, "events", slug),
                         f"hashtag #{tag} is given for both [events.{other}] and [events.{slug}]")
                    )  # fmt: skip
                    continue
                self.event_tags[key] = slug

    def _add(self, ident: tuple[str, str], spelling: str, slug: str, *, alias: bool) -> None:
        other = self.known.get(ident)
        if other is not None and other.slug != slug:
            self.problems.append(
                (self.people_path, _table_line(self.people_path, "people", slug),
                 f"handle {display_handle(ident[0], spelling)} is given for both "
                 f"[people.{other.slug}] and [people.{slug}]")
            )  # fmt: skip
            return
        if other is None:
            self.known[ident] = KnownHandle(ident[0], ident[1], spelling, slug, alias)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], site: SiteData | None = None) -> Identity:
        """Build from Pelican-shaped settings and the site's data files (read if not given)."""
        if site is None and settings.get("PATH"):
            site = load_site_data(settings)
        if site is None:
            site = SiteData(people={}, events={})  # no content folder: nobody is registered
        options = {**DEFAULTS, **(settings.get("BREAKOUT_TEXT") or {})}
        return cls(
            people=site.people,
            events=site.events,
            default_network=str(options.get("DEFAULT_NETWORK") or "twitter"),
            mastodon_host=str(options.get("MASTODON_HOST") or ""),
            siteurl=str(settings.get("SITEURL") or ""),
            person_pattern=settings.get("PERSON_URL", "people/{slug}/"),
            topic_pattern=settings.get("TOPIC_URL", "topics/{slug}/"),
            event_pattern=settings.get("EVENT_URL", "events/{slug}/"),
            people_path=site.people_path or "content/people.toml",
            events_path=site.events_path or "content/events.toml",
        )

    # ------------------------------------------------------------ people

    def identity(self, handle: str) -> tuple[str, str]:
        """(network, key) of a handle as written in text or as an alias."""
        ident = self._ids.get(handle)
        if ident is None:
            ident = self._ids[handle] = handle_identity(
                handle, default_network=self.default_network, mastodon_host=self.mastodon_host
            )
        return ident

    def shared(self, text: str) -> str:
        """One string object for each handle or hashtag as written (findings keep many)."""
        return self._strings.setdefault(text, text)

    def ref(self, handle: str) -> PersonRef:
        """The person a handle (with or without @) stands for; unknown handles get their own slug."""
        ref = self._refs.get(handle)
        if ref is None:
            written = handle.strip().lstrip("@")
            network, key = self.identity(written)
            slug = self.person_slug(written)
            registered = self.person(written) is not None
            ref = self._refs[handle] = PersonRef(slug, network, key, written, registered)
        return ref

    def mention(self, handle: str, sentence: str, name_hint: str) -> Mention:
        """The typed finding of one @handle in prose."""
        return Mention(self.ref(self.shared(handle)), sentence, name_hint)

    def registry_name(self, name: str) -> list[str]:
        """Registry slugs whose name is `name` (case and spacing ignored)."""
        return self._names.get(fold_name(name), [])

    def comment_author(self, author: str, handle: str) -> str:
        """Person slug of a comment's author: by handle first, else a registry name only one has."""
        if handle:
            slug = self.ref(handle).slug
            if slug and self.is_named(slug):
                return slug
        slugs = self.registry_name(author)
        return slugs[0] if len(slugs) == 1 and self.is_named(slugs[0]) else ""

    def person(self, handle: str) -> PersonRecord | None:
        """The registry person a handle (or alias) means, or None."""
        known = self.known.get(self.identity(handle))
        return self.people.get(known.slug) if known else None

    def person_slug(self, handle: str) -> str:
        """The slug of the person a handle means: the registry's, else derived from the handle."""
        slug = self._slugs.get(handle)
        if slug is None:
            slug = self._slugs[handle] = self._person_slug(handle)
        return slug

    def _person_slug(self, handle: str) -> str:
        ident = self.identity(handle)
        known = self.known.get(ident)
        if known is not None:
            return known.slug
        return unregistered_slug(*ident, self.people)

    def is_named(self, slug: str) -> bool:
        """May the site name this person? False for a registry person with `optout = true`.

        The one decision point: the text engine, comments, index, feeds and the erasure
        pass (breakout_text.erasure) all ask here.
        """
        person = self.people.get(slug)
        return person is None or not person.optout

    def unnamed(self) -> list[PersonRecord]:
        """The registry people who asked not to be named, in registry order."""
        return [p for p in self.people.values() if not self.is_named(p.slug)]

    def display_name(self, slug: str, fallback: str = "") -> str:
        """The registry name of a person, else the fallback (a learned name or the handle)."""
        person = self.people.get(slug)
        return person.name if person is not None and person.name else fallback

    def profiles(
        self, slug: str, seen: Iterable[tuple[str, str]] = ()
    ) -> list[tuple[str, str, str]]:
        """(network, handle, profile URL) of a person: the registry's handles, else those seen."""
        person = self.people.get(slug)
        pairs: list[tuple[str, str]] = []
        if person is not None:
            pairs = [(net, h) for net in NETWORKS for h in person.handles.get(net, ())]
        if not pairs:
            pairs = list(dict.fromkeys(seen))
        return [(net, h, profile_url(net, h)) for net, h in pairs]

    def _url(self, kind: str, pattern: str, slug: str) -> str:
        """SITEURL + "/" + pattern for slug, formatted once per page."""
        url = self._urls.get((kind, slug))
        if url is None:
            url = self._urls[(kind, slug)] = f"{self.siteurl}/{pattern.format(slug=slug)}"
        return url

    def person_url(self, slug: str) -> str:
        """Final URL of a person's page."""
        return self._url("person", self.person_pattern, slug)

    # ------------------------------------------------------------ topics and events

    def tag(self, text: str) -> TagRef:
        """A Tags entry or #hashtag text: an event (its hashtag is in events.toml) or a topic."""
        written = text.strip().lstrip("#")
        kind, slug = self.hashtag(written)
        return TagRef(written, topic_key(written), kind, slug)

    def hashtag(self, tag: str) -> tuple[str, str]:
        """("event", event slug) for an event's hashtag, else ("topic", topic slug)."""
        found = self._tags.get(tag)
        if found is None:
            event = self.event_tags.get(topic_key(tag))
            found = ("event", event) if event is not None else ("topic", topic_slug(tag))
            self._tags[tag] = found
        return found

    def topic_url(self, slug: str) -> str:
        """Final URL of a topic's page."""
        return self._url("topic", self.topic_pattern, slug)

    def event_url(self, slug: str) -> str:
        """Final URL of an event's page."""
        return self._url("event", self.event_pattern, slug)

    def known_handles(self) -> list[KnownHandle]:
        """Every handle and alias the registry gives, in registry order."""
        return list(self.known.values())

    @staticmethod
    def profile_url(network: str, handle: str) -> str:
        """The public profile page of a handle on its network ("" if it cannot be built)."""
        return profile_url(network, handle)


@dataclass
class IdentityState:
    """The identity service of one build (kernel Build part)."""

    service: Identity | None = None


def for_site(settings: Mapping[str, Any], site: SiteData | None = None) -> Identity:
    """This build's identity service (made once per build), else a new one for these settings."""
    this = build.current(settings)
    state = this.part(IdentityState) if this is not None else None
    if state is not None and state.service is not None:
        return state.service
    service = Identity.from_settings(settings, site)
    if state is not None:
        state.service = service
    return service


def use(settings: Mapping[str, Any], service: Identity) -> None:
    """Make `service` this build's identity service (the text engine's, with its validated options)."""
    this = build.current(settings)
    if this is not None:
        this.part(IdentityState).service = service
