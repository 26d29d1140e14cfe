"""Which person (registry slug) wrote a comment: by handle first, then by exact name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from .parse import normalise_space


class PersonLike(Protocol):
    """What is needed of a registry entry (breakout_kernel.data.PersonRecord)."""

    slug: str
    name: str
    handles: Mapping[str, tuple[str, ...]]
    aliases: tuple[str, ...]


def _key(text: str) -> str:
    """Case- and space-insensitive form of a name or handle."""
    return normalise_space(text).casefold()


def handle_index(people: Mapping[str, PersonLike]) -> Callable[[str], str]:
    """Handle -> slug over the registry's handles and aliases (used only without breakout_text)."""
    index: dict[str, str] = {}
    for slug in sorted(people):
        record = people[slug]
        for handle in [h for hs in record.handles.values() for h in hs] + list(record.aliases):
            index.setdefault(_key(handle.lstrip("@")), slug)
    return lambda handle: index.get(_key(handle.lstrip("@")), "")


class PersonFinder:
    """Finds the person page for a comment's author; names that two people share link to nobody."""

    def __init__(
        self, people: Mapping[str, Any], by_handle: Callable[[str], str] | None = None
    ) -> None:
        """Index registry names; by_handle maps a handle to a person slug ("" if unknown)."""
        self._by_handle = by_handle or handle_index(people)
        names: dict[str, set[str]] = {}
        for slug, record in people.items():
            if record.name:
                names.setdefault(_key(record.name), set()).add(slug)
        self._by_name = {name: next(iter(s)) for name, s in names.items() if len(s) == 1}

    def find(self, author: str, handle: str) -> str:
        """Person slug for this author and handle, or "" when nobody in the registry matches."""
        if handle:
            slug = self._by_handle(handle)
            if slug:
                return slug
        return self._by_name.get(_key(author), "")
