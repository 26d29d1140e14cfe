"""Output folders one build has made or found: each is made once, and made ones start empty.

A cold build writes thousands of files, most in a folder of their own (people/<slug>/,
feeds/…). `os.makedirs(folder, exist_ok=True)` per file costs a stat of the parent and a
mkdir, three system calls when the folder is there already; a writer that must not
clobber a file it did not write also opens or stats the file first. One `OutputFolders`
per build run and process (`build.output_folders`) remembers which folders exist, and which of them it made: a file
in a folder it made can only be one that this build put there.
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
