"""Render one feed (RSS 2.0 or Atom 1.0) from plain data with feedgen: deterministic bytes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from .model import FeedEntry, FeedMeta
from .text import xml_safe

Kind = Literal["rss", "atom"]
KINDS: tuple[Kind, ...] = ("rss", "atom")
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
WFW_NS = "http://wellformedweb.org/CommentAPI/"
GENERATOR = "Breakout"  # no version: upgrading a dependency must not change the bytes


class _NoFeedExtension(BaseExtension):
    """Feed-level half of the replies extensions (they only touch entries)."""


class _RssRepliesNs(BaseExtension):
    """Declares the wfw namespace once on the RSS root."""

    def extend_ns(self) -> dict[str, str]:
        """Namespaces this extension needs on the root element."""
        return {"wfw": WFW_NS}


class _AtomReplies(BaseEntryExtension):
    """Adds link rel="replies" (RFC 4685) pointing at the entry's comments feed."""

    href = ""

    def extend_atom(self, entry: Any) -> Any:
        """Append the replies link (feedgen's own link() refuses rel="replies")."""
        if self.href:
            xml_elem("link", entry, href=self.href, rel="replies", type=MEDIA_TYPES["atom"])
        return entry


class _RssReplies(BaseEntryExtension):
    """Adds wfw:commentRss, the item's comments feed, which RSS readers follow."""

    href = ""

    def extend_rss(self, item: Any) -> Any:
        """Append wfw:commentRss."""
        if self.href:
            xml_elem(f"{{{WFW_NS}}}commentRss", item).text = self.href
        return item


def sort_entries(entries: Iterable[FeedEntry], limit: int | None = None) -> list[FeedEntry]:
    """Newest first by publication (ties by id), duplicates of an id dropped, then limited."""
    seen: set[str] = set()
    ordered: list[FeedEntry] = []
    by_id = sorted(entries, key=lambda e: e.id)
    for entry in sorted(by_id, key=lambda e: e.published, reverse=True):
        if entry.id not in seen:
            seen.add(entry.id)
            ordered.append(entry)
    return ordered if limit is None else ordered[:limit]


def feed_updated(meta: FeedMeta, entries: list[FeedEntry]) -> dt.datetime:
    """The newest entry's updated date (never the build time), else the meta's fallback."""
    return max((e.updated for e in entries), default=meta.fallback_updated)


def _generator(meta: FeedMeta, kind: Kind, updated: dt.datetime) -> FeedGenerator:
    """A FeedGenerator with the feed-level fields set."""
    fg = FeedGenerator()
    self_url = xml_safe(meta.rss_url if kind == "rss" else meta.atom_url)
    title = xml_safe(meta.title).strip() or "Feed"
    fg.id(self_url)  # the Atom feed's own URL: unique per feed and as stable as the site's URL
    fg.title(title)
    fg.description(xml_safe(meta.description).strip() or title)  # also the Atom subtitle
    fg.link(href=self_url, rel="self", type=MEDIA_TYPES[kind])
    fg.link(href=xml_safe(meta.link), rel="alternate", type="text/html")  # RSS channel link
    fg.author(name=xml_safe(meta.author).strip() or title)
    fg.language(meta.language)
    fg.generator(GENERATOR)
    fg.updated(updated)  # feedgen defaults to now: builds would never be byte-identical
    if kind == "rss":
        fg.load_extension("dc", atom=False, rss=True)  # dc:creator: RSS <author> must be an email
        fg.register_extension("wfw", _RssRepliesNs, _RssReplies, atom=False, rss=True)
    else:
        fg.register_extension("replies", _NoFeedExtension, _AtomReplies, atom=True, rss=False)
    return fg


def _add_entry(fg: FeedGenerator, entry: FeedEntry, kind: Kind) -> None:
    """Add one entry, every text field made XML-safe."""
    fe = fg.add_entry(order="append")
    title = xml_safe(entry.title).strip() or "(untitled)"
    fe.id(xml_safe(entry.id))  # RSS: <guid isPermaLink="false">
    fe.title(title)
    fe.link(href=xml_safe(entry.url), rel="alternate", type="text/html")
    fe.published(entry.published)
    fe.updated(entry.updated)
    fe.content(xml_safe(entry.content_html), type="html")  # RSS: content:encoded
    fe.summary(xml_safe(entry.summary).strip() or title, type="text")  # RSS: description
    authors = [a for a in (xml_safe(name).strip() for name in entry.authors) if a]
    for category in entry.categories:
        fe.category(
            term=xml_safe(category.term),
            label=xml_safe(category.label) or xml_safe(category.term),
            scheme=xml_safe(category.scheme) or None,
        )
    if kind == "rss":
        for name in authors:
            fe.dc.dc_creator(name)
        if entry.comments_url:
            fe.comments(xml_safe(entry.comments_url))
        fe.wfw.href = xml_safe(entry.replies_rss)
    else:
        if authors:
            fe.author([{"name": name} for name in authors])
        fe.replies.href = xml_safe(entry.replies_atom)


def render_feed(feed_meta: FeedMeta, entries: Iterable[FeedEntry], kind: Kind) -> bytes:
    """The feed as UTF-8 XML bytes: newest first, at most max_items, same input same bytes."""
    if kind not in KINDS:
        raise ValueError(f"kind must be 'rss' or 'atom', not {kind!r}")
    chosen = sort_entries(entries, feed_meta.max_items)
    fg = _generator(feed_meta, kind, feed_updated(feed_meta, chosen))
    for entry in chosen:
        _add_entry(fg, entry, kind)
    if kind == "rss":
        return fg.rss_str(pretty=True)
    return fg.atom_str(pretty=True)
