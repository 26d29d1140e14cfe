"""sitemap.xml and robots.txt from the list of pages a build wrote (no Pelican import)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

SITEMAP_NAME = "sitemap.xml"


@dataclass(frozen=True, order=True)
class Entry:
    """One page of the sitemap: its absolute URL and, for write-ups, when it last changed."""

    loc: str
    lastmod: str = ""


def is_absolute(siteurl: str) -> bool:
    """True when SITEURL is a full http(s) URL, the only base a sitemap may use."""
    return siteurl.startswith(("https://", "http://")) and len(siteurl.split("/", 3)[2]) > 0


def page_path(save_as: str) -> str:
    """The clean URL path of an output file: 'a/b/index.html' -> 'a/b/', 'index.html' -> ''."""
    save_as = save_as.replace("\\", "/").lstrip("/")
    if save_as == "index.html":
        return ""
    if save_as.endswith("/index.html"):
        return save_as[: -len("index.html")]
    return save_as


def excluded(save_as: str, patterns: Sequence[str]) -> bool:
    """True when an output path matches one of the exclusion globs (e.g. '404.html', 'drafts/*')."""
    return any(fnmatch.fnmatchcase(save_as, pattern) for pattern in patterns)


def render_sitemap(entries: Iterable[Entry]) -> str:
    """A sitemaps.org urlset, one <url> per distinct location, sorted for byte-identical builds."""
    by_loc: dict[str, Entry] = {}
    for entry in entries:
        # A page written twice (e.g. by two generators) is still one URL; keep the dated one.
        if entry.loc not in by_loc or (entry.lastmod and not by_loc[entry.loc].lastmod):
            by_loc[entry.loc] = entry
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for loc in sorted(by_loc):
        entry = by_loc[loc]
        lastmod = f"<lastmod>{escape(entry.lastmod)}</lastmod>" if entry.lastmod else ""
        lines.append(f"  <url><loc>{escape(entry.loc)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_robots(sitemap_url: str = "") -> str:
    """robots.txt allowing every crawler, pointing at the sitemap when there is one."""
    lines = ["User-agent: *", "Allow: /"]
    if sitemap_url:
        lines += ["", f"Sitemap: {sitemap_url}"]
    return "\n".join(lines) + "\n"
