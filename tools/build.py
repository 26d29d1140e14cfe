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


def detach_unlisted_plugins(settings: Mapping[str, Any]) -> None:
    """Disconnect receivers of plugins (from PLUGIN_PATHS) that this build's PLUGINS leave out.

    Pelican's signals are process-wide and plugins connect at each build, so without
    this a plugin of an earlier in-process build (livereload, tests) would still run in
    a later build that does not list it. Other receivers (e.g. a test's) are left alone,
    and so are those of a library package there (one without register(), such as
    breakout_kernel, whose receivers count every build's errors).
    """
    import sys
    import weakref

    from blinker import NamedSignal
    from pelican.plugins import signals

    known = {
        entry.name
        for folder in settings.get("PLUGIN_PATHS") or []
        if os.path.isdir(folder)
        for entry in os.scandir(folder)
        if entry.is_dir()
    }
    enabled = {
        p if isinstance(p, str) else getattr(p, "__name__", "")
        for p in settings.get("PLUGINS") or []
    }
    unwanted = {
        name
        for name in known - {name.split(".")[0] for name in enabled}
        if hasattr(sys.modules.get(name), "register")
    }
    for name in dir(signals):
        sig = getattr(signals, name)
        if not isinstance(sig, NamedSignal):
            continue
        for ref in list(sig.receivers.values()):
            receiver = ref() if isinstance(ref, weakref.ref) else ref
            module = getattr(receiver, "__module__", "") or ""
            if receiver is not None and module.split(".")[0] in unwanted:
                sig.disconnect(receiver)


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
    detach_unlisted_plugins(settings)
    Pelican(settings).run()
    return settings
