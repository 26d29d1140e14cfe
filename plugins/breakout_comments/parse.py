"""Read one comment file (metadata lines, blank line, Markdown body) and say what is wrong with it."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from breakout_kernel.source import MARKDOWN_EXTENSIONS

from .model import PUBLISHED, REMOVED, CommentSource, Problem

# Canonical spelling of each key, in the order the docs list them (used in messages).
KEYS = ("Author", "Handle", "Website", "Date", "Replyto", "Status", "Orphaned")
KNOWN = {k.lower(): k for k in KEYS}
KEY_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*):(?:[ \t]+(?P<value>.*?))?[ \t]*$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?(?:Z|[+-]\d{2}:?\d{2})?$")
# Twitter name, Mastodon name@server, or a Bluesky domain handle; a leading @ is optional.
HANDLE_RE = re.compile(
    r"^@?(?:[A-Za-z0-9_]{1,30}(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?"
    r"|[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)$"
)
DATE_HELP = "use YYYY-MM-DD or YYYY-MM-DD HH:MM, or leave Date out if it is not known"
# Bodies that comment dumps (Blogger) leave behind when a comment was taken down.
REMOVED_BODIES = frozenset(
    {
        "This comment has been removed by the author.",
        "This comment has been removed by a blog administrator.",
        "This post has been removed by the author.",
    }
)
YES = {"yes": True, "true": True, "no": False, "false": False}
COMMENT_EXTENSIONS = MARKDOWN_EXTENSIONS


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace to one space and trim the ends."""
    return " ".join(text.split())


def ids_from_path(path: str) -> tuple[str, str]:
    """(write-up slug, comment id) of comments/<slug>/<id>.md."""
    stem = os.path.splitext(os.path.basename(path))[0]
    return os.path.basename(os.path.dirname(path)), stem


def parse_date(value: str, tz: dt.tzinfo) -> dt.datetime | None:
    """An aware datetime from YYYY-MM-DD[ HH:MM[:SS]][offset] (naive means tz); None if invalid."""
    if not DATE_RE.match(value):
        return None
    try:
        date = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return date if date.tzinfo else date.replace(tzinfo=tz)


def safe_website(value: str) -> bool:
    """True for an absolute http(s) URL with a host and nothing that could break out of an attribute."""
    if any(c.isspace() or ord(c) < 32 or c in "<>\"'`\\" for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def split_metadata(text: str) -> tuple[list[tuple[str, str, int]], str]:
    """Split a file into (key, value, line) entries and the body after the metadata block."""
    lines = text.splitlines()
    entries: list[tuple[str, str, int]] = []
    body_start = len(lines)
    for index, line in enumerate(lines):
        if not line.strip():
            body_start = index + 1
            break
        m = KEY_LINE.match(line)
        if m:
            entries.append((m.group("key"), m.group("value") or "", index + 1))
        elif entries and line[:1] in (" ", "\t"):
            # An indented line continues the previous value, as in Python-Markdown's meta block.
            key, value, number = entries[-1]
            entries[-1] = (key, f"{value} {line.strip()}".strip(), number)
        else:
            body_start = index
            break
    return entries, "\n".join(lines[body_start:]).strip("\n")


Report = Callable[..., None]  # problem(line, message, error=True)


def parse_comment_file(text: str, path: str, tz: dt.tzinfo) -> tuple[CommentSource, list[Problem]]:
    """Parse one comment file; every problem comes with the line it is on (None if no line)."""
    slug, comment_id = ids_from_path(path)
    source = CommentSource(path=path, id=comment_id, article_slug=slug)
    problems: list[Problem] = []

    def problem(line: int | None, message: str, error: bool = True) -> None:
        """Record one problem of this file."""
        problems.append(Problem(path, line, message, error))

    if not ID_RE.match(comment_id):
        problem(
            None,
            f"comment id '{comment_id}' (the file name) may use only letters, digits, - and _; rename the file",
        )
    text = text.lstrip("\ufeff")
    entries, body = split_metadata(text)
    if body:
        # The body is the file's tail but for empty lines: count back from the end.
        lines = text.splitlines()
        trailing = len(lines) - len("\n".join(lines).rstrip("\n").split("\n"))
        source.body_line = len(lines) - trailing - body.count("\n")
    values = _known_values(entries, source, problem)
    _who(source, values, problem)
    status = _when_and_where(source, values, tz, problem)
    source.body = body
    if status == REMOVED or normalise_space(body) in REMOVED_BODIES:
        source.status = REMOVED
        source.body = ""
    elif not body.strip():
        line = max([*source.lines.values(), 1])
        problem(
            line,
            "the comment has no text: write it after a blank line below the metadata, or set 'Status: removed'",
        )
    return source, problems


def _known_values(
    entries: list[tuple[str, str, int]], source: CommentSource, problem: Report
) -> dict[str, str]:
    """The metadata by lower-case key (lines noted in source.lines); unknown and repeated keys reported."""
    values: dict[str, str] = {}
    for key, value, line in entries:
        lower = key.lower()
        if lower not in KNOWN:
            close = difflib.get_close_matches(key.capitalize(), KEYS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problem(line, f"unknown metadata key '{key}' ({hint}known keys: {', '.join(KEYS)})")
            continue
        if lower in values:
            problem(
                line,
                f"'{KNOWN[lower]}' is given twice (first on line {source.lines[lower]}); keep one",
            )
            continue
        values[lower] = value
        source.lines[lower] = line
    return values


def _who(source: CommentSource, values: dict[str, str], problem: Report) -> None:
    """Author, Handle and Website, checked."""
    source.author = normalise_space(values.get("author", ""))
    if not source.author:
        problem(
            source.lines.get("author", 1),
            "missing 'Author:' (who wrote the comment; write 'Author: Anonymous' if nobody knows)",
        )
    if source.author.startswith(("@", "＠")) and " " not in source.author:
        problem(
            source.lines["author"],
            f"Author '{source.author}' is a handle, not a name: write the name in Author and "
            f"the handle as 'Handle: {source.author}' (Author: Anonymous if nobody knows the name)",
            False,
        )
    handle = values.get("handle", "").strip()
    if handle:
        if HANDLE_RE.match(handle):
            source.handle = handle.lstrip("@")
        else:
            problem(
                source.lines["handle"],
                f"Handle '{handle}' is not a handle (expected @name, @name@server or name.bsky.social)",
            )
    website = values.get("website", "").strip()
    if website:
        if safe_website(website):
            source.website = website
        else:
            problem(
                source.lines["website"],
                f"Website '{website}' is not an http(s) URL; the author is shown without a link",
                error=False,
            )


def _when_and_where(
    source: CommentSource, values: dict[str, str], tz: dt.tzinfo, problem: Report
) -> str:
    """Date, Replyto, Status and Orphaned, checked; returns the Status given (lower case)."""
    date = values.get("date", "").strip()
    if date:
        source.date = parse_date(date, tz)
        if source.date is None:
            problem(source.lines["date"], f"unparseable Date '{date}' ({DATE_HELP})")
    source.replyto = values.get("replyto", "").strip()
    if source.replyto == source.id:
        problem(
            source.lines["replyto"],
            f"Replyto '{source.id}' names this comment itself; remove the Replyto line",
        )
        source.replyto = ""
    status = values.get("status", "").strip().lower()
    if status and status not in (PUBLISHED, REMOVED):
        problem(
            source.lines["status"],
            f"Status must be 'published' or 'removed', not '{values['status']}'",
        )
    orphaned = values.get("orphaned", "").strip().lower()
    if orphaned:
        if orphaned in YES:
            source.orphaned = YES[orphaned]
        else:
            problem(
                source.lines["orphaned"],
                f"Orphaned must be 'yes' or 'no', not '{values['orphaned']}'",
            )
    return status
