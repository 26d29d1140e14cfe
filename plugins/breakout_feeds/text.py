"""Text for feeds: XML-safe strings, HTML to plain text, absolute URLs in HTML fragments."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup

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
_SPACE = re.compile(r"\s+")
URL_ATTRIBUTES = ("href", "src", "poster")


def xml_safe(text: str) -> str:
    """Remove every character that XML 1.0 forbids or discourages."""
    return _NOT_XML.sub("", text)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (tags dropped, entities decoded, spaces collapsed)."""
    # Clean before parsing (the parser keeps controls) and after (&#1; decodes to one).
    text = BeautifulSoup(xml_safe(fragment), "html.parser").get_text()
    return _SPACE.sub(" ", xml_safe(text)).strip()


def truncate_words(text: str, words: int) -> str:
    """The first `words` words of text, with an ellipsis when something was cut."""
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + " …"


def _join(base: str, url: str) -> str:
    """urljoin that leaves a URL it cannot parse (e.g. a broken IPv6 host) as it was."""
    try:
        return urljoin(base, url.strip())
    except ValueError:
        return url


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


def absolute_html(fragment: str, base: str) -> str:
    """The fragment with every href/src/srcset/poster made absolute against base."""
    soup = BeautifulSoup(xml_safe(fragment), "html.parser")
    for tag in soup.find_all(True):
        for attr in URL_ATTRIBUTES:
            value = tag.get(attr)
            if isinstance(value, str):
                tag[attr] = _join(base, value)
        srcset = tag.get("srcset")
        if isinstance(srcset, str):
            tag["srcset"] = absolute_srcset(base, srcset)
    return xml_safe(str(soup))
