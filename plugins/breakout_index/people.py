"""People of the index: registry entries, handles and plain names made into Person pages (pure).

Every handle arrives resolved (a `PersonRef` of the identity service); a plain name (an
Author, a Session_leader, a comment's author) is a registry name or, when NAME_PEOPLE is
on, a person of its own. Each page slug is claimed by one identity (naming.Claims). The
identity service decides whether a person may be named at all (`is_named`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from breakout_kernel.handles import NETWORKS, fold_name, name_slug
from breakout_kernel.identity import Identity, PersonRef

from .entities import Person
from .naming import Claims, Source, Spellings


class People:
    """The Person of every registry entry, handle and name met, with the spellings seen for each."""

    def __init__(
        self,
        settings: Mapping[str, Any],
        registry: Mapping[str, Any],
        identity: Identity,
        claims: Claims,
        *,
        people_path: str,
        name_people: bool,
        anonymous: set[str],
    ) -> None:
        """People of one build_index run (anonymous: folded names that stand for nobody)."""
        self.settings = settings
        self.registry = registry
        self.identity = identity
        self.claims = claims
        self.people_path = people_path
        self.name_people = name_people
        self.anonymous = anonymous
        self.persons: dict[str, Person] = {}
        # Spellings seen, for names chosen once everything is read (ordering.name_people).
        self.hints: dict[Person, Spellings] = {}
        self.handles: dict[Person, dict[tuple[str, str], str]] = {}
        self.written_as: dict[Person, Spellings] = {}
        # Rank of the item being read, for "earliest spelling wins ties": write-ups oldest
        # first, then comments oldest first (set by the linking pass).
        self.rank: tuple[Any, ...] = ()

    def _new(self, slug: str, name: str) -> Person:
        person = Person(name, slug, self.settings)
        self.persons[slug] = person
        self.hints[person] = Spellings()
        self.written_as[person] = Spellings()
        self.handles[person] = {}
        return person

    def registry_person(self, slug: str) -> Person:
        """The Person of a registry entry (made on first use)."""
        person = self.persons.get(slug)
        if person is not None and person.registered:
            return person
        record = self.registry[slug]
        source = Source(self.people_path, needle=f"[people.{slug}]", what=f"[people.{slug}]")
        self.claims.claim("person", slug, f"person:{slug}", source)
        if person is None:
            person = self._new(slug, record.name)
        person.registered = True
        person.affiliation = record.affiliation
        for network in (*NETWORKS, *sorted(set(record.handles) - set(NETWORKS))):
            for handle in record.handles.get(network, ()):
                person.profiles.append(
                    (network, handle, self.identity.profile_url(network, handle))
                )
        person.links = list(record.links)
        return person

    def named_registry_person(self, slug: str) -> Person | None:
        """The Person of a registry entry, unless the site may not name them."""
        return self.registry_person(slug) if self.identity.is_named(slug) else None

    def by_handle(self, ref: PersonRef, source: Source) -> Person | None:
        """The Person of a resolved handle; an unregistered handle on a registry slug is a collision."""
        if not ref.slug or not self.identity.is_named(ref.slug):
            return None
        if ref.registered and ref.slug in self.registry:
            person = self.registry_person(ref.slug)
            self.written_as[person].add("@" + ref.handle, self.rank)
            return person
        if ref.slug in self.registry:
            self.registry_person(ref.slug)  # the registry owns its slugs
        self.claims.claim("person", ref.slug, ref.identity, source)
        person = self.persons.get(ref.slug) or self._new(ref.slug, "")
        self.handles[person].setdefault((ref.network, ref.handle.casefold()), ref.handle)
        self.written_as[person].add("@" + ref.handle, self.rank)
        return person

    def by_name(self, text: str, source: Source) -> Person | None:
        """The Person of an Author / Session_leader / comment author: @handle, registry name or plain name."""
        text = " ".join(text.split())
        if not text:
            return None
        if text.startswith("@"):
            return self.by_handle(self.identity.ref(text), source)
        slugs = self.identity.registry_name(text)
        if len(slugs) == 1:
            return self.named_registry_person(slugs[0])
        if len(slugs) > 1:
            self.claims.once(
                ("ambiguous", source.path, text),
                source,
                f"'{text}' is the name of more than one person in people.toml "
                f"({', '.join(slugs)}); write their @handle instead",
            )
            return None
        if not self.name_people or fold_name(text) in self.anonymous:
            return None
        slug = name_slug(text)
        if not slug or not self.identity.is_named(slug):
            return None
        if slug in self.registry:
            self.registry_person(slug)
        self.claims.claim("person", slug, f"name:{fold_name(text)}", source)
        person = self.persons.get(slug) or self._new(slug, "")
        self.written_as[person].add(text, self.rank)
        return person

    def hint(self, person: Person, name_hint: str) -> None:
        """Count a name the text gave for a person (name_hint of a mention)."""
        hint = name_hint.strip()
        if hint:
            self.hints[person].add(hint, self.rank)
