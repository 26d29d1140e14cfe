"""Plain data a feed is made of: no Pelican, no feedgen, just values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Used for a feed with no entries: a fixed date keeps empty feeds byte-identical across builds.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Category:
    """One topic of an entry: Atom term/label/scheme, RSS text/domain."""

    term: str  # topic slug
    label: str  # topic as written
    scheme: str = ""  # absolute URL of the topics index


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item/entry, every URL already absolute and every HTML fragment already rewritten."""

    id: str
    title: str  # plain text
    url: str  # the entry's page (rel=alternate / RSS link)
    published: dt.datetime  # aware
    updated: dt.datetime  # aware; = published unless the write-up was modified
    content_html: str
    summary: str  # plain text
    authors: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    comments_url: str = ""  # RSS <comments>: where comments are shown
    replies_rss: str = ""  # wfw:commentRss: the entry's comments feed for RSS readers
    replies_atom: str = ""  # Atom link rel="replies": the entry's comments feed
    # The replies feed's format: a write-up with one comments feed (RSS by default) points
    # both formats at it (RFC 4685 lets rel="replies" name any feed type).
    replies_atom_type: str = "application/atom+xml"


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """What a feed is about and where it lives (absolute URLs)."""

    title: str
    description: str
    link: str  # the page this feed follows (rel=alternate / RSS channel link)
    rss_url: str  # this feed as RSS (rel=self when rendering RSS)
    atom_url: str  # this feed as Atom (rel=self and feed id when rendering Atom)
    author: str  # feed-level author name; Atom needs one for entries that have none
    language: str = "en"
    max_items: int | None = None  # None: every entry
    fallback_updated: dt.datetime = EPOCH  # updated/lastBuildDate when there are no entries
    json_url: str = ""  # this feed as JSON Feed (its feed_url), "" when that format is off


@dataclass(frozen=True, slots=True)
class CleanEntry(FeedEntry):
    """A FeedEntry whose text is XML-safe already (render.clean_entry made it): render as is.

    While it waits between the feeds that hold it, a long content_html is kept as zlib
    bytes in content_z instead (render.compact): a write-up's entry lives until its last
    feed is written, and there are thousands of them.
    """

    content_z: bytes = b""
