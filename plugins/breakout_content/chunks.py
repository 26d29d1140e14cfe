"""Pelican's reader-level content cache kept in chunks: a rebuild rewrites only those it changed.

Pelican keeps the cache in one pickle (`ArticlesGenerator-Readers`: 17.6 MB at 2,000
write-ups) and writes all of it after every build that read anything: about 0.2 s of a
one-word-edit rebuild, for one changed entry. Here the entries are spread over CHUNKS
files by a stable hash of their file name (`ArticlesGenerator-Readers.chunks/00.pickle`
…), and a build rewrites only the chunks in which it stored, added or dropped an entry.
The cache is still loaded whole, before anything is read, as Pelican loads its own file.

Each entry carries its file's stamp and is checked against it on use, so a chunk lost or
left stale (a build killed between two chunk writes) only means those files are read
again; a chunk that cannot be loaded is written anew by the next save.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Mapping
from typing import IO, Any

from breakout_kernel.folders import write_if_changed
from breakout_kernel.readahead import SettingsUnpickler, dumps_without_settings

CHUNKS = 16
FORMAT = "breakout content cache chunks 2 16"  # bump when the layout or CHUNKS changes
SUFFIX = ".chunks"
FORMAT_FILE = "format"

Opener = Callable[[str, str], IO[bytes]]


def chunk_of(name: str) -> int:
    """The chunk holding a file's entry: a stable hash of its name (not Python's hash())."""
    digest = hashlib.blake2b(name.encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % CHUNKS


def chunk_path(folder: str, chunk: int) -> str:
    """The file of one chunk."""
    return os.path.join(folder, f"{chunk:02d}.pickle")


def load_chunks(
    folder: str, settings: Mapping[str, Any], opener: Opener = open
) -> tuple[dict[str, Any], set[int]]:
    """The entries of every chunk that loads, and which chunks loaded (none: no such cache).

    The entries' Tags, Authors and Categories get `settings`, the build's own: a chunk
    holds none (dumps_without_settings), else each chunk would load its own copy.
    """
    try:
        with open(os.path.join(folder, FORMAT_FILE), encoding="utf-8") as f:
            if f.read().strip() != FORMAT:
                return {}, set()
    except OSError:
        return {}, set()
    cache: dict[str, Any] = {}
    loaded: set[int] = set()
    for chunk in range(CHUNKS):
        try:
            with opener(chunk_path(folder, chunk), "rb") as f:
                entries = SettingsUnpickler(f, settings).load()
        except Exception:  # missing, cut short, made by another Python: read the files again
            continue
        if isinstance(entries, dict):
            cache.update(entries)
            loaded.add(chunk)
    return cache, loaded


def members(cache: dict[str, Any]) -> dict[int, set[str]]:
    """The names of each chunk's entries."""
    found: dict[int, set[str]] = {}
    for name in cache:
        found.setdefault(chunk_of(name), set()).add(name)
    return found


def stale_chunks(
    before: dict[int, set[str]], loaded: set[int], now: dict[int, set[str]], stored: set[str]
) -> set[int]:
    """The chunks to write: not loaded, holding other names than loaded, or an entry stored now."""
    stale = {chunk for chunk in range(CHUNKS) if chunk not in loaded}
    stale |= {chunk for chunk in range(CHUNKS) if before.get(chunk, set()) != now.get(chunk, set())}
    stale |= {chunk_of(name) for name in stored}
    return stale


def save_chunks(
    folder: str,
    cache: dict[str, Any],
    by_chunk: dict[int, set[str]],
    chunks: set[int],
    settings: Mapping[str, Any],
    opener: Opener = open,
) -> None:
    """Write these chunks of cache (by_chunk: its members()), each replaced in one step;
    the format file first (left alone when it already says FORMAT)."""
    write_if_changed(folder, FORMAT_FILE, f"{FORMAT}\n".encode())
    for chunk in sorted(chunks):
        entries = {name: cache[name] for name in sorted(by_chunk.get(chunk, ()))}
        target = chunk_path(folder, chunk)
        tmp = f"{target}.{os.getpid()}.tmp"
        try:
            with opener(tmp, "wb") as f:
                f.write(dumps_without_settings(entries, settings))
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


class ChunkedCache:
    """One Readers cache's chunks: loaded into it at its generator's start, saved in its stead."""

    def __init__(self, cacher: Any, settings: dict[str, Any]) -> None:
        """Load the chunks into cacher (unless Pelican loaded its own file, or loading is off)."""
        self.cacher = cacher
        self.settings = settings
        self.path = str(cacher._cache_path)
        self.folder = self.path + SUFFIX
        self.opener: Opener = getattr(cacher, "_cache_open", open)
        self.loaded: set[int] = set()
        self.before: dict[int, set[str]] = {}
        self.stored: set[str] = set()
        if settings.get("LOAD_CONTENT_CACHE") and not getattr(cacher, "_cache", None):
            cache, self.loaded = load_chunks(self.folder, settings, self.opener)
            if self.loaded:
                cacher._cache = cache
                self.before = members(cache)
        store = cacher.cache_data

        def cache_data(filename: str, data: Any) -> None:
            store(filename, data)
            self.stored.add(filename)

        cacher.cache_data = cache_data

    def save(self) -> None:
        """Write the chunks this build changed, and drop Pelican's single file (now stale)."""
        cache = getattr(self.cacher, "_cache", None)
        if not getattr(self.cacher, "_cache_data_policy", False) or not isinstance(cache, dict):
            return
        now = members(cache)
        try:
            save_chunks(
                self.folder, cache, now, stale_chunks(self.before, self.loaded, now, self.stored),
                self.settings, self.opener,
            )  # fmt: skip
        except OSError:  # as Pelican's own save: no cache only means reading every file again
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # else Pelican would load it next time instead of the chunks
        self.loaded, self.before, self.stored = set(range(CHUNKS)), now, set()
