"""Stamps: one hash of everything a cached result depends on besides its own input (no Pelican import).

When a stamp differs from the one a cache was written under, that cache is ignored: the
content cache (`content_stamp`), the rendered-comment cache, the feeds' and the pages'
manifests (`global_stamp`). Each is a `Stamp` fed with settings, values, files and code.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .hashing import stable

# Settings that change between builds of one site without changing any page:
# breakout_content turns LOAD_CONTENT_CACHE off for a build whose cache stamp changed.
VOLATILE_SETTINGS = frozenset({"LOAD_CONTENT_CACHE"})
PLUGINS_DIR = Path(__file__).resolve().parents[2]  # plugins/: every Breakout package's code


def settings_part(settings: Mapping[str, Any]) -> str:
    """repr of every setting in stable form (objects by class name), volatile ones left out."""
    kept = {k: v for k, v in settings.items() if k not in VOLATILE_SETTINGS}
    return repr(stable(kept, strict=False))


def tree_files(roots: Iterable[str], suffixes: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(root, path) of every file under the roots (or each root that is a file), sorted.

    Hidden files and __pycache__ are skipped; suffixes, when given, keep only those.
    """
    found: list[tuple[str, str]] = []
    for root in roots:
        if os.path.isfile(root):
            found.append((os.path.dirname(root), root))
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(names):
                if name.startswith(".") or (suffixes and not name.endswith(suffixes)):
                    continue
                found.append((root, os.path.join(folder, name)))
    return found


def files_part(files: Iterable[tuple[str, str]]) -> bytes:
    """Digest of each file's path (relative to its root) and bytes; a missing file counts as empty."""
    h = hashlib.blake2b(digest_size=32)
    for root, path in files:
        h.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(path, "rb") as f:
                h.update(f.read())
        except OSError:
            h.update(b"\1missing")
        h.update(b"\0")
    return h.digest()


def library_versions(names: Iterable[str]) -> dict[str, str]:
    """Installed versions of the named distributions ("" for one not installed)."""
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = ""
    return found


def plugin_code() -> list[str]:
    """The Breakout packages beside this one (plugins import one another: any may shape a result)."""
    return sorted(str(p) for p in PLUGINS_DIR.glob("breakout_*") if p.is_dir())


class Stamp:
    """A hash built up from what a cached result depends on; `hexdigest()` ends it."""

    def __init__(self, kind: str) -> None:
        """A stamp for one kind of cache (the name keeps two kinds' stamps apart)."""
        self._hash = hashlib.blake2b(digest_size=32)
        self._hash.update(kind.encode() + b"\0")

    def part(self, name: str, data: bytes) -> Stamp:
        """Add named bytes."""
        self._hash.update(b"\0" + name.encode() + b"\0" + data)
        return self

    def values(self, name: str, *values: Any) -> Stamp:
        """Add values in stable form (objects by class name)."""
        text = repr(tuple(stable(v, strict=False) for v in values))
        return self.part(name, text.encode("utf-8", "surrogatepass"))

    def settings(self, settings: Mapping[str, Any], keys: Iterable[str]) -> Stamp:
        """Add the named settings (a missing one counts as None)."""
        return self.values("settings", *((key, settings.get(key)) for key in keys))

    def files(self, name: str, paths: Iterable[str]) -> Stamp:
        """Add files' names and bytes (a missing file counts too)."""
        return self.part(name, files_part((os.path.dirname(p), p) for p in paths))

    def trees(self, name: str, roots: Iterable[str], suffixes: tuple[str, ...] = ()) -> Stamp:
        """Add every file under the roots (paths relative to their root, and bytes)."""
        return self.part(name, files_part(tree_files(roots, suffixes)))

    def code(self, roots: Iterable[str] | None = None) -> Stamp:
        """Add the Python code under the roots (default: every Breakout package)."""
        return self.trees("code", plugin_code() if roots is None else roots, (".py",))

    def hexdigest(self) -> str:
        """The stamp."""
        return self._hash.hexdigest()


def global_stamp(
    settings: Mapping[str, Any],
    *,
    theme_roots: Iterable[str],
    code_roots: Iterable[str],
    data_files: Iterable[str],
    context_part: Any,
    versions: Mapping[str, str],
) -> str:
    """The stamp of one build's pages: settings, theme, code, data files, menu and library versions."""
    return (
        Stamp("pages")
        .part("settings", settings_part(settings).encode("utf-8", "surrogatepass"))
        .trees("theme", theme_roots)
        .code(code_roots)
        .files("data", data_files)
        .values("context", context_part)
        .values("versions", sorted(versions.items()))
        .hexdigest()
    )
