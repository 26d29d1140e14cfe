"""Rebuild when sources change (`invoke livereload`), with watchfiles (Pelican's own dependency)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from watchfiles import watch


def rebuild_on_change(
    watched: Iterable[Path],
    build: Callable[[], None],
    *,
    stop: threading.Event | None = None,
    report: Callable[[str], None] = print,
) -> int:
    """Run build() after each batch of changes until stop is set; return the number of rebuilds."""
    rebuilds = 0
    paths = [p for p in watched if p.exists()]
    for changes in watch(*paths, stop_event=stop, debounce=300, step=50):
        report(f"Change detected ({len(changes)} file(s)); rebuilding")
        try:
            build()
        except Exception as exc:  # keep watching: the author is mid-edit
            report(f"Build failed: {exc}")
        rebuilds += 1
    return rebuilds
