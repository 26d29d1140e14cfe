"""What the comment form and the intake service need from a build (pure; no Pelican import).

The form's limits live here once: the build shows them on the form and writes them into
the manifest, and the intake service (intake/) enforces what the manifest says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

MANIFEST_VERSION = 1
# Name, handle and website: one line each, at most this long.
FIELD_MAX = 200


@dataclass(frozen=True)
class CommentForm:
    """The form under one write-up: where it posts and the limits it shows."""

    action: str  # the intake service's POST URL
    writeup: str  # the write-up's slug (the hidden field)
    max_length: int  # characters in the comment
    max_links: int  # links in the comment
    max_field: int = FIELD_MAX

    def token(self) -> tuple[str, str, int, int, int]:
        """Everything the form shows, for page fingerprints."""
        return (self.action, self.writeup, self.max_length, self.max_links, self.max_field)


@dataclass(frozen=True)
class ManifestEntry:
    """One write-up as the intake service sees it."""

    slug: str
    url: str
    title: str
    open: bool
    comments: tuple[str, ...]  # ids of the shown, not removed, comments (reply targets)


def form_action(intake_url: str) -> str:
    """The form's action for the service at `intake_url` ('' when there is no service)."""
    return f"{intake_url.rstrip('/')}/comments" if intake_url else ""


def manifest_json(
    entries: Iterable[ManifestEntry],
    *,
    timezone: str,
    thanks_url: str,
    max_length: int,
    max_links: int,
) -> str:
    """The manifest the intake service reads: deterministic JSON (sorted, no build time)."""
    data = {
        "version": MANIFEST_VERSION,
        "timezone": timezone,
        "thanks_url": thanks_url,
        "max_comment_chars": max_length,
        "max_links": max_links,
        "max_field_chars": FIELD_MAX,
        "writeups": {
            e.slug: {"url": e.url, "title": e.title, "open": e.open, "comments": sorted(e.comments)}
            for e in entries
        },
    }
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
