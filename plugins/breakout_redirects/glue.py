"""Pelican glue: resolve content/redirects.toml against this build, write the files at the end."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from breakout_redirects.core import Entry, Redirect, parse_file, render, write

log = logging.getLogger(__name__)
FILE = "redirects.toml"
_pending: dict[str, list[Redirect]] = {}  # by OUTPUT_PATH: one build at a time per folder


def _shown(path: Path) -> str:
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def _content_urls(generators: list[Any]) -> dict[str, str]:
    """{source path relative to PATH: url} of every write-up, draft and page of the build."""
    urls: dict[str, str] = {}
    for generator in generators:
        for name in ("articles", "drafts", "pages", "hidden_pages", "draft_pages",
                     "hidden_articles"):  # fmt: skip
            items = getattr(generator, name, None)
            for item in items if isinstance(items, list) else []:
                rel = getattr(item, "relative_source_path", "") or ""
                if rel:
                    urls[rel.replace(os.sep, "/")] = item.url
    return urls


def resolve(
    entries: list[Entry], urls: dict[str, str], siteurl: str, source: Path
) -> list[Redirect]:
    """Targets as URLs: a content file's page, or a path of the site; unknown files are errors."""
    out: list[Redirect] = []
    base = siteurl.rstrip("/") + "/" if siteurl else "/"
    for entry in entries:
        target = entry.target.lstrip("/")
        if target in urls:
            target = urls[target]
        elif target.endswith((".md", ".markdown")):
            log.error(
                "%s:%s: redirect '%s' → '%s': no such write-up or page",
                _shown(source), entry.line, entry.old, entry.target,
            )  # fmt: skip
            continue
        if target.strip("/") == entry.old.strip("/"):
            continue  # the page is still where it was: nothing to redirect
        url = entry.target if "://" in entry.target else base + target
        out.append(Redirect(entry.old, url))
    return out


def collect(generators: list[Any]) -> None:
    """Read the redirects file and resolve its targets once every page's URL is known."""
    if not generators:
        return
    settings = generators[0].settings
    source = Path(settings["PATH"]) / FILE
    entries, problems = parse_file(source)
    for line, message in problems:
        log.error("%s:%s: %s", _shown(source), line, message)
    redirects = resolve(
        entries, _content_urls(generators), str(settings.get("SITEURL") or ""), source
    )
    _pending[str(settings["OUTPUT_PATH"])] = redirects


def write_files(pelican: Any) -> None:
    """Write the redirect pages, _redirects and the nginx map after everything else."""
    redirects = _pending.pop(str(pelican.settings["OUTPUT_PATH"]), [])
    clashes = write(Path(pelican.settings["OUTPUT_PATH"]), render(redirects))
    source = _shown(Path(pelican.settings["PATH"]) / FILE)
    for rel in clashes:
        log.error(
            "%s: the old address of %s is a page of this site: remove that redirect", source, rel
        )
