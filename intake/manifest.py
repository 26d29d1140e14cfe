"""The build's manifest (written by breakout_comments): which write-ups take comments, and replies to what."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

VERSION = 1


class ManifestError(RuntimeError):
    """The manifest is missing or unreadable: the service cannot tell what exists."""


@dataclass(frozen=True)
class Writeup:
    """One write-up as the service needs it."""

    slug: str
    url: str  # relative to the site URL, e.g. "2011/ukgc11-police/"
    title: str
    open: bool
    comments: frozenset[str]  # ids of the shown comments a reply may name


@dataclass(frozen=True)
class Manifest:
    """What the last build published."""

    timezone: str
    max_comment_chars: int
    max_links: int
    max_field_chars: int
    thanks_url: str  # the thank-you page, relative to the site URL
    writeups: dict[str, Writeup]


def parse(text: str, source: str) -> Manifest:
    """A Manifest from the JSON the build wrote; ManifestError naming `source` if it is not one."""
    try:
        raw = json.loads(text)
        if raw.get("version") != VERSION:
            raise ManifestError(
                f"{source}: manifest version {raw.get('version')!r}, need {VERSION}"
            )
        writeups = {
            slug: Writeup(
                slug=slug,
                url=str(w["url"]),
                title=str(w["title"]),
                open=bool(w["open"]),
                comments=frozenset(str(c) for c in w["comments"]),
            )
            for slug, w in raw["writeups"].items()
        }
        return Manifest(
            timezone=str(raw["timezone"]),
            max_comment_chars=int(raw["max_comment_chars"]),
            max_links=int(raw["max_links"]),
            max_field_chars=int(raw["max_field_chars"]),
            thanks_url=str(raw["thanks_url"]),
            writeups=writeups,
        )
    except ManifestError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(
            f"{source}: not a Breakout intake manifest ({exc}); rebuild the site"
        ) from None


class ManifestFile:
    """The manifest file, re-read whenever a build replaces it (checked on each use)."""

    def __init__(self, path: Path) -> None:
        """Remember the path; nothing is read until first use."""
        self.path = path
        self._key: tuple[int, int, int] | None = None
        self._manifest: Manifest | None = None

    def current(self) -> Manifest:
        """The manifest as the file now says; ManifestError if there is none."""
        try:
            st = os.stat(self.path)
        except OSError:
            raise ManifestError(
                f"{self.path}: no manifest (build the site first: python3 -m invoke build)"
            ) from None
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        if key != self._key or self._manifest is None:
            self._manifest = parse(self.path.read_text(encoding="utf-8"), str(self.path))
            self._key = key
        return self._manifest
