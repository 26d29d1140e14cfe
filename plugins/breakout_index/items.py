"""Reading the items the index is built from: articles and comments as objects or dicts (pure)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from breakout_kernel.handles import ascii_slug

SLUG_MAX = 80  # longer session slugs are cut and given a hash suffix (file names stay short)


def get(obj: Any, name: str, default: Any = None) -> Any:
    """Attribute of an object, or key of a dict: articles and comments may be either."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def timestamp(value: Any) -> float:
    """Seconds for sorting; naive values are read as UTC so fakes and real articles both sort."""
    if isinstance(value, dt.datetime):
        return value.timestamp() if value.tzinfo else value.replace(tzinfo=dt.UTC).timestamp()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp()
    return float("-inf")


def item_url(obj: Any) -> str:
    """An article's URL (its slug when it has none, as fakes in tests)."""
    return str(get(obj, "url", "") or get(obj, "slug", "") or "")


def session_slug(title: str) -> str:
    """Slug of a session title; long ones are cut and suffixed with a hash of the whole slug."""
    slug = ascii_slug(title.lstrip("#"))
    if len(slug) <= SLUG_MAX:
        return slug
    digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
    return slug[:SLUG_MAX].rstrip("-_") + "-" + digest
