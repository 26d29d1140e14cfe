"""breakout_subscribe's pure core with tiny fakes: who is named, what a calendar holds, escaping."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from breakout_feeds.paths import FeedLinks, FeedPaths
from breakout_subscribe import collect, ical, opml
from breakout_subscribe.model import Licence, Site
from icalendar import Calendar
from lxml import etree

SITE = Site("https://site.example", "Camp & Co", "", "en", Licence())
JAN = dt.datetime(2011, 1, 24, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@dataclass
class Article:
    slug: str
    date: dt.datetime = JAN
    title: str = "A write-up"
    status: str = "published"
    comment_count: int = 0
    modified: dt.datetime | None = None

    @property
    def url(self) -> str:
        return f"2011/{self.slug}/"


@dataclass
class Person:
    slug: str
    display_name: str
    articles: list[Any] = field(default_factory=list)
    profiles: list[tuple[str, str, str]] = field(default_factory=list)
    written: list[Any] = field(default_factory=list)
    sessions_led: list[Any] = field(default_factory=list)
    mentioned_in: list[Any] = field(default_factory=list)
    comments_written: list[Any] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.display_name

    @property
    def url(self) -> str:
        return f"people/{self.slug}/"


@dataclass
class Record:
    url: str = ""
    note: str = ""
    provenance: str = ""


@dataclass
class Event:
    slug: str
    name: str
    date: dt.date | None
    end_date: dt.date | None = None
    place: str = ""
    hashtags: list[str] = field(default_factory=list)
    record: Record = field(default_factory=Record)
    sessions: list[Any] = field(default_factory=list)
    articles: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"events/{self.slug}/"


@dataclass
class Leader:
    name: str
    person: Person | None


@dataclass
class Session:
    slug: str
    name: str
    event: Event
    leaders: list[Leader] = field(default_factory=list)
    articles: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"events/{self.event.slug}/{self.slug}/"


@dataclass
class Links:
    article: Article
    event: Event | None
    session: Session | None
    leaders: list[Leader]
    people: list[Person]
    topics: list[Any] = field(default_factory=list)
    writers: list[Person] = field(default_factory=list)


@dataclass
class Index:
    people: list[Person] = field(default_factory=list)
    topics: list[Any] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    writeups: list[Links] = field(default_factory=list)


def test_only_people_the_index_names_appear_anywhere() -> None:
    """Someone the index leaves out (opted out of being named) is in no table and no list."""
    named = Person("nick", "Nick Keane")
    hidden = Person("hidden", "Hidden Person")  # still on an article, but not in index.people
    article = Article("police")
    event = Event("camp", "Camp", dt.date(2011, 1, 22))
    session = Session("police", "Police", event, [Leader("Nick", named), Leader("someone", None)])
    index = Index(
        people=[named],
        events=[event],
        sessions=[session],
        writeups=[
            Links(article, event, session, session.leaders, [hidden, named, named], [], [hidden])
        ],
    )
    graph = collect.graph(SITE, index, lambda e: "")
    assert [p.slug for p in graph.people] == ["nick"]
    [w] = graph.writeups
    assert w.mentions == ("nick",) and w.writers == () and w.leaders == ("nick",)
    assert graph.sessions[0].leaders == ("nick",)
    assert graph.sessions[0].leader_names == ("Nick Keane", "someone")
    assert "hidden" not in repr(graph) and "Hidden" not in repr(graph)


def test_feed_groups_hold_only_entities_with_feeds_in_index_order() -> None:
    a = Article("a")
    index = Index(
        people=[
            Person("zoe", "Zoë", [a]),
            Person("quiet", "Only comments"),
            Person("al", "Al", [a]),
        ],
        events=[Event("camp", "Camp", None, articles=[a])],
    )
    links = FeedLinks(FeedPaths.from_settings({"PERSON_FEED_JSON": None}), SITE.url, SITE.name)
    groups = collect.feed_groups(SITE, SITE.url, index, links, lambda key: f"{SITE.url}/{key}.opml")
    assert [g.key for g in groups] == ["site", "events", "topics", "people"]
    site, events, topics, people = groups
    assert [f.title for f in site.feeds] == ["Camp & Co", "Comments · Camp & Co"]
    assert [f.title for f in people.feeds] == ["Zoë", "Al"]
    assert people.feeds[0].json == "" and people.feeds[0].main.endswith("/people/zoe/rss.xml")
    assert events.feeds[0].json == f"{SITE.url}/events/camp/feed.json"
    assert topics.feeds == () and topics.opml == ""  # no group file for an empty group


def test_calendar_events_skip_undated_and_are_stamped_by_their_newest_writeup() -> None:
    later = Article("b", JAN + dt.timedelta(days=2), modified=JAN + dt.timedelta(days=9))
    index = Index(
        events=[
            Event(
                "camp",
                "Camp",
                dt.date(2011, 1, 22),
                dt.date(2011, 1, 23),
                articles=[Article("a"), later],
            ),
            Event("someday", "Someday", None, articles=[Article("c")]),
            Event("future", "Future", dt.date(2030, 5, 1)),
        ]
    )
    events = collect.calendar_events(SITE, index, "camp@example.org")
    assert [e.slug for e in events] == ["camp", "future"]
    camp, future = events
    assert camp.uid == "camp.camp@example.org"  # an e-mail authority keeps one @
    assert camp.end == dt.date(2011, 1, 23)
    assert camp.stamp == dt.datetime(2011, 2, 2, 8, 30, tzinfo=dt.UTC)  # the modified date
    assert future.stamp == dt.datetime(2030, 5, 1, tzinfo=dt.UTC) and future.end == future.start
    assert collect.event_uid("camp", "breakout") == "camp@breakout"


def test_a_long_description_folds_and_reads_back_whole() -> None:
    provenance = "Ünïcode, commas; semicolons\\ and a very long line " * 6
    record = Record(note="Seed 003 says so (for editors)", provenance=provenance)
    event = Event("camp", "Camp", dt.date(2011, 1, 22), place="Room 1, London", record=record)
    [item] = collect.calendar_events(SITE, Index(events=[event]), "breakout")
    data = ical.calendar("Events · Camp & Co", "", [item])
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines) and lines[-1] == b""
    [parsed] = Calendar.from_ical(data).walk("VEVENT")
    assert provenance.strip() in str(parsed["description"])
    # The record's note is for editors: never in a calendar.
    assert "Seed 003" not in str(parsed["description"])
    assert str(parsed["location"]) == "Room 1, London"


def test_opml_escapes_titles_and_reads_back() -> None:
    a = Article("a")
    index = Index(people=[Person("x", 'Ann "<b>" & Co', [a])])
    links = FeedLinks(FeedPaths.from_settings({}), SITE.url, SITE.name)
    groups = collect.feed_groups(SITE, SITE.url, index, links, lambda key: "")
    root = etree.fromstring(opml.opml("Feeds · Camp & Co", SITE.url, groups, nested=True))
    assert root.findtext("head/title") == "Feeds · Camp & Co"
    people = root.findall("body/outline")[-1]
    assert people.get("text") == "People"
    assert [o.get("title") for o in people] == ['Ann "" & Co']  # markup in a name is dropped
