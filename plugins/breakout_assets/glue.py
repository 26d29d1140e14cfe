"""Pelican receivers for breakout_assets: the names for the templates, the hashed copies."""

from __future__ import annotations

import os
import shutil
from fnmatch import fnmatch
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


def theme_folders(roots: list[Path], out: Path, ignores: list[str]) -> list[Path]:
    """The folders Pelican's copy of the theme's static files makes in out, parents first.

    As pelican.utils.copy walks: a root or folder whose name matches an IGNORE_FILES
    pattern is left out with everything under it.
    """
    folders = [out]
    for root in roots:
        if any(fnmatch(root.name, pattern) for pattern in ignores):
            continue
        for folder, subfolders, _files in os.walk(root, followlinks=True):
            subfolders[:] = [s for s in subfolders if not any(fnmatch(s, p) for p in ignores)]
            rel = os.path.relpath(folder, root)
            if rel != ".":
                folders.append(out / rel)
    return folders


def on_get_writer(pelican: Any) -> None:
    """Make the theme's output folders before anything is written.

    Pelican copies the theme checking for each folder, then making it. A warm build's
    skeleton child (tools/skeleton.py) makes the live output's folders in the fresh one
    meanwhile, so a folder could appear between the check and the mkdir, and the build
    fail with "File exists". Made here (exist_ok, as the skeleton takes them), each check passes.
    """
    settings = pelican.settings
    if not _listed(settings):
        return
    out = Path(settings["OUTPUT_PATH"]) / settings.get("THEME_STATIC_DIR", "theme")
    ignores = list(settings.get("IGNORE_FILES") or [])
    for folder in theme_folders(_roots(settings), out, ignores):
        os.makedirs(folder, exist_ok=True)


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
