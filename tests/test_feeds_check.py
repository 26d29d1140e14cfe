"""tools.feedcheck: each W3C-style rule passes a good feed and fails a feed broken just there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from breakout_feeds.model import FeedEntry, FeedMeta
from breakout_feeds.render import Kind, render_feed
from lxml import etree

from tools.feedcheck import (
    check_site_feeds,
    rfc822_problem,
    rfc3339_problem,
    validate_feed_bytes,
    validate_feed_file,
)

A = "{http://www.w3.org/2005/Atom}"
SITE = "https://site.example"
WHEN = dt.datetime(2011, 1, 24, 9, 30, tzinfo=dt.UTC)
META = FeedMeta(
    "Breakout",
    "Write-ups",
    f"{SITE}/",
    f"{SITE}/feeds/all.rss.xml",
    f"{SITE}/feeds/all.atom.xml",
    "Breakout",
)


def _entry(slug: str) -> FeedEntry:
    return FeedEntry(
        f"tag:breakout,2011-01-24:{slug}",
        slug.title(),
        f"{SITE}/2011/{slug}/",
        WHEN,
        WHEN,
        "<p>x</p>",
        "x",
        ("Ann",),
        comments_url=f"{SITE}/2011/{slug}/#comments",
    )


def good(kind: Kind) -> bytes:
    """A valid two-entry feed."""
    return render_feed(META, [_entry("fish"), _entry("chips")], kind)


def broken(kind: Kind, change: Callable[[Any], object]) -> bytes:
    """The good feed with one change made to its tree."""
    root = etree.fromstring(good(kind))
    change(root)
    return etree.tostring(root)


def _drop(root: Any, path: str) -> None:
    el = root.find(path)
    el.getparent().remove(el)


def _set(root: Any, path: str, text: str | None = None, **attrs: str) -> None:
    el = root.find(path)
    if text is not None:
        el.text = text
    for k, v in attrs.items():
        el.set(k, v)


def _dup(root: Any, path: str) -> None:
    el = root.find(path)
    el.addnext(etree.fromstring(etree.tostring(el)))


def _item_guid(root: Any) -> None:
    root.findall("channel/item")[1].find("guid").text = root.find("channel/item/guid").text


def _entry_id(root: Any) -> None:
    root.findall(f"{A}entry")[1].find(f"{A}id").text = root.find(f"{A}entry/{A}id").text


def _no_authors(root: Any) -> None:
    for el in list(root.iter(f"{A}author")):
        el.getparent().remove(el)


def _no_content(root: Any) -> None:
    entry = root.find(f"{A}entry")
    entry.remove(entry.find(f"{A}content"))
    for link in entry.findall(f"{A}link"):
        if link.get("rel", "alternate") == "alternate":
            entry.remove(link)


def _two_alternates(root: Any) -> None:
    link = root.find(f"{A}link[@rel='alternate']")
    link.addnext(etree.fromstring(etree.tostring(link)))


RSS_RULES = [
    ("version", lambda r: r.set("version", "0.91"), "version must be '2.0'"),
    ("channel", lambda r: _drop(r, "channel"), "exactly one <channel>"),
    ("title", lambda r: _drop(r, "channel/title"), "channel: missing <title>"),
    ("empty title", lambda r: _set(r, "channel/title", ""), "channel: <title> is empty"),
    ("link", lambda r: _drop(r, "channel/link"), "channel: missing <link>"),
    ("description", lambda r: _drop(r, "channel/description"), "channel: missing <description>"),
    ("relative link", lambda r: _set(r, "channel/link", "/"), "<link> '/' is not an absolute URL"),
    ("self link", lambda r: _drop(r, f"channel/{A}link"), 'missing <atom:link rel="self">'),
    (
        "relative self",
        lambda r: _set(r, f"channel/{A}link", href="/feed.xml"),
        "rel=self href '/feed.xml' is not absolute",
    ),
    (
        "date format",
        lambda r: _set(r, "channel/lastBuildDate", "2011-01-24T09:30:00Z"),
        "is not an RFC 822 date",
    ),
    (
        "weekday",
        lambda r: _set(r, "channel/lastBuildDate", "Tue, 24 Jan 2011 09:30:00 +0000"),
        "weekday does not match",
    ),
    (
        "real date",
        lambda r: _set(r, "channel/item/pubDate", "Mon, 32 Jan 2011 09:30:00 +0000"),
        "not a real date",
    ),
    (
        "title or description",
        lambda r: (
            _drop(r, "channel/item/title"),
            _drop(r, "channel/item/description"),
            _drop(r, "channel/item/{http://purl.org/rss/1.0/modules/content/}encoded"),
        ),
        "item 1: needs a <title> or a <description>",
    ),
    ("guid", lambda r: _drop(r, "channel/item/guid"), "item 1: missing <guid>"),
    ("unique guid", _item_guid, "item 2: guid tag:breakout,2011-01-24:chips is not unique"),
    (
        "permalink guid",
        lambda r: r.find("channel/item/guid").attrib.pop("isPermaLink"),
        "isPermaLink true but is not an absolute URL",
    ),
    (
        "item link",
        lambda r: _set(r, "channel/item/link", "2011/fish/"),
        "item 1: <link> '2011/fish/' is not an absolute URL",
    ),
    (
        "comments link",
        lambda r: _set(r, "channel/item/comments", "#comments"),
        "<comments> '#comments' is not an absolute URL",
    ),
    (
        "author email",
        lambda r: etree.SubElement(r.find("channel/item"), "author").__setattr__("text", "Ann"),
        "<author> must be an email",
    ),
    ("duplicate element", lambda r: _dup(r, "channel/item/title"), "item 1: more than one <title>"),
]

ATOM_RULES = [
    ("id", lambda r: _drop(r, f"{A}id"), "feed: missing <id>"),
    (
        "id absolute",
        lambda r: _set(r, f"{A}id", "all.atom.xml"),
        "feed: id 'all.atom.xml' is not an absolute IRI",
    ),
    ("title", lambda r: _drop(r, f"{A}title"), "feed: missing <title>"),
    ("updated", lambda r: _drop(r, f"{A}updated"), "feed: missing <updated>"),
    ("two updated", lambda r: _dup(r, f"{A}updated"), "feed: more than one <updated>"),
    (
        "rfc3339",
        lambda r: _set(r, f"{A}updated", "Mon, 24 Jan 2011 09:30:00 +0000"),
        "not an RFC 3339 date-time",
    ),
    (
        "rfc3339 no zone",
        lambda r: _set(r, f"{A}updated", "2011-01-24T09:30:00"),
        "not an RFC 3339 date-time",
    ),
    (
        "real date",
        lambda r: _set(r, f"{A}entry/{A}updated", "2011-02-30T09:30:00Z"),
        "not a real date-time",
    ),
    ("self", lambda r: _drop(r, f"{A}link[@rel='self']"), 'feed: missing <link rel="self">'),
    (
        "alternate",
        lambda r: _drop(r, f"{A}link[@rel='alternate']"),
        'feed: missing <link rel="alternate">',
    ),
    (
        "absolute link",
        lambda r: _set(r, f"{A}link[@rel='self']", href="/feeds/all.atom.xml"),
        "is not an absolute URL",
    ),
    ("author", _no_authors, "entry 1: no <author> here or at feed level"),
    ("author name", lambda r: _drop(r, f"{A}author/{A}name"), "feed: <author> without a <name>"),
    ("entry id", lambda r: _drop(r, f"{A}entry/{A}id"), "entry 1: missing <id>"),
    (
        "entry id absolute",
        lambda r: _set(r, f"{A}entry/{A}id", "fish"),
        "entry 1: id 'fish' is not an absolute IRI",
    ),
    ("unique entry id", _entry_id, "entry 2: id tag:breakout,2011-01-24:chips is not unique"),
    ("entry title", lambda r: _drop(r, f"{A}entry/{A}title"), "entry 1: missing <title>"),
    ("entry updated", lambda r: _drop(r, f"{A}entry/{A}updated"), "entry 1: missing <updated>"),
    (
        "entry published",
        lambda r: _set(r, f"{A}entry/{A}published", "24 Jan 2011"),
        "entry 1 <published>",
    ),
    (
        "entry link",
        lambda r: _set(r, f"{A}entry/{A}link", href="2011/fish/"),
        "entry 1: link href '2011/fish/' is not an absolute URL",
    ),
    ("content or alternate", _no_content, "entry 1: without <content> it needs an alternate link"),
    ("one alternate per type", _two_alternates, "feed: two alternate links with the same type"),
    (
        "text type",
        lambda r: _set(r, f"{A}entry/{A}summary", type="markdown"),
        "<summary> type 'markdown'",
    ),
]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_good_feed_passes(kind: Kind) -> None:
    assert validate_feed_bytes(good(kind)) == []


@pytest.mark.parametrize(("rule", "change", "expected"), RSS_RULES, ids=[r[0] for r in RSS_RULES])
def test_each_rss_rule_fails_on_bad_input(
    rule: str, change: Callable[[Any], object], expected: str
) -> None:
    problems = validate_feed_bytes(broken("rss", change), "all.rss.xml")
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("all.rss.xml: ") for p in problems)


@pytest.mark.parametrize(("rule", "change", "expected"), ATOM_RULES, ids=[r[0] for r in ATOM_RULES])
def test_each_atom_rule_fails_on_bad_input(
    rule: str, change: Callable[[Any], object], expected: str
) -> None:
    problems = validate_feed_bytes(broken("atom", change), "all.atom.xml")
    assert any(expected in p for p in problems), problems


def test_forbidden_characters_make_a_feed_not_well_formed(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(good("rss").replace(b"<title>Fish</title>", b"<title>Fi\x0bsh</title>"))
    [problem] = validate_feed_file(path)
    assert problem.startswith(f"{path}: not well-formed XML")


def test_other_xml_is_not_a_feed() -> None:
    assert validate_feed_bytes(b"<urlset/>", "sitemap.xml") == [
        "sitemap.xml: root element <urlset> is neither <rss> nor Atom <feed>"
    ]


def test_date_rules_accept_what_the_specs_allow() -> None:
    assert rfc822_problem("24 Jan 2011 09:30 GMT") is None
    assert rfc822_problem("Mon, 24 Jan 2011 09:30:00 +0000") is None
    assert rfc3339_problem("2011-01-24T09:30:00.5Z") is None
    assert rfc3339_problem("2012-07-01T14:00:00+01:00") is None


def _site(tmp_path: Path) -> Path:
    """A tiny output folder with valid site and comments feeds."""
    out = tmp_path / "output"
    (out / "feeds").mkdir(parents=True)
    for name in ("all", "comments"):
        for kind, file in (("rss", "rss.xml"), ("atom", "atom.xml"), ("json", "json")):
            meta = FeedMeta(
                name,
                "d",
                f"{SITE}/",
                f"{SITE}/feeds/{name}.rss.xml",
                f"{SITE}/feeds/{name}.atom.xml",
                "B",
                json_url=f"{SITE}/feeds/{name}.json",
            )
            (out / "feeds" / f"{name}.{file}").write_bytes(
                render_feed(meta, [_entry("fish")], kind)  # type: ignore[arg-type]
            )
    (out / "index.html").write_text(
        '<html><head><link rel="alternate" type="application/atom+xml" '
        f'href="{SITE}/feeds/all.atom.xml"></head></html>'
    )
    (out / "sitemap.xml").write_text("<urlset/>")
    return out


def test_check_site_feeds_passes_a_good_build(tmp_path: Path) -> None:
    assert check_site_feeds(_site(tmp_path), {"SITEURL": SITE}) == []


def test_check_site_feeds_reports_missing_bad_and_misplaced_feeds(tmp_path: Path) -> None:
    out = _site(tmp_path)
    (out / "feeds" / "comments.rss.xml").unlink()
    (out / "feeds" / "all.atom.xml").rename(out / "feeds" / "moved.atom.xml")
    (out / "people" / "x").mkdir(parents=True)
    (out / "people" / "x" / "rss.xml").write_bytes(b"<rss version='2.0'><channel></channel>")
    (out / "people" / "x" / "index.html").write_text(
        '<link rel="alternate" type="application/rss+xml" href="/people/x/none.xml">'
    )
    problems = check_site_feeds(out, {"SITEURL": SITE})
    assert "feeds/comments.rss.xml: missing (the comments feed)" in problems
    assert "feeds/all.atom.xml: missing (the site feed)" in problems
    assert any(p.startswith("feeds/moved.atom.xml: its rel=self link") for p in problems)
    assert any(p.startswith("people/x/rss.xml: not well-formed XML") for p in problems)
    assert (
        "index.html: announces feed https://site.example/feeds/all.atom.xml, which was not built"
        in problems
    )
    assert "people/x/index.html: announces feed /people/x/none.xml, which was not built" in problems
