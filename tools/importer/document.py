"""Records → Breakout files: a write-up's or page's meta block and body, a comment file.

Pure text work: the pipeline (tools.importer.run) decides where each file goes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from tools.importer.model import SourceComment, SourcePost

_ID = re.compile(r"[^A-Za-z0-9_-]+")
_SPACE = re.compile(r"\s+")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")


def slugify(value: str) -> str:
    """A file-name slug: lower-case ASCII words joined by hyphens ("" when nothing is left)."""
    from tools.scaffold import slugify_title  # the one slug rule of `invoke new`

    return slugify_title(unquote(value))[:80].strip("-")


def comment_id(value: str) -> str:
    """A comment id safe as a file name (letters, digits, -, _)."""
    return _ID.sub("-", value).strip("-")


def one_line(value: str) -> str:
    """A metadata value on one line of the meta block."""
    return _SPACE.sub(" ", value).strip()


def local_time(value: dt.datetime | None, timezone: str) -> dt.datetime | None:
    """An export time in the site's zone; a naive (blog-local) time is taken as already in it."""
    if value is None:
        return None
    zone = ZoneInfo(timezone)
    return value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)


def stamp(value: dt.datetime) -> str:
    """Breakout's Date format."""
    return value.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class EventChoice:
    """Which event a post gets and why ("" slug: none)."""

    slug: str
    reason: str  # hashtag #x | --event | ambiguous … | ""


def choose_event(
    texts: list[str], tags: list[str], hashtags: Mapping[str, str], default: str
) -> EventChoice:
    """The event whose hashtag the post carries (in its text or tags), else `default`.

    `hashtags` maps a lower-cased hashtag to its event slug. Two different events' hashtags
    leave the choice to the author (no event, reported), rather than guessing.
    """
    seen: dict[str, str] = {}
    words = [m.group(1) for text in texts for m in _HASHTAG.finditer(text)]
    words += [tag.lstrip("#") for tag in tags]
    for word in words:
        slug = hashtags.get(word.lower())
        if slug and slug not in seen:
            seen[slug] = word
    if len(seen) > 1:
        listed = ", ".join(f"#{tag} ({slug})" for slug, tag in seen.items())
        return EventChoice("", f"hashtags of more than one event: {listed}")
    if seen:
        slug, word = next(iter(seen.items()))
        return EventChoice(slug, f"hashtag #{word}")
    return EventChoice(default, "--event" if default else "")


def writeup_text(
    post: SourcePost,
    *,
    slug: str,
    date: dt.datetime,
    event: str,
    draft: bool,
    summary: str,
    body: str,
    page: bool = False,
) -> str:
    """The text of an imported write-up (or page): meta block, blank line, Markdown body."""
    title = one_line(post.title) or "Untitled"
    lines = [f"Title: {title}", f"Date: {stamp(date)}"]
    if post.author:
        lines.append(f"Author: {one_line(post.author)}")
    if not page:
        if event:
            lines.append(f"Event: {event}")
        lines.append(f"Session: {title}")
        tags = [one_line(t).replace(",", " ") for t in post.tags]
        if tags:
            lines.append(f"Tags: {', '.join(tags)}")
        if summary:
            lines.append(f"Summary: {one_line(summary)}")
        lines.append(f"Id: tag:breakout,{date.date().isoformat()}:{slug}")
    if draft:
        lines.append("Status: draft")
    return "\n".join(lines) + "\n\n" + (body.strip() or "(This post had no text.)") + "\n"


def safe_website(value: str) -> str:
    """The commenter's website when it is an http(s) address, else ""."""
    value = value.strip()
    return value if re.match(r"https?://[^\s/]+", value, re.I) and " " not in value else ""


def comment_text(
    comment: SourceComment, *, replyto: str, date: dt.datetime | None, body: str
) -> str:
    """The text of an imported comment file."""
    lines = [f"Author: {one_line(comment.author) or 'Anonymous'}"]
    website = safe_website(comment.website)
    if website:
        lines.append(f"Website: {website}")
    if date is not None:
        lines.append(f"Date: {stamp(date)}")
    if replyto:
        lines.append(f"Replyto: {replyto}")
    if comment.state == "removed":
        lines.append("Status: removed")
    return "\n".join(lines) + "\n\n" + (body.strip() or "(empty comment)") + "\n"
