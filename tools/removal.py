"""Replaced output trees removed by a detached process, so a build returns without waiting for it.

Each build swaps a fresh folder in for the live output (tools/build.py); the replaced tree
(thousands of files and folders) used to be removed before the build returned: 0.9 s of a
warm rebuild at 2,000 write-ups. Now it is renamed to a folder of its own beside the
output (`.<output>.breakout-old.<pid>-<ns>`, holding the staging mark) and removed by a
daemon process (a grandchild in a session of its own), which outlives the build. It holds a lock
on the mark while it works and removes the mark last, so a folder it left (killed, or the
machine stopped) is still recognisable as the build's and removed by the next build or
`invoke clean`; a folder whose remover is still at work is left to it.

Making a rebuild's thousands of folders (one per pretty URL) and deleting the replaced
ones costs system time, more than anything else in a one-edit rebuild on a file system
that scans recently deleted inodes for each new one (ext4 without a journal: a one-edit
rebuild at 2,000 write-ups took 2.2 to 5.2 s of system time, 1.1 to 1.8 s with a spare).
So the remover keeps the folders: it removes the files only (hard links to the live
output's, nearly all: no data is freed) and renames the emptied tree to
`.<output>.breakout-spare`, which the next rebuild takes as its fresh folder
(tools/build.py, tools/skeleton.py). There is one spare; another replaced tree, or one
holding a file the remover could not remove, is removed whole.

Run as a script: `python removal.py FOLDER MARK [SPARE]` removes FOLDER, MARK (a file name in
it) last; with SPARE, it removes FOLDER's files but MARK and renames FOLDER to SPARE.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
import time
from pathlib import Path


def remove_tree(folder: str, mark: str, spare: str | None = None) -> None:
    """Remove folder under a lock on its mark file, the mark last (what the detached child runs).

    With spare (a path with nothing there), the folder's files go but its folders stay, and
    it is renamed to spare: the next build starts from those folders instead of making them.
    """
    marker = os.path.join(folder, mark)
    try:
        fd = os.open(marker, os.O_RDONLY)
    except OSError:
        return  # not a folder of ours (or gone): leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return  # another remover is at work on it
    if spare is not None and _empty_to_spare(folder, mark, spare):
        os.close(fd)  # the spare keeps its mark: it is still the build's
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name == mark:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
    os.unlink(marker)
    os.close(fd)
    # Something put in meanwhile keeps the folder; without its mark it is no longer ours.
    with contextlib.suppress(OSError):
        os.rmdir(folder)


def _empty_to_spare(folder: str, mark: str, spare: str) -> bool:
    """Remove every file under folder but its mark, then rename it to spare.

    False if spare is taken or a file could not be removed (a spare must hold none).
    """
    if os.path.lexists(spare):
        return False
    marker = os.path.join(folder, mark)
    for parent, subfolders, files in os.walk(folder):
        # os.walk lists a link to a folder among the folders and never enters it.
        links = [name for name in subfolders if os.path.islink(os.path.join(parent, name))]
        for name in files + links:
            path = os.path.join(parent, name)
            if path == marker:
                continue
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError:
                return False
    try:
        os.rename(folder, spare)  # an empty folder at spare would be replaced: no such folder
    except OSError:
        return False
    return True


def being_removed(folder: Path, mark: str) -> bool:
    """True when a remover holds the lock on folder's mark (it is at work on it)."""
    try:
        fd = os.open(folder / mark, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases a lock taken here
    return False


def leftovers(old: Path) -> list[Path]:
    """Replaced trees renamed from `old` still beside it (being removed, or left by a remover)."""
    prefix = old.name + "."
    try:
        names = [e.name for e in os.scandir(old.parent) if e.name.startswith(prefix)]
    except FileNotFoundError:
        return []
    return [old.parent / name for name in sorted(names)]


def remove_leftovers(old: Path, mark: str) -> None:
    """Start a remover for each left tree that holds the mark and has none at work on it."""
    for folder in leftovers(old):
        if (folder / mark).is_file() and not being_removed(folder, mark):
            _spawn(folder, mark)


def remove_later(folder: Path, mark: str, spare: Path | None = None) -> Path:
    """Rename folder (holding the mark) to a name of its own and remove it in a detached child.

    With spare, the child keeps the folders and renames the emptied tree to spare
    (remove_tree) if nothing is there yet.
    """
    moved = folder.with_name(f"{folder.name}.{os.getpid()}-{time.time_ns()}")
    os.rename(folder, moved)
    _spawn(moved, mark, spare)
    return moved


def _spawn(folder: Path, mark: str, spare: Path | None = None) -> None:
    """Start the remover as a daemon: a grandchild in a session of its own, never our child.

    A direct child would stay the build's to reap: a zombie in a long-running process
    (livereload) and a "still running" ResourceWarning when its Popen object goes. So a
    short-lived child starts a new session, forks the remover and exits at once; the
    remover is adopted by init and outlives the build.
    """
    argv = [sys.executable, "-I", "-S", __file__, str(folder), mark]
    if spare is not None:
        argv.append(str(spare))
    pid = os.fork()
    if pid == 0:  # the intermediate child: nothing here may return into the build
        try:
            os.setsid()  # not killed with the build's terminal or process group
            if os.fork() == 0:
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                os.execv(sys.executable, argv)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def wait_until_removed(old: Path, timeout: float = 60.0) -> bool:
    """Wait for the trees renamed from `old` to go (benchmarks, tests); False on timeout."""
    deadline = time.monotonic() + timeout
    while leftovers(old):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


if __name__ == "__main__":
    remove_tree(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
