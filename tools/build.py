"""Run Pelican in-process with the project's settings, as the quickstart tasks.py does."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import read_settings


def load_settings(
    conf: Path,
    *,
    path: Path | None = None,
    output: Path | None = None,
    cache: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Read a settings file and apply folder and other overrides."""
    override: dict[str, Any] = dict(overrides or {})
    if path is not None:
        override["PATH"] = str(Path(path).resolve())
    if output is not None:
        override["OUTPUT_PATH"] = str(Path(output).resolve())
    if cache is not None:
        override["CACHE_PATH"] = str(Path(cache).resolve())
    return read_settings(str(conf), override=override)


def run_pelican(
    conf: Path,
    *,
    path: Path | None = None,
    output: Path | None = None,
    cache: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build once; raises (BuildFailed or another error) if the build fails."""
    settings = load_settings(conf, path=path, output=output, cache=cache, overrides=overrides)
    os.makedirs(settings["OUTPUT_PATH"], exist_ok=True)
    Pelican(settings).run()
    return settings
