"""Text for feeds: XML-safe strings, HTML to plain text, absolute URLs in HTML fragments."""

from __future__ import annotations

import functools
import html
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

# Characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF),
# plus the C1 controls and noncharacters it discourages: pasted from word processors,
# never meaningful in prose, and one of them is enough to stop a feed from parsing.
_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}-{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)
_NOT_XML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + _NONCHARACTERS
    + "]"
)
# The same set split in three: re scans a class of BMP ranges with a bitmap, but a class
# holding astral ranges range by range (about 15× slower), and most text is ASCII or BMP.
_NOT_XML_ASCII = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_XML_BMP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NOT_XML_ASTRAL = re.compile("[" + _NONCHARACTERS + "]")
_SPACE = re.compile(r"\s+")
URL_ATTRIBUTES = ("href", "src", "poster")


def xml_safe(text: str) -> str:
    """Remove every character that XML 1.0 forbids or discourages."""
    if text.isascii():  # O(1) in CPython: ASCII strings are flagged
        return _NOT_XML_ASCII.sub("", text) if _NOT_XML_ASCII.search(text) else text
    if _NOT_XML_BMP.search(text):
        text = _NOT_XML_BMP.sub("", text)
    if _ASTRAL.search(text) and _NOT_XML_ASTRAL.search(text):
        text = _NOT_XML_ASTRAL.sub("", text)
    return text


class _TextOf(HTMLParser):
    """The text of an HTML fragment: character data, CDATA sections, entities decoded.

    What BeautifulSoup's get_text() gives with its html.parser builder, without importing
    BeautifulSoup: that import brought lxml and html5lib with it, 11 MiB in every process
    that made a title's text, the main one included (a title with "&" is enough). Comments,
    declarations, processing instructions and script, style and template contents are not
    text. Entities are decoded by HTML5's rules (html.unescape), where BeautifulSoup lost
    the "&" of an unknown reference at the end ("Q&A" gave "QA") and the ";" of one
    elsewhere.
    """

    HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        """An empty parser that decodes character references in data."""
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0  # depth inside script/style/template

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter a hidden element."""
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        """Leave a hidden element."""
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        """Keep text outside hidden elements."""
        if not self.hidden:
            self.parts.append(data)

    def unknown_decl(self, data: str) -> None:
        """Keep a CDATA section's text."""
        if data.startswith("CDATA["):
            self.parts.append(data[6:])


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (tags dropped, entities decoded, spaces collapsed)."""
    if "<" not in fragment and "&" not in fragment:
        # Nothing to parse (most titles and names): the parser would return the text as is.
        return _SPACE.sub(" ", xml_safe(fragment)).strip()
    # Clean before parsing (the parser keeps controls) and after (&#1; decodes to one).
    parser = _TextOf()
    parser.feed(xml_safe(fragment))
    parser.close()
    return _SPACE.sub(" ", xml_safe("".join(parser.parts))).strip()


# Markup an HTML text pass skips whole: comments, CDATA, declarations, processing
# instructions, and script/style elements (their text is code, never prose).
_HIDDEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<[!?][^>]*>?"
    r"|<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.S | re.I,
)
_TAG = re.compile(r"""</?[A-Za-z](?>[^>"']+|"[^"]*"|'[^']*')*>?""")


def fragment_text(fragment: str) -> str:
    """Plain text of a long, trusted-shape HTML fragment (Markdown or sanitised output), fast.

    For summaries: like html_to_text, but with regular expressions instead of a parser,
    so a stray '<' that does not start a tag stays text and tags join text without a space.
    """
    text = _TAG.sub("", _HIDDEN.sub("", xml_safe(fragment)))
    if "&" in text:
        text = xml_safe(html.unescape(text))  # &#1; decodes to a control character
    return _SPACE.sub(" ", text).strip()


def truncate_words(text: str, words: int) -> str:
    """The first `words` words of text, with an ellipsis when something was cut."""
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + " …"


@functools.lru_cache(maxsize=4096)
def _urljoin(base: str, url: str) -> str:
    """urljoin that leaves a URL it cannot parse (e.g. a broken IPv6 host) as it was."""
    try:
        return urljoin(base, url)
    except ValueError:
        return url


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_WITH_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]")  # an absolute URL with a host
_ORIGIN = re.compile(r"[^:/?#]+://[^/?#]*")


def _join(base: str, url: str) -> str:
    """url resolved against base, as urljoin, with a cache that works across pages.

    A root-relative URL ("/people/x/") resolves the same against any page of a site, and
    an absolute one the same against any base of its scheme, so those are cached under
    the base's origin or scheme: write-ups link the same people and topics over and over.
    """
    url = url.strip()
    if url.startswith("/") and not url.startswith("//"):
        origin = _ORIGIN.match(base)
        if origin:
            return _urljoin(origin.group(0) + "/", url)
    elif _WITH_HOST.match(url):
        scheme = _SCHEME.match(base)
        if scheme:
            return _urljoin(scheme.group(0) + "//", url)
    return _urljoin(base, url)


def absolute_srcset(base: str, srcset: str) -> str:
    """Rewrite each image candidate URL of a srcset against base, keeping descriptors."""
    candidates: list[str] = []
    pos, n = 0, len(srcset)
    while pos < n:
        # Candidates are separated by commas; a URL is a run of non-space characters.
        while pos < n and (srcset[pos].isspace() or srcset[pos] == ","):
            pos += 1
        start = pos
        while pos < n and not srcset[pos].isspace():
            pos += 1
        url = srcset[start:pos]
        if not url:
            break
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            end = srcset.find(",", pos)
            end = n if end == -1 else end
            descriptor = srcset[pos:end].strip()
            pos = end
        candidates.append(f"{_join(base, url)} {descriptor}".strip())
    return ", ".join(candidates)


# Start tags as Python's html.parser reads them (its tolerant grammar, which the earlier
# BeautifulSoup pass used), with atomic groups. Like html.parser, a tag broken before its
# '>' (an unclosed quote, the end of the text) ends where its attributes do: requiring the
# '>' would make every later '<' rescan to the break (quadratic).
_MARKUP = re.compile(
    r"""
    <!--.*?(?:-->|\Z)                             # comment: left as it is
    | <!\[CDATA\[.*?(?:\]\]>|\Z)                  # CDATA section
    | <[!?][^>]*>?                                # declaration, processing instruction
    | <(?P<name>[a-zA-Z][^\t\n\r\f />\x00]*)      # start tag name
      (?P<attrs>(?>
        [\s/]*
        (?>(?<=['"\s/])[^\s/>][^\s/=>]*           # attribute name
          (?>\s*=+\s*(?>'[^']*'|"[^"]*"|(?!['"])[^>\s]*)\s*)?
          (?:\s|/(?!>))*
        )*
      ))
      (?:\s*/?>)?
    """,
    re.S | re.X,
)
_ATTR = re.compile(
    r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?"""
)
_URL_ATTRS = re.compile(r"href|src|poster", re.I)  # a cheap pre-check (srcset has src)
_RAW_TEXT = ("script", "style")  # their content is not markup, as html.parser reads it
_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _drop_bad_charref(m: re.Match[str]) -> str:
    """'' for a character reference to a character XML forbids, else the reference."""
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    if code > 0x10FFFF or 0x80 <= code <= 0x9F:  # HTML maps these to U+FFFD or cp1252
        return m.group(0)
    return m.group(0) if not _NOT_XML.search(chr(code)) else ""


def _rewrite_attrs(attrs: str, base: str) -> str:
    """The attribute text of one start tag with its URL attributes made absolute."""

    def one(m: re.Match[str]) -> str:
        name = m.group(1).lower()
        if (name not in URL_ATTRIBUTES and name != "srcset") or m.group(3) is None:
            return m.group(0)  # not a URL, or no value (e.g. a tag cut at an unclosed quote)
        raw = m.group(3) or ""
        if raw[:1] in ("'", '"'):
            raw = raw[1:-1]
        value = html.unescape(raw)
        new = absolute_srcset(base, value) if name == "srcset" else _join(base, value)
        if new == value:
            return m.group(0)  # already absolute: keep the author's bytes
        return f'{m.group(1)}="{html.escape(new, quote=True)}"'

    return _ATTR.sub(one, attrs)


def absolute_html(fragment: str, base: str) -> str:
    """The fragment with every href/src/srcset/poster made absolute against base.

    A tokenizer over the markup instead of a parse and re-serialisation: only URL
    attribute values change, so the feed carries the page's HTML byte for byte otherwise.
    """
    text = xml_safe(fragment)
    if "&#" in text:
        text = _CHARREF.sub(_drop_bad_charref, text)  # &#1; would decode to a control
    if not _URL_ATTRS.search(text):
        return text
    out: list[str] = []
    pos = 0
    while True:
        m = _MARKUP.search(text, pos)
        if m is None:
            break
        name = m.group("name")
        if name is None:
            out.append(text[pos : m.end()])
            pos = m.end()
            continue
        attrs = m.group("attrs")
        out.append(text[pos : m.start("attrs")])
        out.append(_rewrite_attrs(attrs, base) if _URL_ATTRS.search(attrs) else attrs)
        out.append(text[m.end("attrs") : m.end()])
        pos = m.end()
        if name.lower() in _RAW_TEXT:
            # Script and style content is not markup: skip to the element's end tag.
            end = re.compile(rf"</{name}\s*>", re.I).search(text, pos)
            stop = len(text) if end is None else end.start()
            out.append(text[pos:stop])
            pos = stop
    out.append(text[pos:])
    return "".join(out)
