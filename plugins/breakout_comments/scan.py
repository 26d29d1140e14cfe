"""Find the comment files under the comments folder; anything misplaced is reported, not skipped."""

from __future__ import annotations

import os

from breakout_kernel.source import misnamed_markdown

from .model import Problem
from .parse import COMMENT_EXTENSIONS


def find_comment_files(root: str) -> tuple[list[str], list[Problem]]:
    """Paths of comments/<slug>/<id>.md, sorted; problems for files anywhere else."""
    found: list[str] = []
    problems: list[Problem] = []
    if not os.path.isdir(root):
        return found, problems
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        depth = len(os.path.relpath(folder, root).split(os.sep)) if folder != root else 0
        for name in sorted(files):
            if name.startswith("."):
                continue  # editor and OS droppings (.DS_Store, .swp), as Pelican's IGNORE_FILES
            path = os.path.join(folder, name)
            if why := misnamed_markdown(name, "comment"):
                problems.append(Problem(path, None, why))
            elif not name.endswith(COMMENT_EXTENSIONS):
                problems.append(
                    Problem(
                        path,
                        None,
                        "not a comment file (comments are .md files); it is ignored",
                        False,
                    )
                )
            elif depth != 1:
                problems.append(
                    Problem(
                        path,
                        None,
                        "a comment file must sit in the folder of its write-up: "
                        "comments/<write-up slug>/<comment id>.md; move it there",
                    )
                )
            else:
                found.append(path)
    return found, problems
