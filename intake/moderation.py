"""The editor's side of the queue: list what waits, approve (into content/comments/) or reject."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from breakout_comments.model import CommentSource
from breakout_comments.parse import ID_RE, parse_comment_file

from .queue import INCOMING, REJECTED


class ModerationError(RuntimeError):
    """An id that is not in the queue, or a file that cannot be moved; nothing else was done."""


@dataclass(frozen=True)
class Pending:
    """One queued comment as the editor sees it."""

    id: str
    slug: str
    path: Path
    source: CommentSource
    body_html: str  # as the site will show it: Markdown, then the sanitiser
    problems: tuple[str, ...]  # what the build would say about the file


def queued_files(queue: Path) -> list[Path]:
    """queue/<slug>/<id>.md files, oldest id first (ids start with their UTC time)."""
    if not queue.is_dir():
        return []
    files = [
        path
        for folder in queue.iterdir()
        if folder.is_dir() and folder.name not in (INCOMING, REJECTED)
        for path in folder.glob("*.md")
    ]
    return sorted(files, key=lambda p: (p.stem, p.parent.name))


def pending(queue: Path, tz: dt.tzinfo, render: Callable[[CommentSource], str]) -> list[Pending]:
    """Every queued comment, parsed and rendered as the build will."""
    out = []
    for path in queued_files(queue):
        source, problems = parse_comment_file(path.read_text(encoding="utf-8"), str(path), tz)
        out.append(
            Pending(
                id=path.stem,
                slug=path.parent.name,
                path=path,
                source=source,
                body_html=render(source),
                problems=tuple(p.message for p in problems),
            )
        )
    return out


def find(queue: Path, wanted: Iterable[str]) -> list[Path]:
    """The queued files for ids ('<id>' or '<slug>/<id>'); ModerationError naming any unknown."""
    files = queued_files(queue)
    by_id: dict[str, list[Path]] = {}
    for path in files:
        by_id.setdefault(path.stem, []).append(path)
        by_id.setdefault(f"{path.parent.name}/{path.stem}", []).append(path)
    found: list[Path] = []
    for raw in wanted:
        key = raw.strip()
        slug, _, cid = key.rpartition("/")
        matches = by_id.get(key, [])
        if not ID_RE.match(cid) or (slug and not ID_RE.match(slug.replace(".", "-"))):
            raise ModerationError(f"'{raw}' is not a comment id (see python3 -m invoke moderate)")
        if not matches:
            raise ModerationError(f"no queued comment '{raw}' (see python3 -m invoke moderate)")
        if len(matches) > 1:
            raise ModerationError(f"'{raw}' is queued for several write-ups; give <slug>/<id>")
        if matches[0] not in found:
            found.append(matches[0])
    return found


def _move(path: Path, target: Path) -> None:
    """Move a file without ever replacing one (link, then unlink), creating the folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(path, target)
    except FileExistsError:
        raise ModerationError(f"{target} already exists; nothing was moved") from None
    os.unlink(path)


def approve(paths: Iterable[Path], content_comments: Path) -> list[Path]:
    """Move each file unchanged into content/comments/<slug>/; the new paths."""
    moved = []
    for path in paths:
        target = content_comments / path.parent.name / path.name
        _move(path, target)
        moved.append(target)
    return moved


def reject(paths: Iterable[Path], queue: Path) -> list[Path]:
    """Move each file to queue/_rejected/<slug>/ (kept, never published); the new paths."""
    moved = []
    for path in paths:
        target = queue / REJECTED / path.parent.name / path.name
        _move(path, target)
        moved.append(target)
    return moved


def describe(item: Pending) -> str:
    """The listing of one queued comment for the terminal."""
    s = item.source
    lines = [
        f"{item.slug}/{item.id}",
        f"  author:   {s.author}" + (f" (@{s.handle})" if s.handle else ""),
    ]
    if s.website:
        lines.append(f"  website:  {s.website}")
    lines.append(f"  write-up: {item.slug}")
    lines.append(f"  date:     {s.date.isoformat(sep=' ') if s.date else '-'}")
    if s.replyto:
        lines.append(f"  reply to: {s.replyto}")
    lines.extend(f"  problem:  {p}" for p in item.problems)
    lines.append("  body (as it will render):")
    lines.extend(f"    {line}" for line in item.body_html.splitlines() or [""])
    return "\n".join(lines)
