"""Small helpers both format readers use on one parsed element."""

from __future__ import annotations

import datetime as dt
import html
import re

from lxml import etree

_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def children(element: etree._Element) -> dict[str, list[etree._Element]]:
    """An element's children grouped by local name (namespaces differ between versions)."""
    out: dict[str, list[etree._Element]] = {}
    for child in element:
        if isinstance(child.tag, str):
            out.setdefault(etree.QName(child).localname, []).append(child)
    return out


def text_of(kids: dict[str, list[etree._Element]], name: str) -> str:
    """The text of the first child called `name` ("" when there is none)."""
    found = kids.get(name)
    return (found[0].text or "") if found else ""


def plain(value: str) -> str:
    """Text from a title-like field: entities decoded, tags dropped, whitespace collapsed."""
    return _SPACE.sub(" ", _TAGS.sub("", html.unescape(value))).strip()


def release(element: etree._Element) -> None:
    """Free a processed element and the siblings before it, so memory stays flat."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def parse_iso(value: str) -> dt.datetime | None:
    """An Atom/ISO 8601 time as an aware datetime (None when absent or unreadable)."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
