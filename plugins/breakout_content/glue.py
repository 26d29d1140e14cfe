"""Pelican receivers for breakout_content: its settings, the reader, the cache stamp, frozen URLs."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from breakout_kernel import build, data, readahead, source
from breakout_kernel.change.stamp import Stamp
from breakout_kernel.settings import Option, is_type
from breakout_kernel.writing import MACROS, macro_modules
from pelican.utils import file_suffix

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
    readahead.close_all()  # workers of an earlier build in this process that stopped half-way
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


def read_in_path_order(generator: Any) -> None:
    """Have the generator read its files sorted by path, not in the order of a set.

    Pelican's get_files returns a set, so files were read, and their problems reported,
    in an order that changed from run to run (with Python's hash seed): the same bad
    content gave the same messages in another order each build.
    """
    get_files = generator.get_files

    def sorted_files(*args: Any, **kwargs: Any) -> list[str]:
        return sorted(get_files(*args, **kwargs))

    generator.get_files = sorted_files


def list_period_archives_in_linear_time(generator: Any) -> None:
    """Have the generator list each year's (month's, day's) write-ups without a quadratic scan.

    Pelican's `_build_period_archives` picks each period's write-ups with `a in dates` over
    every write-up, `dates` a list: write-ups squared tests per granularity (0.04 s at
    2,000 write-ups, 3.6 s at 20,000). Pelican's own method still builds every archive
    (file names, URLs, period names), given no write-ups to scan; only that list is made
    here, by identity as Pelican's `in` compares them, in the generator's order.
    """
    build = generator._build_period_archives

    def built(sorted_articles: Any, articles: Any, settings: Any) -> Any:
        archives = build(sorted_articles, [], settings)
        for periods in archives.values():
            for archive in periods:
                members = {id(a) for a in archive["dates"]}
                archive["articles"] = [a for a in articles if id(a) in members]
        return archives

    generator._build_period_archives = built


# Pelican's list pages of one tag, category or author: the method writing them, the setting
# naming their files.
TAXONOMY_PAGES = (
    ("generate_tags", "TAG_SAVE_AS"),
    ("generate_categories", "CATEGORY_SAVE_AS"),
    ("generate_authors", "AUTHOR_SAVE_AS"),
)


def skip_unwritten_taxonomies(generator: Any) -> None:
    """Have the generator skip its tag, category and author pages when their file name is empty.

    Before each such page Pelican lists its write-ups in date order by testing every
    write-up against the page's list (`a in articles`): 0.1 s a build at 2,000 write-ups,
    432 authors and 194 tags, for pages its writer then drops for their empty name.
    """
    for method, setting in TAXONOMY_PAGES:
        if generator.settings.get(setting) in ("", False):
            setattr(generator, method, _write_nothing)


def _write_nothing(write: Any) -> None:
    """Stands for a Pelican method writing pages whose file name setting is empty."""


@dataclass
class ReadState:
    """Which generators' files this build has planned to read ahead."""

    started: set[int] = field(default_factory=set)  # id() of generators already planned


def files_to_read(generator: Any, paths: str, excludes: str) -> dict[str, BreakoutMarkdownReader]:
    """The files the generator will read with our reader, in its order, each with its reader.

    The same get_files call as Pelican's generate_context (so the same order); a file the
    content cache holds is left out (one that changed since is read in the main process).
    """
    settings = generator.settings
    readers = generator.readers
    cached = getattr(readers, "_cache", {})  # the reader-level content cache (Pelican's)
    own = getattr(generator, "_cache", {})  # CONTENT_CACHING_LAYER = "generator"
    planned: dict[str, BreakoutMarkdownReader] = {}
    for name in generator.get_files(settings[paths], exclude=settings[excludes]):
        path = os.path.abspath(os.path.join(generator.path, name))
        reader = readers.readers.get(file_suffix(path))
        if isinstance(reader, BreakoutMarkdownReader) and path not in cached and name not in own:
            planned[path] = reader
    return planned


def start_reading_ahead(generator: Any, paths: str, excludes: str) -> None:
    """On the generator's first read: fork workers to read its files (with more than one worker)."""
    this = build.current(generator.settings)
    if this is None:
        return
    state = this.part(ReadState)
    if id(generator) in state.started:
        return
    state.started.add(id(generator))
    if build.workers_for(generator.settings) < 2:
        return  # one process: read exactly as Pelican does (and list no files for it)
    planned = files_to_read(generator, paths, excludes)
    readers = set(planned.values())

    def prepare() -> None:
        for reader in readers:
            reader.prepare()

    pool = readahead.start(
        generator.settings, list(planned), lambda path: planned[path].read_here(path), prepare
    )
    for reader in readers:
        reader.ahead = pool


def stop_reading_ahead(generator: Any) -> None:
    """The generator has read everything: end its workers (one pool for every extension)."""
    for reader in generator.readers.readers.values():
        pool = getattr(reader, "ahead", None)
        if pool is not None:
            reader.ahead = None
            readahead.finish(pool)


def on_article_generator_preread(generator: Any) -> None:
    """Read the write-ups ahead in worker processes, once per build."""
    start_reading_ahead(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def on_page_generator_preread(generator: Any) -> None:
    """Read the pages ahead in worker processes, once per build."""
    start_reading_ahead(generator, "PAGE_PATHS", "PAGE_EXCLUDES")


def on_article_generator_finalized(generator: Any) -> None:
    """Fix every write-up's URL (drafts, translations too), log its warnings, skip empty taxonomies."""
    stop_reading_ahead(generator)
    contents = list(chain.from_iterable(getattr(generator, name, ()) for name in ARTICLE_LISTS))
    freeze_urls(contents)
    warn_all(contents)
    skip_unwritten_taxonomies(generator)


def on_page_generator_finalized(generator: Any) -> None:
    """Fix the URL of every page (the site menu lists them on every page); warn."""
    stop_reading_ahead(generator)
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
