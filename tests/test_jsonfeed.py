"""JSON Feed 1.1 beside every RSS/Atom pair: valid by the spec's schema, same entries and ids.

The schema (tests/data/jsonfeed-1.1.schema.json) is written from the specification at
https://jsonfeed.org/version/1.1, independently of the code; RSS and Atom are read back
with lxml, so the three formats of one feed are compared by independent parsers.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from breakout_feeds.model import Category, FeedEntry, FeedMeta
from breakout_feeds.render import render_kinds
from conftest import FIXTURES, ROOT, build_site
from jsonschema import Draft202012Validator
from lxml import etree

from tools.build import load_settings
from tools.feedcheck import check_site_feeds
from tools.golden import compare_trees

SCHEMA = json.loads((ROOT / "tests" / "data" / "jsonfeed-1.1.schema.json").read_text("utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
A = "{http://www.w3.org/2005/Atom}"
SITE = "https://site.example"
UTC = dt.UTC


def problems(doc: Any) -> list[str]:
    """The schema's messages for a document."""
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in VALIDATOR.iter_errors(doc)]


def test_the_schema_is_a_valid_json_schema_that_rejects_what_the_spec_forbids() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    good = {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": []}
    assert problems(good) == []
    assert problems({**good, "version": "https://jsonfeed.org/version/1"})
    assert problems({**good, "items": [{"id": "1"}]})  # no content_html nor content_text
    assert problems({**good, "items": [{"id": "1", "content_text": "x", "pubDate": "x"}]})
    assert problems({**good, "items": [{"id": "1", "content_text": "x", "date_published": "Mon"}]})


META = FeedMeta(
    title="Fish · Breakout",
    description="Write-ups about fish",
    link=f"{SITE}/topics/fish/",
    rss_url=f"{SITE}/topics/fish/rss.xml",
    atom_url=f"{SITE}/topics/fish/atom.xml",
    json_url=f"{SITE}/topics/fish/feed.json",
    author="Breakout",
    max_items=2,
)


def entry(n: int, *, content: str = "<p>Body</p>", modified: bool = False) -> FeedEntry:
    """A write-up entry published n days after 1 January 2011."""
    published = dt.datetime(2011, 1, 1, 9, 30, tzinfo=UTC) + dt.timedelta(days=n)
    return FeedEntry(
        id=f"tag:breakout,2011-01-0{n + 1}:w{n}",
        title=f"Write-up {n}",
        url=f"{SITE}/2011/w{n}/",
        published=published,
        updated=published + dt.timedelta(hours=3) if modified else published,
        content_html=content,
        summary=f"Summary {n}",
        authors=("Zoë",),
        categories=(Category("fish", "Fish", f"{SITE}/topics/"),),
    )


def test_json_feed_holds_exactly_the_atom_entries_in_the_same_order() -> None:
    entries = [entry(0), entry(2, modified=True), entry(1)]
    out = render_kinds(META, entries, ["rss", "atom", "json"])
    feed = json.loads(out["json"])
    assert problems(feed) == []
    atom = etree.fromstring(out["atom"])
    rss = etree.fromstring(out["rss"])
    atom_ids = [e.findtext(f"{A}id") for e in atom.iter(f"{A}entry")]
    assert [i["id"] for i in feed["items"]] == atom_ids == [g.text for g in rss.iter("guid")]
    assert atom_ids == ["tag:breakout,2011-01-03:w2", "tag:breakout,2011-01-02:w1"]  # max 2
    assert feed["feed_url"] == META.json_url and feed["home_page_url"] == META.link
    first = feed["items"][0]
    assert first["content_html"] == "<p>Body</p>"
    assert first["date_published"] == "2011-01-03T09:30:00+00:00"
    assert first["date_modified"] == "2011-01-03T12:30:00+00:00"
    assert "date_modified" not in feed["items"][1]  # never modified
    assert first["authors"] == [{"name": "Zoë"}] and first["tags"] == ["Fish"]


def test_a_summary_only_entry_carries_its_summary_as_content_text() -> None:
    feed = json.loads(render_kinds(META, [entry(0, content="")], ["json"])["json"])
    assert problems(feed) == []
    assert feed["items"][0]["content_text"] == "Summary 0"
    assert "content_html" not in feed["items"][0]


def test_json_feed_bytes_are_utf8_and_stable() -> None:
    one = render_kinds(META, [entry(0), entry(1)], ["json"])["json"]
    assert one == render_kinds(META, [entry(1), entry(0)], ["json"])["json"]
    assert "Zoë".encode() in one  # not \\u escapes


# --- real builds ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The feeds fixture built once."""
    out = tmp_path_factory.mktemp("jsonfeed") / "output"
    build_site(FIXTURES / "feeds-site", out)
    return out


def json_feeds(out: Path) -> list[Path]:
    """Every JSON Feed file of a build."""
    return sorted(
        p for p in out.rglob("*.json") if p.name == "feed.json" or p.parent == out / "feeds"
    )


def siblings(out: Path, path: Path) -> tuple[Path, Path]:
    """The RSS and Atom files of the same feed."""
    if path.name == "feed.json":
        return path.with_name("rss.xml"), path.with_name("atom.xml")
    stem = path.name.removesuffix(".json")
    return path.with_name(f"{stem}.rss.xml"), path.with_name(f"{stem}.atom.xml")


def alternate(entry: Any) -> str:
    """An Atom entry's alternate link (no rel means alternate, RFC 4287 4.2.7.2)."""
    return next(
        str(link.get("href"))
        for link in entry.iter(f"{A}link")
        if link.get("rel", "alternate") == "alternate"
    )


def test_every_rss_atom_pair_has_a_valid_json_feed_with_the_same_ids(site: Path) -> None:
    feeds = json_feeds(site)
    rels = {p.relative_to(site).as_posix() for p in feeds}
    assert {"feeds/all.json", "feeds/comments.json"} <= rels
    assert any(r.startswith("people/") for r in rels)
    assert any(r.startswith("topics/") for r in rels)
    assert any(r.startswith("events/") for r in rels)
    atom_files = {
        p.relative_to(site).as_posix()
        for p in site.rglob("*atom.xml")
        if "comments" not in p.name or p.parent.name == "feeds"
    }
    assert len(atom_files) == len(feeds)  # one beside every pair
    for path in feeds:
        rel = path.relative_to(site).as_posix()
        feed = json.loads(path.read_bytes())
        assert problems(feed) == [], rel
        assert feed["feed_url"] == f"http://127.0.0.1:8000/{rel}"
        rss, atom = siblings(site, path)
        atom_root = etree.parse(str(atom)).getroot()
        rss_root = etree.parse(str(rss)).getroot()
        atom_ids = [e.findtext(f"{A}id") for e in atom_root.iter(f"{A}entry")]
        rss_ids = [g.text for g in rss_root.iter("guid")]
        json_ids = [i["id"] for i in feed["items"]]
        assert json_ids == atom_ids == rss_ids, rel
        assert json_ids, rel
        links = [alternate(e) for e in atom_root.iter(f"{A}entry")]
        assert [i["url"] for i in feed["items"]] == links, rel


class FeedLinks(HTMLParser):
    """The <link rel=alternate> feed types and hrefs of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "alternate" and a.get("type"):
            self.links.append((str(a["type"]), str(a.get("href"))))


def test_every_page_announcing_feeds_announces_their_json_feed(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    announcing = 0
    for page in pages:
        parser = FeedLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        atom = [h for t, h in parser.links if t == "application/atom+xml"]
        jsons = [h for t, h in parser.links if t == "application/feed+json"]
        if not atom:
            continue
        announcing += 1
        assert len(jsons) == len(atom), page
        for href in jsons:
            assert (site / href.lstrip("/")).is_file(), (page, href)
    assert announcing >= len(pages) - 2  # every page but the 404 and maybe search


def test_invoke_check_rejects_a_broken_json_feed(tmp_path: Path) -> None:
    out = tmp_path / "output"
    build_site(FIXTURES / "feeds-site", out)
    settings = load_settings(ROOT / "pelicanconf.py", path=FIXTURES / "feeds-site", output=out)
    assert check_site_feeds(out, settings) == []
    feed = json.loads((out / "feeds/all.json").read_bytes())
    del feed["items"][0]["content_html"]
    feed["items"][1]["id"] = feed["items"][2]["id"]
    (out / "feeds/all.json").write_text(json.dumps(feed), encoding="utf-8")
    (out / "feeds/comments.json").unlink()
    assert check_site_feeds(out, settings) == [
        "feeds/comments.json: missing (the comments feed)",
        "feeds/all.json: item 1: needs content_html or content_text",
        f"feeds/all.json: item 3: id {feed['items'][2]['id']} is not unique in the feed",
    ]


def test_two_builds_give_identical_json_feeds(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(FIXTURES / "feeds-site", again)
    assert compare_trees(site, again) == []


def test_a_writeups_own_json_comments_feed_can_be_turned_on(tmp_path: Path) -> None:
    out = tmp_path / "output"
    build_site(FIXTURES / "feeds-site", out, ARTICLE_COMMENTS_FEED_JSON="{dir}/comments.json")
    own = sorted(p.relative_to(out).as_posix() for p in out.glob("20*/*/comments.json"))
    assert own, "a JSON comments feed beside each write-up"
    for rel in own:
        feed = json.loads((out / rel).read_bytes())
        assert problems(feed) == [] and feed["feed_url"].endswith("/" + rel)
        rss = etree.parse(str(out / rel.replace(".json", ".rss.xml"))).getroot()
        assert [i["id"] for i in feed["items"]] == [g.text for g in rss.iter("guid")]
    settings = load_settings(
        ROOT / "pelicanconf.py",
        path=FIXTURES / "feeds-site",
        output=out,
        overrides={"ARTICLE_COMMENTS_FEED_JSON": "{dir}/comments.json"},
    )
    assert check_site_feeds(out, settings) == []
    (out / own[0]).write_text('{"version": "https://jsonfeed.org/version/1.1"}', "utf-8")
    assert check_site_feeds(out, settings) == [
        f"{own[0]}: needs a title",
        f"{own[0]}: its feed_url None is not where the file is",
        f"{own[0]}: needs an items list",
    ]
