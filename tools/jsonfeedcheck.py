"""JSON Feed 1.1 checks for `invoke check` (tools.feedcheck runs them beside RSS and Atom's).

Rules: a JSON object with version https://jsonfeed.org/version/1.1, a title and an items
list; feed_url where the file is; every item has a unique string id, content_html or
content_text, RFC 3339 dates and absolute URLs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from breakout_feeds.paths import FeedPaths

from tools.feedrules import is_absolute_url, rfc3339_problem

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def _json_item_problems(item: Any, what: str, seen: set[str]) -> list[str]:
    """Problems of one JSON Feed item."""
    if not isinstance(item, dict):
        return [f"{what}: not an object"]
    p: list[str] = []
    iid = item.get("id")
    if not isinstance(iid, str) or not iid:
        p.append(f"{what}: needs a string id")
    elif iid in seen:
        p.append(f"{what}: id {iid} is not unique in the feed")
    else:
        seen.add(iid)
    if not isinstance(item.get("content_html"), str) and not isinstance(
        item.get("content_text"), str
    ):
        p.append(f"{what}: needs content_html or content_text")
    for key in ("url", "external_url"):
        if key in item and not is_absolute_url(item[key]):
            p.append(f"{what}: {key} {item[key]!r} is not an absolute URL")
    for key in ("date_published", "date_modified"):
        if key in item and (why := rfc3339_problem(str(item[key]))):
            p.append(f"{what} {key}: {why}")
    return p


def check_json_feed(data: bytes, name: str, rel: str | None = None) -> list[str]:
    """Problem lines for one JSON Feed document (rules in the module docstring)."""
    try:
        feed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return [f"{name}: not UTF-8 JSON: {exc}"]
    if not isinstance(feed, dict):
        return [f"{name}: a JSON Feed is an object"]
    p: list[str] = []
    if feed.get("version") != JSON_FEED_VERSION:
        p.append(f"version must be {JSON_FEED_VERSION!r}, not {feed.get('version')!r}")
    if not isinstance(feed.get("title"), str) or not feed["title"].strip():
        p.append("needs a title")
    for key in ("home_page_url", "feed_url"):
        if key in feed and not is_absolute_url(feed[key]):
            p.append(f"{key} {feed[key]!r} is not an absolute URL")
    if rel is not None and not str(feed.get("feed_url", "")).endswith("/" + rel):
        p.append(f"its feed_url {feed.get('feed_url')!r} is not where the file is")
    items = feed.get("items")
    if not isinstance(items, list):
        p.append("needs an items list")
        items = []
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        p += _json_item_problems(item, f"item {n}", seen)
    return [f"{name}: {problem}" for problem in p]


def json_feed_paths(output_dir: Path, settings: Mapping[str, Any]) -> list[str]:
    """Output paths of the JSON feeds the settings name (site, comments) or pages announce."""
    found: set[str] = set()
    paths = FeedPaths.from_settings(settings)
    for path in (paths.site("json"), paths.comments("json")):
        if path and (output_dir / path).is_file():
            found.add(path)
    article = paths.patterns.get("ARTICLE_COMMENTS_FEED_JSON")
    if article and "{date" not in article:  # a write-up's own, when turned on
        glob = article.format(dir="**", slug="*")
        found.update(p.relative_to(output_dir).as_posix() for p in output_dir.glob(glob))
    for pattern in ("PERSON_FEED_JSON", "TOPIC_FEED_JSON", "EVENT_FEED_JSON"):
        value = paths.patterns.get(pattern)
        if value:
            found.update(
                p.relative_to(output_dir).as_posix()
                for p in output_dir.glob(value.format(slug="*"))
            )
    return sorted(found)
