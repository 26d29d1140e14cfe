"""Render JSON Feed 1.1 (https://jsonfeed.org/version/1.1) from the same plain data as RSS/Atom.

Typed data in, json.dumps out: no string building. Entry ids, order and limit are exactly
those of the RSS and Atom files of the same feed (render.render_kinds chooses the entries).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from .model import FeedEntry, FeedMeta

VERSION = "https://jsonfeed.org/version/1.1"
MEDIA_TYPE = "application/feed+json"


def _date(value: dt.datetime) -> str:
    """RFC 3339, as the spec asks (the dates are aware)."""
    return value.isoformat()


def json_item(entry: FeedEntry, content: str) -> dict[str, Any]:
    """One item: content_html when the entry carries HTML, else its summary as content_text."""
    title = entry.title.strip() or "(untitled)"
    item: dict[str, Any] = {"id": entry.id, "url": entry.url, "title": title}
    if content:
        item["content_html"] = content
    else:  # a summary-only entry (ENTITY_CONTENT "summary"): the spec needs one content field
        item["content_text"] = entry.summary.strip() or title
    if entry.summary.strip():
        item["summary"] = entry.summary.strip()
    item["date_published"] = _date(entry.published)
    if entry.updated != entry.published:
        item["date_modified"] = _date(entry.updated)
    authors = [{"name": a.strip()} for a in entry.authors if a.strip()]
    if authors:
        item["authors"] = authors
    tags = [c.label or c.term for c in entry.categories]
    if tags:
        item["tags"] = tags
    return item


def render_json(
    meta: FeedMeta,
    entries: Sequence[FeedEntry],
    content_of: Callable[[FeedEntry], str],
) -> bytes:
    """The feed as UTF-8 JSON bytes; entries are already chosen, sorted and limited."""
    title = meta.title.strip() or "Feed"
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": title,
        "home_page_url": meta.link,
    }
    if meta.json_url:
        feed["feed_url"] = meta.json_url
    feed["description"] = meta.description.strip() or title
    feed["language"] = meta.language
    feed["authors"] = [{"name": meta.author.strip() or title}]
    feed["items"] = [json_item(e, content_of(e)) for e in entries]
    # Compact (json's C encoder; indent falls back to Python), UTF-8 as the spec requires.
    text = json.dumps(feed, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")
