"""Markdown reader that validates write-up metadata and keeps extension findings in metadata."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from breakout_kernel import data, errors, source
from breakout_kernel.change.hashing import stamp_read
from breakout_kernel.htmlsafety import sanitize_writeup, unsafe_markup
from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime, get_date

if TYPE_CHECKING:
    from breakout_kernel.readahead import ReadAhead

# Keys Pelican or Breakout understands; anything else close to one of them is a typo.
PELICAN_KEYS = {
    "title", "date", "modified", "author", "authors", "category", "tags", "slug",
    "status", "summary", "lang", "translation", "template", "save_as", "url",
}  # fmt: skip
BREAKOUT_KEYS = {"event", "session", "session_leader", "comments", "id", "image", "image_alt"}
KNOWN_KEYS = PELICAN_KEYS | BREAKOUT_KEYS
WRITEUP_REQUIRED = ("title", "date", "event", "session")
DATE_HELP = "use YYYY-MM-DD or YYYY-MM-DD HH:MM"
META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
# The usual spelling of a date; anything else goes through Pelican's (slower) get_date.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\Z")
META_PRIORITY = 27  # where Python-Markdown's meta extension registers its preprocessor


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


def iso_date(value: str) -> SafeDatetime | None:
    """The date of an ISO Date/Modified value as get_date reads it, without dateutil.

    None for any other spelling, or an invalid ISO one (e.g. month 13): get_date
    decides those, so the two never disagree.
    """
    if ISO_DATE.match(value):
        try:
            return SafeDatetime.fromisoformat(value)
        except ValueError:
            pass
    return None


def valid_date(value: str) -> bool:
    """Would Pelican's get_date accept this Date/Modified value?"""
    if iso_date(value) is not None:
        return True  # get_date (dateutil) reads every valid ISO date too
    try:
        get_date(value.replace("_", " "))
    except (ValueError, OverflowError):
        return False
    return True


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
    explained: Callable[[str], bool] = lambda slug: False,
) -> list[tuple[int | None, str, bool]]:
    """Return (line, message, is_error) for every metadata problem of one file.

    An unknown event that `explained` says follows from an error in events.toml is an
    error with an empty message: the file fails, but the events file's error says why.
    """
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
        # A draft may still lack its Event and Session (imports write such drafts).
        draft = "".join(meta.get("status", [])).strip().lower() == "draft"
        for key in WRITEUP_REQUIRED[:2] if draft else WRITEUP_REQUIRED:
            if not "".join(meta.get(key, [])).strip():
                problems.append((1, f"missing required metadata '{key.capitalize()}:'", True))
    for key in ("date", "modified"):
        values = meta.get(key)
        if values and values[0].strip() and not valid_date(values[0]):
            problems.append((line(key), f"unparseable {key} '{values[0]}' ({DATE_HELP})", True))
    event = "".join(meta.get("event", [])).strip()
    if writeup and event and event not in events and explained(event):
        problems.append((line("event"), "", True))
    elif writeup and event and event not in events:
        known = ", ".join(sorted(events)[:8]) + (", …" if len(events) > 8 else "")
        problems.append(
            (line("event"), f"unknown event '{event}' (known: {known or 'none'})", True)
        )
    for tag in ",".join(meta.get("tags", [])).split(","):
        tag = tag.strip()
        if tag.startswith(("@", "＠")):
            problems.append(
                (
                    line("tags"),
                    f"Tags entry '{tag}' is a handle, not a topic: write topics without @, "
                    f"and name the person in the text ({tag}) or in Session_leader",
                    True,
                )
            )
    comments = "".join(meta.get("comments", [])).strip().lower()
    if comments and comments not in ("open", "closed"):
        problems.append(
            (line("comments"), f"Comments must be 'open' or 'closed', not '{comments}'", True)
        )
    return problems


def image_problems(
    meta: dict[str, list[str]], lines: dict[str, tuple[int, str]], content: str
) -> list[tuple[int | None, str, bool]]:
    """An `Image:` (the write-up's og:image) must be an http(s) URL or a file in the content folder."""
    image = "".join(meta.get("image", [])).strip()
    if not image or image.startswith(("https://", "http://")):
        return []
    rel = image.lstrip("/")
    if ".." not in rel.split("/") and os.path.isfile(os.path.join(content, rel)):
        return []
    line = lines["image"][0] if "image" in lines else None
    return [
        (
            line,
            f"Image '{image}' is neither an http(s) URL nor a file in the content folder "
            "(put it in content/images/ and write Image: images/<file>)",
            True,
        )
    ]


def _copy_findings(md: Markdown) -> dict[str, list[Any]]:
    """The findings an extension left on md (lists of dicts), in lists of their own.

    Only the lists are copied: an extension replaces its findings on reset rather than
    changing them in place, so the dicts are kept as they are (one copy per build).
    """
    found = getattr(md, "breakout_metadata", None) or {}
    return {key: list(values) for key, values in found.items()}


def _priority(registry: Any, name: str, default: float) -> float:
    """The priority an item was registered with in a Python-Markdown Registry."""
    for item in getattr(registry, "_priority", ()):
        if item.name == name:
            return float(item.priority)
    return default


class BreakoutMarkdownReader(MarkdownReader):
    """MarkdownReader that reports bad metadata by file and line, and keeps extension findings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As MarkdownReader; the Markdown instance is made on the first read."""
        super().__init__(*args, **kwargs)
        self._shared_md: Markdown | None = None
        self._meta: tuple[Any, float] | None = None
        # The files read ahead by worker processes (glue.start_reading_ahead), if any.
        self.ahead: ReadAhead[tuple[str, dict[str, Any]]] | None = None

    def process_metadata(self, name: str, value: Any) -> Any:
        """As Pelican, but an ISO Date/Modified is read without dateutil (same value, 10x faster)."""
        if name in ("date", "modified") and isinstance(value, str):
            date = iso_date(value.strip())
            if date is not None:
                return date
        return super().process_metadata(name, value)

    def _markdown(self) -> Markdown:
        """One Markdown instance for every file this reader reads, reset in between.

        Building one (extensions, processors) costs about as much as converting a short
        write-up; reset() clears everything a document leaves behind. Pelican's
        _parse_metadata deregisters the meta preprocessor, so it is put back here.
        """
        md = self._shared_md
        if md is None:
            md = self._shared_md = Markdown(**self.settings["MARKDOWN"])
            if "meta" in md.preprocessors:
                meta = md.preprocessors["meta"]
                self._meta = (meta, _priority(md.preprocessors, "meta", META_PRIORITY))
            return md
        md.reset()
        if self._meta is not None and "meta" not in md.preprocessors:
            md.preprocessors.register(self._meta[0], "meta", self._meta[1])
        return md

    def prepare(self) -> None:
        """Make the Markdown instance now, so worker processes forked next share it (and its imports)."""
        self._markdown()

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """The file's result: a worker's, if one read it ahead (its messages logged now), else read_here's."""
        if self.ahead is not None:
            done = self.ahead.take(source_path)
            if done is not None:
                return done
        return self.read_here(source_path)

    def read_here(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Convert the file; merge md.breakout_metadata into metadata; raise on bad input."""
        self._source_path = source_path
        self._md = self._markdown()
        raw = source.read_text(source_path)  # strict: a bad byte is reported, not replaced
        # Warnings go into the metadata, so a warm build (content cache) repeats them too.
        notes: list[tuple[int | None, str]] = []
        content = self._clean(self._md.convert(raw), "its text", notes)
        # Taken now: converting the Summary below replaces the extension's findings.
        findings = _copy_findings(self._md)
        meta = {k.lower(): v for k, v in getattr(self._md, "Meta", {}).items()}
        site = data.load_site_data(self.settings)
        problems = check_metadata(
            source_path,
            meta,
            meta_lines(raw),
            writeup=is_writeup(source_path, self.settings),
            events=dict(site.events),
            explained=site.explains_missing_event,
        )
        problems += image_problems(meta, meta_lines(raw), self.settings.get("PATH", ""))
        failed = any(is_error for _line, _message, is_error in problems)
        for line, message, is_error in sorted(problems, key=lambda p: p[0] or 0):
            if is_error and message:
                errors.report(source_path, line, message)
            elif not is_error:
                notes.append((line, message))
        if failed:
            warn_notes(source_path, notes)
            if not errors.was_reported(source_path):  # only errors that follow from a data file
                errors.follows(source_path)
            raise errors.ContentError(source_path)
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        if "summary" in metadata and "summary" in self.settings["FORMATTED_FIELDS"]:
            # A handle or hashtag only in the Summary is linked there, so it must count too.
            for key, values in _copy_findings(self._md).items():
                findings[key] = findings.get(key, []) + values
        notes += suspect_notes(raw, findings.pop("suspects", []))
        if isinstance(metadata.get("summary"), str):
            metadata["summary"] = self._clean(metadata["summary"], "its Summary", notes)
        metadata.update(findings)
        stamp_read(metadata, findings)  # the page fingerprint's shortcut (hashing.metadata_token)
        if notes:
            metadata[WARNINGS] = notes
        return content, metadata

    @staticmethod
    def _clean(html: str, where: str, notes: list[tuple[int | None, str]]) -> str:
        """The HTML through the write-up allow-list; a note names any script it removed."""
        found = unsafe_markup(html)
        if found:
            # Not silent: the author learns what the page and the feeds will not carry.
            notes.append(
                (
                    None,
                    f"removed from {where}: {'; '.join(dict.fromkeys(found))}"
                    " (write-ups may not run script; see README, Writing)",
                )
            )
        return sanitize_writeup(html)


WARNINGS = "breakout_warnings"  # metadata key: (line, message) warnings of one file


def suspect_notes(raw: str, suspects: list[Any]) -> list[tuple[int | None, str]]:
    """A (line, message) warning per handle-like word the text engine left unlinked."""
    notes: list[tuple[int | None, str]] = []
    cursor = 0
    for suspect in suspects:  # breakout_text.extract.Suspect
        at = raw.find("@" + suspect.written, cursor)
        if at < 0:
            at = raw.find(suspect.written)
        cursor = max(cursor, at + 1)
        notes.append((raw.count("\n", 0, at) + 1 if at >= 0 else None, suspect.message()))
    return notes


def warn_notes(source_path: str, notes: list[tuple[int | None, str]]) -> None:
    """Log a file's warnings, by line."""
    for line, message in sorted(notes, key=lambda n: n[0] or 0):
        errors.warn(source_path, line, message)
