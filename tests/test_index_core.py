"""build_index on tiny fakes: identities, orders, co-occurrence, article links and slug collisions."""

from __future__ import annotations

import datetime as dt
import logging
import random
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from breakout_index.core import build_index
from breakout_kernel import errors
from breakout_kernel.data import EventRecord, PersonRecord, SiteData
from breakout_kernel.identity import Identity, Mention, TagRef

SETTINGS = {
    "PATH": "/site/content",
    "PERSON_URL": "people/{slug}/",
    "PERSON_SAVE_AS": "people/{slug}/index.html",
    "TOPIC_URL": "topics/{slug}/",
    "TOPIC_SAVE_AS": "topics/{slug}/index.html",
    "EVENT_URL": "events/{slug}/",
    "EVENT_SAVE_AS": "events/{slug}/index.html",
    "SESSION_URL": "events/{event}/{slug}/",
    "SESSION_SAVE_AS": "events/{event}/{slug}/index.html",
    "BREAKOUT_TEXT": {"DEFAULT_NETWORK": "twitter"},
}
UTC = dt.UTC

PEOPLE = {
    "alice": PersonRecord(
        slug="alice",
        name="Alice Archer",
        affiliation="Anytown Council",
        handles={"twitter": ("alice_a",), "mastodon": ("alice@social.example",)},
        aliases=("AliceArcher2",),
    ),
    "bob": PersonRecord(slug="bob", name="Bob Baker", handles={"twitter": ("bobbaker",)}),
    "carol": PersonRecord(slug="carol", handles={"twitter": ("carol_c",)}),
}
EVENTS = {
    "camp": EventRecord(slug="camp", name="Camp", date=dt.date(2011, 1, 22), hashtags=("camp11",)),
    "later": EventRecord(slug="later", name="Later", date=dt.date(2012, 5, 1)),
    "undated": EventRecord(slug="undated", name="Aardvark Meetup"),
}


IDENTITY = Identity.from_settings(SETTINGS, SiteData(PEOPLE, EVENTS))


def mention(handle: str, sentence: str = "", hint: str = "") -> Mention:
    """A text-engine mention finding, made by the identity service as the text engine does."""
    return IDENTITY.mention(handle.lstrip("@"), sentence, hint)


def hashtag(tag: str) -> TagRef:
    """A text-engine hashtag finding (an event's hashtag is the event's, whatever its case)."""
    return IDENTITY.tag(tag)


def article(
    slug: str,
    day: str,
    *,
    event: str = "camp",
    session: str = "A session",
    leaders: str = "",
    authors: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    mentions: tuple[Any, ...] = (),
    hashtags: tuple[Any, ...] = (),
    comments: tuple[Any, ...] = (),
    path: str = "",
) -> SimpleNamespace:
    """A Pelican-article-like fake."""
    a = SimpleNamespace(
        title=slug.replace("-", " ").title(),
        slug=slug,
        url=f"{day[:4]}/{slug}/",
        date=dt.datetime.fromisoformat(day).replace(tzinfo=UTC),
        source_path=path or f"/site/content/writeups/{slug}.md",
        metadata={
            "event": event,
            "session": session,
            "session_leader": leaders,
            "mentions": list(mentions),
            "hashtags": list(hashtags),
        },
        tags=[SimpleNamespace(name=t) for t in tags],
        authors=[SimpleNamespace(name=n) for n in authors],
        comment_list=list(comments),
    )
    for c in comments:
        c.article = a
    return a


def comment(
    cid: str,
    author: str,
    *,
    handle: str = "",
    person: str = "",
    day: str | None = None,
    mentions: tuple[Any, ...] = (),
    hashtags: tuple[Any, ...] = (),
    status: str = "published",
) -> SimpleNamespace:
    """A breakout_comments-Comment-like fake."""
    return SimpleNamespace(
        id=cid,
        author=author,
        handle=handle,
        person=person,
        status=status,
        date=dt.datetime.fromisoformat(day).replace(tzinfo=UTC) if day else None,
        mentions=list(mentions),
        hashtags=list(hashtags),
        url=f"x/#comment-{cid}",
        source_path=f"/site/content/comments/x/{cid}.md",
    )


class Errors:
    """Collects report() calls instead of logging them."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, path: str, line: int | None, message: str) -> None:
        self.lines.append(f"{errors.location(path, line, self.base)}: {message}")

    base: str | None = None


def index(articles: list[Any], report: Errors | None = None, **kw: Any) -> Any:
    """build_index over fakes with the test registries, collecting errors in `report`."""
    report = report or Errors()
    return build_index(
        articles,
        settings=SETTINGS,
        people=kw.pop("people", PEOPLE),
        events=EVENTS,
        report=report,
        base=report.base,
        **kw,
    )


def slugs(items: list[Any]) -> list[str]:
    return [getattr(i, "slug", None) or i[0].slug for i in items]


def test_registry_people_resolve_by_handle_alias_case_and_other_network() -> None:
    a = article(
        "one",
        "2011-01-23",
        mentions=(
            mention("alice_a", "Alice (@alice_a) led."),
            mention("ALICE_A"),
            mention("AliceArcher2"),
            mention("alice@social.example"),
        ),
    )
    ix = index([a])
    assert slugs(ix.people) == ["alice"]
    alice = ix.person_by_slug["alice"]
    assert alice.display_name == "Alice Archer"
    assert alice.affiliation == "Anytown Council"
    assert alice.profiles == [
        ("twitter", "alice_a", "https://twitter.com/alice_a"),
        ("mastodon", "alice@social.example", "https://social.example/@alice"),
    ]
    assert alice.mentioned_in == [(a, "Alice (@alice_a) led.")]  # one entry per write-up
    assert alice.url == "people/alice/" and alice.save_as == "people/alice/index.html"


def test_name_of_unregistered_and_nameless_people() -> None:
    ix = index(
        [
            article(
                "one",
                "2011-01-23",
                mentions=(mention("frank_f", hint="Frank Field"), mention("carol_c")),
            ),
            article(
                "two", "2011-01-24", mentions=(mention("frank_f", hint="Frankie"), mention("zed"))
            ),
            article("three", "2011-01-25", mentions=(mention("frank_f", hint="Frankie"),)),
        ]
    )
    names = {p.slug: p.display_name for p in ix.people}
    # Most used hint wins; no hint: @handle as written; registry entry without name: its handle.
    assert names == {"frank_f": "Frankie", "zed": "@zed", "carol": "@carol_c"}
    assert ix.person_by_slug["frank_f"].profiles == [
        ("twitter", "frank_f", "https://twitter.com/frank_f")
    ]


def test_orders_of_the_three_indexes() -> None:
    ix = index(
        [
            article(
                "a",
                "2011-01-23",
                tags=("zebra", "Apple", "mango"),
                authors=("bobby ",),
                mentions=(mention("zed"), mention("bobbaker"), mention("alice_a")),
            ),
            article("b", "2012-05-02", event="later", authors=("@carol_c",)),
            article("c", "2013-01-01", event="undated"),
        ]
    )
    # By display name, case-folded, a leading @ ignored (bobby is a plain-name writer).
    assert [p.display_name for p in ix.people] == [
        "Alice Archer",
        "Bob Baker",
        "bobby",
        "@carol_c",
        "@zed",
    ]
    assert [t.name for t in ix.topics] == ["Apple", "mango", "zebra"]
    # Newest first by the event's date, undated last (whatever its write-ups' dates).
    assert slugs(ix.events) == ["later", "camp", "undated"]


def test_two_writeups_of_one_session_and_the_article_links() -> None:
    one = article(
        "one",
        "2011-01-23",
        session="Open data: what next?",
        leaders="@alice_a, Jane Doe",
        authors=("Bob Baker",),
        tags=("open data", "Transparency"),
        mentions=(
            mention("carol_c", "First @carol_c."),
            mention("bobbaker"),
            mention("carol_c", "Again."),
        ),
        hashtags=(hashtag("opendata"), hashtag("camp11")),
    )
    two = article(
        "two",
        "2011-01-24",
        session="Open Data – What Next?",
        leaders="@AliceArcher2",
        authors=("@carol_c",),
        tags=("Open Data",),
    )
    other = article("other", "2011-01-22", session="Hyperlocal", leaders="Bob Baker")
    last = article(
        "last", "2011-01-24", session="Hyperlocal"
    )  # same day as "two": URL breaks the tie
    ix = index([two, other, one, last])

    session = ix.session_by_key[("camp", "open-data-what-next")]
    assert session.url == "events/camp/open-data-what-next/"
    assert session.name == "Open data: what next?"  # tie between spellings: the oldest write-up's
    assert session.articles == [two, one]  # newest first
    assert [(lead.name, lead.person.slug if lead.person else None) for lead in session.leaders] == [
        ("Alice Archer", "alice"),
        ("Jane Doe", "jane-doe"),
    ]
    assert [s.slug for s in ix.event_by_slug["camp"].sessions] == [
        "hyperlocal",
        "open-data-what-next",
    ]

    links = {id(w.article): w for w in ix.writeups}
    w1 = links[id(one)]
    assert w1.event is ix.event_by_slug["camp"] and w1.session is session
    assert [p.slug for p in w1.people] == ["carol", "bob"]  # order of first mention
    assert [t.slug for t in w1.topics] == [
        "opendata",
        "open-data",
        "transparency",
    ]  # text, then Tags
    assert [p.slug for p in w1.writers] == ["bob"]
    assert w1.same_session == [two]
    # Chronological within the event: other (22nd), one (23rd), last and two (24th, by URL).
    order = [other, one, last, two]
    for i, a in enumerate(order):
        w = links[id(a)]
        assert w.prev_in_event is (order[i - 1] if i else None)
        assert w.next_in_event is (order[i + 1] if i + 1 < len(order) else None)
    assert ix.person_by_slug["carol"].mentioned_in == [(one, "First @carol_c.")]
    assert ix.person_by_slug["carol"].written == [two]
    assert [s.slug for s in ix.person_by_slug["alice"].sessions_led] == ["open-data-what-next"]
    assert [s.slug for s in ix.person_by_slug["bob"].sessions_led] == ["hyperlocal"]


def test_event_hashtags_never_make_topics() -> None:
    ix = index(
        [
            article(
                "one",
                "2011-01-23",
                tags=("camp11", "#Camp11"),
                hashtags=(hashtag("camp11"), hashtag("CAMP11")),
            )
        ]
    )
    assert ix.topics == []


def test_tags_join_hashtags_case_insensitively() -> None:
    ix = index(
        [
            article("one", "2011-01-23", tags=("Open Data",), hashtags=(hashtag("open_data"),)),
            article("two", "2011-01-24", tags=("open data", "OPEN DATA")),
        ]
    )
    assert [(t.slug, t.name, t.count) for t in ix.topics] == [("open-data", "Open Data", 2)]


def test_cooccurrence_counts_and_top_n_order() -> None:
    a1 = article(
        "a1", "2011-01-01", tags=("x", "y"), mentions=(mention("p1"), mention("p2"), mention("p3"))
    )
    a2 = article("a2", "2011-01-02", tags=("x", "z"), mentions=(mention("p1"), mention("p3")))
    a3 = article("a3", "2011-01-03", tags=("x",), mentions=(mention("p1"),), leaders="@p2")
    ix = index([a1, a2, a3], options={"TOP_N": 2})
    p1 = ix.person_by_slug["p1"]
    # p2 with p1 in a1 and a3 (a leader counts as named), p3 in a1 and a2: tie -> by name.
    assert [(p.slug, n) for p, n in p1.co_mentioned] == [("p2", 2), ("p3", 2)]
    assert [(t.slug, n) for t, n in p1.top_topics] == [("x", 3), ("y", 1)]  # cut to TOP_N
    x = ix.topic_by_slug["x"]
    assert [(t.slug, n) for t, n in x.related] == [("y", 1), ("z", 1)]
    assert [(p.slug, n) for p, n in x.people] == [("p1", 3), ("p2", 2)]
    assert x.articles == [a3, a2, a1]
    assert p1.counts == (3, 0, 0)
    assert [t.weight for t in ix.topics] == [5, 1, 1]  # x (3 uses) is the largest; y, z once


def test_top_matches_a_full_sort_whatever_the_ties_at_the_cut() -> None:
    from breakout_index.ordering import top

    # Only counts at or above the n-th largest are sorted: ties there go by the entity's
    # place, and an entity counted less never gets in, however early its place.
    counts = {"a": 1, "b": 3, "c": 2, "d": 2, "e": 2, "f": 5}
    place = {"e": 0, "a": 1, "d": 2, "c": 3, "b": 4, "f": 5}
    assert top(counts, 3, place) == [("f", 5), ("b", 3), ("e", 2)]
    assert top(counts, 4, place) == [("f", 5), ("b", 3), ("e", 2), ("d", 2)]
    assert top(counts, 10, place) == [("f", 5), ("b", 3), ("e", 2), ("d", 2), ("c", 2), ("a", 1)]
    assert top({}, 3, place) == []
    rng = random.Random(7)
    for _ in range(300):
        names = rng.sample(range(60), rng.randint(0, 40))
        counts = {name: rng.randint(1, 4) for name in names}
        place = {name: rng.random() for name in names}
        n = rng.randint(1, 12)
        full = sorted(counts.items(), key=lambda item: (-item[1], place[item[0]]))
        assert top(counts, n, place) == full[:n]


def test_comments_people_topics_and_order() -> None:
    c_dave = comment(
        "001",
        "Dave Dent",
        handle="@davedent",
        day="2011-01-25 10:00",
        mentions=(mention("erin_e", "Tell @erin_e."),),
        hashtags=(hashtag("opendata"),),
    )
    c_anon = comment("002", "Anonymous", day="2011-01-26 09:00")
    c_undated = comment("003", "Rebecca", mentions=(mention("alice_a", "Ask @alice_a."),))
    c_removed = comment("004", "Mallory", status="removed", mentions=(mention("zed"),))
    c_reg = comment("005", "Bob", handle="", person="bob", day="2011-01-24 08:00")
    a = article("one", "2011-01-23", comments=(c_dave, c_anon, c_undated, c_removed, c_reg))
    ix = index([a])
    assert slugs(ix.people) == [
        "alice",
        "bob",
        "davedent",
        "erin_e",
        "rebecca",
    ]  # no Anonymous, no removed
    dave = ix.person_by_slug["davedent"]
    assert dave.comments_written == [c_dave] and dave.articles == [] and dave.counts == (0, 0, 1)
    erin = ix.person_by_slug["erin_e"]
    assert erin.comments_mentioning == [c_dave]
    assert erin.mentioned_in_comments == [(c_dave, "Tell @erin_e.")]
    assert ix.person_by_slug["alice"].comments_mentioning == [c_undated]
    opendata = ix.topic_by_slug["opendata"]
    assert opendata.comments == [c_dave] and opendata.articles == [] and opendata.count == 1
    assert [e.slug for e in opendata.events] == ["camp"]
    # Newest first, undated last; the removed comment is nobody's.
    assert ix.session_by_key[("camp", "a-session")].comments == [c_anon, c_dave, c_reg, c_undated]


def test_sentences_are_cut_at_a_word() -> None:
    long = "Word " * 100 + "@zed."
    ix = index(
        [article("one", "2011-01-23", mentions=(mention("zed", long),))],
        options={"SENTENCE_CHARS": 22},
    )
    assert ix.person_by_slug["zed"].mentioned_in[0][1] == "Word Word Word Word…"


def test_a_clean_sentence_is_kept_not_copied() -> None:
    clean = "".join(["Thanks ", "@zed."])  # built at run time, as the text engine's are
    messy = "Thanks  @zed\n again."
    ix = index(
        [
            article("one", "2011-01-23", mentions=(mention("zed", clean),)),
            article("two", "2011-01-24", mentions=(mention("zed", messy),)),
        ]
    )
    by_article = {a.slug: sentence for a, sentence in ix.person_by_slug["zed"].mentioned_in}
    assert by_article["one"] is clean  # every page quoting it shares the finding's string
    assert by_article["two"] == "Thanks @zed again."


def test_long_session_titles_get_short_distinct_slugs() -> None:
    base = "Should candidates use social media during the election and once elected " * 2
    yes = article("yes", "2012-04-15", session=base + "yes")
    no = article("no", "2012-04-16", session=base + "no")
    hashtag = article("tag", "2012-04-17", session="#police")
    ix = index([no, hashtag, yes])
    by_key = {s.name: s.slug for s in ix.sessions}
    # The first written up keeps the readable slug; the later one gets a hash of its whole title.
    assert by_key[base.strip() + " yes"] == "candidates-use-social-media-during"
    assert by_key[base.strip() + " no"].startswith("candidates-use-social-media-during-")
    assert by_key["#police"] == "police"
    assert all(len(s.slug) <= 60 for s in ix.sessions)
    # Stable: the same titles give the same slugs in any order.
    again = index([yes, hashtag, no])
    assert {s.name: s.slug for s in again.sessions} == by_key


def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_handle_and_a_plain_name_on_one_slug_is_an_error_naming_both(tmp_path: Path) -> None:
    a_path = _write(
        tmp_path / "writeups/a.md", "Title: A\nDate: 2011-01-01\nAuthor: Jon\nEvent: camp\n"
    )
    b_path = _write(
        tmp_path / "writeups/b.md", "Title: B\nDate: 2011-01-02\nEvent: camp\n\nHello @jon!\n"
    )
    report = Errors()
    report.base = str(tmp_path)
    ix = index(
        [
            article("a", "2011-01-01", authors=("Jon",), path=a_path),
            article("b", "2011-01-02", mentions=(mention("jon"),), path=b_path),
        ],
        report=report,
    )
    # Write-ups are read newest first, so b.md claimed the slug first.
    assert report.lines == [
        "writeups/a.md:3: person 'Jon' and person '@jon' (writeups/b.md:5) would both get the page "
        "people/jon/; say in people.toml whether they are one person (one entry) or two (two entries)"
    ]
    assert slugs(ix.people) == ["jon"]  # one page, never one overwriting the other


def test_two_topics_on_one_slug_is_an_error_naming_both(tmp_path: Path) -> None:
    a_path = _write(tmp_path / "a.md", "Title: A\nTags: cafe\n")
    b_path = _write(tmp_path / "b.md", "Title: B\n\nAt the #café.\n")
    report = Errors()
    report.base = str(tmp_path)
    index(
        [
            article("a", "2011-01-01", tags=("cafe",), path=a_path),
            # A slug rule that folds accents would give #café the slug of "cafe".
            article(
                "b", "2011-01-02", hashtags=(TagRef("café", "café", "topic", "cafe"),), path=b_path
            ),
        ],
        report=report,
    )
    assert report.lines == [
        "a.md:2: topic 'cafe' and topic '#café' (b.md:3) would both get the page topics/cafe/; "
        "spell them the same way if they are one topic, or differently if they are two"
    ]


def test_a_plain_name_cannot_take_a_registry_slug(tmp_path: Path) -> None:
    people = _write(
        tmp_path / "people.toml", '[people.bob]\nname = "Bob Baker"\ntwitter = "bobbaker"\n'
    )
    b_path = _write(tmp_path / "b.md", "Title: B\nAuthor: Bob\n\nHi @bob\n")
    report = Errors()
    report.base = str(tmp_path)
    ix = index(
        [article("b", "2011-01-02", authors=("@bob",), mentions=(mention("bob"),), path=b_path)],
        report=report,
        people_path=people,
        people={"bob": PEOPLE["bob"]},
    )
    # An unregistered @bob gets a slug of its own (breakout_text's rule), never [people.bob]'s.
    assert report.lines == []
    assert [p.slug for p in ix.people] == ["bob-twitter"]
    index(
        [article("b", "2011-01-02", authors=("Bob",), path=b_path)],
        report=report,
        people_path=people,
        people={"bob": PEOPLE["bob"]},
    )
    assert report.lines == [
        "b.md:2: person 'Bob' and person '[people.bob]' (people.toml:1) would both get the page "
        "people/bob/; say in people.toml whether they are one person (one entry) or two (two entries)"
    ]


def test_a_name_shared_by_two_registry_people_is_an_error() -> None:
    people = {**PEOPLE, "bob2": PersonRecord(slug="bob2", name="bob baker")}
    report = Errors()
    ix = index([article("a", "2011-01-01", authors=("Bob  Baker",))], report=report, people=people)
    assert report.lines == [
        "/site/content/writeups/a.md: 'Bob Baker' is the name of more than one person in "
        "people.toml (bob, bob2); write their @handle instead"
    ]
    assert ix.people == []


def test_reports_go_to_the_error_log_by_default(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    build_index([article("a", "2011-01-01", session="???")], settings=SETTINGS, events=EVENTS)
    assert [r.getMessage() for r in caplog.records if r.name == "breakout"] == [
        "/site/content/writeups/a.md: session '???' has no letters or digits for a page name"
    ]


def test_same_input_in_any_order_gives_the_same_index() -> None:
    arts = [
        article(
            f"a{i}",
            f"2011-01-{1 + i % 3:02d}",
            session=f"S{i % 2}",
            tags=(f"t{i % 4}",),
            mentions=(mention(f"p{i % 5}"), mention(f"p{(i + 1) % 5}")),
        )
        for i in range(12)
    ]

    def shape(ix: Any) -> Any:
        return (
            [
                (
                    p.slug,
                    p.name,
                    [a.slug for a in p.articles],
                    [(q.slug, n) for q, n in p.co_mentioned],
                )
                for p in ix.people
            ],
            [
                (t.slug, [a.slug for a in t.articles], [(u.slug, n) for u, n in t.related])
                for t in ix.topics
            ],
            [(w.article.slug, getattr(w.prev_in_event, "slug", None)) for w in ix.writeups],
        )

    assert shape(index(arts)) == shape(index(list(reversed(arts))))


def test_session_slug_rule() -> None:
    from breakout_index.slugs import assign, legacy_slug, session_key, short_slug

    long = session_key(
        "Should Police & Crime Commissioner candidates use social media (SM) during the "
        "election - and once elected should the new PCCs employ SM?"
    )
    assert short_slug(long) == "police-crime-commissioner-candidates-use"
    assert legacy_slug(long) == (
        "should-police-crime-commissioner-candidates-use-social-media-sm-during-the-elect-7e87c770"
    )
    assert short_slug(session_key("Police and social media")) == "police-and-social-media"
    assert short_slug("a-" + "x" * 90) == "x" * 60  # one huge word is cut to the limit
    other = long + "-or-not"
    chosen = assign([long, other])
    assert chosen[long] == "police-crime-commissioner-candidates-use"
    assert chosen[other].startswith("police-crime-commissioner-candidates-use-")
    assert len(chosen[other]) <= 60 and chosen[other] != chosen[long]
    assert assign([other, long])[other] == "police-crime-commissioner-candidates-use"
