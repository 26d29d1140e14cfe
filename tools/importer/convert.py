"""Imported HTML → safe Markdown: shortcodes and wpautop (WordPress), an allow-list
sanitiser (nh3), Twitter links back to @handles and #hashtags, markdownify, and a last
check that the Markdown renders to nothing that can run script."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import lxml.html
import markdown
import nh3
from bs4 import BeautifulSoup
from markdownify import ATX, BACKSLASH, MarkdownConverter

from tools.importer import shortcodes

TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em",
     "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
     "p", "pre", "q", "s", "small", "strike", "strong", "sub", "sup", "table", "tbody", "td",
     "tfoot", "th", "thead", "tr", "u", "ul", "figure", "figcaption", "caption"}
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
DROP_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "svg", "math", "noscript", "template",
     "textarea", "select", "title", "xmp", "noembed", "noframes", "frameset", "applet"}
)  # fmt: skip
_RISKY = re.compile(
    r"<(?:script|style|iframe|object|embed|applet|form|svg)\b"
    r"|\son\w+\s*=(?=[^<>]*>)"
    r"|(?:href|src)\s*=\s*[\"']?\s*(?:javascript|vbscript|data):",
    re.I,
)
_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(DROP_WITH_CONTENT),
    attributes={tag: set(attrs) for tag, attrs in ATTRIBUTES.items()},
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
    strip_comments=True,
)
TWITTER_HOSTS = frozenset({"twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com"})
_HANDLE = re.compile(r"@?([A-Za-z0-9_]{1,15})")
_TAG = re.compile(r"#?(\w+)")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_LOOSE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_BLANKS = re.compile(r"\n{3,}")


@dataclass
class Converted:
    """Markdown and the notes worth reporting about how it was made."""

    markdown: str
    notes: list[str] = field(default_factory=list)


class _Converter(MarkdownConverter):
    """markdownify, escaping whatever Python-Markdown (with extra) would read as markup."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        """Backslashes, brackets, braces (attr_list), raw-HTML starts and entities are
        escaped; `_` only at word edges, so @first_last handles stay intact."""
        if not text:
            return ""
        text = text.replace("\\", "\\\\").replace("*", r"\*").replace("`", r"\`")
        text = _LOOSE_UNDERSCORE.sub(r"\\_", text)
        text = re.sub(r"([\[\]{}])", r"\\\1", text)
        text = _ENTITY.sub("&amp;", text)
        return _TAG_START.sub("&lt;", text)

    def convert_img(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        """Images with their alt text escaped (it sits between brackets)."""
        alt = re.sub(r"([\[\]\\])", r"\\\1", el.attrs.get("alt", "") or "")
        src = (el.attrs.get("src", "") or "").replace(" ", "%20").replace(")", "%29")
        if not src:
            return alt
        return f"![{alt}]({src})"

    def convert_pre(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        """A fence longer than any backtick run inside, so code can never close it."""
        if not text:
            return ""
        longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}\n{text.strip(chr(10))}\n{fence}\n\n"


def _twitter_target(href: str) -> tuple[str, str] | None:
    """('@', handle) or ('#', tag) when a link points at a Twitter profile or hashtag."""
    parts = urlsplit(href)
    if parts.netloc.lower() not in TWITTER_HOSTS:
        return None
    path = parts.path
    if parts.fragment.startswith("!/"):  # the old #!/name and #!/search?q=%23tag links
        inner = urlsplit(parts.fragment[1:])
        path, query = inner.path, inner.query
    else:
        query = parts.query
    segments = [s for s in path.split("/") if s]
    if segments[:1] == ["hashtag"] and len(segments) == 2:
        return "#", unquote(segments[1])
    if segments[:1] == ["search"]:
        q = parse_qs(query).get("q", [""])[0]
        return ("#", q[1:]) if q.startswith("#") else None
    if len(segments) == 1 and _HANDLE.fullmatch(segments[0]):
        return "@", segments[0]
    return None


def _plain_handles(soup: BeautifulSoup) -> None:
    """`<a href="https://twitter.com/x">@x</a>` → `@x` (and hashtag links → `#tag`), so the
    text engine links them to person and topic pages."""
    for link in soup.find_all("a"):
        target = _twitter_target(link.get("href", ""))
        if not target:
            continue
        sigil, name = target
        text = link.get_text().strip()
        if sigil == "@" and _HANDLE.fullmatch(text) and text.lstrip("@").lower() == name.lower():
            link.replace_with(f"@{name}" if text.startswith("@") else text)
        elif sigil == "#" and text.lstrip("#").lower() == name.lower():
            link.replace_with(f"#{name}")


def _absolute(soup: BeautifulSoup, base: str) -> None:
    """Relative links and images pointed at the old blog: keep them pointing there."""
    for tag, attr in (("a", "href"), ("img", "src")):
        for element in soup.find_all(tag):
            value = element.get(attr)
            if value and not urlsplit(value).scheme and not value.startswith("#"):
                element[attr] = urljoin(base, value) if base else value


_RENDERER = markdown.Markdown(extensions=["extra", "sane_lists"])


def unsafe_parts(text: str) -> list[str]:
    """What in the Markdown, once rendered as the site renders it, could run script."""
    _RENDERER.reset()
    rendered = _RENDERER.convert(text)
    if not rendered.strip():
        return []
    found: list[str] = []
    for tag in lxml.html.fragment_fromstring(rendered, create_parent="div").iter():
        name = tag.tag if isinstance(tag.tag, str) else ""
        if name in DROP_WITH_CONTENT or name in ("form", "base", "link", "meta"):
            found.append(f"<{name}>")
        for attr, value in tag.attrib.items():
            if attr.startswith("on") or attr in ("style", "srcdoc", "formaction"):
                found.append(f"{attr}= on <{name}>")
            scheme = value.split(":", 1)[0].strip().lower() if ":" in value.split("/")[0] else ""
            if attr in ("href", "src") and scheme not in ("", "http", "https", "mailto"):
                found.append(f"{attr}={value[:40]!r}")
    return found


def html_to_markdown(
    raw: str,
    *,
    wordpress: bool,
    attachments: Mapping[str, str] | None = None,
    children: list[str] | None = None,
    note: Callable[[str], None] | None = None,
    base: str = "",
) -> Converted:
    """Convert one post's or comment's HTML into safe Markdown for the text engine."""
    result = Converted("")
    say = note or result.notes.append
    if not raw.strip():
        return result
    text = raw
    if wordpress:
        text = shortcodes.expand(text, attachments or {}, children or [], say)
    text = shortcodes.embeds(text, say)
    text = shortcodes.wpautop(text) if wordpress else shortcodes.blogger_paragraphs(text)
    risky = sorted({m.group(0).strip().lower() for m in _RISKY.finditer(text)})
    if risky:
        say(f"removed what could run script: {', '.join(risky)}")
    soup = BeautifulSoup(_CLEANER.clean(text), "html.parser")
    _plain_handles(soup)
    _absolute(soup, base)
    converted = _Converter(
        heading_style=ATX, bullets="-", newline_style=BACKSLASH, escape_underscores=False
    ).convert_soup(soup)
    converted = re.sub(
        r"\\\n(?=\s*(\n|$))", "\n", converted.strip() + "\n"
    )  # no break ends a block
    lines = [line.rstrip() for line in converted.strip().splitlines()]
    result.markdown = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    leftovers = unsafe_parts(result.markdown)
    if leftovers:  # never expected: the escaping above is meant to make this impossible
        say(f"could not convert safely ({', '.join(leftovers)}); kept as plain text")
        plain = soup.get_text("\n")
        result.markdown = "\n\n".join(
            _Converter(escape_misc=True).escape(p.strip(), set())
            for p in plain.split("\n")
            if p.strip()
        )
    return result
