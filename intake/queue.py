"""The moderation queue: each accepted comment becomes one complete file, written atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import shutil
import zoneinfo
from pathlib import Path

from breakout_comments.parse import parse_comment_file, split_metadata

from .validation import Submission, normalised_body

# Temporary files live here until they are complete; the folder name can never be a
# write-up slug (slugs start with a letter or digit), and the service empties it on start.
INCOMING = ".incoming"
REJECTED = "_rejected"


class QueueError(RuntimeError):
    """The queue folder cannot take a file (read-only, full, missing): nothing was queued."""


def new_id(now: dt.datetime) -> str:
    """A comment id that sorts by arrival: UTC time plus 48 random bits."""
    return f"{now.astimezone(dt.UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(6)}"


def comment_text(sub: Submission, date: dt.datetime) -> str:
    """The Breakout comment file for a submission (no e-mail, no address: nothing else is kept)."""
    lines = [f"Author: {sub.name}"]
    if sub.handle:
        lines.append(f"Handle: {sub.handle}")
    if sub.website:
        lines.append(f"Website: {sub.website}")
    lines.append(f"Date: {date.isoformat(sep=' ', timespec='seconds')}")
    if sub.replyto:
        lines.append(f"Replyto: {sub.replyto}")
    return "\n".join(lines) + "\n\n" + sub.comment + "\n"


def check_round_trip(text: str, sub: Submission, path: str, tz: dt.tzinfo) -> None:
    """Refuse to queue a file the build would read differently from what was submitted."""
    source, problems = parse_comment_file(text, path, tz)
    if problems or source.body != sub.comment or source.replyto != sub.replyto:
        details = "; ".join(p.message for p in problems) or "the file reads back differently"
        raise ValueError(f"comment file would not read back as submitted: {details}")


def _fsync_dir(path: Path) -> None:
    """Make a rename or link in `path` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(queue: Path, slug: str, comment_id: str, text: str) -> Path:
    """Write queue/<slug>/<id>.md whole or not at all: temp file, fsync, link (never overwrites)."""
    incoming = queue / INCOMING
    target_dir = queue / slug
    tmp = incoming / f"{comment_id}.tmp"
    target = target_dir / f"{comment_id}.md"
    data = text.encode("utf-8")
    try:
        incoming.mkdir(parents=True, exist_ok=True)
        target_dir.mkdir(exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        # link, not rename: an existing file with this id is never replaced.
        os.link(tmp, target)
        _fsync_dir(target_dir)
    except OSError as exc:
        raise QueueError(f"cannot write to the moderation queue: {exc.strerror or exc}") from exc
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        except OSError:
            pass  # the folder refused the file in the first place; there is nothing to remove
    return target


def clear_incoming(queue: Path) -> int:
    """Remove temporary files a killed service left behind; how many there were."""
    incoming = queue / INCOMING
    if not incoming.is_dir():
        return 0
    count = sum(1 for _ in incoming.iterdir())
    shutil.rmtree(incoming, ignore_errors=True)
    return count


def body_digest(body: str) -> str:
    """What duplicate detection keeps of a body."""
    return hashlib.sha256(normalised_body(body).encode("utf-8")).hexdigest()


class Duplicates:
    """Digests of the bodies already queued or published, per write-up (read once per slug)."""

    def __init__(self, folders: list[Path]) -> None:
        """folders: the queue and content/comments; each holds <slug>/<id>.md files."""
        self.folders = folders
        self._seen: dict[str, set[str]] = {}

    def _load(self, slug: str) -> set[str]:
        """The digests of one write-up's comments, read on first use."""
        seen = self._seen.get(slug)
        if seen is None:
            seen = set()
            for folder in self.folders:
                for path in sorted((folder / slug).glob("*.md")):
                    try:
                        _entries, body = split_metadata(path.read_text(encoding="utf-8"))
                    except (OSError, UnicodeDecodeError):
                        continue  # the build reports unreadable comment files
                    seen.add(body_digest(body))
            self._seen[slug] = seen
        return seen

    def reserve(self, slug: str, body: str) -> str | None:
        """The body's digest, now taken; None if this write-up already has the same body."""
        seen = self._load(slug)
        digest = body_digest(body)
        if digest in seen:
            return None
        seen.add(digest)
        return digest

    def release(self, slug: str, digest: str) -> None:
        """Give a digest back when its comment could not be queued."""
        self._seen.get(slug, set()).discard(digest)


def site_zone(name: str) -> dt.tzinfo:
    """The site's time zone (comment dates are written in it), UTC if it is unknown."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC
