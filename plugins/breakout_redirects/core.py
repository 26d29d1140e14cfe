"""Redirects from old addresses, as plain data: parse the list, render the files, verify.

No Pelican here. Any source of (old path, new URL) pairs can use it: the importer's
content/redirects.toml through the plugin's glue, or a renamed session's old addresses.
"""

from __future__ import annotations

import html
import posixpath
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MARKER = '<meta name="generator" content="breakout_redirects">'
NETLIFY = "_redirects"  # Netlify, Cloudflare Pages and others read this file
NGINX = "redirects.nginx.map"  # include inside `map $uri $breakout_redirect { … }`
_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]*)">')


@dataclass(frozen=True)
class Redirect:
    """One old path (from the site root, starting with /) and where it now lives."""

    old: str
    url: str  # a URL of this site as a link would give it: "/2011/x/" or "https://…/2011/x/"


@dataclass(frozen=True)
class Entry:
    """One line of a redirects file: the old path, the target as written, its line."""

    old: str
    target: str
    line: int | None


def clean_old(path: str) -> str | None:
    """The old path normalised to start with /, or None when it is unusable (.., //, empty)."""
    path = path.strip()
    if not path or "\\" in path or any(part == ".." for part in path.split("/")):
        return None
    path = "/" + path.lstrip("/")
    if "?" in path or "#" in path or path == "/":
        return None
    return path


def page_file(old: str) -> str:
    """Where the redirect page for `old` goes, relative to the output folder."""
    stem = old.lstrip("/")
    if stem.endswith("/") or not stem:
        return stem + "index.html"
    if posixpath.splitext(stem)[1] in (".html", ".htm"):
        return stem
    return stem + "/index.html"


def parse_file(path: Path) -> tuple[list[Entry], list[tuple[int | None, str]]]:
    """The entries of a redirects TOML file (top-level "old" = "target") and its problems."""
    if not path.exists():
        return [], []
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [(getattr(exc, "lineno", None), f"not valid TOML: {exc}")]
    lines = text.splitlines()
    entries: list[Entry] = []
    problems: list[tuple[int | None, str]] = []
    for key, value in data.items():
        line = next(
            (n for n, row in enumerate(lines, 1) if row.lstrip().startswith((f'"{key}"', key))),
            None,
        )
        old = clean_old(key)
        if old is None:
            problems.append(
                (line, f"'{key}' is not a path of the site (start from /; no .., ?, #)")
            )
        elif not isinstance(value, str) or not value.strip():
            problems.append((line, f"'{key}' needs a target: a content file or a path of the site"))
        else:
            entries.append(Entry(old, value.strip(), line))
    return entries, problems


def redirect_page(url: str) -> str:
    """A page that sends readers and crawlers on: canonical link, meta refresh, a link."""
    href = html.escape(url, quote=True)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"{MARKER}\n"
        f"<title>Moved to {href}</title>\n"
        f'<link rel="canonical" href="{href}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        "</head>\n<body>\n"
        f'<p>This page has moved to <a href="{href}">{href}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def netlify_file(redirects: Iterable[Redirect]) -> str:
    """`_redirects`: one `old new 301` line each (Netlify, Cloudflare Pages)."""
    return "".join(f"{r.old} {r.url} 301\n" for r in redirects)


def nginx_map(redirects: Iterable[Redirect]) -> str:
    """Lines for an nginx `map $uri $breakout_redirect { include …; }` block."""
    head = (
        "# map $uri $breakout_redirect { include redirects.nginx.map; }\n"
        "# if ($breakout_redirect) { return 301 $breakout_redirect; }\n"
    )
    quote = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    return head + "".join(f"{quote(r.old)} {quote(r.url)};\n" for r in redirects)


def render(redirects: Iterable[Redirect], also: Iterable[Redirect] = ()) -> dict[str, str]:
    """Every file the redirects need, by path relative to the output folder (sorted).

    also: redirects whose pages another writer makes (a renamed session's old address):
    listed in the host files only, and overridden by one of `redirects` for the same path.
    """
    mine = {r.old: r for r in redirects}
    ordered = sorted({**{r.old: r for r in also}, **mine}.values(), key=lambda r: r.old)
    if not ordered:
        return {}
    files = {page_file(r.old): redirect_page(r.url) for r in ordered if r.old in mine}
    files[NETLIFY] = netlify_file(ordered)
    files[NGINX] = nginx_map(ordered)
    return files


def write(output: Path, files: dict[str, str]) -> list[str]:
    """Write the files; a page of the site already at an old path is left alone and named."""
    problems: list[str] = []
    for rel, text in files.items():
        target = output / rel
        if target.is_dir() or (
            target.exists() and rel.endswith(".html") and MARKER not in _head(target)
        ):
            problems.append(rel)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return problems


def _head(path: Path) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read(400)


def url_file(output: Path, url: str, siteurl: str) -> Path | None:
    """The output file a URL of this site is served from (None for another site's URL)."""
    if siteurl and url.startswith(siteurl):
        url = url[len(siteurl) :]
    elif re.match(r"[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("//"):
        return None
    rel = url.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    candidate = output / rel
    return (
        candidate / "index.html"
        if rel.endswith("/") or not rel or candidate.is_dir()
        else candidate
    )


def verify(output: Path, old_paths: Iterable[str], siteurl: str) -> list[tuple[str, str]]:
    """(old path, problem) for each redirect whose page is missing or lands on no page."""
    problems: list[tuple[str, str]] = []
    for old in old_paths:
        page = output / page_file(old)
        if not page.is_file():
            problems.append((old, f"no redirect page at {page_file(old)}"))
            continue
        head = _head(page)
        found = _REFRESH.search(page.read_text(encoding="utf-8"))
        if MARKER not in head or not found:
            continue  # the old address is a page of the new site itself: nothing to follow
        url = html.unescape(found.group(1))
        landing = url_file(output, url, siteurl)
        if landing is not None and not landing.is_file():
            problems.append((old, f"lands on {url}, which is not a page of the built site"))
    return problems
