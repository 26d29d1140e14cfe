"""Who a handle or name is and what a tag is: breakout_text's rules when present, else a minimal copy.

Pure: no Pelican import. The index must agree with the text engine about every
slug, because the text engine emits links (people/<slug>/, topics/<slug>/) that
the index must serve. So every rule here defers to `breakout_text.identity`
when that module is importable and only falls back to local rules without it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any, NamedTuple

NETWORKS = ("twitter", "mastodon", "bluesky")
_NOT_SLUG = re.compile(r"[^a-z0-9_]+")


class HandleId(NamedTuple):
    """A handle resolved to an identity."""

    slug: str  # person page slug
    key: str  # identity key: equal keys are the same person
    network: str
    handle: str  # as written, without the sigil
    registered: bool  # the registry describes this person


class TagId(NamedTuple):
    """A hashtag or Tags entry resolved to a topic or an event."""

    kind: str  # "topic" | "event"
    key: str  # identity key (topics: equal keys are the same topic)
    slug: str  # topic slug or event slug


def fold_name(text: str) -> str:
    """Case- and space-insensitive form of a person's name."""
    return " ".join(text.split()).casefold()


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters, digits and _, other runs as single hyphens."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", text.casefold()).strip("-")


def name_slug(name: str) -> str:
    """Page slug for someone known only by a plain name ("Jon Smith" -> "jon-smith")."""
    return ascii_slug(name.replace("_", " "))


def _local_topic_key(text: str) -> str:
    """breakout_text's topic_key rule: NFKC, case-folded, runs of non-letters/digits as one '-'."""
    s = unicodedata.normalize(
        "NFKC", unicodedata.normalize("NFKC", text).strip().lstrip("#").casefold()
    )
    out: list[str] = []
    gap = False
    for ch in s:
        cat = unicodedata.category(ch)
        if cat[0] in "LMN":
            if gap and out:
                out.append("-")
            gap = False
            out.append(ch)
        elif cat != "Cf":
            gap = True
    return "".join(out)


def _local_profile_url(network: str, handle: str) -> str:
    """The public profile of a handle on a network ("" if it cannot be built)."""
    handle = handle.strip().lstrip("@")
    if network == "twitter":
        return f"https://twitter.com/{handle}" if handle else ""
    if network == "mastodon":
        user, _, host = handle.rpartition("@")
        return f"https://{host}/@{user}" if user and host else ""
    if network == "bluesky":
        return f"https://bsky.app/profile/{handle}" if handle else ""
    return ""


def _local_handle_slug(network: str, key: str) -> str:
    """Person slug of an unregistered handle: the key; Mastodon user@host as user_at_host."""
    if network == "mastodon":
        user, _, host = key.rpartition("@")
        return f"{user}_at_{host}" if user else key
    return key


def _local_handle_identity(
    handle: str, *, default_network: str = "twitter", mastodon_host: str = ""
) -> tuple[str, str]:
    """(network, key): user@host is Mastodon, a dotted name Bluesky, else the default network."""
    h = handle.strip().lstrip("@").lower()
    if "@" in h:
        return "mastodon", h
    if "." in h:
        return "bluesky", h
    if default_network == "bluesky":
        return "bluesky", f"{h}.bsky.social"
    if default_network == "mastodon":
        return "mastodon", f"{h}@{mastodon_host.lower()}" if mastodon_host else h
    return "twitter", h


try:  # The text engine's rules are the source of truth: its links must land on our pages.
    from breakout_text.extract import handle_identity as _handle_identity
    from breakout_text.extract import handle_slug as _handle_slug
    from breakout_text.extract import profile_url as _profile_url
    from breakout_text.extract import topic_key as _topic_key
    from breakout_text.extract import topic_slug as _topic_slug
except ImportError:  # only while the text engine is absent (tests of this plugin alone)
    _handle_identity = _local_handle_identity
    _handle_slug = _local_handle_slug
    _profile_url = _local_profile_url
    _topic_key = _topic_slug = _local_topic_key


def topic_key(text: str) -> str:
    """Topic identity of a hashtag or Tags entry ("Open Data" == "open data" == "#Open_Data")."""
    return _topic_key(text)


def topic_slug(text: str) -> str:
    """Topic page slug."""
    return _topic_slug(text)


def default_profile_url(network: str, handle: str) -> str:
    """The public profile of a handle on a network ("" if unknown)."""
    return _profile_url(network, handle)


def _resolver_class() -> Any:
    """breakout_text.identity.Resolver if the text engine is importable, else None."""
    try:
        from breakout_text.identity import Resolver
    except ImportError:
        return None
    return Resolver


class Identity:
    """Resolves handles, names and tags for one site (registry + settings)."""

    def __init__(
        self,
        people: Mapping[str, Any],
        events: Mapping[str, Any],
        settings: Mapping[str, Any],
        resolver: Any = None,
    ) -> None:
        """Index the registry; use `resolver` (or a new breakout_text Resolver) when available."""
        self.people = people
        self.events = events
        text_settings = settings.get("BREAKOUT_TEXT") or {}
        self.default_network = str(text_settings.get("DEFAULT_NETWORK") or "twitter")
        self.mastodon_host = str(text_settings.get("MASTODON_HOST") or "")
        resolver_class = _resolver_class()
        if resolver is None and resolver_class is not None:
            resolver = resolver_class(
                people=people,
                events=events,
                default_network=self.default_network,
                mastodon_host=self.mastodon_host,
            )
        self.resolver = resolver
        self._by_handle: dict[str, str] = {}
        for slug in sorted(people):
            record = people[slug]
            for handles in record.handles.values():
                for handle in handles:
                    self._by_handle.setdefault(handle.lstrip("@").casefold(), slug)
            for alias in record.aliases:
                self._by_handle.setdefault(alias.lstrip("@").casefold(), slug)
        names: dict[str, list[str]] = {}
        for slug in sorted(people):
            if people[slug].name:
                names.setdefault(fold_name(people[slug].name), []).append(slug)
        self.names = names  # folded name -> registry slugs having it (more than one: ambiguous)
        self._event_tags: dict[str, str] = {}
        for slug in sorted(events):
            for tag in events[slug].hashtags:
                self._event_tags.setdefault(topic_key(tag), slug)

    @classmethod
    def for_site(
        cls, people: Mapping[str, Any], events: Mapping[str, Any], settings: Mapping[str, Any]
    ) -> Identity:
        """The identity rules of a site: breakout_text's Resolver for its settings when installed."""
        resolver_class = _resolver_class()
        resolver = None
        if resolver_class is not None:
            resolver = resolver_class.from_settings(settings)
        return cls(people, events, settings, resolver)

    def handle(self, handle: str) -> HandleId:
        """The person a handle (with or without @) stands for; unknown handles get their own slug."""
        handle = handle.strip().lstrip("@")
        if self.resolver is not None:
            # The text engine links mentions with exactly these answers.
            network, key = self.resolver.identity(handle)
            slug = self.resolver.person_slug(handle)
            registered = self.resolver.person(handle) is not None
        else:
            network, key = _handle_identity(
                handle, default_network=self.default_network, mastodon_host=self.mastodon_host
            )
            slug = self._by_handle.get(handle.casefold()) or self._by_handle.get(key, "")
            registered = bool(slug)
            if not slug:
                slug = _handle_slug(network, key)
                # As breakout_text does: a bare handle never takes a registry person's slug.
                slug = f"{slug}-{network}" if slug in self.people else slug
        if registered:
            return HandleId(slug, f"person:{slug}", network, handle, True)
        return HandleId(slug, f"{network}:{key}", network, handle, False)

    def mention(self, finding: Mapping[str, Any]) -> HandleId:
        """A text-engine mention finding as an identity (its person slug is authoritative)."""
        handle = str(finding.get("handle", "")).lstrip("@")
        slug = str(finding.get("person") or "")
        if not slug or not finding.get("network"):
            return self.handle(handle)
        network = str(finding["network"])
        if slug in self.people:
            return HandleId(slug, f"person:{slug}", network, handle, True)
        key = str(finding.get("key") or handle.casefold())
        return HandleId(slug, f"{network}:{key}" if ":" not in key else key, network, handle, False)

    def registry_name(self, name: str) -> list[str]:
        """Registry slugs whose name is `name` (case and spacing ignored)."""
        return self.names.get(fold_name(name), [])

    def tag(self, text: str) -> TagId:
        """A Tags entry or hashtag text: an event (its hashtag is in events.toml) or a topic."""
        text = text.strip().lstrip("#")
        key = topic_key(text)
        if self.resolver is not None:
            kind, slug = self.resolver.hashtag(text)
            return TagId(kind, key, slug)
        event = self._event_tags.get(key)
        if event:
            return TagId("event", key, event)
        return TagId("topic", key, topic_slug(text))

    def hashtag(self, finding: Mapping[str, Any]) -> TagId:
        """A text-engine hashtag finding (its kind and slug are authoritative)."""
        text = str(finding.get("tag", "")).lstrip("#")
        kind = str(finding.get("kind") or "")
        slug = str(finding.get("slug") or "")
        if topic_key(text) in self._event_tags:
            return self.tag(text)  # an event's hashtag is never a topic, whatever the finding says
        if kind in ("topic", "event") and slug:
            # The key is always ours: Tags entries are keyed the same way, so the two agree.
            return TagId(kind, topic_key(text), slug)
        return self.tag(text)

    def profile_url(self, network: str, handle: str) -> str:
        """Profile link for a handle: breakout_text's profile_url when it exists."""
        return default_profile_url(network, handle)
