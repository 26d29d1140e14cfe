"""Who a handle or name is and what a tag is, by breakout_text's rules.

Pure: no Pelican import. The index must agree with the text engine about every
slug, because the text engine emits links (people/<slug>/, topics/<slug>/) that
the index must serve, so every handle and tag rule here is breakout_text's own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any, NamedTuple

from breakout_text.extract import profile_url as _profile_url
from breakout_text.extract import topic_key as _topic_key
from breakout_text.extract import topic_slug as _topic_slug
from breakout_text.identity import Resolver

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


def topic_key(text: str) -> str:
    """Topic identity of a hashtag or Tags entry ("Open Data" == "open data" == "#Open_Data")."""
    return _topic_key(text)


def topic_slug(text: str) -> str:
    """Topic page slug."""
    return _topic_slug(text)


def default_profile_url(network: str, handle: str) -> str:
    """The public profile of a handle on a network ("" if unknown)."""
    return _profile_url(network, handle)


class Identity:
    """Resolves handles, names and tags for one site (registry + settings)."""

    def __init__(
        self,
        people: Mapping[str, Any],
        events: Mapping[str, Any],
        settings: Mapping[str, Any],
        resolver: Any = None,
    ) -> None:
        """Index the registry; use `resolver` or a new breakout_text Resolver for these settings."""
        self.people = people
        self.events = events
        if resolver is None:
            text_settings = settings.get("BREAKOUT_TEXT") or {}
            resolver = Resolver(
                people=people,
                events=events,
                default_network=str(text_settings.get("DEFAULT_NETWORK") or "twitter"),
                mastodon_host=str(text_settings.get("MASTODON_HOST") or ""),
            )
        self.resolver = resolver
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
        """The identity rules of a site: breakout_text's Resolver for its settings."""
        return cls(people, events, settings, Resolver.from_settings(settings))

    def handle(self, handle: str) -> HandleId:
        """The person a handle (with or without @) stands for; unknown handles get their own slug."""
        handle = handle.strip().lstrip("@")
        # The text engine links mentions with exactly these answers.
        network, key = self.resolver.identity(handle)
        slug = self.resolver.person_slug(handle)
        registered = self.resolver.person(handle) is not None
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

    def is_named(self, slug: str) -> bool:
        """May the site name this person (breakout_text's Resolver.is_named decides)?"""
        return self.resolver.is_named(slug)

    def registry_name(self, name: str) -> list[str]:
        """Registry slugs whose name is `name` (case and spacing ignored)."""
        return self.names.get(fold_name(name), [])

    def tag(self, text: str) -> TagId:
        """A Tags entry or hashtag text: an event (its hashtag is in events.toml) or a topic."""
        text = text.strip().lstrip("#")
        kind, slug = self.resolver.hashtag(text)
        return TagId(kind, topic_key(text), slug)

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
