"""Typed data from the site index (duck-typed: breakout_index's SiteIndex) and feed links.

People come only from the index's people list and the names it gives write-ups,
leaders and commenters: the index (with the identity service behind it) is the one
place that decides who is named, so someone who opted out of being named is absent
here too. Nothing is read from people.toml directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from breakout_feeds.text import html_to_text

from .model import (
    CalendarEvent,
    EventRow,
    Feed,
    FeedGroup,
    Graph,
    Handle,
    PersonRow,
    SessionRow,
    Site,
    TopicRow,
    WriteupRow,
)

GROUPS = (("site", "This site"), ("events", "Events"), ("topics", "Topics"), ("people", "People"))
ENTITY_GROUPS = {"events": ("event", "events"), "topics": ("topic", "topics"), "people": ("person", "people")}  # fmt: skip
FORMATS = {"application/rss+xml": "rss", "application/atom+xml": "atom", "application/feed+json": "json"}  # fmt: skip


def absolute(site: Site, url: str) -> str:
    """A SITEURL-relative URL made absolute."""
    return f"{site.url}/{url.lstrip('/')}"


def _published(articles: Iterable[Any]) -> list[Any]:
    """The published write-ups of a list."""
    return [a for a in articles if getattr(a, "status", "published") == "published"]


def feed_of(title: str, page: str, links: Iterable[Any]) -> Feed | None:
    """A Feed from FeedLinks' links (href, type); None when there are none."""
    urls = {FORMATS[link.type]: str(link.href) for link in links if link.type in FORMATS}
    if not urls:
        return None
    return Feed(title, page, urls.get("rss", ""), urls.get("atom", ""), urls.get("json", ""))


def feed_groups(
    site: Site, base: str, index: Any, links: Any, group_opml: Callable[[str], str]
) -> tuple[FeedGroup, ...]:
    """Every feed of the site, grouped: site, events, topics, people (index order within each).

    links is breakout_feeds' FeedLinks built on base (the absolute site URL for OPML, the
    page's SITEURL for the Follow page); group_opml(key) is the URL of a group's own OPML
    file ("" if off).
    """
    groups: list[FeedGroup] = []
    home = f"{base}/"
    for key, title in GROUPS:
        feeds: list[Feed | None] = []
        if key == "site":
            feeds.append(feed_of(site.name, home, links.site))
            feeds.append(feed_of(f"Comments · {site.name}", home, links.comments))
        else:
            kind, attr = ENTITY_GROUPS[key]
            for entity in getattr(index, attr, None) or []:
                name = html_to_text(str(getattr(entity, "display_name", "") or entity.name))
                page = f"{base}/{entity.url}"
                feeds.append(feed_of(name, page, links.for_entity(kind, entity)))
        present = tuple(f for f in feeds if f is not None)
        groups.append(FeedGroup(key, title, present, group_opml(key) if present else ""))
    return tuple(groups)


def _plural(n: int, word: str) -> str:
    """'1 session', '2 sessions'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def leader_name(leader: Any) -> str:
    """A session leader as the index names them: their person's name, else as written."""
    person = getattr(leader, "person", None)
    if person is not None:
        return str(getattr(person, "display_name", "") or person.name)
    return str(getattr(leader, "name", "") or "")


def event_description(event: Any, site: Site) -> str:
    """What the event's page says, as plain text: sessions, leaders, hashtags, website, provenance.

    The record's `note` is for editors (where a date came from, which source said it): never
    published; `provenance` is the same written for readers, as the event page shows it.
    """
    sessions = list(getattr(event, "sessions", None) or [])
    writeups = _published(getattr(event, "articles", None) or [])
    lines = [f"{_plural(len(writeups), 'write-up')} of {_plural(len(sessions), 'session')}."]
    for session in sessions:
        leaders = [n for n in (leader_name(x) for x in session.leaders) if n]
        led = f" (led by {', '.join(leaders)})" if leaders else ""
        lines.append(f"- {session.name}{led}")
    if event.hashtags:
        lines.append("Hashtags: " + " ".join(f"#{t}" for t in event.hashtags))
    record = getattr(event, "record", None)
    if getattr(record, "url", ""):
        lines.append(f"Website: {record.url}")
    if getattr(record, "provenance", ""):
        lines.append(str(record.provenance))
    lines.append(f"Write-ups: {absolute(site, str(event.url))}")
    return "\n".join(lines)


def event_uid(slug: str, authority: str) -> str:
    """A UID that never changes: the event's key at the site's feed-id authority."""
    return f"{slug}.{authority}" if "@" in authority else f"{slug}@{authority}"


def _utc(value: dt.datetime) -> dt.datetime:
    """An aware datetime in UTC (naive ones are taken as UTC)."""
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def calendar_events(site: Site, index: Any, authority: str) -> tuple[CalendarEvent, ...]:
    """Every dated event, in the index's order (newest first); undated ones are left out."""
    found: list[CalendarEvent] = []
    for event in getattr(index, "events", None) or []:
        if not event.date:
            continue
        writeups = _published(getattr(event, "articles", None) or [])
        dates = [_utc(a.date) for a in writeups]
        dates += [_utc(a.modified) for a in writeups if getattr(a, "modified", None)]
        start_stamp = dt.datetime(event.date.year, event.date.month, event.date.day, tzinfo=dt.UTC)
        record = getattr(event, "record", None)
        found.append(
            CalendarEvent(
                slug=str(event.slug),
                uid=event_uid(str(event.slug), authority),
                name=str(event.name),
                start=event.date,
                end=max(event.end_date or event.date, event.date),
                place=str(event.place or ""),
                url=absolute(site, str(event.url)),
                website=str(getattr(record, "url", "") or ""),
                description=event_description(event, site),
                stamp=max(dates, default=start_stamp),
            )
        )
    return tuple(found)


def _slugs(people: Iterable[Any], named: Mapping[str, Any]) -> tuple[str, ...]:
    """Slugs of the people the index names, in order, once each."""
    seen: dict[str, None] = {}
    for p in people:
        slug = str(getattr(p, "slug", "") or "")
        if slug and slug in named:
            seen.setdefault(slug, None)
    return tuple(seen)


def graph(site: Site, index: Any, event_calendar: Callable[[Any], str]) -> Graph:
    """The graph of the index: people, topics, events, sessions, write-ups (index order)."""
    people = list(getattr(index, "people", None) or [])
    named = {str(p.slug): p for p in people}
    person_rows = tuple(
        PersonRow(
            slug=str(p.slug),
            name=str(p.display_name),
            url=absolute(site, str(p.url)),
            handles=tuple(Handle(str(n), str(h), str(u)) for n, h, u in p.profiles),
            writeups=len(_published(p.written)),
            sessions_led=len(p.sessions_led),
            mentioned_in=len(p.mentioned_in),
            comments=len(p.comments_written),
        )
        for p in people
    )
    topic_rows = tuple(
        TopicRow(
            slug=str(t.slug),
            name=str(t.name),
            url=absolute(site, str(t.url)),
            writeups=len(_published(t.articles)),
            comments=len(t.comments),
        )
        for t in getattr(index, "topics", None) or []
    )
    event_rows = tuple(
        EventRow(
            slug=str(e.slug),
            name=str(e.name),
            url=absolute(site, str(e.url)),
            date=e.date,
            end_date=e.end_date,
            place=str(e.place or ""),
            hashtags=tuple(str(h) for h in e.hashtags),
            website=str(getattr(e.record, "url", "") or ""),
            calendar=event_calendar(e) if e.date else "",
            sessions=len(e.sessions),
            writeups=len(_published(e.articles)),
        )
        for e in getattr(index, "events", None) or []
    )
    session_rows = tuple(
        SessionRow(
            id=f"{s.event.slug}/{s.slug}",
            slug=str(s.slug),
            event=str(s.event.slug),
            name=str(s.name),
            url=absolute(site, str(s.url)),
            leaders=_slugs((x.person for x in s.leaders if x.person is not None), named),
            leader_names=tuple(n for n in (leader_name(x) for x in s.leaders) if n),
            writeups=len(_published(s.articles)),
        )
        for s in getattr(index, "sessions", None) or []
    )
    writeup_rows: list[WriteupRow] = []
    for links in getattr(index, "writeups", None) or []:
        a = links.article
        if getattr(a, "status", "published") != "published":
            continue
        session = links.session
        writeup_rows.append(
            WriteupRow(
                slug=str(a.slug),
                title=html_to_text(str(getattr(a, "title", ""))),
                url=absolute(site, str(a.url)),
                date=a.date,
                event=str(links.event.slug) if links.event is not None else "",
                session=f"{session.event.slug}/{session.slug}" if session is not None else "",
                writers=_slugs(links.writers, named),
                leaders=_slugs((x.person for x in links.leaders if x.person is not None), named),
                mentions=_slugs(links.people, named),
                topics=tuple(str(t.slug) for t in links.topics),
                comments=int(getattr(a, "comment_count", 0) or 0),
            )
        )
    return Graph(site, person_rows, topic_rows, event_rows, session_rows, tuple(writeup_rows))
