"""The build's global stamp: everything every page depends on besides its own data (no Pelican import).

When it changes, last build's manifest is ignored and every page is rendered: any
setting (templates read many), the theme's templates and static files, the plugins'
code, the data files, the page menu, and the versions of the rendering libraries.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from typing import Any

from .fingerprint import stable

# Settings that change between builds of one site without changing any page:
# breakout_content turns LOAD_CONTENT_CACHE off for a build whose cache stamp changed.
VOLATILE_SETTINGS = frozenset({"LOAD_CONTENT_CACHE"})


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


def global_stamp(
    settings: Mapping[str, Any],
    *,
    theme_roots: Iterable[str],
    code_roots: Iterable[str],
    data_files: Iterable[str],
    context_part: Any,
    versions: Mapping[str, str],
) -> str:
    """The stamp of one build: settings, theme, code, data files, menu and library versions."""
    h = hashlib.blake2b(digest_size=32)
    h.update(settings_part(settings).encode("utf-8", "surrogatepass"))
    h.update(b"\0theme\0" + files_part(tree_files(theme_roots)))
    h.update(b"\0code\0" + files_part(tree_files(code_roots, (".py",))))
    h.update(b"\0data\0" + files_part((os.path.dirname(p), p) for p in data_files))
    h.update(
        b"\0context\0" + repr(stable(context_part, strict=False)).encode("utf-8", "surrogatepass")
    )
    h.update(b"\0versions\0" + repr(sorted(versions.items())).encode())
    return h.hexdigest()
