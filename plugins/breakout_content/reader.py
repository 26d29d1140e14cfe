"""Markdown reader that validates write-up metadata and keeps extension findings in metadata."""

from __future__ import annotations

import difflib
import os
import re
from typing import Any

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import get_date, pelican_open

from . import data, errors

# Keys Pelican or Breakout understands; anything else close to one of them is a typo.
PELICAN_KEYS = {
    "title", "date", "modified", "author", "authors", "category", "tags", "slug",
    "status", "summary", "lang", "translation", "template", "save_as", "url",
}  # fmt: skip
BREAKOUT_KEYS = {"event", "session", "session_leader", "comments", "id"}
KNOWN_KEYS = PELICAN_KEYS | BREAKOUT_KEYS
WRITEUP_REQUIRED = ("title", "date", "event", "session")
DATE_HELP = "use YYYY-MM-DD or YYYY-MM-DD HH:MM"
META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")


def meta_lines(text: str) -> dict[str, tuple[int, str]]:
    """Map each lower-cased key of the leading meta block to (line number, author's spelling)."""
    lines: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            break
        m = META_LINE.match(line)
        if m:
            lines.setdefault(m.group("key").lower(), (number, m.group("key")))
        elif not line.startswith((" ", "\t")):
            break
    return lines


def is_writeup(source_path: str, settings: dict[str, Any]) -> bool:
    """True if the file lies under one of ARTICLE_PATHS."""
    src = os.path.abspath(source_path)
    for sub in settings.get("ARTICLE_PATHS", []):
        root = os.path.abspath(os.path.join(settings["PATH"], sub))
        if os.path.commonpath([src, root]) == root:
            return True
    return False


def check_metadata(
    source_path: str,
    meta: dict[str, list[str]],
    lines: dict[str, tuple[int, str]],
    *,
    writeup: bool,
    events: dict[str, Any],
) -> list[tuple[int | None, str, bool]]:
    """Return (line, message, is_error) for every metadata problem of one file."""
    problems: list[tuple[int | None, str, bool]] = []

    def line(key: str) -> int | None:
        return lines[key][0] if key in lines else None

    for key in meta:
        if key in KNOWN_KEYS:
            continue
        close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1, cutoff=0.75)
        if close:
            spelled = lines[key][1] if key in lines else key
            wanted = close[0].capitalize()
            problems.append(
                (line(key), f"unknown metadata key '{spelled}' (did you mean '{wanted}'?)", True)
            )
    if writeup:
        for key in WRITEUP_REQUIRED:
            if not "".join(meta.get(key, [])).strip():
                problems.append((1, f"missing required metadata '{key.capitalize()}:'", True))
    for key in ("date", "modified"):
        values = meta.get(key)
        if values and values[0].strip():
            try:
                get_date(values[0].replace("_", " "))
            except (ValueError, OverflowError):
                problems.append((line(key), f"unparseable {key} '{values[0]}' ({DATE_HELP})", True))
    event = "".join(meta.get("event", [])).strip()
    if writeup and event and event not in events:
        known = ", ".join(sorted(events)[:8]) + (", …" if len(events) > 8 else "")
        problems.append(
            (line("event"), f"unknown event '{event}' (known: {known or 'none'})", True)
        )
    comments = "".join(meta.get("comments", [])).strip().lower()
    if comments and comments not in ("open", "closed"):
        problems.append(
            (line("comments"), f"Comments must be 'open' or 'closed', not '{comments}'", True)
        )
    return problems


def _copy_findings(md: Markdown) -> dict[str, list[Any]]:
    """The findings an extension left on md (lists of dicts), copied."""
    found = getattr(md, "breakout_metadata", None) or {}
    return {
        key: [dict(v) if isinstance(v, dict) else v for v in values]
        for key, values in found.items()
    }


class BreakoutMarkdownReader(MarkdownReader):
    """MarkdownReader that reports bad metadata by file and line, and keeps extension findings."""

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Convert the file; merge md.breakout_metadata into metadata; raise on bad input."""
        self._source_path = source_path
        self._md = Markdown(**self.settings["MARKDOWN"])
        with pelican_open(source_path) as text:
            raw = text
        content = self._md.convert(raw)
        # Copy: converting the Summary below resets the extension's findings in place.
        findings = _copy_findings(self._md)
        meta = {k.lower(): v for k, v in getattr(self._md, "Meta", {}).items()}
        site = data.load_site_data(self.settings)
        problems = check_metadata(
            source_path,
            meta,
            meta_lines(raw),
            writeup=is_writeup(source_path, self.settings),
            events=dict(site.events),
        )
        failed = False
        for line, message, is_error in sorted(problems, key=lambda p: p[0] or 0):
            if is_error:
                errors.report(source_path, line, message)
                failed = True
            else:
                errors.warn(source_path, line, message)
        if failed:
            raise errors.ContentError(source_path)
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        if "summary" in metadata and "summary" in self.settings["FORMATTED_FIELDS"]:
            # A handle or hashtag only in the Summary is linked there, so it must count too.
            for key, values in _copy_findings(self._md).items():
                findings[key] = findings.get(key, []) + values
        metadata.update(findings)
        return content, metadata
