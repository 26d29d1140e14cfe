"""breakout_subscribe in real builds: calendars, OPML, open data and the Follow page.

Everything is read back with independent parsers: icalendar for the calendars, lxml for
OPML, jsonschema with the published schema for graph.json, the csv module for the CSV
files; facts are compared with the content's own files (events.toml) and the build's
other outputs (pages, feeds).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from breakout_kernel.errors import BuildFailed
from conftest import FIXTURES, ROOT, build_site
from icalendar import Calendar
from jsonschema import Draft202012Validator
from lxml import etree

from tools.build import load_settings
from tools.check import run_checks, subscriptions
from tools.golden import compare_trees
from tools.subscribecheck import check_subscriptions

LOCAL = "http://127.0.0.1:8000"
PROD = "https://camp.example.org"
OFF = {"BREAKOUT_SEARCH": {"ENABLED": False}}
EVENTS = tomllib.loads((ROOT / "content" / "events.toml").read_text("utf-8"))["events"]
DATED = {slug: e for slug, e in EVENTS.items() if "date" in e}
UNDATED = {slug: e for slug, e in EVENTS.items() if "date" not in e}


@pytest.fixture(scope="module")
def launch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The launch content, built once for the read-only tests."""
    out = tmp_path_factory.mktemp("subscribe") / "output"
    build_site(ROOT / "content", out, **OFF)
    return out


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The launch content built with production settings (absolute SITEURL)."""
    out = tmp_path_factory.mktemp("subscribe-prod") / "output"
    build_site(ROOT / "content", out, conf="publishconf.py", SITEURL=PROD, **OFF)
    return out


def local_file(out: Path, url: str, base: str = LOCAL) -> Path:
    """The output file a URL of the site names (a folder: its index.html)."""
    assert url.startswith(base + "/"), url
    rel = url[len(base) + 1 :].split("#")[0]
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


# --- iCalendar ---------------------------------------------------------------------------


def test_the_calendar_holds_every_dated_event_and_no_undated_one(launch: Path) -> None:
    assert UNDATED, "the launch content has an undated event to leave out"
    cal = Calendar.from_ical((launch / "events/calendar.ics").read_bytes())
    assert str(cal["version"]) == "2.0" and str(cal["prodid"])
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"{slug}@breakout" for slug in DATED}
    for slug, record in DATED.items():
        event = events[f"{slug}@breakout"]
        assert str(event["summary"]) == record["name"]
        assert event.decoded("dtstart") == record["date"]
        last = record.get("end_date", record["date"])
        assert event.decoded("dtend") == last + dt.timedelta(days=1)  # exclusive end
        assert str(event.get("location", "")) == record.get("place", "")
        assert str(event["url"]) == f"{LOCAL}/events/{slug}/"
        assert local_file(launch, str(event["url"])).is_file()
        description = str(event["description"])
        assert description.endswith(f"Write-ups: {LOCAL}/events/{slug}/")
        # Readers get the provenance written for them, as on the event page; never the note.
        if record.get("provenance"):
            assert record["provenance"] in description
        if record.get("note"):
            assert record["note"] not in description
        assert isinstance(event.decoded("dtstamp"), dt.datetime)


def test_calendar_lines_are_crlf_and_folded_at_75_octets(launch: Path) -> None:
    files = [launch / "events/calendar.ics", *sorted(launch.glob("events/*/event.ics"))]
    assert len(files) == len(DATED) + 1
    folded = 0
    for path in files:
        data = path.read_bytes()
        assert data.endswith(b"\r\n")
        lines = data.split(b"\r\n")[:-1]
        assert b"\n" not in b"".join(lines), path  # no bare LF anywhere
        assert max(len(line) for line in lines) <= 75, path
        folded += sum(1 for line in lines if line.startswith(b" "))
    assert folded, "the launch events' descriptions are long enough to need folding"


def test_each_dated_event_page_links_its_own_calendar(launch: Path) -> None:
    whole = {str(e["uid"]): e for e in Calendar.from_ical((launch / "events/calendar.ics").read_bytes()).walk("VEVENT")}  # fmt: skip
    for slug in DATED:
        page = (launch / f"events/{slug}/index.html").read_text("utf-8")
        assert f'href="/events/{slug}/event.ics"' in page
        own = Calendar.from_ical((launch / f"events/{slug}/event.ics").read_bytes())
        [event] = own.walk("VEVENT")
        assert event.to_ical() == whole[str(event["uid"])].to_ical()
    for slug in UNDATED:
        assert not (launch / f"events/{slug}/event.ics").exists()
        assert "event.ics" not in (launch / f"events/{slug}/index.html").read_text("utf-8")


def test_the_events_page_and_follow_page_name_the_undated_events(launch: Path) -> None:
    events_page = (launch / "events/index.html").read_text("utf-8")
    follow = (launch / "follow/index.html").read_text("utf-8")
    assert 'href="/events/calendar.ics"' in events_page
    for record in UNDATED.values():
        assert re.search(r"no date is known[^<]*" + re.escape(record["name"]), events_page)
        assert record["name"] in follow.split('id="calendar"')[1]
    for record in DATED.values():
        assert record["name"] not in events_page.split("no date is known")[1].split("</p>")[0]


def test_a_uid_survives_renaming_and_redating_the_event(content_copy: Any, tmp_path: Path) -> None:
    content = content_copy(FIXTURES / "golden-site")
    out = tmp_path / "out"
    build_site(content, out, **OFF)
    before = Calendar.from_ical((out / "events/ukgovcamp-2011/event.ics").read_bytes())
    events = content / "events.toml"
    text = events.read_text("utf-8").replace('name = "UK GovCamp 2011"', 'name = "GovCamp XI"')
    events.write_text(text.replace("date = 2011-01-22", "date = 2011-01-29"), "utf-8")
    build_site(content, out, **OFF)
    after = Calendar.from_ical((out / "events/ukgovcamp-2011/event.ics").read_bytes())
    [b], [a] = before.walk("VEVENT"), after.walk("VEVENT")
    assert str(a["summary"]) == "GovCamp XI" and a.decoded("dtstart") == dt.date(2011, 1, 29)
    assert str(a["uid"]) == str(b["uid"]) == "ukgovcamp-2011@breakout"


# --- OPML --------------------------------------------------------------------------------


def built_feeds(out: Path) -> set[str]:
    """RSS files of the site, comments, people, topics and events (not per write-up)."""
    found = {"feeds/all.rss.xml", "feeds/comments.rss.xml"}
    for group in ("events", "topics", "people"):
        found |= {p.relative_to(out).as_posix() for p in out.glob(f"{group}/*/rss.xml")}
    return found


def outlines(root: Any) -> Iterator[Any]:
    """Every outline with an xmlUrl."""
    return (o for o in root.iter("outline") if o.get("xmlUrl") is not None)


def test_opml_lists_every_feed_grouped_and_every_link_resolves(launch: Path) -> None:
    root = etree.parse(str(launch / "feeds/index.opml")).getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Feeds · Breakout"
    groups = root.findall("body/outline")
    assert [g.get("text") for g in groups] == ["This site", "Events", "Topics", "People"]
    listed = set()
    for outline in outlines(root):
        assert outline.get("type") == "rss" and outline.get("text")
        feed = local_file(launch, outline.get("xmlUrl"))
        page = local_file(launch, outline.get("htmlUrl"))
        assert feed.is_file() and page.is_file()
        listed.add(feed.relative_to(launch).as_posix())
    assert listed == built_feeds(launch)
    events = [o.get("xmlUrl") for o in groups[1].iter("outline") if o.get("xmlUrl")]
    assert all("/events/" in url for url in events)


def test_each_group_has_its_own_flat_opml(launch: Path) -> None:
    whole = etree.parse(str(launch / "feeds/index.opml")).getroot().findall("body/outline")
    for key, group in zip(("site", "events", "topics", "people"), whole, strict=True):
        root = etree.parse(str(launch / f"feeds/{key}.opml")).getroot()
        assert [o.get("xmlUrl") for o in root.findall("body/outline")] == [
            o.get("xmlUrl") for o in group.findall("outline")
        ]


# --- open data ---------------------------------------------------------------------------


def graph_of(out: Path) -> dict[str, Any]:
    """graph.json of a build."""
    return json.loads((out / "data/graph.json").read_bytes())


def urls(value: Any, key: str = "") -> Iterator[str]:
    """Every value under a url, calendar or $schema key, outside handles and licence."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("handles", "licence"):
                continue
            if k in ("url", "calendar", "$schema") and isinstance(v, str) and v:
                yield v
            else:
                yield from urls(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from urls(v, key)


def test_graph_is_valid_against_its_published_schema(launch: Path) -> None:
    schema = json.loads((launch / "data/schema.json").read_bytes())
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"{LOCAL}/data/schema.json"
    graph = graph_of(launch)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(graph)] == []
    assert graph["$schema"] == schema["$id"]
    # The schema documents every key it allows.
    for table in ("people", "topics", "events", "sessions", "writeups"):
        props = schema["properties"][table]["items"]["properties"]
        assert set(props) == set(graph[table][0]), table


def test_every_url_in_the_graph_resolves_to_a_built_file(launch: Path) -> None:
    found = list(urls(graph_of(launch)))
    assert len(found) > 50
    for url in found:
        assert local_file(launch, url).is_file(), url


def test_graph_matches_the_site(launch: Path) -> None:
    graph = graph_of(launch)
    people_pages = {p.parent.name for p in launch.glob("people/*/index.html")}
    assert {p["slug"] for p in graph["people"]} == people_pages
    writeups = {w["url"] for w in graph["writeups"]}
    assert len(writeups) == len(list((ROOT / "content" / "writeups").rglob("*.md")))
    events = {e["slug"]: e for e in graph["events"]}
    assert set(events) == set(EVENTS)
    for slug, record in EVENTS.items():
        date = record.get("date")
        assert events[slug]["date"] == (date.isoformat() if date else None)
        assert events[slug]["calendar"] == (f"{LOCAL}/events/{slug}/event.ics" if date else "")
    slugs = {p["slug"] for p in graph["people"]}
    topics = {t["slug"] for t in graph["topics"]}
    sessions = {s["id"] for s in graph["sessions"]}
    for w in graph["writeups"]:
        assert set(w["mentions"]) | set(w["writers"]) | set(w["leaders"]) <= slugs
        assert set(w["topics"]) <= topics and w["session"] in sessions
        assert w["event"] in events
        # Comment counts: the shown comments, as the write-up's own comments feed holds them.
        feed = local_file(launch, w["url"]).parent / "comments.rss.xml"
        items = etree.parse(str(feed)).getroot().findall("channel/item")
        assert w["comments"] == len(items), w["slug"]
    assert sum(w["comments"] for w in graph["writeups"]) > 0
    assert graph["licence"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }


def test_csv_tables_hold_the_graph_tables(launch: Path) -> None:
    graph = graph_of(launch)
    schema = json.loads((launch / "data/schema.json").read_bytes())
    for table in ("people", "topics", "events", "sessions", "writeups"):
        data = (launch / f"data/{table}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets read UTF-8 with a BOM
        assert b"\r\n" in data
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        required = schema["properties"][table]["items"]["required"]
        assert list(rows[0]) == required, table
        assert len(rows) == len(graph[table]), table
        for row, item in zip(rows, graph[table], strict=True):
            for key, value in item.items():
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    expected = " ".join(f"{h['network']}:{h['handle']}" for h in value)
                elif isinstance(value, list):
                    expected = " ".join(value)
                else:
                    expected = "" if value is None else str(value)
                assert row[key] == expected, (table, key)


# --- production, check, settings ----------------------------------------------------------


def test_production_urls_are_absolute_on_siteurl_and_pass_the_check(production: Path) -> None:
    graph = graph_of(production)
    assert graph["site"]["url"] == f"{PROD}/"
    for url in urls(graph):
        assert local_file(production, url, PROD).is_file(), url
    opml = etree.parse(str(production / "feeds/index.opml")).getroot()
    for outline in outlines(opml):
        assert local_file(production, outline.get("xmlUrl"), PROD).is_file()
    cal = Calendar.from_ical((production / "events/calendar.ics").read_bytes())
    assert all(str(e["url"]).startswith(f"{PROD}/events/") for e in cal.walk("VEVENT"))
    follow = (production / "follow/index.html").read_text("utf-8")
    assert f'href="{PROD}/feeds/index.opml"' in follow
    problems = run_checks(
        production,
        conf=ROOT / "publishconf.py",
        content=ROOT / "content",
        overrides={"SITEURL": PROD},
        checks=[subscriptions],
    )
    assert problems == []


def test_the_check_reports_links_that_do_not_resolve_and_bad_data(
    launch: Path, tmp_path: Path
) -> None:
    out = tmp_path / "output"
    shutil.copytree(launch, out)
    settings = load_settings(ROOT / "pelicanconf.py", path=ROOT / "content", output=out)
    assert check_subscriptions(out, settings) == []
    (out / "topics/police/rss.xml").unlink()
    graph = graph_of(out)
    graph["writeups"][0]["url"] = f"{LOCAL}/2099/nowhere/"
    graph["people"][0]["writeups"] = -1
    (out / "data/graph.json").write_text(json.dumps(graph), "utf-8")
    (out / "events/calendar.ics").write_bytes(b"not a calendar")
    problems = check_subscriptions(out, settings)
    xml_url = f"{LOCAL}/topics/police/rss.xml"
    assert f"feeds/index.opml: xmlUrl {xml_url} does not resolve to a file the build wrote (topics/police/rss.xml)" in problems  # fmt: skip
    assert f"feeds/topics.opml: xmlUrl {xml_url} does not resolve to a file the build wrote (topics/police/rss.xml)" in problems  # fmt: skip
    assert any(
        p.startswith("data/graph.json: people/0/writeups: -1 is less than") for p in problems
    )
    assert f"data/graph.json: writeups[0].url {LOCAL}/2099/nowhere/ does not resolve to a file the build wrote (2099/nowhere/index.html)" in problems  # fmt: skip
    assert any(p.startswith("events/calendar.ics: not an iCalendar file") for p in problems)
    assert len(problems) == 5, problems


def test_bad_settings_fail_the_build_naming_the_key(tmp_path: Path, error_log: Any) -> None:
    with pytest.raises(BuildFailed):
        build_site(
            FIXTURES / "golden-site",
            tmp_path / "out",
            BREAKOUT_SUBSCRIBE={"LICENSE": "CC0", "EVENT_CALENDAR_SAVE_AS": "events/all.ics"},
            **OFF,
        )
    messages = error_log()
    assert any("BREAKOUT_SUBSCRIBE: unknown key 'LICENSE' (did you mean 'LICENCE'?)" in m for m in messages)  # fmt: skip
    assert any("BREAKOUT_SUBSCRIBE['EVENT_CALENDAR_SAVE_AS'] = 'events/all.ics' is not valid" in m for m in messages)  # fmt: skip


def test_without_a_licence_the_data_and_follow_page_say_none_is_stated(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(FIXTURES / "golden-site", out, BREAKOUT_SUBSCRIBE={}, **OFF)
    assert graph_of(out)["licence"] is None
    assert "No licence has been stated" in (out / "follow/index.html").read_text("utf-8")


def test_two_builds_write_identical_calendars_opml_and_data(launch: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(ROOT / "content", again, **OFF)
    assert compare_trees(launch, again) == []
    for rel in ("events/calendar.ics", "feeds/index.opml", "data/graph.json", "follow/index.html"):
        assert (launch / rel).read_bytes() == (again / rel).read_bytes()
