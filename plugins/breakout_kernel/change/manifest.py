"""The fingerprint manifest: for each output file, the fingerprint it was made from (no Pelican import).

An entry is (fingerprint, size, mtime_ns, sha256) of a file as its plugin last wrote or
checked it (sha256 "" when not recorded). A file may be left alone only when its
fingerprint is unchanged AND it is still as it was left: same size and mtime, or, when
its sha256 was recorded, same size and bytes (a copied or touched file). A deleted,
edited or rewritten output file is made again. Page memos (breakout_memo, the index
pages) and the feeds each keep one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from typing import Any

from .hashing import file_state

FORMAT = 2  # bump when the file's shape changes (an unknown format is ignored)
Entry = tuple[str, int, int, str]  # (fingerprint, size, mtime_ns, sha256 or "")


def _entry(value: Any) -> Entry | None:
    """An entry read from JSON, or None if it has not the shape of one."""
    if (
        isinstance(value, list)
        and len(value) == 4
        and isinstance(value[0], str)
        and all(isinstance(v, int) for v in value[1:3])
        and isinstance(value[3], str)
    ):
        return (value[0], value[1], value[2], value[3])
    return None


def read(path: str, stamp: str) -> dict[str, Entry]:
    """Entries of the manifest file if it was written under the same stamp, else none."""
    try:
        with open(path, encoding="utf-8") as f:
            data: Any = json.load(f)
    except (OSError, ValueError):  # missing, truncated or foreign: make everything
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("stamp") != stamp:
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    entries: dict[str, Entry] = {}
    for name, value in files.items():
        entry = _entry(value)
        if entry is not None:
            entries[name] = entry
    return entries


def carry_over(source: str, target: str) -> bool:
    """Put the previous output's file at target (a hard link; a copy across filesystems).

    Builds write into a fresh folder (tools/build.py): an unchanged page or feed is carried
    over from the live output instead of being rendered again. Writers unlink a linked file
    before writing over it, so the live output never changes under a build.
    """
    # The link is tried first: in a warm build almost every target is new and most of their
    # folders exist, so one system call does; asking first (lexists, makedirs) cost three
    # more per file, thousands per build.
    try:
        for _ in range(2):
            try:
                os.link(source, target)
                return True
            except FileNotFoundError:
                if not os.path.exists(source):
                    return False
                os.makedirs(os.path.dirname(target), exist_ok=True)
            except FileExistsError:
                if os.path.samefile(source, target):
                    return True  # carried over already (VERIFY renders a kept page again)
                os.unlink(target)
            except OSError:
                break  # no hard link here (another filesystem): copy instead
        if os.path.lexists(target):
            os.unlink(target)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target)
    except OSError:
        return False
    return True


def carry_if_same(live: str | None, rel: str, target: str, data: bytes) -> bool:
    """Carry the live output's file rel to target when it already holds exactly data.

    For files made again whose bytes did not change: the fresh build keeps the live file
    (same inode and mtime) instead of writing a copy.
    """
    if not live:
        return False
    source = os.path.join(live, rel)
    try:
        with open(source, "rb") as f:
            if f.read() != data:
                return False
    except OSError:
        return False
    return carry_over(source, target)


class Manifest:
    """Last build's entries (read-only) and this build's (written at the end)."""

    def __init__(
        self,
        output_path: str,
        stamp: str,
        old: dict[str, Entry] | None = None,
        previous: str | None = None,
    ) -> None:
        """A manifest for one output folder under one stamp (previous: the live output)."""
        self.output_path = output_path
        self.previous = previous
        self.stamp = stamp
        self.old: dict[str, Entry] = old or {}
        self.new: dict[str, Entry] = {}

    def fresh(self, name: str, path: str, fingerprint: str) -> bool:
        """True when the file at path was made from this fingerprint and is still as it was left."""
        entry = self.old.get(name)
        if entry is None or entry[0] != fingerprint:
            return False
        # Building into a fresh folder: the file to vouch for is the live output's.
        source = os.path.join(self.previous, name) if self.previous else path
        state = file_state(source)
        if state is None or state[0] != entry[1]:
            return False
        if state[1] != entry[2]:
            # Touched or copied since: only a recorded hash of its bytes can vouch for it.
            if not entry[3] or _sha256_of(source) != entry[3]:
                return False
            entry = (entry[0], state[0], state[1], entry[3])
        if source != path and not carry_over(source, path):
            return False
        self.new[name] = entry
        return True

    def record(
        self,
        name: str,
        path: str,
        fingerprint: str,
        data: bytes | None = None,
        mtime_ns: int | None = None,
    ) -> None:
        """Remember that the file at path now holds the rendering of fingerprint.

        data: the bytes written, to vouch for the file by hash later; mtime_ns: the mtime
        the writer saw (saves a stat), None to look it up.
        """
        if data is not None and mtime_ns is not None:
            state: tuple[int, int] | None = (len(data), mtime_ns)
        else:
            state = file_state(path)
        if state is not None:
            sha = hashlib.sha256(data).hexdigest() if data is not None else ""
            self.new[name] = (fingerprint, *state, sha)

    def save(self, path: str) -> None:
        """Write this build's entries atomically (sorted, so the file is stable)."""
        data = {
            "format": FORMAT,
            "stamp": self.stamp,
            "files": {name: list(self.new[name]) for name in sorted(self.new)},
        }
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, separators=(",", ":")))  # dumps: the C encoder, dump is not
        os.replace(tmp, path)


def _sha256_of(path: str) -> str:
    """Hex SHA-256 of a file's bytes ("" if it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return ""
