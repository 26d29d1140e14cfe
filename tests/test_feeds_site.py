"""Real Pelican builds of tests/fixtures/feeds-site: every feed parses, is valid and stable."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest
from breakout_feeds import glue
from breakout_feeds.glue import MANIFEST
from breakout_kernel.change import manifest
from breakout_kernel.change.manifest import Manifest
from breakout_kernel.folders import OutputFolders, write_if_changed
from conftest import FIXTURES, ROOT, build_site
from jsonschema import Draft202012Validator
from lxml import etree

from tools.build import load_settings
from tools.feedcheck import check_ids, check_site_feeds, record_ids, validate_feed_file
from tools.golden import compare_trees

FEEDS_SITE = FIXTURES / "feeds-site"
LOCAL = "http://127.0.0.1:8000"
A = "{http://www.w3.org/2005/Atom}"
FISH_ID = "tag:breakout,2011-01-24:fish"
SECOND_ID = "tag:breakout,2011-01-24:second"
SUMMER_ID = "tag:breakout,2012-06-30:writeups/2012/summer"  # from the ledger, not its Date
JSON_FEED_SCHEMA = ROOT / "tests" / "data" / "jsonfeed-1.1.schema.json"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The feeds fixture built once for the read-only tests."""
    out = tmp_path_factory.mktemp("feeds") / "output"
    build_site(FEEDS_SITE, out)
    return out


def settings_for(content: Path, out: Path, **overrides: Any) -> dict[str, Any]:
    """The settings `invoke check` would use for this build."""
    return load_settings(ROOT / "pelicanconf.py", path=content, output=out, overrides=overrides)


def feeds_in(out: Path) -> list[Path]:
    """Every RSS/Atom/JSON Feed file of a build."""
    return sorted(
        p
        for p in out.rglob("*")
        if p.name.endswith(("rss.xml", "atom.xml", "feed.json"))
        or (p.parent.name == "feeds" and p.suffix == ".json")
    )


def json_feed_problems(data: bytes) -> list[str]:
    """Messages of the JSON Feed 1.1 schema (tests/data, written from the spec) for a feed."""
    validator = Draft202012Validator(
        json.loads(JSON_FEED_SCHEMA.read_text(encoding="utf-8")),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return [e.message for e in validator.iter_errors(json.loads(data))]


def parse(out: Path, rel: str) -> Any:
    """A built feed through feedparser, which must not flag it."""
    feed = feedparser.parse((out / rel).read_bytes())
    assert not feed.bozo, (rel, feed.get("bozo_exception"))
    return feed


def test_every_feed_parses_and_passes_the_validator(site: Path) -> None:
    feeds = feeds_in(site)
    assert len(feeds) >= 14  # site, comments, 3 write-ups, and person/topic/event feeds
    for path in feeds:
        data = path.read_bytes()
        assert not NOT_XML.search(data.decode("utf-8")), path
        if path.suffix == ".json":  # JSON Feed: tests/test_jsonfeed.py validates them
            assert json_feed_problems(data) == [], path
            assert validate_feed_file(path) == []
            continue
        feed = feedparser.parse(data)
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert validate_feed_file(path) == []


def test_the_build_passes_invoke_check(site: Path) -> None:
    settings = settings_for(FEEDS_SITE, site)
    assert check_site_feeds(site, settings) == []
    assert check_ids(site, settings) == []


@pytest.mark.parametrize("rel", ["feeds/all.rss.xml", "feeds/all.atom.xml"])
def test_site_feed_entries(site: Path, rel: str) -> None:
    feed = parse(site, rel)
    assert feed.feed.title == "Breakout"
    assert feed.feed.link == f"{LOCAL}/"
    # Newest first; fish and second share a minute, so the id decides; the draft is absent.
    assert [e.id for e in feed.entries] == [SUMMER_ID, FISH_ID, SECOND_ID]
    assert [e.title for e in feed.entries] == [
        "Summer in Leeds",
        "Fish & chips with Zoë 🐟",
        "Second view & more",
    ]
    assert [e.link for e in feed.entries] == [
        f"{LOCAL}/2012/summer/",
        f"{LOCAL}/2011/fish/",
        f"{LOCAL}/2011/second/",
    ]


def _raw_content(out: Path, rel: str, entry_id: str) -> str:
    """An Atom entry's content as written (feedparser's sanitiser would drop srcset)."""
    root = etree.fromstring((out / rel).read_bytes())
    [entry] = [e for e in root.iterfind(f"{A}entry") if e.findtext(f"{A}id") == entry_id]
    return entry.findtext(f"{A}content")


def test_awkward_writeup_content_is_clean_and_absolute(site: Path) -> None:
    fish = parse(site, "feeds/all.atom.xml").entries[1]
    html = _raw_content(site, "feeds/all.atom.xml", FISH_ID)
    assert "Zoë said the data is freely available 🎉" in html
    assert f'src="{LOCAL}/2011/fish/images/chart.png"' in html
    assert f'src="{LOCAL}/images/root.png"' in html
    assert f'href="{LOCAL}/about/"' in html
    assert f'href="{LOCAL}/2011/second/"' in html  # a {filename} link
    assert f'href="{LOCAL}/2011/fish/#notes"' in html
    assert f'srcset="{LOCAL}/2011/fish/img/a.png 1x, {LOCAL}/img/a@2x.png 2x"' in html
    assert f'poster="{LOCAL}/2011/fish/media/poster.jpg"' in html
    for url in re.findall(r'(?:href|src|poster)="([^"]*)"', html):
        assert url.startswith((LOCAL, "https://", "mailto:")), url
    assert fish.summary.startswith("Zoë said the data is freely available")
    assert fish.author == "Zoë Ångström"
    assert {t.term for t in fish.tags} >= {"open-data", "fish"}
    # One comments feed per write-up (RSS): the Atom entry's replies link names its type.
    assert [(link.href, link.type) for link in fish.links if link.rel == "replies"] == [
        (f"{LOCAL}/2011/fish/comments.rss.xml", "application/rss+xml")
    ]
    assert not (site / "2011/fish/comments.atom.xml").exists()


def test_dates_are_in_the_site_time_zone_and_updated_follows_modified(site: Path) -> None:
    atom = (site / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert "<published>2012-07-01T14:00:00+01:00</published>" in atom  # BST
    assert "<published>2011-01-24T09:30:00+00:00</published>" in atom
    assert "<updated>2011-02-01T10:00:00+00:00</updated>" in atom  # fish's Modified
    # The feed's own date is its newest entry's, never the build time.
    assert parse(site, "feeds/all.rss.xml").feed.updated == "Sun, 01 Jul 2012 14:00:00 +0100"


def test_comments_feeds(site: Path) -> None:
    comments = parse(site, "feeds/comments.atom.xml")
    assert [e.id for e in comments.entries] == [
        f"{SECOND_ID}#comment-001",
        f"{FISH_ID}#comment-001",
        f"{FISH_ID}#comment-002",  # undated: dated like its write-up, so last
    ]
    assert comments.entries[1].title == "Comment by Andy Mabbett on Fish & chips with Zoë 🐟"
    assert comments.entries[1].link == f"{LOCAL}/2011/fish/#comment-001"
    assert comments.entries[2].published == "2011-01-24T09:30:00+00:00"
    fish = parse(site, "2011/fish/comments.rss.xml")
    assert [e.id for e in fish.entries] == [
        f"{FISH_ID}#comment-001",
        f"{FISH_ID}#comment-002",
    ]  # not the removed one
    assert parse(site, "2012/summer/comments.rss.xml").entries == []


def test_person_topic_and_event_feeds_from_the_index(site: Path) -> None:
    nick = parse(site, "people/nickkeane/atom.xml")
    assert nick.feed.title == "Nick Keane · Breakout"
    assert nick.feed.link == f"{LOCAL}/people/nickkeane/"
    assert FISH_ID in [e.id for e in nick.entries]  # he led its session
    assert [e.id for e in parse(site, "events/ukgovcamp-2011/rss.xml").entries] == [
        FISH_ID,
        SECOND_ID,
    ]
    assert [e.id for e in parse(site, "events/summercamp-2012/atom.xml").entries] == [SUMMER_ID]
    assert [e.id for e in parse(site, "topics/fish/rss.xml").entries] == [FISH_ID, SECOND_ID]


def _head_feeds(page: Path) -> list[tuple[str, str]]:
    html = page.read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    return re.findall(
        r'<link rel="alternate" type="application/(rss|atom)\+xml" title="[^"]*" href="([^"]*)"',
        head,
    )


def test_pages_announce_the_feeds_that_concern_them(site: Path) -> None:
    everything = [("rss", "/feeds/all.rss.xml"), ("atom", "/feeds/all.atom.xml")]
    assert _head_feeds(site / "index.html") == everything
    assert _head_feeds(site / "2011/fish/index.html") == [
        ("rss", "/2011/fish/comments.rss.xml"),
        *everything,
    ]
    assert _head_feeds(site / "people/nickkeane/index.html") == [
        ("rss", "/people/nickkeane/rss.xml"),
        ("atom", "/people/nickkeane/atom.xml"),
        *everything,
    ]
    assert _head_feeds(site / "topics/fish/index.html")[0] == ("rss", "/topics/fish/rss.xml")
    assert _head_feeds(site / "events/ukgovcamp-2011/index.html")[0] == (
        "rss",
        "/events/ukgovcamp-2011/rss.xml",
    )
    assert _head_feeds(site / "drafts/unpublished/index.html") == everything
    # A session page announces its event's feeds.
    [session] = (site / "events/ukgovcamp-2011").glob("*/index.html")
    assert _head_feeds(session)[0] == ("rss", "/events/ukgovcamp-2011/rss.xml")


def test_person_page_shows_a_visible_feed_link(site: Path) -> None:
    html = (site / "people/nickkeane/index.html").read_text(encoding="utf-8")
    assert '<a href="/people/nickkeane/rss.xml" type="application/rss+xml" rel="alternate"' in html


def test_two_builds_give_byte_identical_feeds(
    site: Path, site_builder: Callable[..., Path]
) -> None:
    again = site_builder(FEEDS_SITE)
    assert [p.relative_to(again) for p in feeds_in(again)] == [
        p.relative_to(site) for p in feeds_in(site)
    ]
    for path in feeds_in(site):
        assert (again / path.relative_to(site)).read_bytes() == path.read_bytes(), path


def test_write_if_changed_leaves_identical_files_alone(tmp_path: Path) -> None:
    target = tmp_path / "feeds/all.rss.xml"
    written = write_if_changed(tmp_path, "feeds/all.rss.xml", b"<rss/>")
    assert written == target.stat().st_mtime_ns
    assert write_if_changed(tmp_path, "feeds/all.rss.xml", b"<rss/>") is None
    assert target.stat().st_mtime_ns == written
    assert write_if_changed(tmp_path, "feeds/all.rss.xml", b"<rss></rss>") is not None
    assert target.read_bytes() == b"<rss></rss>"
    # One build's folder memory: a folder it made is new (its files are not read first),
    # a folder that was already there is not, so identical files in it stay untouched.
    folders = OutputFolders()
    assert write_if_changed(tmp_path, "people/zoe/rss.xml", b"<rss/>", folders) is not None
    assert folders.made == {str(tmp_path / "people"), str(tmp_path / "people/zoe")}
    assert write_if_changed(tmp_path, "people/zoe/atom.xml", b"<feed/>", folders) is not None
    assert write_if_changed(tmp_path, "feeds/all.rss.xml", b"<rss></rss>", folders) is None
    assert folders.found == {str(tmp_path / "feeds")}
    assert (tmp_path / "people/zoe/atom.xml").read_bytes() == b"<feed/>"
    assert not list(tmp_path.rglob("*.tmp"))
    with pytest.raises(ValueError, match="outside"):
        write_if_changed(tmp_path / "out", "../escape.xml", b"x")


def test_production_siteurl_is_used_everywhere(site_builder: Callable[..., Path]) -> None:
    out = site_builder(FEEDS_SITE, SITEURL="https://breakout.example/blog")
    feed = parse(out, "feeds/all.atom.xml")
    assert feed.feed.link == "https://breakout.example/blog/"
    assert feed.entries[1].link == "https://breakout.example/blog/2011/fish/"
    html = _raw_content(out, "feeds/all.atom.xml", FISH_ID)
    assert 'src="https://breakout.example/blog/2011/fish/images/chart.png"' in html
    assert _head_feeds(out / "index.html")[0] == (
        "rss",
        "https://breakout.example/blog/feeds/all.rss.xml",
    )
    assert (
        check_site_feeds(
            out, settings_for(FEEDS_SITE, out, SITEURL="https://breakout.example/blog")
        )
        == []
    )


def test_max_items_limits_site_and_comments_feeds(site_builder: Callable[..., Path]) -> None:
    out = site_builder(FEEDS_SITE, BREAKOUT_FEEDS={"MAX_ITEMS": 1})
    assert [e.id for e in parse(out, "feeds/all.rss.xml").entries] == [SUMMER_ID]
    assert len(parse(out, "feeds/comments.atom.xml").entries) == 1
    assert len(parse(out, "2011/fish/comments.rss.xml").entries) == 1
    # Entity feeds have their own limit (ENTITY_MAX_ITEMS, default 10).
    assert [e.id for e in parse(out, "events/ukgovcamp-2011/rss.xml").entries] == [
        FISH_ID,
        SECOND_ID,
    ]


def test_entity_max_items_limits_person_topic_and_event_feeds(
    site_builder: Callable[..., Path],
) -> None:
    out = site_builder(FEEDS_SITE, BREAKOUT_FEEDS={"ENTITY_MAX_ITEMS": 1})
    assert len(parse(out, "feeds/all.rss.xml").entries) == 3
    assert [e.id for e in parse(out, "events/ukgovcamp-2011/rss.xml").entries] == [FISH_ID]
    assert [e.id for e in parse(out, "topics/fish/atom.xml").entries] == [FISH_ID]
    assert check_site_feeds(out, settings_for(FEEDS_SITE, out)) == []


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_redating_keeps_the_recorded_id(
    content_copy: Callable[[Path], Path], site_builder: Callable[..., Path]
) -> None:
    content = content_copy(FEEDS_SITE)
    _edit(content / "writeups/2012/summer.md", "Date: 2012-07-01 14:00", "Date: 2012-09-09 10:00")
    out = site_builder(content)
    assert parse(out, "feeds/all.atom.xml").entries[0].id == SUMMER_ID
    assert check_ids(out, settings_for(content, out)) == []


def test_an_edited_id_fails_the_check(
    content_copy: Callable[[Path], Path],
    site_builder: Callable[..., Path],
    error_log: Callable[..., list[str]],
) -> None:
    content = content_copy(FEEDS_SITE)
    _edit(content / "writeups/2011/fish.md", f"Id: {FISH_ID}", "Id: tag:breakout,2011-02-01:fish")
    out = site_builder(content)
    [problem] = check_ids(out, settings_for(content, out))
    assert "writeups/2011/fish.md:9: feed id changed from tag:breakout,2011-01-24:fish" in problem
    assert any("Id differs from the published" in m for m in error_log(level=30))


def test_a_new_writeup_without_id_needs_recording(
    content_copy: Callable[[Path], Path], site_builder: Callable[..., Path]
) -> None:
    content = content_copy(FEEDS_SITE)
    (content / "writeups/2012/late.md").write_text(
        "Title: Late\nDate: 2012-08-01 10:00\nEvent: summercamp-2012\nSession: Late\n\nBody.\n",
        encoding="utf-8",
    )
    out = site_builder(content)
    derived = "tag:breakout,2012-08-01:writeups/2012/late"
    assert parse(out, "feeds/all.atom.xml").entries[0].id == derived
    settings = settings_for(content, out)
    [problem] = check_ids(out, settings)
    assert "writeups/2012/late.md: has no Id: and is not recorded" in problem
    assert record_ids(settings) == ["writeups/2012/late.md"]
    assert f'"writeups/2012/late.md" = "{derived}"' in (content / "feed-ids.toml").read_text(
        encoding="utf-8"
    )
    assert check_ids(out, settings) == []
    assert record_ids(settings) == []  # idempotent


def test_a_bad_id_fails_the_build_at_its_line(
    content_copy: Callable[[Path], Path],
    site_builder: Callable[..., Path],
    error_log: Callable[..., list[str]],
) -> None:
    content = content_copy(FEEDS_SITE)
    _edit(content / "writeups/2011/second.md", f"Id: {SECOND_ID}", "Id: second view")
    with pytest.raises(Exception, match="problem"):
        site_builder(content)
    assert any(
        m.endswith(
            "writeups/2011/second.md:7: Id 'second view' must be an absolute URI without spaces "
            "or '#', e.g. tag:breakout,2011-01-24:second"
        )
        for m in error_log()
    )


def test_a_shared_id_fails_the_build(
    content_copy: Callable[[Path], Path],
    site_builder: Callable[..., Path],
    error_log: Callable[..., list[str]],
) -> None:
    content = content_copy(FEEDS_SITE)
    _edit(content / "writeups/2011/second.md", f"Id: {SECOND_ID}", f"Id: {FISH_ID}")
    with pytest.raises(Exception, match="problem"):
        site_builder(content)
    assert any(
        f"feed id {FISH_ID} is already used by writeups/2011/fish.md" in m for m in error_log()
    )


def test_bad_feed_settings_fail_the_build(
    site_builder: Callable[..., Path], error_log: Callable[..., list[str]]
) -> None:
    with pytest.raises(Exception, match="problem"):
        site_builder(
            FEEDS_SITE,
            BREAKOUT_FEEDS={"MAX_ITEM": 3, "LOCAL_SITEURL": "localhost"},
            PERSON_FEED_RSS="people/rss.xml",
        )
    messages = error_log()
    assert any(
        "BREAKOUT_FEEDS: unknown key 'MAX_ITEM' (did you mean 'MAX_ITEMS'?)" in m for m in messages
    )
    assert any("BREAKOUT_FEEDS['LOCAL_SITEURL'] = 'localhost' is not valid" in m for m in messages)
    assert any(
        "PERSON_FEED_RSS = 'people/rss.xml' is not valid: it needs {slug}" in m for m in messages
    )


def test_launch_site_feeds_are_valid(launch_site: Path) -> None:
    feeds = feeds_in(launch_site)
    assert feeds
    for path in feeds:
        if path.suffix == ".json":
            assert json_feed_problems(path.read_bytes()) == [], path
        else:
            assert not feedparser.parse(path.read_bytes()).bozo, path
    settings = settings_for(ROOT / "content", launch_site)
    assert check_site_feeds(launch_site, settings) == []
    assert check_ids(launch_site, settings) == []


def _ids_in(out: Path, rel: str) -> list[str]:
    """Entry ids of a built feed."""
    if rel.endswith(".json"):
        return [i["id"] for i in json.loads((out / rel).read_bytes())["items"]]
    return [e.id for e in parse(out, rel).entries]


def test_a_warm_build_renders_only_the_feeds_holding_the_edited_writeup(
    content_copy: Callable[[Path], Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    content = content_copy(FEEDS_SITE)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build_site(content, out, cache=cache)
    everything = {p.relative_to(out).as_posix() for p in feeds_in(out)}
    assert sorted(glue.last_stats().rendered) == sorted(everything)
    assert (cache / MANIFEST).is_file()
    holding_fish = {rel for rel in everything if FISH_ID in _ids_in(out, rel)}
    assert {
        "feeds/all.atom.xml",
        "topics/fish/rss.xml",
        "people/nickkeane/atom.xml",
    } <= holding_fish

    _edit(content / "writeups/2011/fish.md", "Notes.", "Notes, edited.")
    caplog.set_level(logging.DEBUG, logger="breakout.feeds")
    build_site(content, out, cache=cache)
    assert set(glue.last_stats().rendered) == holding_fish
    assert glue.last_stats().reused == len(everything) - len(holding_fish)
    assert f"rendered {len(holding_fish)} feeds, reused {glue.last_stats().reused}" in caplog.text
    assert "Notes, edited." in (out / "feeds/all.atom.xml").read_text(encoding="utf-8")

    # Byte for byte what a cold build of the edited content writes.
    cold = tmp_path / "cold"
    build_site(content, cold, cache=tmp_path / "cold-cache")
    assert compare_trees(cold, out) == []


def test_a_warm_build_without_changes_renders_nothing_but_repairs_touched_files(
    tmp_path: Path,
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build_site(FEEDS_SITE, out, cache=cache)
    total = len(glue.last_stats().rendered)
    build_site(FEEDS_SITE, out, cache=cache)
    assert glue.last_stats().rendered == []
    assert glue.last_stats().reused == total

    good = (out / "topics/fish/rss.xml").read_bytes()
    (out / "topics/fish/rss.xml").unlink()
    (out / "feeds/all.atom.xml").write_bytes(b"<feed/>")
    atom = out / "events/ukgovcamp-2011/atom.xml"
    os.utime(atom, ns=(1, 1))  # touched, same bytes: checked by hash and kept
    build_site(FEEDS_SITE, out, cache=cache)
    assert sorted(glue.last_stats().rendered) == ["feeds/all.atom.xml", "topics/fish/rss.xml"]
    assert (out / "topics/fish/rss.xml").read_bytes() == good
    assert feedparser.parse((out / "feeds/all.atom.xml").read_bytes()).entries


def test_changed_feed_settings_render_every_feed_again(tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build_site(FEEDS_SITE, out, cache=cache)
    total = len(glue.last_stats().rendered)
    build_site(FEEDS_SITE, out, cache=cache, BREAKOUT_FEEDS={"SUMMARY_LENGTH": 3})
    assert len(glue.last_stats().rendered) == total
    assert parse(out, "feeds/all.atom.xml").entries[0].summary.endswith("…")


def test_without_the_content_cache_there_is_no_manifest(tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    for _ in range(2):
        build_site(FEEDS_SITE, out, cache=cache, CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False)
        assert glue.last_stats().reused == 0
    assert not (cache / MANIFEST).exists()


def test_the_manifest_belongs_to_one_stamp(tmp_path: Path) -> None:
    settings = settings_for(FEEDS_SITE, tmp_path)
    opts = glue.options(settings)
    site = glue.site_info(settings, opts)
    paths = glue.FeedPaths.from_settings(settings)
    stamp = glue.feeds_stamp(opts, site, paths)
    assert stamp == glue.feeds_stamp(dict(opts), site, paths)
    assert stamp != glue.feeds_stamp({**opts, "ENTITY_MAX_ITEMS": 3}, site, paths)
    assert stamp != glue.feeds_stamp(
        opts, site, glue.FeedPaths({**paths.patterns, "PERSON_FEED_RSS": None})
    )
    path = str(tmp_path / "cache" / MANIFEST)
    feed = tmp_path / "out" / "all.rss.xml"
    feed.parent.mkdir()
    feed.write_bytes(b"<rss/>")
    feeds = Manifest(str(tmp_path / "out"), stamp)
    feeds.record("feeds/all.rss.xml", str(feed), "f", b"<rss/>")
    feeds.save(path)
    assert set(manifest.read(path, stamp)) == {"feeds/all.rss.xml"}
    assert manifest.read(path, "another stamp") == {}
    Path(path).write_text("{not json", encoding="utf-8")
    assert manifest.read(path, stamp) == {}
