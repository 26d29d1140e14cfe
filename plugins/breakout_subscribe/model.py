"""Plain typed data the calendars, OPML, open data and Follow page are made from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Licence:
    """The open data's licence (BREAKOUT_SUBSCRIBE LICENCE, LICENCE_URL); empty: none stated."""

    name: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Site:
    """Site-wide facts: absolute URL (no trailing slash), name, licence."""

    url: str
    name: str
    description: str
    language: str
    licence: Licence


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One dated event as a calendar entry."""

    slug: str
    uid: str  # never changes: the event's key in events.toml at the site's id authority
    name: str
    start: dt.date
    end: dt.date  # last day (inclusive); = start for a one-day event
    place: str
    url: str  # the event's page, absolute
    website: str  # the event's own site (events.toml url), or ""
    description: str  # plain text, as the event page states it
    stamp: dt.datetime  # DTSTAMP: when this entry last changed (newest write-up), UTC


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed (a person's, a topic's, …) in the formats the site writes."""

    title: str
    page: str  # the page it follows, absolute
    rss: str  # absolute URLs; "" for a format that is off
    atom: str
    json: str

    @property
    def main(self) -> str:
        """The URL an OPML outline points at: RSS, else Atom, else JSON Feed."""
        return self.rss or self.atom or self.json


@dataclass(frozen=True, slots=True)
class FeedGroup:
    """A group of feeds in the OPML and on the Follow page (site, events, topics, people)."""

    key: str
    title: str
    feeds: tuple[Feed, ...]
    opml: str = ""  # absolute URL of this group's own OPML file, "" if off


@dataclass(frozen=True, slots=True)
class Handle:
    """One profile of a person: network, handle, profile URL."""

    network: str
    handle: str
    url: str


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person who is named on the site."""

    slug: str
    name: str
    url: str
    handles: tuple[Handle, ...]
    writeups: int  # write-ups they wrote
    sessions_led: int
    mentioned_in: int  # write-ups mentioning them
    comments: int  # comments they wrote


@dataclass(frozen=True, slots=True)
class TopicRow:
    """A topic."""

    slug: str
    name: str
    url: str
    writeups: int
    comments: int


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event; undated events have no date and no calendar file."""

    slug: str
    name: str
    url: str
    date: dt.date | None
    end_date: dt.date | None
    place: str
    hashtags: tuple[str, ...]
    website: str
    calendar: str  # absolute URL of its .ics, "" when undated (or calendars are off)
    sessions: int
    writeups: int


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A session of an event; id is '<event>/<session slug>'."""

    id: str
    slug: str
    event: str
    name: str
    url: str
    leaders: tuple[str, ...]  # person slugs of leaders with a page
    leader_names: tuple[str, ...]  # every leader as the index names them
    writeups: int


@dataclass(frozen=True, slots=True)
class WriteupRow:
    """A published write-up and what it links to (people only as the index names them)."""

    slug: str
    title: str
    url: str
    date: dt.datetime
    event: str
    session: str  # SessionRow.id, or ""
    writers: tuple[str, ...]  # person slugs
    leaders: tuple[str, ...]  # person slugs
    mentions: tuple[str, ...]  # person slugs, order of first mention
    topics: tuple[str, ...]  # topic slugs
    comments: int  # shown comments that are not removed


@dataclass(frozen=True, slots=True)
class Graph:
    """The people/topic/event graph as open data."""

    site: Site
    people: tuple[PersonRow, ...]
    topics: tuple[TopicRow, ...]
    events: tuple[EventRow, ...]
    sessions: tuple[SessionRow, ...]
    writeups: tuple[WriteupRow, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """A labelled link on the Follow page (URL relative to the page's SITEURL base)."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class FollowPage:
    """Everything the Follow page shows (its fingerprint is this value's repr)."""

    opml: Link | None  # every feed in one file
    groups: tuple[FeedGroup, ...]  # URLs with the page's SITEURL
    calendar: Link | None
    undated: tuple[Link, ...]  # events left out of the calendar (no known date)
    data: tuple[Link, ...]  # graph.json, schema.json, the CSV files
    licence: Licence
