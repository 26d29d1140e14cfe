"""One content-cache stamp per source file and run, shared by Pelican's two cache layers."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any


def share_file_stamps(generator: Any) -> None:
    """Take each source's CHECK_MODIFIED_METHOD stamp once per generator and build.

    Pelican's generator and its Readers both cache by file stamp, and each takes the stamp
    when it looks in its cache and again when it stores: four reads and hashes of a file
    (even on a cold build, with nothing to compare) that is read once. The stamp taken
    first, before the file is read, serves all four: if the file changes while it is read,
    the next build sees a new stamp and reads it again. Generators and Readers are made
    anew for every build (autoreload too), so no stamp outlives its build.
    """
    stamps: dict[str, Any] = {}
    for cacher in (generator, getattr(generator, "readers", None)):
        func = getattr(cacher, "_filestamp_func", None)
        if func is not None:
            cacher._filestamp_func = _stamp_once(func, stamps)


def _stamp_once(func: Callable[[str], Any], stamps: dict[str, Any]) -> Callable[[str], Any]:
    """func, remembered in stamps by normalised path (the generator joins, Readers abspaths)."""

    def stamp(filename: str) -> Any:
        key = os.path.normpath(filename)
        found = stamps.get(key)
        if found is None:
            found = stamps[key] = func(filename)  # OSError: Pelican logs it, nothing is kept
        return found

    return stamp
