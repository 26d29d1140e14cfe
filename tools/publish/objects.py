"""What each site file becomes in object storage: its key, Content-Type, Cache-Control and
upload phase (pure functions over file names and bytes; the S3 target does the talking)."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

# Only names that change whenever their bytes change may be cached for long: a reader's
# browser or the CDN keeps them a year without asking again.
LONG_CACHE = "public, max-age=31536000, immutable"
# Everything else is looked up by a fixed name, so a new publish must show within minutes.
SHORT_CACHE = "public, max-age=300"

# Pagefind names its index chunks, fragments and metadata by content hash (in each search
# shard's folder, pagefind/<shard>/); its loader (shards.json, pagefind.js,
# pagefind-entry.json, the wasm files) keeps fixed names.
HASHED = re.compile(
    r"^(?:.*/)?pagefind/(?:[^/]+/)?"
    r"(?:fragment/[^/]+\.pf_fragment|index/[^/]+\.pf_index|pagefind\.[^/]+\.pf_meta)$"
    # theme assets fingerprinted by the build: name.<12 hex>.ext
    r"|^theme/.*\.[0-9a-f]{12}\.[a-z0-9]+$"
)

# Upload phases, in order: an old page never points at an asset that is not there yet,
# and a new page is uploaded only after everything it points at.
HASHED_ASSET, ASSET, PAGE = 0, 1, 2
PHASE_NAMES = {
    HASHED_ASSET: "content-hashed assets",
    ASSET: "other assets",
    PAGE: "pages and feeds",
}
PAGE_SUFFIXES = (".html", ".htm", ".xml", ".rss", ".atom", ".json", ".ics", ".opml", ".txt")

TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".ics": "text/calendar",
    ".opml": "text/x-opml",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".map": "application/json",
    ".pagefind": "application/wasm",
}
FEED_TYPES = {".atom.xml": "application/atom+xml", ".rss.xml": "application/rss+xml"}
FEED_NAMES = {"atom.xml": "application/atom+xml", "rss.xml": "application/rss+xml"}
TEXTUAL = re.compile(r"^(?:text/.*|application/(?:.*\+)?(?:xml|json|javascript)|image/svg\+xml)$")


@dataclass(frozen=True)
class SiteObject:
    """One file of the staged site as an object: where it goes and how it is served."""

    rel: str  # site-relative path, "/"-separated
    path: Path
    md5: str  # hex digest of the bytes uploaded (what S3 reports as the ETag of a plain PUT)
    content_type: str
    cache_control: str
    phase: int


def content_type(rel: str) -> str:
    """The Content-Type for a site path, with charset=utf-8 for every textual type."""
    name = rel.rsplit("/", 1)[-1]
    kind = FEED_NAMES.get(name)
    if kind is None:
        kind = next((t for s, t in FEED_TYPES.items() if name.endswith(s)), None)
    if kind is None:
        suffix = os.path.splitext(name)[1].lower()
        kind = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if TEXTUAL.match(kind) else kind


def is_hashed(rel: str) -> bool:
    """True for names that change whenever the bytes do (safe to cache for a year)."""
    return bool(HASHED.match(rel))


def phase(rel: str) -> int:
    """When a file is uploaded: hashed assets, then other assets, then pages and feeds."""
    if is_hashed(rel):
        return HASHED_ASSET
    if rel.lower().endswith(PAGE_SUFFIXES) and not rel.startswith("pagefind/"):
        return PAGE
    return ASSET


def site_object(site: Path, rel: str) -> SiteObject:
    """Describe one staged file."""
    path = site / rel
    md5 = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
    cache = LONG_CACHE if is_hashed(rel) else SHORT_CACHE
    return SiteObject(rel, path, md5, content_type(rel), cache, phase(rel))


def site_objects(site: Path) -> dict[str, SiteObject]:
    """Every file of the staged site, by site-relative path."""
    found: dict[str, SiteObject] = {}
    for current, _dirs, files in os.walk(site):
        for name in files:
            rel = Path(current, name).relative_to(site).as_posix()
            found[rel] = site_object(site, rel)
    return dict(sorted(found.items()))
