"""Feed kinds and entries as plain data, made ready to share between feeds (no feedgen import).

The feed plan (build.py), the paths and the output lane's parent need these, not feedgen:
importing feedgen (and lxml) in the main process costs 4 MiB of its peak memory on a cold
build, whose feeds are all rendered by the output lane. render.py imports feedgen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zlib
from collections.abc import Iterable
from typing import Literal, Protocol, TypeVar

from .jsonfeed import MEDIA_TYPE as JSON_MEDIA_TYPE
from .model import Category, CleanEntry, FeedEntry
from .text import xml_safe

Kind = Literal["rss", "atom", "json"]
KINDS: tuple[Kind, ...] = ("rss", "atom", "json")
MEDIA_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": JSON_MEDIA_TYPE,
}


class Sortable(Protocol):
    """Anything ordered like a feed entry (entries, and the build's cheaper stand-ins)."""

    @property
    def id(self) -> str:
        """The entry id."""

    @property
    def published(self) -> dt.datetime:
        """The publication date (aware)."""


S = TypeVar("S", bound=Sortable)


def clean_entry(entry: FeedEntry) -> CleanEntry:
    """The entry with every text field made XML-safe once, to share between many feeds."""
    if isinstance(entry, CleanEntry):
        return entry
    return CleanEntry(
        **{
            **{f.name: getattr(entry, f.name) for f in dataclasses.fields(entry)},
            "id": xml_safe(entry.id),
            "title": xml_safe(entry.title),
            "url": xml_safe(entry.url),
            "content_html": xml_safe(entry.content_html),
            "summary": xml_safe(entry.summary),
            "authors": tuple(xml_safe(a) for a in entry.authors),
            "categories": tuple(
                Category(xml_safe(c.term), xml_safe(c.label), xml_safe(c.scheme))
                for c in entry.categories
            ),
            "comments_url": xml_safe(entry.comments_url),
            "replies_rss": xml_safe(entry.replies_rss),
            "replies_atom": xml_safe(entry.replies_atom),
            "replies_atom_type": xml_safe(entry.replies_atom_type),
        }
    )


COMPACT_OVER = 1024  # characters: shorter content (most comments) is kept as it is


def compact(entry: CleanEntry) -> CleanEntry:
    """The entry with a long content_html held compressed (content_of() gives it back)."""
    if entry.content_z or len(entry.content_html) <= COMPACT_OVER:
        return entry
    # Level 1: a quarter of the bytes at a fraction of the default level's CPU.
    packed = zlib.compress(entry.content_html.encode("utf-8"), 1)
    return dataclasses.replace(entry, content_html="", content_z=packed)


def content_of(entry: FeedEntry) -> str:
    """The entry's content HTML, unpacked if compact() packed it."""
    if isinstance(entry, CleanEntry) and entry.content_z:
        return zlib.decompress(entry.content_z).decode("utf-8")
    return entry.content_html


def sort_entries(entries: Iterable[S], limit: int | None = None) -> list[S]:
    """Newest first by publication (ties by id), duplicates of an id dropped, then limited."""
    seen: set[str] = set()
    ordered: list[S] = []
    by_id = sorted(entries, key=lambda e: e.id)
    for entry in sorted(by_id, key=lambda e: e.published, reverse=True):
        if entry.id not in seen:
            seen.add(entry.id)
            ordered.append(entry)
    return ordered if limit is None else ordered[:limit]
