"""Where a Pagefind run finds its shard's pages: a private staging folder mirroring them.

Pagefind takes a page's URL from its path under the folder it indexes, so each shard's
pages are mirrored in a folder of their own: hard links to the site's files (copies on
another file system), or their twins (twin.py) where a page asks for one. No Pelican import.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from .shards import Shard
from .twin import search_twin

# Shards' pages are staged in memory where the machine offers it: a cold build makes and
# removes a folder per page there (about 5,000 at 2,000 write-ups), which on disk cost
# seconds of system time (BREAKOUT_SEARCH['STAGING_DIR'] chooses another folder).
MEMORY_ROOTS = ("/dev/shm",)
MEMORY_ROOM = 256 * 2**20  # free bytes a memory root needs (two shards' pages: about 30 MB)
STAGING_PREFIX = "breakout-pagefind-"  # the staging folder's name, made by mkdtemp
STAGING_RECORD = "pagefind-staging.path"  # in CACHE_PATH: where this build stages


def staging_root(
    cache: Path,
    chosen: str | None,
    roots: tuple[str, ...] = MEMORY_ROOTS,
    room: int = MEMORY_ROOM,
) -> Path:
    """The folder a build stages its shards' pages under: chosen, else memory with room, else cache."""
    if chosen:
        return Path(chosen)
    for root in roots:
        try:
            free = os.statvfs(root)
        except OSError:  # no such folder here (not Linux, or a container without it)
            continue
        if free.f_bavail * free.f_frsize >= room and os.access(root, os.W_OK | os.X_OK):
            return Path(root)
    return cache


def clear_staging_left(record: Path) -> None:
    """Remove the staging folder a killed build left (named in record) and the record itself."""
    try:
        left = record.read_text(encoding="utf-8").strip()
    except OSError:  # none: the last build finished
        return
    # Only ever a folder this code made: mkdtemp's name, a real folder (not a link), ours.
    if os.path.isabs(left) and os.path.basename(left).startswith(STAGING_PREFIX):
        try:
            info = os.lstat(left)
        except OSError:  # gone already
            info = None
        if info is not None and stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
            shutil.rmtree(left, ignore_errors=True)
    record.unlink(missing_ok=True)


def make_staging(root: Path, record: Path) -> Path:
    """A new private staging folder under root, named in record until the build removes it."""
    root.mkdir(parents=True, exist_ok=True)
    record.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        record.write_text(f"{staging}\n", encoding="utf-8")
    except OSError:  # unrecorded, it could outlive a killed build
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def remove_staging(staging: Path, record: Path) -> None:
    """Remove a build's staging folder, then the cache file naming it (make_staging)."""
    shutil.rmtree(staging, ignore_errors=True)
    record.unlink(missing_ok=True)


def stage_pages(shard: Shard, site: Path, staging: Path) -> None:
    """Mirror the shard's pages under staging, so Pagefind's URLs are the site's.

    A page is a hard link to its file (the site's, or its source: early.py), a copy when
    staging is on another file system (as in memory), or its twin (twin.py) where it asks
    for one.
    """
    made: set[str] = set()
    os.makedirs(staging, exist_ok=True)
    link = os.stat(site).st_dev == os.stat(staging).st_dev
    for page in shard.pages:
        target = os.path.join(staging, page.rel)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        source = page.source or os.path.join(site, page.rel)
        if page.twin:
            with open(source, "rb") as f:
                twin = search_twin(f.read())
            if twin is not None:
                with open(target, "wb") as f:
                    f.write(twin)
                continue
        if link:
            try:
                os.link(source, target)
                continue
            except OSError:  # a file system without hard links: a copy
                pass
        shutil.copyfile(source, target)
