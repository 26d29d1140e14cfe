"""People, topic, event and session pages in real builds of tests/fixtures/index-site.

Depends on the text engine (mentions and hashtags in write-ups) and on
breakout_comments (comment_list) as well as breakout_index; the theme's
article.html renders the article attributes checked in test_writeup_page_links.
"""

from __future__ import annotations

import filecmp
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from breakout_index.entities import Person, SiteIndex
from breakout_kernel.errors import BuildFailed
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT, build_site
from pelican import signals
from pelican.log import LimitFilter

SITE = FIXTURES / "index-site"


@pytest.fixture(autouse=True)
def fresh_warnings() -> None:
    """Pelican's LimitFilter drops a message seen before in the process; every build logs afresh."""
    LimitFilter._raised_messages.clear()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index fixture, built once for the read-only tests of this module."""
    out = tmp_path_factory.mktemp("index") / "out"
    build_site(SITE, out)
    return out


def page(out: Path, url: str) -> BeautifulSoup:
    """The parsed page at a site URL such as /people/alice/."""
    return BeautifulSoup(
        (out / url.strip("/") / "index.html").read_text(encoding="utf-8"), "html.parser"
    )


def text(node: Any) -> str:
    """Visible text with single spaces."""
    return " ".join(node.get_text(" ", strip=True).split())


def plain(node: Any) -> str:
    """Text as a reader hears it (no separator added between inline elements)."""
    return " ".join(node.get_text().split())


def section(soup: BeautifulSoup, heading_id: str) -> Any:
    """The <section> whose heading has this id."""
    return soup.find(id=heading_id).find_parent("section")


def hrefs(node: Any) -> list[str]:
    return [a["href"] for a in node.find_all("a")]


def test_people_index_lists_everyone_alphabetically_with_counts(built: Path) -> None:
    items = page(built, "/people/").select("main ul.people-index > li")
    names = [li.a.get_text() for li in items]
    # Mentioned, leading, writing or commenting; by display name, a leading @ ignored.
    # "Anonymous" (many different people) has no page.
    assert names == [
        "Alice Archer", "Bob Baker", "@carol_c", "Dave Dent", "@erin_e", "@frank_f",
        "Jane Doe", "Jon", "@newperson.bsky.social", "Rebecca",
    ]  # fmt: skip
    by_name = {li.a.get_text(): plain(li) for li in items}
    assert by_name["Alice Archer"] == "Alice Archer Anytown Council (3 write-ups, 1 led, 1 comment)"
    assert by_name["Dave Dent"].endswith("(0 write-ups, 0 led, 1 comment)")
    assert [li.a["href"] for li in items][:2] == ["/people/alice/", "/people/bob/"]


def test_person_page_shows_profiles_sessions_mentions_comments_events(built: Path) -> None:
    soup = page(built, "/people/alice/")
    assert soup.h1.get_text() == "Alice Archer"
    assert "Anytown Council" in text(soup.find(class_="page-header"))
    assert hrefs(soup.find(class_="profiles")) == [
        "https://twitter.com/alice_a",
        "https://social.example/@alice",
        "https://bsky.app/profile/alice.bsky.social",
        "https://alice.example/",
    ]
    assert hrefs(section(soup, "led")) == [
        "/events/camp-2011/open-data-what-next/",
        "/events/camp-2011/",
    ]
    mentioned = section(soup, "mentioned").select("ul.writeup-list > li")
    # Newest first, each with the sentence that mentions her (aliases and other networks too).
    assert [li.a["href"] for li in mentioned] == [
        "/2011/open-data-two/",
        "/2011/open-data-one/",
        "/2011/hyperlocal-news/",
    ]
    assert [text(li.blockquote) for li in mentioned] == [
        "Thanks to @ALICE_A for leading it.",
        "Alice Archer (@alice_a) opened the session on #opendata at #camp11.",
        "Alice (@alice@social.example) showed her neighbourhood site.",
    ]
    comments = section(soup, "comments-mentioning")
    assert comments.a["href"] == "/2011/hyperlocal-news/#comment-001"
    assert "Which #hyperlocal sites did @alice_a show?" in text(comments)
    assert hrefs(section(soup, "events")) == ["/events/camp-2011/"]
    together = [plain(li) for li in section(soup, "together").select("li")]
    assert together[0] == "Bob Baker (2 times)"
    assert soup.find(id="written") is None  # she wrote nothing


def test_people_only_in_comments_have_pages(built: Path) -> None:
    dave = page(built, "/people/dave/")
    assert [a["href"] for a in section(dave, "comments-by").select("li > a")] == [
        "/2011/open-data-one/#comment-001"
    ]
    assert dave.find(id="mentioned") is None and dave.find(id="written") is None
    erin = page(built, "/people/erin_e/")
    assert erin.h1.get_text() == "@erin_e"
    assert text(section(erin, "comments-mentioning").blockquote) == (
        "@erin_e should see this: #opendata is the future."
    )
    assert not (built / "people" / "anonymous").exists()


def test_session_written_up_twice(built: Path) -> None:
    soup = page(built, "/events/camp-2011/open-data-what-next/")
    assert soup.h1.get_text() == "Open data: what next?"  # the oldest write-up's spelling
    facts = soup.find(class_="session-facts")
    assert hrefs(facts) == ["/events/camp-2011/", "/people/alice/", "/people/jane-doe/"]
    assert [
        a["href"] for a in section(soup, "writeups").select("ul.writeup-list > li > a:first-child")
    ] == [
        "/2011/open-data-two/",
        "/2011/open-data-one/",
    ]
    assert hrefs(section(soup, "people")) == [
        "/people/alice/", "/people/bob/", "/people/carol/", "/people/frank_f/", "/people/jane-doe/",
    ]  # fmt: skip
    # Comments on either write-up, newest first, linking to their anchors.
    assert [
        a["href"] for a in section(soup, "comments").select("ul.writeup-list > li > a:first-child")
    ] == [
        "/2011/open-data-one/#comment-002",
        "/2011/open-data-one/#comment-001",
    ]


def test_event_hashtags_link_to_the_event_and_never_make_a_topic(built: Path) -> None:
    assert not (built / "topics" / "camp11").exists()
    assert "camp11" not in text(page(built, "/topics/").main)
    body = page(built, "/2011/open-data-one/").find(class_="prose")
    tag = next(a for a in body.find_all("a") if a.get_text() == "#camp11")
    assert tag["href"] == "/events/camp-2011/"


def test_topic_only_in_tags(built: Path) -> None:
    soup = page(built, "/topics/smart-cities/")
    assert soup.h1.get_text() == "Smart Cities"
    assert [
        a["href"] for a in section(soup, "writeups").select("ul.writeup-list > li > a:first-child")
    ] == ["/2011/hyperlocal-news/"]
    assert [plain(li) for li in section(soup, "related").select("li")] == ["hyperlocal (1 time)"]
    assert hrefs(section(soup, "events")) == ["/events/camp-2011/"]


def test_topics_index_shows_every_count_as_text(built: Path) -> None:
    items = [plain(li) for li in page(built, "/topics/").select("main ul.tag-cloud > li")]
    assert items == [
        "hyperlocal (2 uses)", "localgov (2 uses)", "open data (2 uses)", "opendata (3 uses)",
        "skills (2 uses)", "Smart Cities (1 use)", "Transparency (1 use)",
    ]  # fmt: skip


def test_events_index_newest_first_with_date_place_and_counts(built: Path) -> None:
    items = [text(li) for li in page(built, "/events/").select("main ul.events-index > li")]
    assert items == [
        "Camp 2012 · 4 February 2012 · Othertown · 1 session, 1 write-up",
        "Camp 2011 · 22 January 2011 · Anytown Library · 2 sessions, 3 write-ups",
        "Open Meetup · A pub · 1 session, 1 write-up",  # undated: last
    ]


def test_event_page_sessions_leaders_people_topics(built: Path) -> None:
    soup = page(built, "/events/camp-2011/")
    assert "22 January 2011" in text(soup.find(class_="event-facts"))
    sessions = soup.select("ul.sessions > li")
    assert [li.h3.a["href"] for li in sessions] == [
        "/events/camp-2011/hyperlocal-news/",
        "/events/camp-2011/open-data-what-next/",
    ]
    assert plain(sessions[1].find(class_="meta")) == "Led by Alice Archer, Jane Doe"
    assert len(sessions[1].select("ul.writeup-list > li")) == 2
    assert [a.get_text() for a in section(soup, "people").find_all("a")] == [
        "Alice Archer", "Bob Baker", "@carol_c", "@frank_f", "Jane Doe", "Jon",
    ]  # fmt: skip
    assert "Smart Cities" in text(section(soup, "topics"))


def test_writeup_page_links(built: Path) -> None:
    soup = page(built, "/2011/open-data-one/")
    facts = soup.find(class_="session-facts")
    assert hrefs(facts) == [
        "/events/camp-2011/",
        "/events/camp-2011/open-data-what-next/",
        "/people/alice/",
        "/people/jane-doe/",
    ]
    footer = soup.find(class_="writeup-footer")
    assert "/people/carol/" in hrefs(footer) and "/topics/transparency/" in hrefs(footer)
    assert "/2011/open-data-two/" in hrefs(soup.find(class_="same-session"))
    prevnext = soup.find(class_="prevnext")
    assert [a["href"] for a in prevnext.find_all("a")] == [
        "/2011/hyperlocal-news/",
        "/2011/open-data-two/",
    ]


@pytest.fixture
def capture() -> Iterator[dict[str, Any]]:
    """Hold the context of the next build after every generator has read its content."""
    got: dict[str, Any] = {}

    def grab(generators: list[Any]) -> None:
        """Keep the shared context."""
        got["context"] = generators[0].context

    signals.all_generators_finalized.connect(grab)
    yield got
    signals.all_generators_finalized.disconnect(grab)


def test_context_holds_the_site_index_for_feeds(
    capture: dict[str, Any], site_builder: Callable[..., Path]
) -> None:
    site_builder(SITE)
    index = capture["context"]["breakout_index"]
    assert isinstance(index, SiteIndex)
    alice = index.person_by_slug["alice"]
    assert isinstance(alice, Person)
    # What her feed holds: mentioned in, led or wrote; newest first.
    assert [a.slug for a in alice.articles] == ["open-data-two", "open-data-one", "hyperlocal-news"]
    assert [a.slug for a in index.event_by_slug["camp-2011"].articles] == [
        "open-data-two", "open-data-one", "hyperlocal-news",
    ]  # fmt: skip
    article = next(a for a in capture["context"]["articles"] if a.slug == "open-data-two")
    assert article.event_obj.slug == "camp-2011"
    assert [lead.name for lead in article.leaders] == ["Alice Archer"]


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_two_builds_are_byte_identical_and_a_warm_build_changes_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "out", tmp_path / "b" / "out"
    build_site(SITE, first)
    build_site(SITE, second)
    names = _files(first)
    assert names == _files(second)
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    # Again into the first folder with its warm cache: same bytes.
    index_pages = [n for n in names if n.startswith(("people", "topics", "events"))]
    before = {n: (first / n).read_bytes() for n in index_pages}
    build_site(SITE, first)
    assert {n: (first / n).read_bytes() for n in index_pages} == before


def test_a_name_and_a_registry_entry_on_one_slug_fail_the_build_naming_both(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[[], list[str]]
) -> None:
    content = content_copy(SITE)
    (content / "writeups" / "2012" / "dave.md").write_text(
        "Title: By Dave\nDate: 2012-02-06\nAuthor: Dave\nEvent: camp-2012\nSession: Digital skills\n\nHello.\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed):
        build_site(content, tmp_path / "out")
    assert error_log() == [
        "content/writeups/2012/dave.md:3: person 'Dave' and person '[people.dave]' "
        "(content/people.toml:22) would both get the page people/dave/; say in people.toml "
        "whether they are one person (one entry) or two (two entries)"
    ]


def test_bad_settings_are_reported(tmp_path: Path, error_log: Callable[[], list[str]]) -> None:
    with pytest.raises(BuildFailed):
        build_site(SITE, tmp_path / "out", BREAKOUT_INDEX={"TOP_N": 0, "TOPN": 3})
    problems = [m for m in error_log() if "BREAKOUT_INDEX" in m]
    assert problems == [
        "pelicanconf: BREAKOUT_INDEX['TOP_N'] = 0 is not valid: expected a whole number of at "
        "least 1 (length of 'most often' lists)",
        "pelicanconf: BREAKOUT_INDEX: unknown key 'TOPN' (did you mean 'TOP_N'?); known keys: "
        "ANONYMOUS_NAMES, NAME_PEOPLE, SENTENCE_CHARS, TOP_N",
    ]


def test_top_n_setting_cuts_the_most_often_lists(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(SITE, out, BREAKOUT_INDEX={"TOP_N": 1})
    assert [plain(li) for li in section(page(out, "/people/alice/"), "together").select("li")] == [
        "Bob Baker (2 times)"
    ]


def test_relative_urls_are_relative_on_every_index_page(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(SITE, out, RELATIVE_URLS=True)
    person = page(out, "/people/alice/")
    session = page(out, "/events/camp-2011/open-data-what-next/")
    # The same write-up entry, rendered for pages at different depths.
    assert "../../2011/open-data-one/" in hrefs(section(person, "mentioned"))
    assert "../../../2011/open-data-one/" in hrefs(section(session, "writeups"))
    for soup in (person, session):
        for feed in soup.select(".feed-links"):
            feed.decompose()  # breakout_feeds' links are its owner's to test
    absolute = [h for h in hrefs(person.main) + hrefs(session.main) if h.startswith("/")]
    assert absolute == []
    assert os.path.exists(out / "people" / "alice" / "index.html")


def test_a_warm_build_leaves_unchanged_index_pages_alone(
    content_copy: Callable[[Path], Path], tmp_path: Path
) -> None:
    content = content_copy(SITE)
    out = tmp_path / "out"
    build_site(content, out)
    old = 946684800  # 2000-01-01: any later mtime means the file was written again
    pages = [p for d in ("people", "topics", "events") for p in (out / d).rglob("index.html")]
    for p in pages:
        os.utime(p, (old, old))
    skills = content / "writeups" / "2012" / "digital-skills.md"
    skills.write_text(
        skills.read_text(encoding="utf-8").replace(
            "Title: Digital skills for everyone", "Title: Skills, renamed"
        ),
        encoding="utf-8",
    )
    written: list[str] = []

    def seen(path: str, context: Any = None) -> None:
        """Record every page announced as written."""
        written.append(os.path.relpath(path, out))

    signals.content_written.connect(seen)
    try:
        build_site(content, out)
    finally:
        signals.content_written.disconnect(seen)
    changed = sorted(str(p.relative_to(out)) for p in pages if p.stat().st_mtime != old)
    # Exactly the pages listing the renamed write-up were rewritten.
    assert changed == [
        "events/camp-2012/digital-skills/index.html",
        "events/camp-2012/index.html",
        "people/bob/index.html",
        "people/jon/index.html",
        "people/newperson.bsky.social/index.html",
        "topics/localgov/index.html",
        "topics/skills/index.html",
    ]
    assert "Skills, renamed" in (out / "people" / "jon" / "index.html").read_text(encoding="utf-8")
    # Unchanged pages are still announced (sitemaps and the like see every page).
    assert {"people/alice/index.html", "people/jon/index.html"} <= set(written)


def test_index_list_writes_exactly_what_the_macro_loops_write() -> None:
    """breakout_index's one-call lists give the bytes of the templates' own loops."""
    import datetime as dt
    from types import SimpleNamespace as NS

    from breakout_index.entries import entry_memo, list_memo
    from jinja2 import Environment, FileSystemLoader
    from pelican.utils import DateFormatter

    env = Environment(
        loader=FileSystemLoader(str(ROOT / "theme" / "templates")),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["strftime"] = DateFormatter()
    nick = NS(url="people/nick/", name="Nick <Keane>")
    event = NS(url="events/e/", name="Camp & co")
    when = dt.datetime(2011, 1, 23, 10, 0, tzinfo=dt.UTC)
    fish = NS(
        url="2011/fish/", title="Fish &amp; <em>chips</em>", date=when,
        locale_date="23 January 2011", writers=[nick], event_obj=event,
    )  # fmt: skip
    chips = NS(
        url="2011/chips/", title="Chips", date=when, locale_date="23 January 2011",
        writers=[], author=NS(name="Ann"), event_obj=None,
    )  # fmt: skip
    comment = NS(
        url="2011/fish/#comment-001", author="Zoë <b>", article=fish, date=when,
        locale_date="23 January 2011", body_html="<p>Hello <em>there</em> @nick</p>",
    )  # fmt: skip
    bare = NS(url="2011/chips/#comment-002", author="Anon", article=None, date=None,
              locale_date="", body_html="")  # fmt: skip
    page = env.from_string(
        '{% import "partials/entity_macros.html" as ix with context %}'
        "{{ ix.writeup_list(articles) }}|{{ ix.writeup_list(articles, show_event=False) }}|"
        "{{ ix.entity_list(entities) }}|{{ ix.entity_list(counted, with_counts=True, noun='time') }}|"
        "{{ ix.comment_list(comments) }}|{{ ix.comment_list(pairs, pairs=True) }}"
    )
    data = {
        "SITEURL": "/site",
        "DEFAULT_DATE_FORMAT": "%d %B %Y",
        "articles": [fish, chips],
        "entities": [nick, event],
        "counted": [(nick, 1), (event, 3)],
        "comments": [comment, bare],
        "pairs": [(comment, "He said <it> to @nick"), (bare, "")],
    }
    loops = page.render(index_entry=entry_memo(), **data)
    memo = entry_memo()
    lists = page.render(index_entry=memo, index_list=list_memo(memo), **data)
    assert lists == loops
    assert "He said &lt;it&gt; to @nick" in lists and "Nick &lt;Keane&gt;" in lists
    empty = env.from_string(
        '{% import "partials/entity_macros.html" as ix with context %}{{ ix.writeup_list([]) }}'
    )
    assert empty.render(index_entry=memo, index_list=list_memo(memo), SITEURL="") == (
        '<ul class="writeup-list">\n</ul>'
    )


def test_install_memos_empties_the_memo_it_replaces() -> None:
    """Cached macro modules keep the replaced index_entry reachable: its entries must go."""
    from types import SimpleNamespace as NS

    from breakout_index.entries import MACROS, install_memos
    from jinja2 import DictLoader, Environment

    env = Environment(
        loader=DictLoader({MACROS: "{% macro link(e) %}<a>{{ e.name }}</a>{% endmacro %}"})
    )
    install_memos(env)
    first = env.globals["index_entry"]
    page = env.from_string("{{ index_entry('link', x) }}")
    x = NS(name="Nick")
    assert page.render(x=x) == "<a>Nick</a>"
    x.name = "Changed"
    assert page.render(x=x) == "<a>Nick</a>"  # kept: rendered once per object
    install_memos(env)
    assert env.globals["index_entry"] is not first
    assert page.render(x=x, index_entry=first) == "<a>Changed</a>"  # the old memo is empty
