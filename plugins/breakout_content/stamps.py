"""One content-cache stamp per source file, cache and run, taken before the file is read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def share_file_stamps(generator: Any) -> None:
    """Take each source's CHECK_MODIFIED_METHOD stamp once per cache and build.

    Pelican's content caches (the Readers', and the generator's own) take a file's stamp
    when they look in the cache and again when they store: two reads and hashes of the
    file per cache (even on a cold build, with nothing to compare) for a file read once.
    The stamp taken first, before the file is read, serves both: if the file changes
    while it is read, the next build sees a new stamp and reads it again. Each cache keeps
    its own stamps; an unused generator-level cache gets an empty one.
    Generators and Readers are made anew for every build (autoreload too), so no stamp
    outlives its build. The stamps taken also say which entries the cache still needs:
    the rest are dropped before it is saved (_pruned).
    """
    for cacher in (generator, getattr(generator, "readers", None)):
        func = getattr(cacher, "_filestamp_func", None)
        if func is None:
            continue
        if cacher is generator and not _in_use(generator):
            cacher._filestamp_func = no_stamp
        else:
            stamps: dict[str, Any] = {}
            cacher._filestamp_func = _stamp_once(func, stamps)
            cacher.save_cache = _pruned(cacher, stamps)


def _in_use(generator: Any) -> bool:
    """True when the generator-level content cache is loaded or saved this build.

    With CONTENT_CACHING_LAYER = "reader" it is neither, yet Pelican's generate_context
    still asks it for each file (get_cached_data) and offers it each result (cache_data),
    and both read and hash the whole file: an empty stamp gives the same answers (no
    cached data; nothing stored) without reading anything.
    """
    return bool(
        getattr(generator, "_cache_data_policy", True) or getattr(generator, "_cache", None)
    )


def no_stamp(filename: str) -> bytes:
    """The stamp of a file for a generator-level cache that is off: never computed."""
    return b""


def _stamp_once(func: Callable[[str], Any], stamps: dict[str, Any]) -> Callable[[str], Any]:
    """func, remembered in stamps by file name (each cache names a file one way)."""

    def stamp(filename: str) -> Any:
        found = stamps.get(filename)
        if found is None:
            found = stamps[filename] = func(filename)  # OSError: Pelican logs it, nothing is kept
        return found

    return stamp


def _pruned(cacher: Any, stamps: dict[str, Any]) -> Callable[[], None]:
    """cacher.save_cache, first dropping entries of files this build never asked about.

    Pelican keys its content cache by absolute path and never drops an entry, so a
    renamed or deleted write-up (or a site folder moved elsewhere) stays in the cache, to
    be loaded and kept in memory by every later build. Every file the cache looks up or
    stores this build has its stamp taken here first, so `stamps` lists them all.
    """
    save = cacher.save_cache

    def save_cache() -> None:
        cache = getattr(cacher, "_cache", None)
        if isinstance(cache, dict):
            for name in [name for name in cache if name not in stamps]:
                del cache[name]
        save()

    return save_cache
