"""The BREAKOUT_FEEDS settings dict: keys, defaults and checks (no Pelican import)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from breakout_kernel.settings import Option, is_type, one_of, positive_int, validate_settings

from .ids import valid_authority


def _http_url(value: Any) -> bool:
    """True for an absolute http(s) URL."""
    return isinstance(value, str) and value.startswith(("http://", "https://")) and len(value) > 8


SCHEMA = {
    # Site-wide feeds and comments feeds (the site's and each write-up's).
    "MAX_ITEMS": Option(50, positive_int, "a whole number of at least 1"),
    # A person's, topic's or event's feed: a subscriber needs the newest few, and the
    # hundreds of entity feeds would otherwise carry most of the site's bytes.
    "ENTITY_MAX_ITEMS": Option(10, positive_int, "a whole number of at least 1"),
    # What a person's, topic's or event's feed entry carries: "full" (the whole write-up,
    # as the site feed) or "summary" (summary and link: about a tenth of the bytes).
    "ENTITY_CONTENT": Option("full", one_of("full", "summary"), "'full' or 'summary'"),
    "SUMMARY_LENGTH": Option(60, positive_int, "a number of words, at least 1"),
    # A write-up whose HTML is longer (in characters) carries its summary and link in every
    # feed, and the build warns: feed readers choke on entries of megabytes, and each
    # write-up is in several feeds (site, people, topics, event), in RSS and in Atom.
    "FULL_TEXT_LIMIT": Option(1_000_000, positive_int, "a number of characters, at least 1"),
    "ID_AUTHORITY": Option(
        "breakout",
        lambda v: isinstance(v, str) and valid_authority(v),
        "a DNS name or email address (the tag: URI authority)",
    ),
    "ID_LEDGER": Option(
        "feed-ids.toml", lambda v: isinstance(v, str) and bool(v), "a file path under content/"
    ),
    # Only when SITEURL is empty (local builds): feeds must have absolute links.
    "LOCAL_SITEURL": Option("http://127.0.0.1:8000", _http_url, "an absolute http(s) URL"),
    "AUTHOR": Option("", is_type(str), "the feeds' author name (default: SITENAME)"),
}


def options(settings: Mapping[str, Any]) -> dict[str, Any]:
    """BREAKOUT_FEEDS merged over its defaults (bad values are logged at initialized)."""
    return validate_settings("BREAKOUT_FEEDS", settings.get("BREAKOUT_FEEDS"), SCHEMA)[0]
