"""One content-cache stamp per source file, cache and run, taken before the file is read."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from breakout_kernel.change.hashing import strict_file_state

from .chunks import ChunkedCache

STAT_SUFFIX = ".stat.json"  # beside the cache file: each file's stat and content hash
STAT_FORMAT = 1


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
            save = cacher.save_cache
            if cacher is not generator:  # the Readers' cache, in chunks (chunks.py)
                save = ChunkedCache(cacher, generator.settings).save  # loads them first
            stamps: dict[str, Any] = {}
            table = StatTable(cacher, generator.settings)
            cacher._filestamp_func = _stamp_once(func, stamps, table)
            cacher.save_cache = _pruned(cacher, stamps, table, save)


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


class StatTable:
    """Content hashes of the last build's files by their stat, so unchanged files are not read.

    With CHECK_MODIFIED_METHOD a hash (md5, the project's setting: a git checkout that
    moves every mtime keeps the cache), every build read and hashed every source file
    just to find it unchanged (0.15 s at 2,000 write-ups). A file whose size, mtime, ctime
    and inode are those recorded with its hash has that hash: writing to a file moves its
    ctime, which no tool can set back. The state is taken before the file is hashed, so a
    file changed meanwhile is hashed again by the next build. Kept beside the cache file
    and written when it is; used only for hash stamps.
    """

    def __init__(self, cacher: Any, settings: dict[str, Any]) -> None:
        """The table of this cache, loaded when the cache itself is loaded."""
        self.path = str(getattr(cacher, "_cache_path", "")) + STAT_SUFFIX
        self.active = settings.get("CHECK_MODIFIED_METHOD") != "mtime" and bool(
            getattr(cacher, "_cache_path", "")
        )
        self.known: dict[str, list[Any]] = {}
        self.taken: dict[str, list[Any]] = {}
        if self.active and getattr(cacher, "_cache", None):  # a loaded, non-empty cache
            self.known = _read_table(self.path)

    def stamp(self, func: Callable[[str], Any], filename: str) -> Any:
        """func(filename), or the hash recorded for the file's unchanged state."""
        if not self.active:
            return func(filename)
        state = strict_file_state(filename)
        last = self.known.get(filename)
        if state is not None and last is not None and tuple(last[:4]) == state:
            found: Any = bytes.fromhex(last[4])
        else:
            found = func(filename)  # OSError: Pelican logs it, nothing is kept
        if state is not None and isinstance(found, bytes):
            self.taken[filename] = [*state, found.hex()]
        return found

    def save(self, names: set[str]) -> None:
        """Write the states of these files (those the cache keeps), atomically."""
        if not self.active:
            return
        rows = {name: row for name, row in self.taken.items() if name in names}
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump({"format": STAT_FORMAT, "files": rows}, f, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError:  # as Pelican's own save: no table only means hashing every file again
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.known, self.taken = {}, {}  # every file is read: the rest of the build needs none


def _read_table(path: str) -> dict[str, list[Any]]:
    """The rows of a stat table file; none if it is missing, damaged or of another format."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        files = data["files"] if data.get("format") == STAT_FORMAT else {}
    except (OSError, ValueError, AttributeError, KeyError):
        return {}
    ok = isinstance(files, dict)
    return {k: v for k, v in (files.items() if ok else ()) if isinstance(v, list) and len(v) == 5}


def _stamp_once(
    func: Callable[[str], Any], stamps: dict[str, Any], table: StatTable
) -> Callable[[str], Any]:
    """func, remembered in stamps by file name (each cache names a file one way)."""

    def stamp(filename: str) -> Any:
        found = stamps.get(filename)
        if found is None:
            found = stamps[filename] = table.stamp(func, filename)
        return found

    return stamp


def _pruned(
    cacher: Any, stamps: dict[str, Any], table: StatTable, save: Callable[[], None]
) -> Callable[[], None]:
    """save (cacher's own save_cache, or its chunks'), first dropping entries of files this
    build never asked about.

    Pelican keys its content cache by absolute path and never drops an entry, so a
    renamed or deleted write-up (or a site folder moved elsewhere) stays in the cache, to
    be loaded and kept in memory by every later build. Every file the cache looks up or
    stores this build has its stamp taken here first, so `stamps` lists them all.
    """

    def save_cache() -> None:
        cache = getattr(cacher, "_cache", None)
        if isinstance(cache, dict):
            for name in [name for name in cache if name not in stamps]:
                del cache[name]
        save()
        if isinstance(cache, dict) and getattr(cacher, "_cache_data_policy", False):
            table.save(set(cache))

    return save_cache
