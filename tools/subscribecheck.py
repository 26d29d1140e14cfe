"""Checks for `invoke check` of breakout_subscribe's outputs: every link resolves, data valid.

Every OPML xmlUrl and htmlUrl, every URL in graph.json (and its $schema) and every
calendar's event URL on this site must name a file the build wrote; graph.json must be
valid against the schema.json published beside it; and a URL meant for this site must
be absolute, on SITEURL (LOCAL_SITEURL in a local build).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))

from breakout_subscribe.glue import data_files, group_path, site_facts  # noqa: E402
from breakout_subscribe.options import options  # noqa: E402

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
URL_KEYS = ("url", "calendar", "$schema")  # graph.json keys holding URLs of this site
OTHER_SITES = ("handles", "licence")  # profiles on other networks, the licence's text
GROUPS = ("site", "events", "topics", "people")


def target(url: str, base: str) -> str | None:
    """The output file an absolute URL on base names (folders: their index.html), else None."""
    if url != base and not url.startswith(base + "/"):
        return None
    path = unquote(urlsplit(url[len(base) :]).path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def resolve_problem(out: Path, shown: str, what: str, url: str, base: str) -> str | None:
    """A problem line unless url is on base and names a file in out."""
    rel = target(url, base)
    if rel is None:
        return f"{shown}: {what} {url!r} is not an absolute URL on {base}"
    if not (out / rel).is_file():
        return f"{shown}: {what} {url} does not resolve to a file the build wrote ({rel})"
    return None


def opml_files(settings: Mapping[str, Any]) -> list[str]:
    """Output paths of the OPML files the settings name."""
    opts = options(settings)
    paths = [str(opts["OPML_SAVE_AS"])] if opts["OPML_SAVE_AS"] else []
    return paths + [p for p in (group_path(opts, g) for g in GROUPS) if p]


def check_opml(out: Path, rel: str, base: str) -> list[str]:
    """Problems of one OPML file: not OPML 2.0, or a link that does not resolve."""
    try:
        root = etree.parse(str(out / rel), _PARSER).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        return [f"{rel}: not well-formed XML: {exc}"]
    if root.tag != "opml" or root.get("version") != "2.0":
        return [f'{rel}: the root element must be <opml version="2.0">']
    problems: list[str] = []
    for outline in root.iter("outline"):
        for attr in ("xmlUrl", "htmlUrl"):
            url = outline.get(attr)
            if url is not None and (why := resolve_problem(out, rel, attr, url, base)):
                problems.append(why)
    return problems


def graph_urls(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(JSON path, URL) of every value under a URL key of this site, anywhere in the graph."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if key in OTHER_SITES:
                continue
            if key in URL_KEYS and isinstance(item, str) and item:
                yield path, item
            else:
                yield from graph_urls(item, path)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from graph_urls(item, f"{where}[{n}]")


def check_graph(out: Path, graph_rel: str, schema_rel: str, base: str) -> list[str]:
    """graph.json: valid against schema.json, every URL of this site resolving."""
    try:
        graph = json.loads((out / graph_rel).read_bytes())
        schema = json.loads((out / schema_rel).read_bytes())
    except (OSError, ValueError) as exc:
        return [f"{graph_rel}: cannot read it and its schema: {exc}"]
    problems: list[str] = []
    try:
        from jsonschema import Draft202012Validator
    except ImportError as exc:  # not a silent skip: the check fails until installed
        problems.append(f"(check) jsonschema is not available: {exc}")
    else:
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for error in sorted(validator.iter_errors(graph), key=lambda e: list(e.path)):
            at = "/".join(str(p) for p in error.path) or "(top)"
            problems.append(f"{graph_rel}: {at}: {error.message} (see {schema_rel})")
    for path, url in graph_urls(graph):
        if why := resolve_problem(out, graph_rel, path, url, base):
            problems.append(why)
    return problems


def check_calendar(out: Path, rel: str, base: str) -> list[str]:
    """A calendar parses (icalendar) and each event's URL resolves."""
    try:
        from icalendar import Calendar
    except ImportError as exc:
        return [f"(check) icalendar is not available: {exc}"]
    try:
        cal = Calendar.from_ical((out / rel).read_bytes())
    except (OSError, ValueError) as exc:
        return [f"{rel}: not an iCalendar file: {exc}"]
    problems: list[str] = []
    for event in cal.walk("VEVENT"):
        url = str(event.get("url") or "")
        if why := resolve_problem(out, rel, f"event {event.get('uid')} URL", url, base):
            problems.append(why)
    return problems


def check_subscriptions(output_dir: Path | str, settings: Mapping[str, Any]) -> list[str]:
    """Problem lines for the OPML files, open data and calendars of a build."""
    out = Path(output_dir)
    opts = options(settings)
    base = site_facts(settings, opts).url
    problems: list[str] = []
    for rel in opml_files(settings):
        if (out / rel).is_file():
            problems += check_opml(out, rel, base)
        elif rel == opts["OPML_SAVE_AS"]:
            problems.append(f"{rel}: missing (the OPML of every feed)")
    files = {Path(path).name: path for _, path in data_files(opts)}
    for rel in files.values():
        if not (out / rel).is_file():
            problems.append(f"{rel}: missing (open data)")
    if files and (out / files["graph.json"]).is_file() and (out / files["schema.json"]).is_file():
        problems += check_graph(out, files["graph.json"], files["schema.json"], base)
    calendars = [str(opts["CALENDAR_SAVE_AS"])] if opts["CALENDAR_SAVE_AS"] else []
    pattern = str(opts["EVENT_CALENDAR_SAVE_AS"])
    if pattern:
        calendars += sorted(
            p.relative_to(out).as_posix() for p in out.glob(pattern.format(slug="*"))
        )
    for rel in calendars:
        if (out / rel).is_file():
            problems += check_calendar(out, rel, base)
        else:
            problems.append(f"{rel}: missing (the calendar of every dated event)")
    return problems
