"""Pelican receivers for breakout_search: settings, the template switch, the Pagefind run."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from breakout_content.settings import Option, is_type, validated

from .indexer import BUNDLE_DIR, build_index

log = logging.getLogger("breakout.search")

PLUGIN = "breakout_search"

SCHEMA = {
    "ENABLED": Option(True, is_type(bool), "True or False"),
}

_state: dict[str, Any] = {}


def _listed(settings: dict[str, Any]) -> bool:
    """True when this build lists the plugin (receivers stay connected across builds in a process)."""
    return any(str(p).rsplit(".", 1)[-1] == PLUGIN for p in settings.get("PLUGINS", []))


def on_initialized(pelican: Any) -> None:
    """Validate BREAKOUT_SEARCH and tell the templates whether search exists and where."""
    settings = pelican.settings
    _state["options"] = None
    if not _listed(settings):
        return
    options = validated(settings, "BREAKOUT_SEARCH", SCHEMA)
    _state["options"] = options
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
    options = _state.get("options")
    if options is None or not _listed(pelican.settings):
        return
    if not options["ENABLED"]:
        log.info("breakout_search: BREAKOUT_SEARCH['ENABLED'] is False; no search index")
        return
    bundle = build_index(Path(pelican.settings["OUTPUT_PATH"]))
    log.info("breakout_search: Pagefind index written to %s", bundle)
