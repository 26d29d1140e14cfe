"""breakout_feeds.render: render_feed from plain data, read back with feedparser and lxml."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import feedparser
import pytest
from breakout_feeds.model import Category, FeedEntry, FeedMeta
from breakout_feeds.render import (
    Kind,
    clean_entry,
    compact,
    content_of,
    render_feed,
    render_kinds,
)
from lxml import etree

from tools.feedcheck import validate_feed_bytes

LONDON = ZoneInfo("Europe/London")
SITE = "https://site.example"
META = FeedMeta(
    title="Breakout",
    description="Write-ups",
    link=f"{SITE}/",
    rss_url=f"{SITE}/feeds/all.rss.xml",
    atom_url=f"{SITE}/feeds/all.atom.xml",
    author="Breakout",
)


def entry(slug: str, when: dt.datetime, **changes: object) -> FeedEntry:
    """A small valid entry."""
    base = FeedEntry(
        id=f"tag:breakout,{when:%Y-%m-%d}:{slug}",
        title=f"Title {slug}",
        url=f"{SITE}/{when:%Y}/{slug}/",
        published=when,
        updated=when,
        content_html=f'<p>Body of {slug} <a href="{SITE}/x/">x</a></p>',
        summary=f"Summary of {slug}",
    )
    return replace(base, **changes)


WINTER = dt.datetime(2011, 1, 24, 9, 30, tzinfo=LONDON)
SUMMER = dt.datetime(2012, 7, 1, 14, 0, tzinfo=LONDON)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_reads_back_with_every_field(kind: Kind) -> None:
    e = entry(
        "fish",
        WINTER,
        title="Fish & chips 🐟",
        updated=WINTER + dt.timedelta(days=8),
        authors=("Zoë Ångström",),
        categories=(Category("open-data", "Open Data", f"{SITE}/topics/"),),
        comments_url=f"{SITE}/2011/fish/#comments",
        replies_rss=f"{SITE}/2011/fish/comments.rss.xml",
        replies_atom=f"{SITE}/2011/fish/comments.atom.xml",
    )
    data = render_feed(META, [e], kind)
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Breakout"
    assert feed.feed.link == f"{SITE}/"
    [item] = feed.entries
    assert item.id == "tag:breakout,2011-01-24:fish"
    assert item.title == "Fish & chips 🐟"
    assert item.link == f"{SITE}/2011/fish/"
    assert item.author == "Zoë Ångström"
    # Atom: term is the slug and label the name; RSS <category> carries the name.
    [tag] = item.tags
    assert (tag.term, tag.get("label")) == (
        ("open-data", "Open Data") if kind == "atom" else ("Open Data", None)
    )
    assert tag.scheme == f"{SITE}/topics/"
    assert 'href="https://site.example/x/"' in item.content[0].value
    assert item.summary == "Summary of fish"
    assert item.published_parsed[:5] == (2011, 1, 24, 9, 30)
    if kind == "atom":
        assert item.updated_parsed[:3] == (2011, 2, 1)
        replies = [link.href for link in item.links if link.rel == "replies"]
        assert replies == [f"{SITE}/2011/fish/comments.atom.xml"]
    else:
        assert item.comments == f"{SITE}/2011/fish/#comments"
        assert item.wfw_commentrss == f"{SITE}/2011/fish/comments.rss.xml"
    assert validate_feed_bytes(data) == []


def test_dates_keep_the_site_time_zone() -> None:
    atom = render_feed(META, [entry("summer", SUMMER)], "atom").decode()
    rss = render_feed(META, [entry("summer", SUMMER)], "rss").decode()
    assert "<published>2012-07-01T14:00:00+01:00</published>" in atom
    assert "<pubDate>Sun, 01 Jul 2012 14:00:00 +0100</pubDate>" in rss


def test_newest_first_and_ties_broken_by_id() -> None:
    entries = [
        entry("b", WINTER),
        entry("old", WINTER - dt.timedelta(days=1)),
        entry("new", SUMMER),
        entry("a", WINTER),
    ]
    feed = feedparser.parse(render_feed(META, entries, "atom"))
    assert [e.id.rsplit(":", 1)[1] for e in feed.entries] == ["new", "a", "b", "old"]


def test_max_items_keeps_the_newest() -> None:
    entries = [entry(f"e{i}", WINTER + dt.timedelta(days=i)) for i in range(5)]
    feed = feedparser.parse(render_feed(replace(META, max_items=2), entries, "rss"))
    assert [e.id.rsplit(":", 1)[1] for e in feed.entries] == ["e4", "e3"]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_updated_is_the_newest_entry_not_the_build_time(kind: Kind) -> None:
    edited = entry("edited", WINTER, updated=SUMMER)
    data = render_feed(META, [entry("x", WINTER + dt.timedelta(days=1)), edited], kind)
    feed = feedparser.parse(data)
    assert feed.feed.updated_parsed[:4] == (2012, 7, 1, 13)  # 14:00 BST in UTC


def test_empty_feed_uses_the_fallback_date_and_is_valid() -> None:
    meta = replace(META, fallback_updated=WINTER)
    for kind in ("rss", "atom"):
        data = render_feed(meta, [], kind)
        assert validate_feed_bytes(data) == []
        assert feedparser.parse(data).feed.updated_parsed[:3] == (2011, 1, 24)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_same_input_same_bytes(kind: Kind) -> None:
    entries = [entry("a", WINTER), entry("b", SUMMER)]
    first = render_feed(META, entries, kind)
    assert render_feed(META, list(reversed(entries)), kind) == first
    assert b"python-feedgen" not in first


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_forbidden_characters_in_every_field_never_reach_the_xml(kind: Kind) -> None:
    bad = "\x00\x01\x08\x0b\x0c\x1f\ud800\ufffe\uffff"
    meta = replace(
        META, title=f"Site{bad}", description=f"Desc{bad}", author=f"Me{bad}", link=f"{SITE}/{bad}"
    )
    e = entry(
        "bad",
        WINTER,
        id=f"tag:breakout,2011-01-24:bad{bad}",
        title=f"Ti{bad}tle",
        content_html=f"<p>Bo{bad}dy</p>",
        summary=f"Sum{bad}mary",
        authors=(f"Zo{bad}ë",),
        categories=(Category(f"t{bad}", f"T{bad}", f"{SITE}/topics/{bad}"),),
        url=f"{SITE}/2011/bad{bad}/",
        comments_url=f"{SITE}/2011/bad/{bad}#comments",
        replies_rss=f"{SITE}/2011/bad/comments.rss.xml{bad}",
        replies_atom=f"{SITE}/2011/bad/comments.atom.xml{bad}",
    )
    data = render_feed(meta, [e], kind)
    etree.fromstring(data)  # lxml refuses XML 1.0's forbidden characters
    feed = feedparser.parse(data)
    assert not feed.bozo
    assert feed.feed.title == "Site"
    assert feed.entries[0].title == "Title"
    assert feed.entries[0].author == "Zoë"
    assert feed.entries[0].id == "tag:breakout,2011-01-24:bad"
    assert feed.entries[0].link == f"{SITE}/2011/bad/"


def test_rss_names_authors_with_dc_creator_not_author() -> None:
    rss = render_feed(META, [entry("a", WINTER, authors=("Ann",))], "rss")
    item = etree.fromstring(rss).find("channel/item")
    assert item.find("author") is None
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Ann"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="rss"):
        render_feed(META, [], "html")  # type: ignore[arg-type]


BAD = "\x00\x01\x0b\ud800\ufffe"


def _awkward(slug: str, when: dt.datetime) -> FeedEntry:
    """An entry with forbidden characters in its text fields."""
    return entry(
        slug,
        when,
        title=f"Ti{BAD}tle {slug}",
        content_html=f"<p>Bo{BAD}dy</p>",
        summary=f"Sum{BAD}mary",
        authors=(f"Zo{BAD}ë",),
        categories=(Category(f"t{BAD}", f"T{BAD}", f"{SITE}/topics/{BAD}"),),
        replies_rss=f"{SITE}/2011/{slug}/comments.rss.xml",
        replies_atom=f"{SITE}/2011/{slug}/comments.atom.xml",
        comments_url=f"{SITE}/2011/{slug}/#comments",
    )


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_clean_entry_renders_the_same_bytes(kind: Kind) -> None:
    entries = [_awkward("a", WINTER), _awkward("b", SUMMER)]
    assert render_feed(META, [clean_entry(e) for e in entries], kind) == render_feed(
        META, entries, kind
    )


def test_both_formats_from_one_generator_are_the_bytes_of_each_alone() -> None:
    """render_kinds fills one generator for RSS and Atom; neither format sees the other's links."""
    a, b, c = (clean_entry(_awkward(s, WINTER + dt.timedelta(days=i))) for i, s in enumerate("abc"))
    for meta, entries in ((META, [a, b, c]), (replace(META, title="Topic", max_items=2), [c, a])):
        both = render_kinds(meta, entries, ["atom", "rss"])
        assert both == {k: render_feed(meta, entries, k) for k in ("atom", "rss")}


def test_a_compacted_entry_renders_its_full_content_in_every_feed_that_holds_it() -> None:
    body = "".join(f"<p>Paragraph {i} with Zoë and 🐟 &amp; more.</p>" for i in range(80))
    full = clean_entry(entry("fish", WINTER, content_html=body))
    held = compact(full)
    # What waits between feeds holds no copy of the text, only its packed bytes.
    assert held.content_html == "" and 0 < len(held.content_z) < len(body) // 2
    assert content_of(held) == body
    short = clean_entry(entry("chips", SUMMER))
    assert compact(short) is short  # short content is kept as it is
    other = replace(META, title="Another feed")
    first = render_kinds(META, [held, short], ["rss", "atom"])
    second = render_kinds(other, [held], ["atom"])
    plain = render_kinds(META, [full, short], ["rss", "atom"])
    assert first == plain  # byte for byte what the uncompacted entry gives
    for data in (*first.values(), second["atom"]):
        parsed = feedparser.parse(data)
        fish = next(e for e in parsed.entries if e.id.endswith(":fish"))
        assert fish.content[0].value == body
