"""Find the comment files under the comments folder; anything misplaced is reported, not skipped."""

from __future__ import annotations

import os
from operator import attrgetter

from breakout_kernel.source import misnamed_markdown

from .model import Problem
from .parse import COMMENT_EXTENSIONS


def _entries(folder: str) -> tuple[list[os.DirEntry[str]], list[os.DirEntry[str]]]:
    """(sub-folders, other entries) of folder, each sorted by name; none if it cannot be listed."""
    dirs: list[os.DirEntry[str]] = []
    files: list[os.DirEntry[str]] = []
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                try:
                    is_dir = entry.is_dir()  # the listing's file type: no stat (as os.walk)
                except OSError:
                    is_dir = False
                (dirs if is_dir else files).append(entry)
    except OSError:
        pass  # as os.walk did: a folder that cannot be listed holds nothing
    return sorted(dirs, key=_NAME), sorted(files, key=_NAME)


_NAME = attrgetter("name")


def _problem(path: str, name: str, depth: int) -> Problem | None:
    """Why the file at path (depth folders below the root) is not a comment file, or None."""
    if why := misnamed_markdown(name, "comment"):
        return Problem(path, None, why)
    if not name.endswith(COMMENT_EXTENSIONS):
        return Problem(
            path, None, "not a comment file (comments are .md files); it is ignored", False
        )
    if depth != 1:
        return Problem(
            path,
            None,
            "a comment file must sit in the folder of its write-up: "
            "comments/<write-up slug>/<comment id>.md; move it there",
        )
    return None


def find_comment_files(root: str) -> tuple[list[str], list[Problem]]:
    """Paths of comments/<slug>/<id>.md, sorted; problems for files anywhere else."""
    found: list[str] = []
    problems: list[Problem] = []
    if not os.path.isdir(root):
        return found, problems
    # os.scandir, not os.walk: walk stats every sub-folder again (islink) and this reads
    # a few thousand of them on every build. Same order: a folder's files, then its
    # sub-folders by name, depth first; symlinked folders are listed but not entered.
    stack: list[tuple[str, int]] = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        dirs, files = _entries(folder)
        for entry in files:
            name = entry.name
            if name.startswith("."):
                continue  # editor and OS droppings (.DS_Store, .swp), as Pelican's IGNORE_FILES
            if depth == 1 and name.endswith(COMMENT_EXTENSIONS):
                found.append(entry.path)  # the usual case, which _problem would pass
                continue
            problem = _problem(entry.path, name, depth)
            if problem is None:
                found.append(entry.path)
            else:
                problems.append(problem)
        stack.extend(
            (entry.path, depth + 1)
            for entry in reversed(dirs)
            if not entry.name.startswith(".") and not entry.is_symlink()
        )
    return found, problems
