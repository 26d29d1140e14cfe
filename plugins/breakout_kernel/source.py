"""Read content files as strict UTF-8: a bad byte is reported where it is, never replaced."""

from __future__ import annotations

import os

from . import errors
from .utf8 import BadByte, decode_utf8

# The Markdown file names read as write-ups, pages and comments (Pelican's MarkdownReader's).
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")


def misnamed_markdown(name: str, what: str) -> str | None:
    """The problem with a file named like Markdown in another case (`x.MD`), or None.

    Pelican matches extensions case-sensitively and would skip such a file without a word.
    """
    stem, ext = os.path.splitext(name)
    if ext in MARKDOWN_EXTENSIONS or ext.lower() not in MARKDOWN_EXTENSIONS:
        return None
    return (
        f"a {what}'s file name must end in lower-case .md, .markdown, .mkd or .mdown; "
        f"rename it to {stem}{ext.lower()}"
    )


def report_misnamed(root: str, subdirs: list[str], what: str) -> None:
    """Report every Markdown file under root/subdir whose extension is not lower-case."""
    for sub in subdirs:
        for folder, dirs, files in os.walk(os.path.join(root, sub)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                why = misnamed_markdown(name, what)
                if why and not name.startswith("."):
                    errors.report(os.path.join(folder, name), None, why)


def read_text(path: str | os.PathLike[str]) -> str:
    """A content file's text; an invalid byte is reported as `path:line: …` and raises ContentError."""
    with open(path, "rb") as f:
        raw = f.read()
    text = decode_utf8(raw)
    if isinstance(text, BadByte):
        errors.report(path, text.line, text.message())
        raise errors.ContentError(os.fspath(path))
    return text
