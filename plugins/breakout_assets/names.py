"""Content-hashed file names (pure): name.<12 hex of SHA-256>.ext, the same bytes the same name."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

HASH_LENGTH = 12  # 48 bits: a collision between two versions of one file is not a concern


def hashed_name(rel: str, data: bytes) -> str:
    """css/breakout.css + its bytes -> css/breakout.<hash>.css."""
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    folder, _, name = rel.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    hashed = f"{stem}.{digest}.{ext}" if dot and stem else f"{name}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def manifest(roots: Iterable[Path]) -> dict[str, str]:
    """{path under the theme's static folders: its hashed path} (a later root wins, as in Pelican)."""
    names: dict[str, str] = {}
    for root in roots:
        if root.is_file():
            names[root.name] = hashed_name(root.name, root.read_bytes())
            continue
        for current, _dirs, files in os.walk(root):
            for name in files:
                path = Path(current, name)
                rel = path.relative_to(root).as_posix()
                names[rel] = hashed_name(rel, path.read_bytes())
    return dict(sorted(names.items()))
