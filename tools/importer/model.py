"""Plain records the format readers produce and the writer consumes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field


class ImportFailed(Exception):
    """The export cannot be imported; `problems` are `file:line: message` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class SourceComment:
    """One comment as the export gives it (e-mail and IP are never read into it)."""

    id: str
    post_key: str
    author: str
    website: str
    date: dt.datetime | None  # aware (UTC); naive = the blog's local time; None: unknown
    parent: str  # the source id of the comment it answers, or ""
    html: str
    state: str  # approved | pending | spam | trash | removed
    kind: str = "comment"  # comment | pingback | trackback
    line: int | None = None


@dataclass
class SourcePost:
    """One post, page, attachment or other item of an export."""

    key: str  # the source's own id (WordPress post_id, Blogger post id)
    kind: str  # post | page | attachment | other
    post_type: str  # as the source names it (post, page, attachment, a custom type, …)
    title: str
    slug: str  # the source's slug ("" when it has none)
    link: str  # the old permalink ("" when unknown)
    date: dt.datetime | None  # aware (UTC) when known; naive = the blog's local time
    status: str  # the source's status word, lower-case ("" when missing)
    published: bool  # True only when the status says so in so many words
    author: str
    tags: list[str] = field(default_factory=list)
    excerpt_html: str = ""
    html: str = ""
    comments: list[SourceComment] = field(default_factory=list)
    attachment_url: str = ""
    parent_key: str = ""
    password: bool = False
    line: int | None = None


@dataclass(frozen=True)
class Skipped:
    """An entry that is not content: a template, a setting, a nav menu item, …"""

    kind: str
    title: str
    line: int | None = None


@dataclass(frozen=True)
class SiteInfo:
    """What the export says about the old blog itself."""

    base_url: str  # e.g. https://blog.example.org
    feed_paths: tuple[str, ...]  # the old feed paths to redirect


@dataclass(frozen=True)
class Options:
    """What the command line asked for, with the site's settings it needs."""

    timezone: str = "Europe/London"
    event: str = ""  # --event SLUG for posts carrying no event's hashtag
    force: bool = False
    dry_run: bool = False
    format: str = ""  # wordpress | blogger | "" (detect)
    media: bool = False  # --media: fetch the old blog's images into content/ (media.py)
    # The site's own addresses before the import ({output file: what it is}): an old address
    # that is one of them gets no redirect (the build would refuse it).
    taken: Mapping[str, str] = field(default_factory=dict)
