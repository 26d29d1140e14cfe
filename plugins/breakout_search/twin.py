"""What Pagefind is given of a listing page: the page less what it would ignore (pure).

Pagefind's time on a page grows with all of its markup, not only with the text it
indexes: a person page is mostly lists of write-ups marked data-pagefind-ignore, and
Pagefind still walks every element of them (2,260 person pages at 2,000 write-ups: 1.3 s
of Pagefind's CPU as built, 0.25 s without those lists and the page's navigation; moving
the lists out of the indexed element saves nothing). Its bundle is byte-identical either
way, since nothing it indexes or records is cut.

So a page whose indexed element says the cut is safe (`TWIN_MARK`, set by the theme's
person, topic and event templates, whose ignored parts are made by the templates alone)
is staged as its twin: the page's <head>, then the indexed element with each element
marked data-pagefind-ignore left out. Any other page, or one whose markup the cut does
not follow, is staged as it is.
"""

from __future__ import annotations

import re

TWIN_MARK = b"data-search-twin"  # on the data-pagefind-body element: its twin may be indexed
TWIN_VERSION = 1  # bump when the cut changes: shards indexed from older twins are redone

_NAME = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)[\s/>]")
_AFTER_ATTRIBUTE = frozenset(b" \t\r\n\f=/>")  # what may follow an attribute's name
_ENDS = (b" ", b"\t", b"\r", b"\n", b"\f", b"/", b">")  # what may follow a tag name


def attribute_at(data: bytes, attribute: bytes, start: int = 0, limit: int | None = None) -> int:
    """Where the first attribute so named in a tag of data[start:limit] begins, or -1.

    An attribute name of its own inside a tag: not text that mentions it, nor part of a
    longer name (data-pagefind-body-x).
    """
    limit = len(data) if limit is None else limit
    at = data.find(attribute, start, limit)
    while at >= 0:
        end = at + len(attribute)
        if (
            data.rfind(b"<", start, at) > data.rfind(b">", start, at)
            and data[at - 1 : at].isspace()
            and end < len(data)
            and data[end] in _AFTER_ATTRIBUTE
        ):
            return at
        at = data.find(attribute, end, limit)
    return -1


def _start_tag(
    data: bytes, attribute: bytes, start: int, limit: int
) -> tuple[int, int, bytes] | None:
    """The first start tag in data[start:limit] with the attribute: (its start, its end, its name)."""
    at = attribute_at(data, attribute, start, limit)
    if at < 0:
        return None
    lt = data.rfind(b"<", start, at)
    name = _NAME.match(data, lt)
    close = data.find(b">", at + len(attribute), limit)
    if name is None or close < 0:
        return None
    return lt, close + 1, name.group(1)


def _tag_at(data: bytes, prefix: bytes, start: int, limit: int) -> int:
    """Where the first tag starting with prefix ('<name' or '</name') is in data[start:limit],
    its name not a longer one (<section, not <sectionx); -1 if none."""
    at = data.find(prefix, start, limit)
    while at >= 0 and data[at + len(prefix) : at + len(prefix) + 1] not in _ENDS:
        at = data.find(prefix, at + len(prefix), limit)
    return at


def _element_end(data: bytes, name: bytes, after: int, limit: int) -> int | None:
    """The end of the end tag closing the element whose start tag ends at after, or None.

    Nested elements of the same name are counted; names are matched as written (the
    theme writes them in lower case), so each step is a literal search.
    """
    opening, closing = b"<" + name, b"</" + name
    depth = 0
    at = after
    while True:
        close = _tag_at(data, closing, at, limit)
        if close < 0:
            return None
        inner = _tag_at(data, opening, at, close)
        if inner >= 0:  # an element of the same name opens first: its end tag is not ours
            depth += 1
            at = inner + len(opening)
            continue
        if depth:
            depth -= 1
            at = close + len(closing)
            continue
        end = data.find(b">", close + len(closing), limit)
        return None if end < 0 else end + 1


def search_twin(data: bytes) -> bytes | None:
    """The page Pagefind may index in place of data, or None to index data itself."""
    head_end = data.find(b"</head>")
    if head_end < 0 or TWIN_MARK not in data:
        return None
    head_end += len(b"</head>")
    body = _start_tag(data, b"data-pagefind-body", head_end, len(data))
    if body is None or _start_tag(data, TWIN_MARK, body[0], body[1]) is None:
        return None
    body_start, at, name = body
    body_end = _element_end(data, name, at, len(data))
    # A comment may hold text that reads as tags, which the counting would take in.
    if body_end is None or data.find(b"<!--", body_start, body_end) >= 0:
        return None
    parts = [data[:head_end], b"<body>"]
    kept_from = body_start
    while (ignored := _start_tag(data, b"data-pagefind-ignore", at, body_end)) is not None:
        start, tag_end, name = ignored
        end = _element_end(data, name, tag_end, body_end)
        if end is None:
            return None  # not closed inside the indexed element: leave the page whole
        parts.append(data[kept_from:start])
        kept_from = at = end
    parts.append(data[kept_from:body_end])
    parts.append(b"</body></html>\n")
    return b"".join(parts)
