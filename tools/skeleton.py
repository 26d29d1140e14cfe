"""The live output's folders made in a build's fresh folder by a child process, ahead of the writers.

A warm rebuild writes into a fresh folder (tools/build.py) and carries thousands of
unchanged pages over into it, nearly every one in a folder of its own (pretty URLs:
people/<slug>/index.html). Making those folders is system time, 0.2 to 0.5 ms a folder
on the machines we measure: about 1.8 s of a 6.5 s rebuild at 2,000 write-ups, spent by
the main process while the second core idles. The next build's folders are mostly the
last one's, so a child process makes them from the live output while the build reads and
renders. (A thread would not do: between two mkdirs it waits for the GIL, up to 5 ms each
time, while the main thread renders.) Writers that get to a folder first make it
themselves; both sides take "exists" as done (Pelican's copy of the theme does not, so
breakout_assets makes the theme's folders before anything is written). Folders the build
left empty are removed at the end, so the output is exactly what a build without the
child leaves.

A rebuild that starts from the spare (the last replaced output's folders, emptied by
tools/removal.py) finds most folders there already; any of the spare's folders may be one
this build leaves empty, so the child then reports every folder of the target.

Run as a script: `python skeleton.py SOURCE TARGET [--spare]` makes the folders and then
prints the ones it made (with --spare: every folder of TARGET), each ended by a NUL byte.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path


def copy_folders(source: str, target: str) -> list[str]:
    """Make in target each folder of source that holds something, parents first; those made."""
    made: list[str] = []
    cut = len(source)
    for folder, subfolders, files in os.walk(source):
        if folder == source or not (subfolders or files):
            continue  # the target exists; an empty folder is not one a build needs
        made_one = target + folder[cut:]
        try:
            os.mkdir(made_one)
        except FileExistsError:
            continue  # a writer made it first
        except OSError:
            break  # the target went away (a failed build removed it)
        made.append(made_one)
    return made


def target_folders(target: str) -> list[str]:
    """Every folder under target, parents first (the target itself left out)."""
    found: list[str] = []
    for folder, _subfolders, _files in os.walk(target):
        if folder != target:
            found.append(folder)
    return found


class Skeleton:
    """The child process copying one tree's folders into another."""

    def __init__(self, source: Path, target: Path, spare: bool = False) -> None:
        """Start the child (its output is read at finish: it prints only when done).

        spare: target is a spare tree of folders (tools/removal.py), so the child reports
        all of target's folders, not only those it made: any of them may be left empty.
        """
        argv = [sys.executable, "-I", "-S", __file__, str(source), str(target)]
        self._child = subprocess.Popen(
            argv + (["--spare"] if spare else []),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=False,  # it keeps the build lock's descriptor (tools/buildlock.py)
        )

    def finish(self) -> None:
        """Wait for the child; remove the folders it made that the build left empty."""
        out, _ = self._child.communicate()
        for folder in reversed([os.fsdecode(name) for name in out.split(b"\0") if name]):
            with contextlib.suppress(OSError):  # not empty: the build wrote there
                os.rmdir(folder)  # children before their parents

    def abandon(self) -> None:
        """Stop the child and wait for it (the build failed; its folder is removed)."""
        self._child.kill()
        self._child.communicate()


def start(source: Path, target: Path, spare: bool = False) -> Skeleton | None:
    """Start copying source's folders into target, if source is a folder (a warm rebuild)."""
    if not source.is_dir() or source.is_symlink():
        return None
    return Skeleton(source, target, spare)


if __name__ == "__main__":
    made = copy_folders(sys.argv[1], sys.argv[2])
    if sys.argv[3:] == ["--spare"]:
        made = target_folders(sys.argv[2])
    sys.stdout.buffer.write(b"".join(os.fsencode(folder) + b"\0" for folder in made))
