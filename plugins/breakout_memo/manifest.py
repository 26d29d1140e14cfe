"""The page manifest: for each output file, the fingerprint it was rendered from (no Pelican import).

An entry is (fingerprint, size, mtime_ns) of the file as this plugin last wrote or
checked it. A page may be skipped only when its fingerprint is unchanged AND the file
still has that size and mtime: a deleted, edited or rewritten output file is rendered.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

FORMAT = 1  # bump when the file's shape changes (an unknown format is ignored)
Entry = tuple[str, int, int]  # (fingerprint, size, mtime_ns)


def file_state(path: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file, None when it is missing or unreadable."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def read(path: str, stamp: str) -> dict[str, Entry]:
    """Entries of the manifest file if it was written under the same global stamp, else none."""
    try:
        with open(path, encoding="utf-8") as f:
            data: Any = json.load(f)
    except (OSError, ValueError):  # missing, truncated or foreign: a full render
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("stamp") != stamp:
        return {}
    pages = data.get("pages")
    if not isinstance(pages, dict):
        return {}
    entries: dict[str, Entry] = {}
    for name, entry in pages.items():
        if (
            isinstance(entry, list)
            and len(entry) == 3
            and isinstance(entry[0], str)
            and all(isinstance(v, int) for v in entry[1:])
        ):
            entries[name] = (entry[0], entry[1], entry[2])
    return entries


def carry_over(source: str, target: str) -> bool:
    """Put the previous output's file at target (a hard link; a copy across filesystems).

    Builds write into a fresh folder (tools/build.py): an unchanged page or feed is carried
    over from the live output instead of being rendered again. Writers unlink a linked file
    before writing over it, so the live output never changes under a build.
    """
    try:
        if os.path.lexists(target):
            if os.path.samefile(source, target):
                return True  # carried over already (VERIFY renders a kept page again)
            os.unlink(target)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
    except OSError:
        return False
    return True


@dataclass
class Stats:
    """What the memo did this build (logged at the end; tests read it)."""

    skipped: int = 0
    rendered: int = 0
    unstable: int = 0  # pages with no stable fingerprint (always rendered)
    stale: int = 0  # VERIFY: skipped pages whose fresh rendering differed
    fingerprint_seconds: float = 0.0  # CPU time spent making fingerprints
    rendered_names: list[str] = field(default_factory=list)  # memoised kinds only


class Manifest:
    """Last build's entries (read-only) and this build's (written at the end)."""

    def __init__(
        self,
        output_path: str,
        stamp: str,
        old: dict[str, Entry] | None = None,
        previous: str | None = None,
    ) -> None:
        """A manifest for one output folder under one global stamp (previous: the live output)."""
        self.output_path = output_path
        self.previous = previous
        self.stamp = stamp
        self.old: dict[str, Entry] = old or {}
        self.new: dict[str, Entry] = {}
        self.stats = Stats()

    def fresh(self, name: str, path: str, fingerprint: str) -> bool:
        """True when the file at path was made from this fingerprint and is still as it was left."""
        entry = self.old.get(name)
        if entry is None or entry[0] != fingerprint:
            return False
        source = os.path.join(self.previous, name) if self.previous else path
        state = file_state(source)
        if state is None or state != entry[1:]:
            return False
        if source != path and not carry_over(source, path):
            return False
        self.new[name] = entry
        return True

    def record(self, name: str, path: str, fingerprint: str) -> None:
        """Remember that the file at path now holds the rendering of fingerprint."""
        state = file_state(path)
        if state is not None:
            self.new[name] = (fingerprint, *state)

    def save(self, path: str) -> None:
        """Write this build's entries atomically (sorted, so the file is stable)."""
        data = {
            "format": FORMAT,
            "stamp": self.stamp,
            "pages": {name: list(self.new[name]) for name in sorted(self.new)},
        }
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, separators=(",", ":")))  # dumps: the C encoder, dump is not
        os.replace(tmp, path)


class Timer:
    """Adds the CPU time of a `with` block to stats.fingerprint_seconds."""

    def __init__(self, stats: Stats) -> None:
        """Time into these stats."""
        self.stats = stats
        self.start = 0.0

    def __enter__(self) -> Timer:
        self.start = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stats.fingerprint_seconds += time.process_time() - self.start
