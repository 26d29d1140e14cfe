"""Plain data objects for comments: what a file says, and what a page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from breakout_kernel.identity import Mention, TagRef

PUBLISHED = "published"
REMOVED = "removed"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a comment file; errors fail the build, warnings do not."""

    path: str
    line: int | None
    message: str
    error: bool = True


@dataclass(slots=True)
class CommentSource:
    """One comment file as read: its metadata, Markdown body and where each key was."""

    path: str
    id: str
    article_slug: str
    author: str = ""
    handle: str = ""
    website: str = ""
    date: dt.datetime | None = None
    replyto: str = ""
    status: str = PUBLISHED
    orphaned: bool = False
    body: str = ""
    lines: dict[str, int] = field(default_factory=dict)  # metadata key -> line number
    body_line: int = 0  # the line the body starts on


@dataclass(slots=True)
class Rendered:
    """A parsed comment with its sanitised HTML and text-engine findings (what the cache keeps)."""

    source: CommentSource
    problems: list[Problem]
    body_html: str = ""
    mentions: list[Mention] = field(default_factory=list)
    hashtags: list[TagRef] = field(default_factory=list)
    erased: list[Mention] = field(default_factory=list)  # mentions of people who opted out


# eq=False: comments compare by identity; field-wise equality would walk whole threads.
# slots: thousands live until the end of the build (pages and feeds list them).
@dataclass(eq=False, slots=True)
class Comment:
    """A comment as templates and feeds see it (the contract in docs/ARCHITECTURE.md)."""

    id: str
    article_slug: str
    author: str
    handle: str = ""
    website: str = ""
    date: dt.datetime | None = None
    status: str = PUBLISHED
    replyto: str = ""
    body_html: str = ""
    replies: list[Comment] = field(default_factory=list, repr=False)
    depth: int = 0
    anchor: str = ""
    url: str = ""
    person: str = ""
    person_url: str = ""  # relative to SITEURL, like Pelican urls; "" when no person page
    locale_date: str = ""  # date formatted with DEFAULT_DATE_FORMAT, "" when undated
    mentions: list[Mention] = field(default_factory=list, repr=False)
    hashtags: list[TagRef] = field(default_factory=list, repr=False)
    erased: list[Mention] = field(default_factory=list, repr=False)
    duplicates: list[str] = field(default_factory=list)
    source_path: str = ""
    article: Any = field(default=None, repr=False)  # the Pelican article it belongs to

    @property
    def removed(self) -> bool:
        """True when only a placeholder is shown."""
        return self.status == REMOVED
