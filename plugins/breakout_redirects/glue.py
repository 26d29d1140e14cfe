"""Pelican glue: resolve content/redirects.toml against this build's pages and write the files."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from breakout_kernel import build
from breakout_kernel.errors import report, warn

from breakout_redirects.core import Entry, Redirect, page_file, parse_file, render, write

FILE = "redirects.toml"


@dataclass
class PagedElsewhere:
    """This build's redirects whose pages other plugins write (a renamed session's old address).

    claimed: the page files content/redirects.toml's redirects took (written before the
    other plugins write theirs): a line there for the same old address wins everywhere.
    """

    redirects: list[Redirect] = field(default_factory=list)
    claimed: set[str] = field(default_factory=set)


def add_paged_elsewhere(settings: dict[str, Any], redirects: Iterable[Redirect]) -> None:
    """List these redirects in this build's `_redirects` and nginx map too (their pages are the
    caller's). Call it before all_generators_finalized, when the host files are written."""
    this = build.current(settings)
    if this is not None:
        this.part(PagedElsewhere).redirects.extend(redirects)


def claimed_by_toml(settings: dict[str, Any]) -> set[str]:
    """Page files (relative to the output) this build's redirects.toml wrote: leave them alone."""
    this = build.current(settings)
    return this.part(PagedElsewhere).claimed if this is not None else set()


def _content_pages(generators: list[Any]) -> tuple[dict[str, str], set[str]]:
    """({source path relative to PATH: url}, {save_as}) of every write-up, draft and page.

    The url is "" for one this build does not write (a draft where publishconf.py writes
    no drafts): an old address must not lead to a page the site does not have.
    """
    urls: dict[str, str] = {}
    saved: set[str] = set()
    for generator in generators:
        for name in ("articles", "drafts", "pages", "hidden_pages", "draft_pages",
                     "hidden_articles"):  # fmt: skip
            items = getattr(generator, name, None)
            for item in items if isinstance(items, list) else []:
                save_as = str(getattr(item, "save_as", "") or "")
                rel = getattr(item, "relative_source_path", "") or ""
                if rel:
                    urls[rel.replace(os.sep, "/")] = item.url if save_as else ""
                saved.add(save_as)
    return urls, saved


def resolve(
    entries: list[Entry], urls: dict[str, str], siteurl: str, source: Path
) -> list[Redirect]:
    """Targets as URLs: a content file's page, or a path of the site; unknown files are errors."""
    out: list[Redirect] = []
    base = siteurl.rstrip("/") + "/" if siteurl else "/"
    for entry in entries:
        target = entry.target.lstrip("/")
        if target in urls:
            if not urls[target]:
                # Not an error: a draft's old address comes back once it is published.
                warn(
                    source,
                    entry.line,
                    f"redirect '{entry.old}' → '{entry.target}': this build does not write"
                    " that draft, so its old address gets no redirect yet",
                )
                continue
            target = urls[target]
        elif target.endswith((".md", ".markdown")):
            report(
                source,
                entry.line,
                f"redirect '{entry.old}' → '{entry.target}': no such write-up or page",
            )
            continue
        if target.strip("/") == entry.old.strip("/"):
            continue  # the page is still where it was: nothing to redirect
        url = entry.target if "://" in entry.target else base + target
        out.append(Redirect(entry.old, url))
    return out


def write_redirects(generators: list[Any]) -> None:
    """Resolve content/redirects.toml against this build's pages and write the files.

    Written before Pelican writes its pages, so errors count towards this build's result;
    an old address that is a write-up's or page's own address is an error, named by line.
    """
    if not generators:
        return
    settings = generators[0].settings
    source = Path(settings["PATH"]) / FILE
    entries, problems = parse_file(source)
    for line, message in problems:
        report(source, line, message)
    urls, saved = _content_pages(generators)
    siteurl = str(settings.get("SITEURL") or "")
    redirects = resolve(entries, urls, siteurl, source)
    lines = {entry.old: entry.line for entry in entries}
    kept = []
    for redirect in redirects:
        if page_file(redirect.old) in saved:
            report(
                source,
                lines.get(redirect.old),
                f"the old address {redirect.old} is a page of this site: remove that redirect",
            )
        else:
            kept.append(redirect)
    this = build.current(settings)
    elsewhere = this.part(PagedElsewhere) if this is not None else PagedElsewhere()
    elsewhere.claimed.update(page_file(redirect.old) for redirect in kept)
    for rel in write(Path(settings["OUTPUT_PATH"]), render(kept, also=elsewhere.redirects)):
        report(
            source, None, f"{rel} is a file of this site, not a redirect page: remove that redirect"
        )
