"""WordPress's own markup in post text: shortcodes, wpautop paragraphs, bare embed URLs.

Everything here works on the raw post HTML, before it is sanitised (tools.importer.convert).
"""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Callable, Mapping

# Names WordPress core and Jetpack register: a bare `[name]` with one of these is a
# shortcode; any other bracketed word ("[sic]", "[1]") is text unless it has attributes
# or a closing tag.
KNOWN = frozenset(
    {"caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist", "youtube",
     "vimeo", "tweet", "twitter", "soundcloud", "googlemaps", "slideshare", "scribd",
     "polldaddy", "contact-form", "archives", "sitemap", "instagram", "flickr"}
)  # fmt: skip
MEDIA = frozenset(
    {"audio", "video", "youtube", "vimeo", "tweet", "twitter", "soundcloud", "googlemaps",
     "slideshare", "scribd", "instagram", "flickr"}
)  # fmt: skip
_ENCLOSING = re.compile(r"\[([A-Za-z][\w-]*)((?:\s[^\]]*)?)\](.*?)\[/\1\]", re.S)
_SINGLE = re.compile(r"(?<!\[)\[([A-Za-z][\w-]*)((?:\s[^\]]*?)?)\s*/?\](?!\])")
_ESCAPED = re.compile(r"\[(\[[A-Za-z][\w-]*[^\]]*\])\]")
_URL = re.compile(r"https?://[^\s\"'<>\]]+")
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_IFRAME = re.compile(
    r"<iframe\b[^>]*\bsrc=[\"']?(https?://[^\"'\s>]+)[^>]*>(?:.*?</iframe>)?", re.I | re.S
)
_BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)
BLOCK = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|"
    r"form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|"
    r"article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_BLOCK_OPEN = re.compile(rf"(<{BLOCK}(?=[\s/>]))", re.I)
_BLOCK_CLOSE = re.compile(rf"(</{BLOCK}>)", re.I)
_PARTS = re.compile(
    rf"^((?:\s*</?{BLOCK}\b[^>]*>)*)(.*?)((?:</?{BLOCK}\b[^>]*>\s*)*)$", re.I | re.S
)
# After one of these a line break stays a <br>, not a new paragraph (tight lists, cells).
_INLINE_CONTAINERS = re.compile(
    r"<(?:li|td|th|dt|dd|h[1-6]|p|figcaption|caption|pre)\b[^>]*>\s*$", re.I
)
_PRE = re.compile(r"<pre\b.*?</pre>", re.I | re.S)


def _attrs(text: str) -> dict[str, str]:
    """Shortcode attributes: name="value" pairs, and bare values as "0", "1", …"""
    try:
        words = shlex.split(html.unescape(text.replace("”", '"').replace("″", '"')))
    except ValueError:
        words = text.split()
    out: dict[str, str] = {}
    for index, word in enumerate(words):
        name, eq, value = word.partition("=")
        out[name.lower() if eq else str(index)] = value if eq else word
    return out


def _link(url: str) -> str:
    """A paragraph holding one link to `url`."""
    safe = html.escape(url, quote=True)
    return f'<p><a href="{safe}">{safe}</a></p>'


def expand(
    text: str,
    attachments: Mapping[str, str],
    children: list[str],
    note: Callable[[str], None],
) -> str:
    """Replace shortcodes with HTML; `attachments` maps ids to URLs, `children` are the
    URLs of the post's own attachments (a gallery without ids shows those)."""

    def enclosing(match: re.Match[str]) -> str:
        name, attrs, inner = match.group(1).lower(), _attrs(match.group(2)), match.group(3)
        if name in ("caption", "wp_caption"):
            images = "".join(_IMG.findall(inner)) or ""
            caption = _IMG.sub("", re.sub(r"</?a\b[^>]*>", "", inner)).strip()
            caption = caption or attrs.get("caption", "")
            return f"<p>{images}</p>" + (f"<p><em>{caption}</em></p>" if caption else "")
        if name == "embed" or name in MEDIA:
            url = _URL.search(inner) or _URL.search(" ".join(attrs.values()))
            if url:
                return _link(url.group(0))
        note(f"unknown shortcode [{name}] removed (its text kept)")
        return inner

    def single(match: re.Match[str]) -> str:
        name, raw = match.group(1).lower(), match.group(2)
        if name not in KNOWN and "=" not in raw:
            return match.group(0)  # "[sic]", "[1]": text, not a shortcode
        attrs = _attrs(raw)
        if name == "gallery":
            ids = [i.strip() for i in attrs.get("ids", attrs.get("include", "")).split(",")]
            urls = [attachments[i] for i in ids if i in attachments] if ids != [""] else children
            missing = [i for i in ids if i and i not in attachments]
            if missing or not urls:
                note(
                    "[gallery] images not in the export: "
                    + (", ".join(missing) if missing else "no attachments for this post")
                )
            return "".join(f'<p><img src="{html.escape(u, quote=True)}" alt=""></p>' for u in urls)
        if name in MEDIA or name == "embed":
            url = _URL.search(" ".join(attrs.values()))
            if url:
                return _link(url.group(0))
        note(f"shortcode [{name}] removed: it has no equivalent in a static site")
        return ""

    text = _ESCAPED.sub(lambda m: "\x00" + m.group(1)[1:-1] + "\x01", text)
    previous = None
    while previous != text:  # nested shortcodes: innermost first, until nothing changes
        previous = text
        text = _ENCLOSING.sub(enclosing, text)
    text = _SINGLE.sub(single, text)
    return text.replace("\x00", "[").replace("\x01", "]")


def embeds(text: str, note: Callable[[str], None]) -> str:
    """Iframes (YouTube and the like) and WordPress's bare embed URLs become links."""

    def iframe(match: re.Match[str]) -> str:
        note(f"embedded frame replaced by a link to {match.group(1)}")
        return _link(match.group(1))

    text = _IFRAME.sub(iframe, text)
    return _BARE_URL_LINE.sub(lambda m: _link(m.group(1)), text)


_BR_RUN = re.compile(r"(?:<br\s*/?>\s*){2,}", re.I)
_BR_BEFORE_BLOCK = re.compile(rf"(?:<br\s*/?>\s*)+(?=</?{BLOCK}[\s/>])", re.I)


def blogger_paragraphs(text: str) -> str:
    """Blogger's paragraphs are runs of <br />: make them blank lines, then paragraphs."""
    text = _BR_BEFORE_BLOCK.sub("\n\n", _BR_RUN.sub("\n\n", text))
    return wpautop(text, breaks=False)


def wpautop(text: str, breaks: bool = True) -> str:
    """WordPress's paragraphs: a blank line starts a <p>, a single newline is a <br>."""
    if not text.strip():
        return ""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x02{len(kept) - 1}\x03"

    text = _PRE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    out: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        if not chunk.strip():
            continue
        match = _PARTS.match(chunk.strip())
        lead, middle, trail = match.groups() if match else ("", chunk.strip(), "")
        middle = middle.strip()
        if middle and not re.fullmatch(r"\x02\d+\x03", middle):
            middle = re.sub(r"\s*\n\s*", "<br />\n" if breaks else " ", middle)
            if not _INLINE_CONTAINERS.search(lead):
                middle = f"<p>{middle}</p>"
        out.append(f"{lead.strip()}{middle}{trail.strip()}")
    joined = "\n\n".join(out)
    return re.sub(r"\x02(\d+)\x03", lambda m: kept[int(m.group(1))], joined)
