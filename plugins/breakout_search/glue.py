"""Pelican receivers for breakout_search: settings, the template switch, the Pagefind run."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breakout_kernel import build
from breakout_kernel.settings import Option, is_type

from .indexer import BUNDLE_DIR, build_index

log = logging.getLogger("breakout.search")

PLUGIN = "breakout_search"

SCHEMA = {
    "ENABLED": Option(True, is_type(bool), "True or False"),
}


@dataclass
class SearchState:
    """breakout_search's part of one build: its validated options, if the build lists it."""

    options: dict[str, Any] | None = None


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
        },
    }


def on_finalized(pelican: Any) -> None:
    """Index the written site with Pagefind, or do nothing when search is switched off."""
    this = build.current(pelican.settings)
    options = this.part(SearchState).options if this is not None else None
    if options is None or not this.listed(PLUGIN):
        return
    if not options["ENABLED"]:
        log.info("breakout_search: BREAKOUT_SEARCH['ENABLED'] is False; no search index")
        return
    bundle = build_index(Path(pelican.settings["OUTPUT_PATH"]))
    log.info("breakout_search: Pagefind index written to %s", bundle)
