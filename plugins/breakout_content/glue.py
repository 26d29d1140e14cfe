"""Pelican receivers for breakout_content: its settings, the reader, the cache stamp, frozen URLs."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from breakout_kernel import build, data, source
from breakout_kernel.change.stamp import Stamp
from breakout_kernel.settings import Option, is_type
from breakout_kernel.writing import MACROS, macro_modules

from .reader import WARNINGS, BreakoutMarkdownReader, warn_notes

SCHEMA = {
    "FAIL_ON_ERRORS": Option(True, is_type(bool), "True or False"),
}

STAMP_SETTINGS = (
    "SITEURL", "PERSON_URL", "TOPIC_URL", "EVENT_URL", "SESSION_URL", "ARTICLE_URL",
    "MARKDOWN", "TIMEZONE", "DEFAULT_DATE_FORMAT",
)  # fmt: skip


@dataclass
class ContentState:
    """breakout_content's part of one build: the content-cache stamp and where it goes."""

    stamp: str = ""
    stamp_path: str = ""


def content_stamp(settings: dict[str, Any]) -> str:
    """Hash of everything besides a file's own bytes that shapes its cached reading."""
    keys = [*sorted(k for k in settings if k.startswith("BREAKOUT_")), *STAMP_SETTINGS]
    return (
        Stamp("content")
        .files("data", data.data_paths(settings))
        .settings(settings, keys)
        .code()
        .hexdigest()
    )


def on_initialized(pelican: Any) -> None:
    """Validate settings, read data files, decide on the cache (the kernel counts errors already)."""
    settings = pelican.settings
    options = build.options(settings, "BREAKOUT_CONTENT", SCHEMA)
    this = build.current(settings)
    data.load_site_data(settings, fresh=True)
    for paths, what in (("ARTICLE_PATHS", "write-up"), ("PAGE_PATHS", "page")):
        source.report_misnamed(settings["PATH"], list(settings.get(paths) or []), what)
    stamp = content_stamp(settings)
    stamp_path = os.path.join(settings["CACHE_PATH"], "breakout.stamp")
    try:
        old = Path(stamp_path).read_text()
    except OSError:
        old = ""
    if old != stamp:
        # Data files, URL patterns or plugin code changed: cached HTML may hold stale links.
        settings["LOAD_CONTENT_CACHE"] = False
    if this is not None:
        this.fail_on_errors = options["FAIL_ON_ERRORS"]
        this.part(ContentState).stamp, this.part(ContentState).stamp_path = stamp, stamp_path


def on_readers_init(readers: Any) -> None:
    """Use the validating reader for Markdown."""
    for ext in BreakoutMarkdownReader.file_extensions:
        readers.reader_classes[ext] = BreakoutMarkdownReader


ARTICLE_LISTS = (
    "articles", "translations", "hidden_articles", "hidden_translations", "drafts",
    "drafts_translations",
)  # fmt: skip
PAGE_LISTS = (
    "pages", "translations", "hidden_pages", "hidden_translations", "draft_pages",
    "draft_translations",
)  # fmt: skip


def freeze_urls(contents: Iterable[Any]) -> None:
    """Work out each content object's URL and file name once, through Pelican's override hooks.

    Pelican formats URL settings anew (copying metadata, resolving paths) on every
    `.url` and `.save_as` access (about 40 µs each), and pages, lists, feeds and the
    index ask thousands of times. Once a generator has finished its context, slug, date,
    lang and status are final, so neither can change; one whose file set `URL:` or
    `Save_as:` keeps its own.
    """
    for content in contents:
        if not hasattr(content, "override_url"):
            content.override_url = content.url
        if not hasattr(content, "override_save_as"):
            content.override_save_as = content.save_as


def on_article_generator_finalized(generator: Any) -> None:
    """Fix the URL of every write-up (published, hidden, draft and translations); warn."""
    contents = list(chain.from_iterable(getattr(generator, name, ()) for name in ARTICLE_LISTS))
    freeze_urls(contents)
    warn_all(contents)


def on_page_generator_finalized(generator: Any) -> None:
    """Fix the URL of every page (the site menu lists them on every page); warn."""
    contents = list(chain.from_iterable(getattr(generator, name, ()) for name in PAGE_LISTS))
    freeze_urls(contents)
    warn_all(contents)


def warn_all(contents: Iterable[Any]) -> None:
    """Log the warnings the reader kept in each file's metadata (cached files' too)."""
    for content in sorted(contents, key=lambda c: str(c.source_path)):
        warn_notes(content.source_path, (content.metadata or {}).get(WARNINGS) or [])


def on_finalized(pelican: Any) -> None:
    """Keep the cache stamp: the kernel's receiver, before this one, raised if the build failed."""
    this = build.current(pelican.settings)
    state = this.part(ContentState) if this is not None else None
    if pelican.settings.get("CACHE_CONTENT") and state is not None and state.stamp_path:
        os.makedirs(os.path.dirname(state.stamp_path), exist_ok=True)
        Path(state.stamp_path).write_text(state.stamp)


def on_all_generators_finalized(generators: list[Any]) -> None:
    """Give templates breakout_macros (writing.macro_modules) in the context they share."""
    if generators:
        generators[0].context[MACROS] = macro_modules()
