"""Stable feed ids for write-ups: the rule, the committed ledger, and the check.

Rule (the README should repeat it for authors):
1. A write-up's `Id:` metadata is its id (launch content: `tag:breakout,<date>:<slug>`).
2. Else the id recorded for its source path in the ledger (content/feed-ids.toml).
3. Else derived: `tag:<ID_AUTHORITY>,<Date as YYYY-MM-DD>:<source path under content/, no
   extension>`. A derived id follows the Date until `invoke feed-ids` records it, after
   which re-dating, retitling or a new URL pattern no longer changes it.
`invoke feed-ids` records the id of every published write-up that is not in the ledger yet
and never changes a recorded line, so the ledger is the record of published ids;
`check_ids` fails when a write-up's id differs from its recorded one, when a write-up
without `Id:` is unrecorded, when a recorded id disappeared, and when two write-ups share one.
Comment ids: `<write-up id>#comment-<comment id>`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from breakout_kernel.source import MARKDOWN_EXTENSIONS

LEDGER_TABLE = "ids"
LEDGER_HEADER = (
    "# Feed ids of published write-ups, by source path under content/ (the rule is in\n"
    "# plugins/breakout_feeds/ids.py). Written by `invoke feed-ids`; a recorded id must never\n"
    "# change: feed readers use it to tell a new write-up from an edited one. Remove a line\n"
    "# only for a write-up deleted on purpose.\n"
)
# RFC 4151 taggingEntity authority: a DNS name or an email address.
AUTHORITY_RE = re.compile(
    r"^(?:[A-Za-z0-9._%+-]+@)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
# An absolute IRI with no white space; '#' is kept for comment ids.
ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s#]+$")
TAG_SAFE = "/:@!$&'()*+,;=-._~"  # RFC 4151 specific: pchar / "/" / "?" (minus "?")
UNPUBLISHED = ("draft", "hidden", "skip")
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class WriteupId:
    """The feed id a build gives one published write-up."""

    path: str  # source path relative to content/, with '/' separators
    id: str
    origin: str  # "metadata" (Id:), "ledger" or "derived"
    line: int | None = None  # line of the Id: metadata, for messages


def valid_authority(authority: str) -> bool:
    """True if authority can start a tag URI (a DNS name or an email address)."""
    return bool(AUTHORITY_RE.match(authority))


def valid_id(value: str) -> bool:
    """True if value can be a write-up's id: an absolute IRI without spaces or '#'."""
    return bool(ID_RE.match(value))


def derived_id(authority: str, first_date: dt.date, source_path: str) -> str:
    """`tag:<authority>,<YYYY-MM-DD>:<source path without extension>` (RFC 4151)."""
    stem = posixpath.splitext(source_path.replace(os.sep, "/"))[0]
    return f"tag:{authority},{first_date:%Y-%m-%d}:{quote(stem, safe=TAG_SAFE)}"


def comment_id(writeup_id: str, comment: str) -> str:
    """A comment's id: its write-up's id plus `#comment-<comment id>`."""
    return f"{writeup_id}#comment-{quote(comment, safe=TAG_SAFE)}"


def resolve_id(
    source_path: str,
    meta_id: str,
    first_date: dt.date,
    ledger: Mapping[str, str],
    authority: str,
    line: int | None = None,
) -> WriteupId:
    """Apply the rule: Id: metadata, else the ledger, else derived from the date."""
    if meta_id.strip():
        return WriteupId(source_path, meta_id.strip(), "metadata", line)
    if source_path in ledger:
        return WriteupId(source_path, ledger[source_path], "ledger")
    return WriteupId(source_path, derived_id(authority, first_date, source_path), "derived")


def parse_ledger(text: str) -> tuple[dict[str, str], list[str]]:
    """The ledger's path → id mapping, and the problems found in it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"not valid TOML: {exc}"]
    problems = [
        f"unknown top-level key '{k}' (expected [{LEDGER_TABLE}])"
        for k in data
        if k != LEDGER_TABLE
    ]
    table = data.get(LEDGER_TABLE, {})
    if not isinstance(table, dict):
        return {}, [*problems, f"'{LEDGER_TABLE}' must be a table"]
    ledger: dict[str, str] = {}
    for path, value in table.items():
        if not isinstance(value, str) or not valid_id(value):
            problems.append(f"{path}: the id must be an absolute URI string, not {value!r}")
        else:
            ledger[path] = value
    return ledger, problems


def read_ledger(path: str | os.PathLike[str]) -> tuple[dict[str, str], list[str]]:
    """Read the ledger file; a missing file is an empty ledger."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return {}, []
    return parse_ledger(text)


def format_ledger(ledger: Mapping[str, str]) -> str:
    """The ledger as TOML, one line per write-up, sorted by path (stable diffs)."""
    # JSON string syntax is a subset of TOML basic strings.
    lines = [
        f"{json.dumps(p, ensure_ascii=False)} = {json.dumps(ledger[p], ensure_ascii=False)}"
        for p in sorted(ledger)
    ]
    return LEDGER_HEADER + f"\n[{LEDGER_TABLE}]\n" + "".join(line + "\n" for line in lines)


def record_ids(ledger: Mapping[str, str], current: Iterable[WriteupId]) -> dict[str, str]:
    """The ledger plus every current write-up not yet in it; a recorded id is never changed."""
    updated = dict(ledger)
    for writeup in current:
        updated.setdefault(writeup.path, writeup.id)
    return updated


def check_ids(
    ledger: Mapping[str, str],
    current: Iterable[WriteupId],
    built_ids: Iterable[str] = (),
    *,
    ledger_name: str = "content/feed-ids.toml",
    content_prefix: str = "content/",
) -> list[str]:
    """Problem lines if a published id changed, is unstable, vanished, or is shared."""
    problems: list[str] = []
    writeups = sorted(current, key=lambda w: w.path)
    owners: dict[str, str] = {}
    for w in writeups:
        where = f"{content_prefix}{w.path}" + (f":{w.line}" if w.line else "")
        if w.id in owners:
            problems.append(
                f"{where}: feed id {w.id} is already the id of "
                f"{content_prefix}{owners[w.id]}; ids must be unique"
            )
        owners.setdefault(w.id, w.path)
        recorded = ledger.get(w.path)
        if recorded is not None and recorded != w.id:
            problems.append(
                f"{where}: feed id changed from {recorded} (recorded in {ledger_name}) to "
                f"{w.id}; a published id must not change: set `Id: {recorded}`"
            )
        elif recorded is None and w.origin == "derived":
            problems.append(
                f"{where}: has no Id: and is not recorded in {ledger_name}, so its feed id "
                f"would change if it were re-dated; run `invoke feed-ids` and commit the ledger"
            )
    paths = {w.path for w in writeups}
    for path in sorted(set(ledger) - paths):
        if ledger[path] not in owners:
            problems.append(
                f"{ledger_name}: {path} was published with id {ledger[path]} but is gone; "
                f"if it moved, put `Id: {ledger[path]}` in its new file; if it was deleted "
                f"on purpose, remove its line"
            )
    for built in sorted(set(built_ids)):
        if built.split("#", 1)[0] not in owners:
            problems.append(
                f"feed entry id {built} is not the id of any published write-up "
                f"(the build is older than the content, or the rule differs): rebuild"
            )
    return problems


def read_meta(text: str) -> dict[str, tuple[str, int]]:
    """Lower-cased keys of a Markdown meta block → (value, line), as Python-Markdown reads it."""
    meta: dict[str, tuple[str, int]] = {}
    # Only "\n" ends a line, as in Python-Markdown; splitlines() would also split on \x0b etc.
    lines = [line.rstrip("\r") for line in text.split("\n")]
    start = 1 if lines and lines[0].strip() == "---" else 0
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip() or line.strip() in ("---", "..."):
            break
        m = _META_LINE.match(line)
        if m:
            meta.setdefault(m.group("key").lower(), (m.group("value").strip(), number))
        elif not line.startswith("    "):  # continuation lines are indented 4 spaces
            break
    return meta


def scan_writeups(
    content_dir: str | os.PathLike[str],
    article_paths: Iterable[str],
    ledger: Mapping[str, str],
    authority: str,
) -> tuple[list[WriteupId], list[str]]:
    """Ids of the published Markdown write-ups under content, read without Pelican."""
    root = os.fspath(content_dir)
    found: list[WriteupId] = []
    problems: list[str] = []
    for sub in article_paths:
        for folder, dirs, files in os.walk(os.path.join(root, sub)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.endswith(MARKDOWN_EXTENSIONS):
                    continue
                full = os.path.join(folder, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                with open(full, encoding="utf-8", errors="replace") as f:
                    meta = read_meta(f.read())
                if meta.get("status", ("published", 0))[0].lower() in UNPUBLISHED:
                    continue
                meta_id, line = meta.get("id", ("", None))
                date = _DATE.match(meta.get("date", ("", 0))[0])
                if not meta_id and rel not in ledger and not date:
                    problems.append(f"{rel}: no Id: and no YYYY-MM-DD Date to derive one from")
                    continue
                first = dt.date(*map(int, date.groups())) if date else dt.date(1970, 1, 1)
                found.append(resolve_id(rel, meta_id, first, ledger, authority, line))
    return found, problems
