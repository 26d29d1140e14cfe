"""The images under content/ that hold metadata (`invoke check`), and leaving it out (`invoke clean-images`).

An author who puts a phone's photo in content/images/ publishes where it was taken, unless
someone looks. The build copies static files as they are (it never alters a file without
a word), so `invoke check` names each image whose metadata tools.imagemeta would leave
out, and `invoke clean-images` leaves it out of the files in content/, losslessly, saying
what left each file. BREAKOUT_IMAGE_METADATA_KEPT lists images (paths under content/)
published with their metadata on purpose: both leave those alone. Images are known by
their bytes (JPEG, PNG, GIF, WebP); AVIF is not checked (tools.imagemeta). The files looked
at are those the build publishes from the static paths, found by Pelican's own walk.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican.generators import Generator

from tools import imagemeta

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
KEPT_SETTING = "BREAKOUT_IMAGE_METADATA_KEPT"
FIX = (
    "`invoke clean-images` leaves it out without re-encoding the picture (or list the file "
    f"in {KEPT_SETTING} to publish it as it is)"
)

REPLACE = "replace it with a copy that opens (or save it again from an image editor)"


@dataclass(frozen=True)
class Finding:
    """One image under content/ with metadata (removed), or one that could not be read (error)."""

    rel: str  # relative to content/, with '/'
    removed: tuple[str, ...] = ()
    error: str = ""
    cleaned: bytes = b""  # the file without its metadata (empty when error)


class _StaticWalk:
    """Pelican's own walk of the static paths, without a generator (it reads these two)."""

    _include_path = Generator._include_path
    get_files = Generator.get_files

    def __init__(self, path: str, settings: Mapping[str, Any]) -> None:
        self.path, self.settings = path, settings


def static_images(content: Path, settings: Mapping[str, Any]) -> list[str]:
    """The image files (by suffix) the build publishes from content/'s static paths, sorted.

    Found by the walk Pelican's StaticGenerator makes (STATIC_PATHS, STATIC_EXCLUDES,
    IGNORE_FILES), so the check sees exactly the files the build copies.
    """
    found = _StaticWalk(str(content), settings).get_files(
        settings.get("STATIC_PATHS") or [],
        exclude=settings.get("STATIC_EXCLUDES") or [],
        extensions=False,
    )
    return sorted(
        rel.replace(os.sep, "/") for rel in found if Path(rel).suffix.lower() in IMAGE_SUFFIXES
    )


def examine(content: Path, rel: str) -> Finding | None:
    """What an image holds: None when it has no metadata (or is no image this reads)."""
    data = (content / rel).read_bytes()
    kind = imagemeta.image_kind(data)
    if kind is None:
        return None  # not an image by its bytes: not this check's to judge
    try:
        cleaned = imagemeta.clean(data, kind)
    except imagemeta.Unreadable as exc:
        return Finding(rel, error=str(exc))
    if not cleaned.checked or not cleaned.removed:
        return None  # nothing to leave out, or a format imagemeta does not check (AVIF)
    return Finding(rel, cleaned.removed, cleaned=cleaned.data)


def scan(content: Path, settings: Mapping[str, Any]) -> Iterator[Finding]:
    """Each image under the static paths with metadata or a structure that cannot be read.

    One at a time: a site's photos together could be gigabytes.
    """
    kept = {str(p).strip("/") for p in settings.get(KEPT_SETTING) or ()}
    for rel in static_images(content, settings):
        if rel not in kept and (finding := examine(content, rel)) is not None:
            yield finding


def shown(content: Path, rel: str) -> str:
    """How messages name a file under content/: relative to here when it is below here."""
    path = os.path.relpath(content / rel)
    return str(content / rel) if path.startswith("..") else path


def problems(content: Path, settings: Mapping[str, Any]) -> list[str]:
    """`invoke check`'s lines: one per image holding metadata, or that cannot be read."""
    out = []
    for f in scan(content, settings):
        if f.error:
            out.append(f"{shown(content, f.rel)}: cannot be read as an image: {f.error}; {REPLACE}")
        else:
            out.append(f"{shown(content, f.rel)}: holds {', '.join(f.removed)}; {FIX}")
    return out


def clean_images(content: Path, settings: Mapping[str, Any], *, dry_run: bool = False) -> list[str]:
    """Leave the metadata out of each image scan() finds (unless dry_run); one line each."""
    out = []
    for f in scan(content, settings):
        name = shown(content, f.rel)
        if f.error:
            out.append(f"{name}: left as it is: cannot be read as an image: {f.error}; {REPLACE}")
            continue
        if not dry_run:
            path = content / f.rel
            partial = path.with_name(f".{path.name}.cleaning")
            partial.write_bytes(f.cleaned)
            shutil.copymode(path, partial)
            os.replace(partial, path)  # whole or not at all
        verb = "would leave out" if dry_run else "left out"
        out.append(f"{name}: {verb} {', '.join(f.removed)}")
    return out
