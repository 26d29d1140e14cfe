"""`--media`: the old blog's images brought into content/images/imported/, references rewritten.

Without it an imported post's images stay on the old blog, and vanish with it. With it,
each image a write-up or page shows (`![alt](url)`), or links to as its full size
(`[![alt](thumb)](full.jpg)`), that lives on the old blog's host or on Blogger's and
WordPress.com's image hosts is fetched once, checked, staged with the other files and referenced as
`{static}/images/imported/<host>/<path>`. Checked means: an http(s) answer of at most
`max_bytes` whose first bytes are a JPEG, PNG, GIF, WebP or AVIF image, whatever the URL
or the Content-Type claim. Its metadata (EXIF with any GPS location, XMP, IPTC, comments)
is then left out without re-encoding the picture (`tools.imagemeta`). SVG is never
fetched (it can hold script, and the site serves it from its own origin). Anything not fetched (an error, a refusal) keeps its old URL and
is listed in the report with the reason: nothing is left out without a word. Comments'
images are not fetched: a comment's body is the reader's, and its images stay links.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from tools import imagemeta

FOLDER = "images/imported"  # under content/ (STATIC_PATHS holds "images")
MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = 30.0  # seconds per request
WORKERS = 4
BATCH = 16  # images fetched before they are staged: the most held in memory at once
# Blogger and WordPress.com serve a blog's images from these hosts, not the blog's own.
MEDIA_HOSTS = re.compile(
    r"^(?:\d+\.bp\.blogspot\.com|blogger\.googleusercontent\.com"
    r"|[a-z0-9-]+\.files\.wordpress\.com|i[0-3]\.wp\.com)$"
)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
URL = r"(https?://[^\s()<>\"]+)(?=[\s)])"
# A Markdown link or image target: `](url)` or `](url "title")`, as markdownify writes them.
TARGET = re.compile(r"\]\(" + URL)
IMAGE = re.compile(r"!\[(?:[^\[\]\\]|\\.)*\]\(" + URL)
SEGMENT = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Fetched:
    """One image: where it was, where it goes under content/, its bytes and what was left out."""

    url: str
    rel: str  # relative to content/
    image: imagemeta.Cleaned  # its bytes without their metadata, and what was left out


@dataclass(frozen=True)
class NotFetched:
    """An image left on the old site, and why."""

    url: str
    reason: str


def is_old_host(url: str, base_url: str) -> bool:
    """Whether url is on the old blog's host (any scheme) or one of the media hosts (MEDIA_HOSTS)."""
    host = (urlsplit(url).hostname or "").lower()
    base = (urlsplit(base_url).hostname or "").lower()
    return bool(host) and (host == base or bool(MEDIA_HOSTS.match(host)))


def wanted(markdown: str, base_url: str) -> list[str]:
    """The old blog's images a Markdown text shows, or links to by an image file name, in order."""
    shown = {m.start(1): m.group(1) for m in IMAGE.finditer(markdown)}
    found: dict[str, None] = {}
    for match in TARGET.finditer(markdown):
        url = match.group(1)
        suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
        if is_old_host(url, base_url) and (match.start(1) in shown or suffix in IMAGE_SUFFIXES):
            found.setdefault(url)
    return list(found)


def _short_digest(text: str) -> str:
    """Eight hex digits that tell apart names which would otherwise be the same."""
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def local_path(url: str, kind: str) -> str:
    """Where an image goes under content/: host and path kept, safe names, its real suffix."""
    parts = urlsplit(url)
    segments = [SEGMENT.sub("-", unquote(s)).strip("-.") for s in parts.path.split("/") if s]
    segments = [s for s in segments if s] or ["image"]
    stem, suffix = segments[-1].rsplit(".", 1) if "." in segments[-1] else (segments[-1], "")
    if f".{suffix.lower()}" not in (kind, ".jpeg" if kind == ".jpg" else kind):
        suffix = kind[1:]  # the name says what the bytes are
    if parts.query:  # WordPress sizes one upload by query (?w=300): keep them apart
        stem += "-" + _short_digest(parts.query)
    segments[-1] = f"{stem}.{suffix}"
    host = SEGMENT.sub("-", (parts.hostname or "host").lower())
    return "/".join([FOLDER, host, *segments[:-1], segments[-1]])


def distinct(rel: str, url: str) -> str:
    """rel made unique for url, when two addresses come to the same safe name."""
    path = PurePosixPath(rel)
    return str(path.with_stem(f"{path.stem}-{_short_digest(url)}"))


def fetch(url: str, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT) -> Fetched | NotFetched:
    """Download one image and check it; never raises."""
    if PurePosixPath(urlsplit(url).path).suffix.lower() == ".svg":
        return NotFetched(url, "SVG images can hold script: left on the old site")
    request = urllib.request.Request(url, headers={"User-Agent": "Breakout importer"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # http(s) only: TARGET
            if urlsplit(answer.geturl()).scheme not in ("http", "https"):
                return NotFetched(url, f"redirected to {answer.geturl()}")
            data = answer.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        return NotFetched(url, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return NotFetched(url, str(getattr(exc, "reason", exc)))
    if len(data) > max_bytes:
        return NotFetched(url, f"larger than {max_bytes} bytes")
    kind = imagemeta.image_kind(data)
    if kind is None:
        return NotFetched(url, "not a JPEG, PNG, GIF, WebP or AVIF image")
    try:
        cleaned = imagemeta.clean(data, kind)
    except imagemeta.Unreadable as exc:
        return NotFetched(url, f"its metadata could not be removed: {exc}")
    return Fetched(url, local_path(url, kind), cleaned)


def fetch_all(urls: Iterable[str]) -> Iterator[Fetched | NotFetched]:
    """Each URL fetched, a few at a time, the answers in the order given.

    BATCH at a time, so that at most BATCH images are held in memory, however many the
    blog has.
    """
    todo = list(urls)
    with ThreadPoolExecutor(WORKERS) as pool:
        for start in range(0, len(todo), BATCH):
            yield from pool.map(fetch, todo[start : start + BATCH])


def rewrite(markdown: str, local: dict[str, str]) -> str:
    """Point each fetched URL's references at its file in content/ ({static} links)."""
    return TARGET.sub(
        lambda m: f"]({{static}}/{local[m.group(1)]}" if m.group(1) in local else m.group(0),
        markdown,
    )
