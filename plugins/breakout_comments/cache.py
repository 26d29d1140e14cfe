"""Caches of comments between builds: rendered files, and the last build's threads whole.

A warm build re-renders only the comment files that changed (RenderCache); when none
changed and the write-ups' slugs are the same, it takes the threads of the last build
(ThreadCache) and neither loads the rendered files nor threads them again.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Mapping
from typing import Any

from breakout_kernel.change.stamp import Stamp

from .assemble import Assembly
from .model import Rendered

FORMAT = 5  # bump when Rendered/CommentSource/Comment or the files' layout change shape
# Entries per pickle in the file. One pickle per entry made loading pay a fresh unpickler
# and class lookups for every comment (half the warm load); one pickle of everything keeps
# a memo of every object written until the end (18 MiB at 6,000 comments). A few hundred
# keep both small.
CHUNK = 200
Signature = tuple[int, int] | None  # change.hashing.file_state: (size, mtime_ns)


def make_stamp(settings: Mapping[str, Any], keys: Iterable[str], files: Iterable[str]) -> str:
    """Hash of the given settings (stable form), files' bytes and Breakout's code."""
    return Stamp("comments").settings(settings, keys).files("files", files).code().hexdigest()


class RenderCache:
    """Rendered comments keyed by path, valid while file signature and settings stamp match."""

    def __init__(self, path: str, stamp: str, *, load: bool = True) -> None:
        """Open the cache file at path (if load and its stamp matches), else start empty."""
        self.path = path
        self.stamp = stamp
        self.entries: dict[str, tuple[Signature, Rendered]] = {}
        self.hits = 0
        self._dirty = False
        if load:
            self.entries = self._read()

    def _read(self) -> dict[str, tuple[Signature, Rendered]]:
        """Entries of the cache file, or none if it is missing, foreign or stale."""
        loaded = _load(self.path, {"format": FORMAT, "stamp": self.stamp})
        if loaded is None:
            return {}  # a cold build
        return {path: (sig, rendered) for path, sig, rendered in loaded[1]}

    def get(self, path: str, sig: Signature) -> Rendered | None:
        """The cached rendering of path if the file has not changed."""
        entry = self.entries.get(path)
        if entry is None or entry[0] != sig:
            return None
        self.hits += 1
        return entry[1]

    def put(self, path: str, sig: Signature, rendered: Rendered) -> None:
        """Remember a fresh rendering."""
        self.entries[path] = (sig, rendered)
        self._dirty = True

    def save(self, keep: set[str]) -> None:
        """Write the cache (only the given paths), atomically; skip when nothing changed."""
        stale = set(self.entries) - keep
        if not self._dirty and not stale:
            return
        for path in stale:
            del self.entries[path]
        items = [(path, sig, rendered) for path, (sig, rendered) in self.entries.items()]
        _save(self.path, {"format": FORMAT, "stamp": self.stamp}, items)
        self._dirty = False


# What the threads of a build were made from (see ThreadCache): every comment file with
# its signature, the write-ups' slugs, the unreadable ones and those not to mention.
ThreadKey = tuple[
    tuple[tuple[str, Signature], ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]
]


class ThreadCache:
    """The last build's Assembly, valid while its ThreadKey and settings stamp match."""

    def __init__(self, path: str, stamp: str) -> None:
        """A cache in the file at path, for builds with this settings stamp."""
        self.path = path
        self.stamp = stamp

    def get(self, key: ThreadKey) -> Assembly | None:
        """The assembly saved with this key, or None (missing, foreign, stale or damaged)."""
        loaded = _load(self.path, {"format": FORMAT, "stamp": self.stamp, "key": key})
        if loaded is None:
            return None
        head, threads = loaded
        return Assembly(dict(threads), head["problems"], head["kept_out"])

    def save(self, key: ThreadKey, assembly: Assembly) -> None:
        """Write the assembly (before the glue decorates it with articles), atomically."""
        head = {"format": FORMAT, "stamp": self.stamp, "key": key}
        head.update(problems=assembly.problems, kept_out=assembly.kept_out)
        _save(self.path, head, list(assembly.threads.items()))


def _load(path: str, expect: dict[str, Any]) -> tuple[dict[str, Any], list[Any]] | None:
    """The head and items of a cache file if its head has the expected values, else None."""
    items: list[Any] = []
    try:
        with open(path, "rb") as f:
            head: Any = pickle.load(f)
            if not isinstance(head, dict) or any(head.get(k) != v for k, v in expect.items()):
                return None
            while len(items) < int(head["count"]):
                items.extend(pickle.load(f))
    except Exception:  # a missing, truncated or foreign cache file: as if there were none
        return None
    return head, items


def _save(path: str, head: dict[str, Any], items: list[Any]) -> None:
    """Write a cache file atomically: the head (with the count), then the items in chunks."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        pickle.dump({**head, "count": len(items)}, f, protocol=pickle.HIGHEST_PROTOCOL)
        for start in range(0, len(items), CHUNK):
            pickle.dump(items[start : start + CHUNK], f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
