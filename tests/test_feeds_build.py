"""breakout_feeds.build and .paths with tiny fakes: which feeds, which entries, which links."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
from breakout_feeds import build
from breakout_feeds.build import SiteInfo, Writeup, plan_feed_files, render_plans
from breakout_feeds.options import SCHEMA
from breakout_feeds.paths import FeedLinks, FeedPaths, absolute_site_url, path_problems
from breakout_kernel.identity import TagRef
from breakout_kernel.settings import validate_settings

from tools.feedcheck import validate_feed_bytes

LONDON = ZoneInfo("Europe/London")
SITE = SiteInfo(
    url="https://site.example",
    name="Breakout",
    topics_url="https://site.example/topics/",
    timezone=LONDON,
)
PATHS = FeedPaths.from_settings({})


@dataclass
class Tag:
    name: str
    slug: str


@dataclass
class Comment:
    id: str
    author: str
    date: dt.datetime | None
    body_html: str
    url: str = ""
    status: str = "published"


@dataclass
class Article:
    slug: str
    date: dt.datetime
    title: str = "A write-up"
    content: str = "<p>Body</p>"
    tags: list[Tag] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    comment_list: list[Comment] = field(default_factory=list)
    modified: dt.datetime | None = None
    status: str = "published"

    @property
    def url(self) -> str:
        return f"{self.date:%Y}/{self.slug}/"

    @property
    def save_as(self) -> str:
        return f"{self.date:%Y}/{self.slug}/index.html"

    @property
    def source_path(self) -> str:
        return f"/content/writeups/{self.slug}.md"


@dataclass
class Entity:
    """Anything with name, slug, url and articles can have feeds."""

    name: str
    slug: str
    url: str
    articles: list[Article]


@dataclass
class Index:
    people: list[Entity] = field(default_factory=list)
    topics: list[Entity] = field(default_factory=list)
    events: list[Entity] = field(default_factory=list)


JAN = dt.datetime(2011, 1, 24, 9, 30, tzinfo=LONDON)


def plan(
    writeups: list[Writeup],
    index: Any = None,
    paths: FeedPaths = PATHS,
    max_items: int = 50,
    entity_max_items: int | None = None,
    entity_content: str = "full",
) -> dict[str, Any]:
    """Planned feeds as {path: feedparser result, or parsed JSON Feed}, each validated first."""
    files = render_plans(
        plan_feed_files(
            SITE,
            paths,
            writeups,
            index,
            max_items=max_items,
            summary_words=5,
            entity_max_items=entity_max_items,
            entity_content=entity_content,
        )
    )
    for f in files:
        assert validate_feed_bytes(f.data, f.path) == []
    return {
        f.path: json.loads(f.data) if f.path.endswith(".json") else feedparser.parse(f.data)
        for f in files
    }


def w(article: Article) -> Writeup:
    return Writeup(article, f"tag:breakout,{article.date:%Y-%m-%d}:{article.slug}")


def test_site_feeds_and_one_comments_feed_per_writeup() -> None:
    feeds = plan([w(Article("fish", JAN))])
    assert sorted(feeds) == [
        "2011/fish/comments.rss.xml",
        "feeds/all.atom.xml",
        "feeds/all.json",
        "feeds/all.rss.xml",
        "feeds/comments.atom.xml",
        "feeds/comments.json",
        "feeds/comments.rss.xml",
    ]


def test_entry_content_is_absolute_and_summary_plain_and_truncated() -> None:
    a = Article(
        "fish",
        JAN,
        title="Fish &amp; <em>chips</em>",
        content='<p>One two three four five six <img src="img/x.png"></p>',
    )
    [item] = plan([w(a)])["feeds/all.atom.xml"].entries
    assert item.title == "Fish & chips"
    assert 'src="https://site.example/2011/fish/img/x.png"' in item.content[0].value
    assert item.summary == "One two three four five …"


def test_modified_writeup_is_updated_but_keeps_its_publication_date() -> None:
    a = Article("fish", JAN, modified=JAN + dt.timedelta(days=3))
    feed = plan([w(a)])["feeds/all.atom.xml"]
    assert feed.entries[0].published_parsed[:3] == (2011, 1, 24)
    assert feed.entries[0].updated_parsed[:3] == (2011, 1, 27)
    assert feed.feed.updated_parsed[:3] == (2011, 1, 27)


def test_categories_are_tags_then_topic_hashtags_once_each() -> None:
    a = Article(
        "fish",
        JAN,
        tags=[Tag("Open Data", "open-data")],
        metadata={
            "hashtags": [
                TagRef("OpenData", "opendata", "topic", "opendata"),
                TagRef("open-data", "open-data", "topic", "open-data"),
                TagRef("ukgc11", "ukgc11", "event", "ukgovcamp-2011"),
            ]
        },
    )
    item = plan([w(a)])["feeds/all.atom.xml"].entries[0]
    assert [(t.term, t.label) for t in item.tags] == [
        ("open-data", "Open Data"),
        ("opendata", "OpenData"),
    ]


def test_comments_feeds_hold_shown_comments_with_stable_ids() -> None:
    a = Article(
        "fish",
        JAN,
        comment_list=[
            Comment(
                "001",
                "Andy",
                JAN + dt.timedelta(hours=9),
                '<p>See <a href="../second/">this</a></p>',
                url="2011/fish/#comment-001",
            ),
            Comment("002", "Anon", None, "<p>Undated</p>", url="2011/fish/#comment-002"),
            Comment("003", "Spam", JAN + dt.timedelta(days=1), "<p>Spam</p>", status="removed"),
        ],
    )
    feeds = plan([w(a)])
    site = feeds["feeds/comments.atom.xml"]
    assert [e.id for e in site.entries] == [
        "tag:breakout,2011-01-24:fish#comment-001",
        "tag:breakout,2011-01-24:fish#comment-002",
    ]
    first, undated = site.entries
    assert first.title == "Comment by Andy on A write-up"
    assert first.link == "https://site.example/2011/fish/#comment-001"
    assert 'href="https://site.example/2011/second/"' in first.content[0].value
    # An undated comment takes the write-up's date (the documented rule, see build.writeup_items).
    assert undated.published_parsed[:5] == (2011, 1, 24, 9, 30)
    per_writeup = feeds["2011/fish/comments.rss.xml"]
    assert per_writeup.feed.title == "Comments on A write-up · Breakout"
    assert [e.id for e in per_writeup.entries] == [e.id for e in site.entries]


def test_writeup_without_comments_gets_an_empty_feed_dated_by_the_writeup() -> None:
    feed = plan([w(Article("fish", JAN))])["2011/fish/comments.rss.xml"]
    assert feed.entries == []
    assert feed.feed.updated_parsed[:4] == (2011, 1, 24, 9)


def test_any_entity_with_articles_gets_feeds_beside_its_page() -> None:
    fish, second = Article("fish", JAN), Article("second", JAN + dt.timedelta(days=1))
    draft = Article("draft", JAN + dt.timedelta(days=2), status="draft")  # known to the index only
    index = Index(
        people=[Entity("Zoë Ångström", "zoe", "people/zoe/", [draft, second, fish])],
        topics=[Entity("fish", "fish", "topics/fish/", [fish])],
        events=[Entity("UK GovCamp 2011", "ukgc11", "events/ukgc11/", [second, fish])],
    )
    feeds = plan([w(fish), w(second)], index)
    person = feeds["people/zoe/rss.xml"]
    assert person.feed.title == "Zoë Ångström · Breakout"
    assert person.feed.link == "https://site.example/people/zoe/"
    assert [e.link for e in person.entries] == [
        "https://site.example/2011/second/",
        "https://site.example/2011/fish/",
    ]
    assert [e.link for e in feeds["topics/fish/atom.xml"].entries] == [
        "https://site.example/2011/fish/"
    ]
    assert len(feeds["events/ukgc11/atom.xml"].entries) == 2


def test_an_entity_without_published_writeups_gets_no_feed() -> None:
    fish = Article("fish", JAN)
    draft = Article("draft", JAN, status="draft")
    index = Index(
        people=[
            Entity("Commenter", "commenter", "people/commenter/", []),
            Entity("Drafty", "drafty", "people/drafty/", [draft]),
            Entity("Nick", "nick", "people/nick/", [fish]),
        ],
        topics=[Entity("quiet", "quiet", "topics/quiet/", [])],
    )
    feeds = plan([w(fish)], index)
    assert sorted(p for p in feeds if p.startswith(("people/", "topics/"))) == [
        "people/nick/atom.xml",
        "people/nick/feed.json",
        "people/nick/rss.xml",
    ]


def test_max_items_applies_to_every_feed() -> None:
    articles = [Article(f"a{i}", JAN + dt.timedelta(days=i)) for i in range(4)]
    index = Index(topics=[Entity("t", "t", "topics/t/", list(reversed(articles)))])
    feeds = plan([w(a) for a in articles], index, max_items=2)
    assert [e.link.split("/")[-2] for e in feeds["feeds/all.rss.xml"].entries] == ["a3", "a2"]
    assert len(feeds["topics/t/rss.xml"].entries) == 2


def test_a_feed_path_set_to_none_turns_that_feed_off() -> None:
    paths = FeedPaths.from_settings(
        {
            "BREAKOUT_FEED_ALL_RSS": None,
            "BREAKOUT_FEED_COMMENTS_JSON": None,
            "ARTICLE_COMMENTS_FEED_RSS": "",
            "ARTICLE_COMMENTS_FEED_ATOM": "",
        }
    )
    feeds = plan([w(Article("fish", JAN))], paths=paths)
    assert sorted(feeds) == [
        "feeds/all.atom.xml",
        "feeds/all.json",
        "feeds/comments.atom.xml",
        "feeds/comments.rss.xml",
    ]
    # With no per-write-up comments feed there is nothing to point replies at.
    assert all(link.rel != "replies" for link in feeds["feeds/all.atom.xml"].entries[0].links)


@pytest.mark.parametrize(
    ("rss_path", "atom_path", "wfw", "replies"),
    [
        # The default: one RSS comments feed, named by both formats' entries.
        (
            "{dir}/comments.rss.xml",
            "",
            "comments.rss.xml",
            ("comments.rss.xml", "application/rss+xml"),
        ),
        (
            "",
            "{dir}/comments.atom.xml",
            "comments.atom.xml",
            ("comments.atom.xml", "application/atom+xml"),
        ),
        (
            "{dir}/comments.rss.xml",
            "{dir}/comments.atom.xml",
            "comments.rss.xml",
            ("comments.atom.xml", "application/atom+xml"),
        ),
    ],
)
def test_replies_links_point_at_whichever_comments_feed_exists(
    rss_path: str, atom_path: str, wfw: str, replies: tuple[str, str]
) -> None:
    paths = FeedPaths.from_settings(
        {"ARTICLE_COMMENTS_FEED_RSS": rss_path, "ARTICLE_COMMENTS_FEED_ATOM": atom_path}
    )
    feeds = plan([w(Article("fish", JAN))], paths=paths)
    base = "https://site.example/2011/fish/"
    item = feeds["feeds/all.rss.xml"].entries[0]
    assert item.wfw_commentrss == base + wfw
    entry = feeds["feeds/all.atom.xml"].entries[0]
    assert [(link.href, link.type) for link in entry.links if link.rel == "replies"] == [
        (base + replies[0], replies[1])
    ]
    assert sorted(p for p in feeds if p.startswith("2011/")) == sorted(
        f"2011/fish/{p.split('/')[-1]}" for p in (rss_path, atom_path) if p
    )


def test_path_settings_are_checked() -> None:
    assert path_problems({}) == []
    problems = path_problems(
        {
            "PERSON_FEED_RSS": "people/rss.xml",
            "TOPIC_FEED_ATOM": "t/{name}.xml",
            "EVENT_FEED_RSS": "../{slug}.xml",
            "BREAKOUT_FEED_ALL_RSS": 3,
        }
    )
    assert len(problems) == 4
    assert any("PERSON_FEED_RSS" in p and "{slug}" in p for p in problems)


def test_absolute_site_url_falls_back_only_when_siteurl_is_not_absolute() -> None:
    assert (
        absolute_site_url("https://b.example/blog/", "http://127.0.0.1:8000")
        == "https://b.example/blog"
    )
    assert absolute_site_url("", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert absolute_site_url("/blog", "http://127.0.0.1:8000/") == "http://127.0.0.1:8000/blog"


def test_feed_links_for_templates() -> None:
    links = FeedLinks(PATHS, "", "Breakout")
    assert [(x.href, x.type, x.title) for x in links.site] == [
        ("/feeds/all.rss.xml", "application/rss+xml", "Breakout (RSS)"),
        ("/feeds/all.atom.xml", "application/atom+xml", "Breakout (Atom)"),
        ("/feeds/all.json", "application/feed+json", "Breakout (JSON Feed)"),
    ]
    person = Entity("Nick", "nick", "people/nick/", [Article("fish", JAN)])
    assert [x.href for x in links.for_entity("person", person)] == [
        "/people/nick/rss.xml",
        "/people/nick/atom.xml",
        "/people/nick/feed.json",
    ]
    # No published write-up yet: no feed is written, so none is announced.
    only_draft = Entity("Dee", "dee", "people/dee/", [Article("d", JAN, status="draft")])
    assert links.for_entity("person", only_draft) == []
    assert links.for_entity("topic", Entity("t", "t", "topics/t/", [])) == []
    a = Article("fish", JAN, title="Fish &amp; <em>chips</em>")
    assert [x.title for x in links.for_article(a)] == ["Comments on Fish & chips (RSS)"]
    assert links.for_article(Article("d", JAN, status="draft")) == []
    assert links.for_entity("session", person) == []


def test_entity_max_items_limits_only_person_topic_and_event_feeds() -> None:
    articles = [Article(f"a{i}", JAN + dt.timedelta(days=i)) for i in range(4)]
    newest_first = list(reversed(articles))
    index = Index(
        people=[Entity("p", "p", "people/p/", newest_first)],
        topics=[Entity("t", "t", "topics/t/", newest_first)],
        events=[Entity("e", "e", "events/e/", newest_first)],
    )
    feeds = plan([w(a) for a in articles], index, max_items=3, entity_max_items=1)
    assert len(feeds["feeds/all.atom.xml"].entries) == 3
    for path in ("people/p/rss.xml", "topics/t/atom.xml", "events/e/rss.xml"):
        assert [e.link.split("/")[-2] for e in feeds[path].entries] == ["a3"]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_summary_entity_content_leaves_the_html_out_of_entity_feeds_only(kind: str) -> None:
    fish = Article("fish", JAN, content="<p>The whole write-up, every word of it.</p>")
    index = Index(
        people=[Entity("p", "p", "people/p/", [fish])],
        topics=[Entity("t", "t", "topics/t/", [fish])],
        events=[Entity("e", "e", "events/e/", [fish])],
    )
    full = plan([w(fish)], index)
    summary = plan([w(fish)], index, entity_content="summary")
    name = "rss.xml" if kind == "rss" else "atom.xml"
    for path in (f"people/p/{name}", f"topics/t/{name}", f"events/e/{name}"):
        [with_html] = full[path].entries
        [entry] = summary[path].entries
        assert "every word of it" in with_html.content[0].value
        assert "content" not in entry
        # Everything else an entry carries stays: id, link, summary, author, topics.
        for key in ("id", "link", "summary", "author", "published"):
            assert entry.get(key) == with_html.get(key), key
        assert entry.summary.startswith("The whole write-up")
    site = summary[f"feeds/all.{'rss' if kind == 'rss' else 'atom'}.xml"]
    assert "every word of it" in site.entries[0].content[0].value


@pytest.mark.parametrize(
    ("value", "ok"), [("full", True), ("summary", True), ("excerpt", False), (True, False)]
)
def test_entity_content_is_validated(value: object, ok: bool) -> None:
    _merged, problems = validate_settings("BREAKOUT_FEEDS", {"ENTITY_CONTENT": value}, SCHEMA)
    assert (problems == []) is ok
    assert validate_settings("BREAKOUT_FEEDS", {}, SCHEMA)[0]["ENTITY_CONTENT"] == "full"


@pytest.mark.parametrize(
    ("value", "ok"), [(10, True), (1, True), (0, False), (-2, False), (2.5, False), (True, False)]
)
def test_entity_max_items_is_validated(value: object, ok: bool) -> None:
    _merged, problems = validate_settings("BREAKOUT_FEEDS", {"ENTITY_MAX_ITEMS": value}, SCHEMA)
    assert (problems == []) is ok
    assert validate_settings("BREAKOUT_FEEDS", {}, SCHEMA)[0]["ENTITY_MAX_ITEMS"] == 10


def test_each_entry_is_built_once_however_many_feeds_hold_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = build.absolute_html

    def counting(fragment: str, base: str) -> str:
        calls.append(base)
        return real(fragment, base)

    monkeypatch.setattr(build, "absolute_html", counting)
    fish = Article(
        "fish", JAN, comment_list=[Comment("001", "Andy", JAN, "<p>Hi</p>", "2011/fish/#c")]
    )
    second = Article("second", JAN + dt.timedelta(days=1))
    everyone = [second, fish]
    index = Index(
        people=[Entity("a", "a", "people/a/", everyone), Entity("b", "b", "people/b/", [fish])],
        topics=[Entity("t", "t", "topics/t/", everyone)],
        events=[Entity("e", "e", "events/e/", everyone)],
    )
    feeds = plan([w(fish), w(second)], index)
    # 3 formats x (site, comments, 2 people, topic, event), one RSS per write-up
    assert len(feeds) == 20
    assert sorted(calls) == [
        "https://site.example/2011/fish/",  # the write-up
        "https://site.example/2011/fish/",  # its comment
        "https://site.example/2011/second/",
    ]


def _fingerprints(writeups: list[Writeup], index: Any, entity_max_items: int = 10) -> dict:
    plans = plan_feed_files(
        SITE,
        PATHS,
        writeups,
        index,
        max_items=50,
        summary_words=5,
        entity_max_items=entity_max_items,
    )
    return {p.paths[kind]: fp for p in plans for kind, fp in p.fingerprints().items()}


def _changed(before: dict, after: dict) -> set[str]:
    assert before.keys() == after.keys()
    return {path for path in before if before[path] != after[path]}


def test_fingerprints_change_only_for_feeds_holding_a_changed_entry() -> None:
    fish = Article(
        "fish", JAN, comment_list=[Comment("001", "Andy", JAN, "<p>Hi</p>", "2011/fish/#c")]
    )
    second = Article("second", JAN + dt.timedelta(days=1))
    index = Index(
        people=[Entity("Zoë", "zoe", "people/zoe/", [second, fish])],
        topics=[
            Entity("fish", "fish", "topics/fish/", [fish]),
            Entity("other", "other", "topics/other/", [second]),
        ],
    )
    before = _fingerprints([w(fish), w(second)], index)
    assert before == _fingerprints([w(fish), w(second)], index)  # stable
    edited = replace(fish, content="<p>Edited body</p>")
    assert _changed(before, _fingerprints([w(edited), w(second)], index)) == {
        "feeds/all.rss.xml",
        "feeds/all.atom.xml",
        "feeds/all.json",
        "people/zoe/rss.xml",
        "people/zoe/atom.xml",
        "people/zoe/feed.json",
        "topics/fish/rss.xml",
        "topics/fish/atom.xml",
        "topics/fish/feed.json",
    }
    commented = replace(
        fish, comment_list=[Comment("001", "Andy", JAN, "<p>Hi again</p>", "2011/fish/#c")]
    )
    assert _changed(before, _fingerprints([w(commented), w(second)], index)) == {
        "2011/fish/comments.rss.xml",
        "feeds/comments.rss.xml",
        "feeds/comments.atom.xml",
        "feeds/comments.json",
    }
    renamed = Index(
        people=[Entity("Zoe A.", "zoe", "people/zoe/", [second, fish])], topics=index.topics
    )
    assert _changed(before, _fingerprints([w(fish), w(second)], renamed)) == {
        "people/zoe/rss.xml",
        "people/zoe/atom.xml",
        "people/zoe/feed.json",
    }


def test_an_edit_outside_a_feeds_newest_items_leaves_that_feed_alone() -> None:
    old, new = Article("old", JAN), Article("new", JAN + dt.timedelta(days=1))
    index = Index(topics=[Entity("t", "t", "topics/t/", [new, old])])
    before = _fingerprints([w(old), w(new)], index, entity_max_items=1)
    edited = replace(old, content="<p>Edited</p>")
    after = _fingerprints([w(edited), w(new)], index, entity_max_items=1)
    assert "topics/t/rss.xml" not in _changed(before, after)
    assert "feeds/all.rss.xml" in _changed(before, after)
