"""HTML safety shared by the build and `invoke check`: the write-up allow-list and a script finder.

Write-up authors are trusted to write prose, not script: their HTML goes through a generous
allow-list (tables, images, figures, media, footnotes, definition lists, details) before it
reaches a page or a feed. Comments have their own, stricter list (breakout_comments.sanitize).
`unsafe_markup` is the independent second opinion: it parses a fragment as a browser would
and names every script element, event-handler attribute and script URL left in it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

# What an author may use; everything Python-Markdown and its `extra` extensions write is here.
WRITEUP_TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
        "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
        "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section",
        "small", "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "time", "tr", "track", "u", "ul", "var", "wbr", "audio",
        "video",
    }
)  # fmt: skip
WRITEUP_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role"},
    "a": {"href", "rel", "hreflang", "name"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "source": {"src", "srcset", "sizes", "type", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "audio": {"src", "controls", "preload", "loop", "muted"},
    "video": {"src", "controls", "preload", "loop", "muted", "poster", "width", "height"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align", "headers"},
    "th": {"colspan", "rowspan", "align", "scope", "headers", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "del": {"datetime", "cite"},
    "ins": {"datetime", "cite"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "details": {"open"},
    "abbr": {"title"},
}
WRITEUP_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Dropped with their content: their text is code or markup, never prose.
DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "svg", "math", "noscript", "template",
        "textarea", "select", "title", "xmp", "noembed", "noframes", "frameset", "applet",
    }
)  # fmt: skip

_cleaner = nh3.Cleaner(
    tags=set(WRITEUP_TAGS),
    clean_content_tags=set(DROP_WITH_CONTENT),
    attributes={tag: set(attrs) for tag, attrs in WRITEUP_ATTRIBUTES.items()},
    url_schemes=set(WRITEUP_SCHEMES),
    link_rel=None,  # authors' own rel values are kept
    # An HTML comment is a note for editors (`<!-- Date: … -->`): it stays in content/ and
    # is never published, in the page's source, its feeds or its search entry.
    strip_comments=True,
)


def sanitize_writeup(html: str) -> str:
    """A write-up's (or its Summary's) HTML with only the allow-listed markup left."""
    return _cleaner.clean(html)


# --- the finder -------------------------------------------------------------------------

URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "data", "xlink:href", "background", "poster",
        "cite", "srcdoc", "codebase", "lowsrc", "dynsrc", "manifest", "ping", "longdesc",
    }
)  # fmt: skip
SCRIPT_TAGS = frozenset({"script"})
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_SCRIPT_URL = re.compile(r"^(?:javascript|vbscript|data:text/html|data:image/svg)", re.I)
# Cheap test that a fragment may hold anything the finder looks for (most prose does not):
# a script tag or URL, a handler, a data: URL, or a character reference inside an attribute
# value (a reference in text, such as a footnote's &#8617;, cannot make a URL).
_MAYBE_SOURCES = (
    r"script",
    r"\bon[a-z]+\s*=",
    r"data\s*[:&]",
    r"=\s*(?:\"[^\"]*|'[^']*|[^\s>\"']*)&(?:#|colon|tab|newline)",
)
_MAYBE = re.compile("|".join(_MAYBE_SOURCES), re.I)
# The same tests for lower-cased text, without re.I: re.I compares every character through
# case folding and cannot skip ahead to a literal, about ten times slower on prose. Each
# but the handler test starts with a literal; that one is found without its \b (then "on"
# is a literal too) and the \b is checked on each candidate.
_MAYBE_LOWER = tuple(re.compile(source) for source in _MAYBE_SOURCES if "\\bon" not in source)
_HANDLER_LOWER = re.compile(r"on[a-z]+\s*=")
# Characters re.I matches to an ASCII letter besides its two cases (İ ı ſ K, as Python's
# re documents); lower() maps them elsewhere, so text holding one takes the re.I test.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def _maybe_unsafe(fragment: str) -> bool:
    """True where _MAYBE would match: the same answer, found in lower-cased text."""
    if any(c in fragment for c in _FOLDS_TO_ASCII):
        return _MAYBE.search(fragment) is not None
    text = fragment.lower()
    if any(pattern.search(text) for pattern in _MAYBE_LOWER):
        return True
    found = _HANDLER_LOWER.search(text)
    while found is not None:
        start = found.start()
        before = text[start - 1] if start else " "
        if not (before.isalnum() or before == "_"):  # \b before a word character
            return True
        found = _HANDLER_LOWER.search(text, start + 1)
    return False


def script_url(value: str) -> bool:
    """True if a browser would read value as a javascript:, vbscript: or HTML data: URL."""
    # As the URL standard does: trim C0 controls and spaces, drop tabs and newlines.
    squeezed = _TAB_NEWLINE.sub("", value.strip(_C0_AND_SPACE))
    return bool(_SCRIPT_URL.match(squeezed))


class _Finder(HTMLParser):
    """Collects script elements, event handlers and script URLs, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Judge one start tag and its attributes."""
        if tag in SCRIPT_TAGS:
            self.found.append(f"a <{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"an event handler {name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and value and script_url(value):
                self.found.append(f"a script URL in {name}= on <{tag}> ({value.strip()[:40]})")
            elif name == "content" and tag == "meta" and value and "url=" in value.lower():
                target = value.lower().split("url=", 1)[1]
                if script_url(target):
                    self.found.append(f"a script URL in a <meta> refresh ({value.strip()[:40]})")

    handle_startendtag = handle_starttag


def unsafe_markup(fragment: str) -> list[str]:
    """What in an HTML fragment could run script: one phrase per finding, [] when safe."""
    if not _maybe_unsafe(fragment):
        return []
    finder = _Finder()
    finder.feed(fragment)
    finder.close()
    return finder.found
