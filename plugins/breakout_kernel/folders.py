"""Output folders one build has made or found: each is made once, and made ones start empty.

A cold build writes thousands of files, most in a folder of their own (people/<slug>/,
feeds/…). `os.makedirs(folder, exist_ok=True)` per file costs a stat of the parent and a
mkdir, three system calls when the folder is there already; a writer that must not
clobber a file it did not write also opens or stats the file first. One `OutputFolders`
per build run and process (`build.output_folders`) remembers which folders exist, and which of them it made: a file
in a folder it made can only be one that this build put there. `write_if_changed` is the
one writer of generated files that are not Pelican pages, through those folders.
"""

from __future__ import annotations

import os


class OutputFolders:
    """Folders known to exist in this build (absolute, normalised paths) and those it made."""

    def __init__(self) -> None:
        """Nothing known yet."""
        self.made: set[str] = set()
        self.found: set[str] = set()

    def ensure(self, folder: str) -> bool:
        """Make folder and its missing parents unless known; True if this build made it."""
        if folder in self.made:
            return True
        if folder in self.found:
            return False
        try:
            os.mkdir(folder)
        except FileNotFoundError:
            parent = os.path.dirname(folder)
            if parent == folder:
                raise
            self.ensure(parent)
            return self.ensure(folder)
        except FileExistsError:
            if not os.path.isdir(folder):
                raise  # a file in the way: as os.makedirs(exist_ok=True) reports it
            self.found.add(folder)
            return False
        self.made.add(folder)
        return True

    def made_here(self, folder: str) -> bool:
        """True if this build made folder (so the only files in it are ones this build put there)."""
        return folder in self.made


def clear_empty_folder(path: str) -> bool:
    """Remove the folder at path if it holds folders only, so a file can take its place.

    A warm rebuild's fresh output gets the live output's folders made ahead of the writers
    (tools/skeleton.py); where the last build had a folder and this one writes a file of
    the same name, that folder is in the way. Empty, it holds nothing to lose. A folder
    holding a file is left, and the writer's own error then names the clash.
    True if path is no longer there.
    """
    for _attempt in range(3):  # the skeleton's child may be making a folder in it meanwhile
        for folder, _subfolders, files in os.walk(path, topdown=False):
            if files:
                return False
            try:
                os.rmdir(folder)
            except FileNotFoundError:
                pass
            except OSError:
                break  # a folder appeared in it: walk again
        if not os.path.lexists(path):
            return True
    return False


def output_target(output_path: str | os.PathLike[str], rel: str) -> str:
    """output_path/rel, refused if it would leave output_path."""
    root = os.fspath(output_path)
    # abspath() calls getcwd(), a system call: write_feeds passes an absolute path.
    root = os.path.normpath(root) if os.path.isabs(root) else os.path.abspath(root)
    # normpath, not resolve(): no symlink walk per file (paths come from checked settings).
    target = os.path.normpath(os.path.join(root, rel))
    if not target.startswith(root + os.sep):
        raise ValueError(f"output path {rel!r} is outside the output folder")
    return target


def write_if_changed(
    output_path: str | os.PathLike[str],
    rel: str,
    data: bytes,
    folders: OutputFolders | None = None,
) -> int | None:
    """Write data to output_path/rel unless the file already holds exactly these bytes.

    The one writer of generated files that are not Pelican pages: feeds, calendars, OPML,
    open data, the search index's shard list and state.

    Returns the written file's mtime_ns, or None when it was left alone. folders, this
    build's OutputFolders, makes each folder once and knows which ones this build made: a
    file in one of those that this build did not write cannot exist, so it is not read
    first (on a cold build that saves a failed open and a mkdir for each of thousands of
    feeds). Each output path has one writer, so "did not write" holds for the caller's own.
    """
    target = output_target(output_path, rel)
    folder = os.path.dirname(target)
    fresh = (folders or OutputFolders()).ensure(folder)
    if not fresh:
        try:
            with open(target, "rb") as f:
                if f.read() == data:
                    return None  # keeps mtimes, so rsync and the dev server see nothing changed
        except FileNotFoundError:
            fresh = True  # nothing there to replace
        except IsADirectoryError:
            fresh = clear_empty_folder(target)  # the last build's folder, made ahead
        except OSError:
            pass
    # Over an existing file, write beside it and rename: a reader sees old or new bytes.
    tmp = target if fresh else target + ".tmp"
    with open(tmp, "wb", buffering=0) as f:  # one write: no buffer, no isatty() ioctl
        view = memoryview(data)
        while view:  # a raw write may take less than all of it
            view = view[f.write(view) or 0 :]
        mtime = os.fstat(f.fileno()).st_mtime_ns  # rename keeps it
    if tmp != target:
        os.replace(tmp, target)
    return mtime
