"""Pelican receivers for breakout_search: settings, the template switch, the Pagefind run."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breakout_kernel import build
from breakout_kernel.settings import Option, is_type, positive_int

from .early import Early, start_early
from .indexer import BUNDLE_DIR, SHARD_PAGES, IndexJob, find_pagefind, start_index

log = logging.getLogger("breakout.search")

PLUGIN = "breakout_search"
STATE_FILE = "breakout-search.json"  # in CACHE_PATH: each shard's digest and bundle listing

SCHEMA = {
    "ENABLED": Option(True, is_type(bool), "True or False"),
    "RESULTS_PER_STEP": Option(
        20, positive_int, "a whole number above 0 (results shown at first and per 'Show more')"
    ),
    "SHARD_PAGES": Option(
        SHARD_PAGES,
        positive_int,
        "a whole number above 0 (most pages per search shard, on average)",
    ),
    "STAGING_DIR": Option(
        None,
        lambda v: v is None or (isinstance(v, str) and os.path.isabs(v)),
        "None (memory when the machine has room, else CACHE_PATH) or an absolute folder path",
    ),
}


@dataclass
class SearchState:
    """breakout_search's part of one build: its validated options, if the build lists it."""

    options: dict[str, Any] | None = None
    early: Early | None = None  # shard runs started from the write-ups, for start_index
    job: IndexJob | None = None  # shard runs started and not yet waited for


def on_initialized(pelican: Any) -> None:
    """Validate BREAKOUT_SEARCH and tell the templates whether search exists and where."""
    settings = pelican.settings
    this = build.current(settings)
    if this is None or not this.listed(PLUGIN):
        return
    options = this.part(SearchState).options = build.options(settings, "BREAKOUT_SEARCH", SCHEMA)
    siteurl = settings.get("SITEURL", "")
    # Templates see this dict as `breakout_search`; a new dict keeps Pelican's defaults unshared.
    settings["JINJA_GLOBALS"] = {
        **settings.get("JINJA_GLOBALS", {}),
        "breakout_search": {
            "ENABLED": options["ENABLED"],
            "PAGE_URL": f"{siteurl}/{settings.get('SEARCH_URL', 'search/')}",
            "BUNDLE_URL": f"{siteurl}/{BUNDLE_DIR}/",
            "RESULTS_PER_STEP": options["RESULTS_PER_STEP"],
        },
    }


def start_early_runs(generator: Any, writer: Any) -> None:
    """In a rebuild into a fresh folder, start Pagefind on the shards the write-ups changed.

    The people, topic and event pages are written next; start_index adopts a run whose
    shard they leave as it was indexed (early.py).
    """
    settings = generator.settings
    this = build.current(settings)
    if this is None or not this.listed(PLUGIN):
        return
    part = this.part(SearchState)
    live = settings.get("LIVE_OUTPUT_PATH")
    if not live or part.options is None or not part.options["ENABLED"] or part.early:
        return
    articles = [*generator.articles, *generator.translations]
    written = sorted({a.save_as for a in articles if a.save_as.endswith(".html")})
    part.early = early = start_early(
        Path(settings["OUTPUT_PATH"]),
        Path(live),
        Path(settings["CACHE_PATH"]) / STATE_FILE,
        written,
        exe=find_pagefind(),
        workers=build.workers_for(settings),
        per_shard=part.options["SHARD_PAGES"],
        staging_dir=part.options["STAGING_DIR"],
    )
    if early is not None:
        build.on_abort(settings, early.abandon)  # a failed build lets the runs end, then goes


def start_beside_lane(pelican: Any) -> None:
    """Start indexing while the output lane still writes feeds, if the build has its own folder.

    Every page is written by then, and the lane writes none. Only a build into a fresh
    folder (tools/build.py) starts this early: should the lane then report a problem, the
    failed build's folder goes with its half-made index, and the live output keeps its own.
    """
    if pelican.settings.get("LIVE_OUTPUT_PATH"):
        start_search(pelican)


def start_search(pelican: Any) -> None:
    """Start the Pagefind shard runs over the written site (nothing when search is off).

    Pagefind reads only .html files, so other outputs may still be written while it runs.
    """
    this = build.current(pelican.settings)
    if this is None or not this.listed(PLUGIN):
        return
    part = this.part(SearchState)
    if part.options is None or part.job is not None:
        return
    if not part.options["ENABLED"]:
        log.info("breakout_search: BREAKOUT_SEARCH['ENABLED'] is False; no search index")
        return
    settings = pelican.settings
    live = settings.get("LIVE_OUTPUT_PATH")
    part.job = job = start_index(
        Path(settings["OUTPUT_PATH"]),
        Path(settings["CACHE_PATH"]) / STATE_FILE,
        live=Path(live) if live else None,
        workers=build.workers_for(settings),
        per_shard=part.options["SHARD_PAGES"],
        staging_dir=part.options["STAGING_DIR"],
        early=part.early,
    )
    part.early = None
    build.on_abort(settings, job.abandon)  # a failed build lets the runs end, then goes


def wait_search(pelican: Any) -> None:
    """Wait for the shard runs start_search started; a failed shard fails the build."""
    this = build.current(pelican.settings)
    job = this.part(SearchState).job if this is not None else None
    if job is None:
        return
    this.part(SearchState).job = None
    run = job.wait()
    total = len(run.ran) + len(run.kept)
    if run.ran:
        log.info(
            "breakout_search: Pagefind indexed %d of %d shards (%s) into %s%s",
            len(run.ran),
            total,
            ", ".join(run.ran),
            run.bundle,
            f"; started early: {', '.join(run.early)}" if run.early else "",
        )
    else:
        log.info(
            "breakout_search: no indexed page changed; %d shards kept in %s", total, run.bundle
        )


def on_finalized(pelican: Any) -> None:
    """Index the written site with Pagefind, shard by shard, and wait for it."""
    start_search(pelican)
    wait_search(pelican)
