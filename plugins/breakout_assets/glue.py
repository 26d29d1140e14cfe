"""Pelican receivers for breakout_assets: the names for the templates, the hashed copies."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from breakout_kernel import build

from .names import manifest

PLUGIN = "breakout_assets"


def _roots(settings: dict[str, Any]) -> list[Path]:
    """The theme's static folders, as Pelican's THEME_STATIC_PATHS name them."""
    theme = Path(settings["THEME"])
    return [
        theme / p for p in settings.get("THEME_STATIC_PATHS", ["static"]) if (theme / p).exists()
    ]


def _listed(settings: dict[str, Any]) -> bool:
    """True when this build lists the plugin (receivers are process-wide)."""
    this = build.current(settings)
    return this is not None and this.listed(PLUGIN)


def on_initialized(pelican: Any) -> None:
    """Give the templates `breakout_assets`: {theme path: content-hashed theme path}."""
    settings = pelican.settings
    if not _listed(settings):
        return
    # A new dict keeps Pelican's default JINJA_GLOBALS unshared between builds.
    settings["JINJA_GLOBALS"] = {
        **settings.get("JINJA_GLOBALS", {}),
        "breakout_assets": manifest(_roots(settings)),
    }


def on_finalized(pelican: Any) -> None:
    """Copy each theme file to its hashed name beside the plain one (kept for old links)."""
    settings = pelican.settings
    if not _listed(settings):
        return
    out = Path(settings["OUTPUT_PATH"]) / settings.get("THEME_STATIC_DIR", "theme")
    for rel, hashed in manifest(_roots(settings)).items():
        source, target = out / rel, out / hashed
        if source.is_file() and not target.exists():
            shutil.copyfile(source, target)
