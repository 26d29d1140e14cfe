"""Finishing the index: names chosen, leaders gathered, every list sorted and cut (pure).

Every list is sorted by a stated, total key (listed in core.py's docstring), so the
output is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from breakout_kernel.handles import fold_name

from . import slugs
from .entities import Counts, Event, Leader, Person, Session, SiteIndex, Topic, WriteupLinks
from .items import get, timestamp
from .linking import Linker


def comment_key(comment: Any, article_url: str) -> tuple[bool, float, str, str]:
    """Comments newest first; undated ones after every dated one; then write-up URL and id."""
    date = get(comment, "date")
    return (
        date is None,
        -timestamp(date) if date is not None else 0.0,
        article_url,
        str(get(comment, "id", "")),
    )


def person_sort_key(person: Person) -> tuple[str, str]:
    """People alphabetically by display name (case-folded, leading @ ignored), then slug."""
    return (person.display_name.lstrip("@").casefold(), person.slug)


def topic_sort_key(topic: Topic) -> tuple[str, str]:
    """Topics alphabetically by name (case-folded), then slug."""
    return (topic.name.casefold(), topic.slug)


def event_sort_key(event: Event) -> tuple[bool, int, str]:
    """Events newest first by date; undated ones last; then slug."""
    return (event.date is None, -event.date.toordinal() if event.date else 0, event.slug)


def session_key(session: Session) -> tuple[str, str]:
    """Sessions of one event by name (case-folded), then slug."""
    return (session.name.casefold(), session.slug)


def top(counter: Mapping[Any, int], n: int, rank: Mapping[Any, int]) -> list[tuple[Any, int]]:
    """The n largest counts, ties by the entity's own order (rank: its place in that order)."""
    items = list(counter.items())
    if len(items) > n:
        # Nothing counted less than the n-th largest count can make the list: sort only the rest.
        least = sorted(counter.values(), reverse=True)[n - 1]
        items = [item for item in items if item[1] >= least]
    items.sort(key=lambda item: (-item[1], rank[item[0]]))
    return items[:n]


class Ranks:
    """Each person's and topic's place in its kind's order (person_sort_key, topic_sort_key).

    Worked out once, when names are chosen: every people and topic list of the index is
    sorted by these places, not by computing the sort key again for every list it is in.
    """

    def __init__(self, people: list[Person], topics: list[Topic]) -> None:
        """Places in these lists, already in their kind's order."""
        self.person: dict[Person, int] = {person: i for i, person in enumerate(people)}
        self.topic: dict[Topic, int] = {topic: i for i, topic in enumerate(topics)}
        self.person_rank = self.person.__getitem__  # sort keys that run in C
        self.topic_rank = self.topic.__getitem__


def weight(count: int, most: int) -> int:
    """1..5 on a log scale of count against the largest count (1 when everything is rare)."""
    if most <= 1 or count <= 1:
        return 1
    return 1 + round(4 * math.log(count) / math.log(most))


def name_entities(linker: Linker) -> None:
    """Registry name first (set on creation), then a name the text gave, then @handle."""
    people = linker.people
    for person in people.persons.values():
        if not person.name:
            hints, written = people.hints[person], people.written_as[person]
            first_handle = "@" + person.profiles[0][1] if person.profiles else ""
            person.name = hints.best() or written.best() or first_handle or person.slug
        if not person.registered:
            person.profiles = [
                (network, handle, linker.identity.profile_url(network, handle))
                for (network, _), handle in people.handles[person].items()
            ]
    for topic, forms in linker.topic_forms.items():
        topic.name = forms.best()
    for session, forms in linker.session_forms.items():
        session.name = forms.best()
    short_session_slugs(linker)


def short_session_slugs(linker: Linker) -> None:
    """Short URL slugs for every event's sessions, the first written up keeping a shared one."""
    by_event: dict[str, list[Session]] = {}
    for session in linker.sessions.values():
        by_event.setdefault(session.event.slug, []).append(session)
    for sessions in by_event.values():
        sessions.sort(key=lambda s: (min(map(linker.chron_key, s.articles)), s.key))
        chosen = slugs.assign([s.key for s in sessions])
        for session in sessions:
            session.set_slug(chosen[session.key])


def _leader(name: str, person: Person | None) -> Leader:
    # "@nickkeane" is shown as the person's name; a plain name as written.
    return Leader(
        person.display_name if person is not None and name.startswith("@") else name, person
    )


def gather_leaders(linker: Linker, links_of: Mapping[int, WriteupLinks], ranks: Ranks) -> None:
    """Each write-up's leaders, and each session's: every write-up's, oldest first, each once."""
    for links in linker.writeups:
        links.leaders = [_leader(name, person) for name, person in linker.raw_leaders[id(links)]]
    for session in linker.sessions.values():
        found: dict[tuple[str, str], Leader] = {}
        for article in sorted(session.articles, key=linker.chron_key):
            for one in links_of[id(article)].leaders:
                key = ("person", one.person.slug) if one.person else ("name", fold_name(one.name))
                found.setdefault(key, one)
        session.leaders = list(found.values())
        session.people = sorted(linker.session_people.get(session, ()), key=ranks.person_rank)
        session.topics = sorted(linker.session_topics.get(session, ()), key=ranks.topic_rank)


def order_events(linker: Linker, links_of: Mapping[int, WriteupLinks], ranks: Ranks) -> list[Event]:
    """Events newest first, each with its sessions, people, topics and prev/next write-ups."""
    events = sorted(linker.events.values(), key=event_sort_key)
    by_event_slug: dict[str, list[Session]] = {}
    for session in linker.sessions.values():
        by_event_slug.setdefault(session.event.slug, []).append(session)
    for event in events:
        event.sessions = sorted(by_event_slug.get(event.slug, ()), key=session_key)
        event.people = sorted(linker.event_people.get(event, ()), key=ranks.person_rank)
        event.topics = sorted(linker.event_topics.get(event, ()), key=ranks.topic_rank)
        chronological = sorted(event.articles, key=linker.chron_key)
        for i, article in enumerate(chronological):
            links = links_of[id(article)]
            links.prev_in_event = chronological[i - 1] if i > 0 else None
            links.next_in_event = chronological[i + 1] if i + 1 < len(chronological) else None
    for links in linker.writeups:
        if links.session is not None:
            links.same_session = [a for a in links.session.articles if a is not links.article]
    return events


def order_people_and_topics(
    linker: Linker, event_rank: Mapping[Event, int], ranks: Ranks, n: int
) -> None:
    """Each person's sessions, events, top lists and counts; each topic's weight and lists."""

    def by_event(session: Session) -> tuple[int, str, str]:
        return (event_rank[session.event], *session_key(session))

    person_topics = linker.person_topics()
    for person in linker.people.persons.values():
        person.sessions_led = sorted(linker.person_sessions.get(person, ()), key=by_event)
        person.events = sorted(linker.person_events.get(person, ()), key=event_rank.__getitem__)
        person.top_topics = top(person_topics.get(person, {}), n, ranks.topic)
        person.co_mentioned = top(linker.co_people.get(person, {}), n, ranks.person)
        person.counts = Counts(
            writeups=len(person.articles),
            sessions_led=len(person.sessions_led),
            comments=len(linker.person_comments.get(person, ())),
        )
    for topic in linker.topics.values():
        topic.count = len(topic.articles) + len(topic.comments)
    most = max((t.count for t in linker.topics.values()), default=1)
    for topic in linker.topics.values():
        topic.weight = weight(topic.count, most)
        topic.related = top(linker.topic_topics.get(topic, {}), n, ranks.topic)
        topic.people = top(linker.topic_people.get(topic, {}), n, ranks.person)
        topic.events = sorted(linker.topic_events.get(topic, ()), key=event_rank.__getitem__)


def finish(linker: Linker, top_n: int) -> SiteIndex:
    """Choose names, build leaders, sort and cut every list, and make the SiteIndex."""
    name_entities(linker)
    people = sorted(linker.people.persons.values(), key=person_sort_key)
    topics = sorted(linker.topics.values(), key=topic_sort_key)
    ranks = Ranks(people, topics)
    links_of = {id(links.article): links for links in linker.writeups}
    gather_leaders(linker, links_of, ranks)
    events = order_events(linker, links_of, ranks)
    event_rank = {event: i for i, event in enumerate(events)}
    order_people_and_topics(linker, event_rank, ranks, top_n)
    sessions = sorted(
        linker.sessions.values(), key=lambda s: (event_rank[s.event], *session_key(s))
    )
    return SiteIndex(
        people=people,
        topics=topics,
        events=events,
        sessions=sessions,
        person_by_slug={p.slug: p for p in people},
        topic_by_slug={t.slug: t for t in topics},
        event_by_slug={e.slug: e for e in events},
        session_by_key={(s.event.slug, s.slug): s for s in sessions},
        writeups=linker.writeups,
    )
