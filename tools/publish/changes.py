"""Listings and their difference: which site files a deploy adds, changes and removes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

MAX_LISTED = 200


@dataclass
class Changes:
    """Files the deploy adds, changes and removes at the destination (site-relative paths)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: "add X / change Y / remove Z"."""
        return f"add {len(self.added)} / change {len(self.changed)} / remove {len(self.removed)}"

    def lines(self, limit: int = MAX_LISTED) -> list[str]:
        """One "add|change|remove <path>" line per file (at most `limit` per kind)."""
        out: list[str] = []
        for verb, paths in (
            ("add", self.added),
            ("change", self.changed),
            ("remove", self.removed),
        ):
            out.extend(f"{verb} {p}" for p in paths[:limit])
            if len(paths) > limit:
                out.append(f"{verb} … and {len(paths) - limit} more")
        return out

    @property
    def empty(self) -> bool:
        """True when the destination already holds exactly this site."""
        return not (self.added or self.changed or self.removed)


def parse_itemize(output: str) -> Changes:
    """Read `rsync --itemize-changes --out-format='%i %n'` lines into Changes (files only)."""
    changes = Changes()
    for line in output.splitlines():
        if line.startswith("*deleting "):
            path = line[len("*deleting ") :].strip()
            if not path.endswith("/"):
                changes.removed.append(path)
            continue
        if len(line) < 13 or line[11] != " ":
            continue  # "created directory …" and other chatter
        flags, path = line[:11], line[12:]
        kind, filetype = flags[0], flags[1]
        if filetype == "d":
            continue  # folders follow from their files
        if flags[2:] == "+" * 9:
            changes.added.append(path)
        elif kind in "<>c" or flags[2] == "c":
            # Only content counts: attribute-only lines (".f...p.....") are not a change.
            changes.changed.append(path)
    for paths in (changes.added, changes.changed, changes.removed):
        paths.sort()
    return changes


def diff_listings(old: Mapping[str, str], new: Mapping[str, str]) -> Changes:
    """Compare two {path: content id} listings."""
    return Changes(
        added=sorted(set(new) - set(old)),
        changed=sorted(p for p in set(new) & set(old) if new[p] != old[p]),
        removed=sorted(set(old) - set(new)),
    )


def git_blob_id(data: bytes) -> str:
    """The id git gives a blob with these bytes (so a tree can be compared without git)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def folder_listing(folder: Path) -> dict[str, str]:
    """{site-relative path: git blob id} for every file under folder."""
    listing: dict[str, str] = {}
    for current, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(current, name)
            rel = path.relative_to(folder).as_posix()
            listing[rel] = git_blob_id(path.read_bytes())
    return listing
