"""Read the people and events data files (TOML) into plain, validated records."""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from . import errors
from .change.hashing import file_state
from .handles import handle_problem
from .utf8 import BadByte, decode_utf8

NETWORKS = ("twitter", "mastodon", "bluesky")
PERSON_KEYS = {"name", "affiliation", "aliases", "links", "optout", "redact", *NETWORKS}
EVENT_KEYS = {"name", "date", "end_date", "place", "hashtags", "url", "note", "provenance"}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_NO_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")


@dataclass(frozen=True)
class PersonRecord:
    """One person as the registry describes them."""

    slug: str
    name: str = ""
    affiliation: str = ""
    handles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    optout: bool = False  # asked not to be named: the build names them nowhere
    redact: tuple[str, ...] = ()  # further strings (a first name used alone) erased with them


@dataclass(frozen=True)
class EventRecord:
    """One event as the events file describes it."""

    slug: str
    name: str
    date: dt.date | None = None
    end_date: dt.date | None = None
    place: str = ""
    hashtags: tuple[str, ...] = ()
    url: str = ""
    note: str = ""  # for editors only: never shown on the site
    provenance: str = ""  # for readers: where the date or place comes from, shown on the event page


@dataclass(frozen=True)
class SiteData:
    """Everything read from the data files of one site."""

    people: Mapping[str, PersonRecord]
    events: Mapping[str, EventRecord]
    people_path: str = ""
    events_path: str = ""
    # What the events file failed to give, so errors that only follow from it are not repeated.
    events_unloaded: bool = False  # the whole file could not be read (its error was reported)
    rejected_events: frozenset[str] = frozenset()  # entries reported as bad and left out

    def explains_missing_event(self, slug: str) -> bool:
        """True when an unknown event only follows from an error already reported in events.toml."""
        return self.events_unloaded or slug in self.rejected_events


def _headers(text: str, table: str) -> dict[str, tuple[int, int]]:
    """(line, end offset) of each `[table.key]` header, found in one pass (the first of a key)."""
    pattern = re.compile(
        rf'^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*\.[ \t]*(?:"([^"\n]*)"|([^\]\s"]+))[ \t]*\]',
        re.MULTILINE,
    )
    found: dict[str, tuple[int, int]] = {}
    line, at = 1, 0
    for m in pattern.finditer(text):
        line += text.count("\n", at, m.start())
        at = m.start()
        key = m.group(1) if m.group(1) is not None else m.group(2)
        found.setdefault(key, (line, m.end()))
    return found


def header_lines(text: str, table: str) -> dict[str, int]:
    """Line of each `[table.key]` header, for the messages about every entry of a registry.

    One pass for all keys: a search per key was quadratic in the registry's size, with
    more patterns than the re module's cache holds (0.14 s of each build at 1,000 people).
    """
    return {key: line for key, (line, _end) in _headers(text, table).items()}


def table_line(text: str, table: str, key: str, field: str | None = None) -> int | None:
    """Line of the `[table.key]` header, or of `field = …` inside that table, for messages."""
    found = _headers(text, table).get(key)
    if found is None:
        return None
    header, end = found
    if field is None:
        return header
    for offset, line in enumerate(text[end:].splitlines()[1:], start=1):
        if line.lstrip().startswith("["):
            break
        if re.match(rf"[ \t]*\"?{re.escape(field)}\"?[ \t]*=", line):
            return header + offset
    return header


def link_problem(url: str, *, mailto: bool) -> str | None:
    """Why a registry URL may not be linked (only http(s), and mailto: where allowed), or None."""
    parts = urlsplit(url)
    if not _NO_SPACE.search(url):
        if parts.scheme in ("http", "https") and parts.netloc:
            return None
        if mailto and parts.scheme == "mailto" and "@" in parts.path:
            return None
    kinds = "an http(s) or mailto: URL" if mailto else "an http(s) URL"
    return f"'{url}' is not {kinds} (only those are linked)"


def _top_line(text: str, key: str) -> int | None:
    """Line of a top-level `key = …` or `[key…]`, for messages."""
    pattern = re.compile(
        rf"^[ \t]*(?:\[+[ \t]*\"?{re.escape(key)}\"?[ \t]*[.\]]|\"?{re.escape(key)}\"?[ \t]*=)",
        re.MULTILINE,
    )
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _strings(value: Any) -> tuple[str, ...] | None:
    """A string or list of strings as a tuple; None if it is neither."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _read_toml(path: str, table: str) -> tuple[str, dict[str, Any] | None]:
    """The file's text and its tables; None (after reporting) when the file cannot be read."""
    if not os.path.exists(path):
        return "", {}
    with open(path, "rb") as f:
        raw = f.read()
    text = decode_utf8(raw)
    if isinstance(text, BadByte):
        errors.report(path, text.line, text.message())
        return "", None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        errors.report(path, int(m.group(1)) if m else None, f"not valid TOML: {exc}")
        return text, None
    unknown = sorted(set(data) - {table})
    for key in unknown:
        errors.report(
            path,
            _top_line(text, key),
            f"unknown top-level key '{key}' (expected only [{table}.<slug>] tables)",
        )
    tables = data.get(table, {})
    if not isinstance(tables, dict):
        errors.report(
            path, _top_line(text, table), f"'{table}' must be a table of [{table}.<slug>] entries"
        )
        return text, None
    return text, tables


def _optout_ok(path: str, text: str, slug: str, entry: Mapping[str, Any]) -> bool:
    """Check `optout` (true/false) and `redact` (a list of non-empty strings); report problems."""
    ok = True
    if "optout" in entry and not isinstance(entry["optout"], bool):
        errors.report(
            path,
            table_line(text, "people", slug, "optout"),
            f"[people.{slug}] 'optout' must be true or false (without quotes)",
        )
        ok = False
    redact = entry.get("redact", [])
    if not isinstance(redact, list) or not all(isinstance(r, str) and r.strip() for r in redact):
        errors.report(
            path,
            table_line(text, "people", slug, "redact"),
            f"[people.{slug}] 'redact' must be a list of non-empty strings, "
            'e.g. redact = ["Sasha"]',
        )
        ok = False
    elif redact and entry.get("optout") is not True:
        errors.warn(
            path,
            table_line(text, "people", slug, "redact"),
            f"[people.{slug}] 'redact' is used only with optout = true; it has no effect here",
        )
    return ok


def parse_people(path: str) -> dict[str, PersonRecord]:
    """Read people.toml; report every problem with its line."""
    text, tables = _read_toml(path, "people")
    people: dict[str, PersonRecord] = {}
    headers = header_lines(text, "people")
    for slug, entry in (tables or {}).items():
        line = headers.get(slug)
        if not SLUG_RE.match(slug):
            errors.report(
                path, line, f"person key '{slug}' must be lower-case letters, digits, _ or -"
            )
            continue
        if not isinstance(entry, dict):
            errors.report(path, line, f"[people.{slug}] must be a table")
            continue
        bad = False
        for key in sorted(set(entry) - PERSON_KEYS):
            errors.report(
                path,
                line,
                f"[people.{slug}] unknown key '{key}' (known: {', '.join(sorted(PERSON_KEYS))})",
            )
            bad = True
        handles: dict[str, tuple[str, ...]] = {}
        for net in NETWORKS:
            if net in entry:
                vals = _strings(entry[net])
                if vals is None:
                    errors.report(
                        path, line, f"[people.{slug}] '{net}' must be a string or a list of strings"
                    )
                    bad = True
                else:
                    good = []
                    for value in (v.lstrip("@") for v in vals):
                        if why := handle_problem(net, value):
                            errors.report(
                                path,
                                table_line(text, "people", slug, net),
                                f"[people.{slug}] {why}",
                            )
                        else:
                            good.append(value)
                    handles[net] = tuple(good)
        lists = {}
        for key in ("aliases", "links"):
            vals = _strings(entry.get(key, []))
            if vals is None:
                errors.report(path, line, f"[people.{slug}] '{key}' must be a list of strings")
                bad = True
                vals = ()
            lists[key] = vals
        links = []
        for link in lists["links"]:
            if why := link_problem(link, mailto=True):
                errors.report(
                    path, table_line(text, "people", slug, "links"), f"[people.{slug}] link {why}"
                )
            else:
                links.append(link)
        lists["links"] = tuple(links)
        for key in ("name", "affiliation"):
            if key in entry and not isinstance(entry[key], str):
                errors.report(path, line, f"[people.{slug}] '{key}' must be a string")
                bad = True
        bad = not _optout_ok(path, text, slug, entry) or bad
        if bad:
            continue
        people[slug] = PersonRecord(
            slug=slug,
            name=entry.get("name", ""),
            affiliation=entry.get("affiliation", ""),
            handles=handles,
            aliases=tuple(a.lstrip("@") for a in lists["aliases"]),
            links=lists["links"],
            optout=entry.get("optout", False),
            redact=tuple(r.strip() for r in entry.get("redact", [])),
        )
    return people


def parse_events(path: str) -> dict[str, EventRecord]:
    """Read events.toml; report every problem with its line."""
    return read_events(path)[0]


def read_events(path: str) -> tuple[dict[str, EventRecord], frozenset[str], bool]:
    """Events of events.toml, the keys of entries reported as bad, and False if it is unreadable."""
    text, tables = _read_toml(path, "events")
    events: dict[str, EventRecord] = {}
    rejected: set[str] = set()
    headers = header_lines(text, "events")
    for slug, entry in (tables or {}).items():
        line = headers.get(slug)
        rejected.add(slug)  # until the entry is accepted
        if not SLUG_RE.match(slug):
            errors.report(
                path, line, f"event key '{slug}' must be lower-case letters, digits, _ or -"
            )
            continue
        if not isinstance(entry, dict):
            errors.report(path, line, f"[events.{slug}] must be a table")
            continue
        bad = False
        for key in sorted(set(entry) - EVENT_KEYS):
            errors.report(
                path,
                line,
                f"[events.{slug}] unknown key '{key}' (known: {', '.join(sorted(EVENT_KEYS))})",
            )
            bad = True
        if not isinstance(entry.get("name"), str) or not entry.get("name"):
            errors.report(path, line, f"[events.{slug}] needs a name")
            bad = True
        for key in ("date", "end_date"):
            if key in entry and not isinstance(entry[key], dt.date):
                errors.report(
                    path,
                    table_line(text, "events", slug, key),
                    f"[events.{slug}] '{key}' must be a TOML date such as 2011-01-22",
                )
                bad = True
        hashtags = _strings(entry.get("hashtags", []))
        if hashtags is None:
            errors.report(path, line, f"[events.{slug}] 'hashtags' must be a list of strings")
            bad = True
        for key in ("place", "url", "note", "provenance"):
            if key in entry and not isinstance(entry[key], str):
                errors.report(path, line, f"[events.{slug}] '{key}' must be a string")
                bad = True
        url = entry.get("url", "")
        if isinstance(url, str) and url and (why := link_problem(url, mailto=False)):
            errors.report(
                path, table_line(text, "events", slug, "url"), f"[events.{slug}] url {why}"
            )
            url = ""
        if bad:
            continue
        date = entry.get("date")
        end = entry.get("end_date")
        events[slug] = EventRecord(
            slug=slug,
            name=entry["name"],
            date=date.date() if isinstance(date, dt.datetime) else date,
            end_date=end.date() if isinstance(end, dt.datetime) else end,
            place=entry.get("place", ""),
            hashtags=tuple(h.lstrip("#") for h in (hashtags or ())),
            url=url,
            note=entry.get("note", ""),
            provenance=entry.get("provenance", ""),
        )
        rejected.discard(slug)
    return events, frozenset(rejected), tables is not None


_cache: dict[tuple, SiteData] = {}


def data_paths(settings: Mapping[str, Any]) -> tuple[str, str]:
    """Paths of people.toml and events.toml for these settings."""
    content = settings["PATH"]
    return os.path.join(content, "people.toml"), os.path.join(content, "events.toml")


def load_site_data(settings: Mapping[str, Any], *, fresh: bool = False) -> SiteData:
    """Read (or reuse) the site's data files; problems are reported, not raised."""
    people_path, events_path = data_paths(settings)
    key = (people_path, file_state(people_path), events_path, file_state(events_path))
    if not fresh and key in _cache:
        return _cache[key]
    events, rejected, readable = read_events(events_path)
    data = SiteData(
        people=parse_people(people_path),
        events=events,
        people_path=people_path,
        events_path=events_path,
        events_unloaded=not readable,
        rejected_events=rejected,
    )
    _cache.clear()
    _cache[key] = data
    return data
