"""Fingerprints of the index pages: exactly what each people/topic/event/session page shows (pure).

One function per template, reading exactly the fields that template (and the macros,
partials and SEO data it uses) shows. Write-ups and comments come as per-build token
digests (breakout_memo.fingerprint.Tokens). tests/test_memo_templates.py fails when a
template reads an attribute these do not cover.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from breakout_kernel.change.hashing import digest, stable


def _entries(articles: Any, tokens: Any) -> tuple[str, ...]:
    """Write-up entries of a list (entity_macros' writeup_entry)."""
    return tuple([tokens.entry(a) for a in articles])


def _comments(comments: Any, tokens: Any) -> tuple[str, ...]:
    """Comment entries of a list (entity_macros' comment_head and comment_excerpt)."""
    return tuple([tokens.comment(c) for c in comments])


def _person_page(person: Any, tokens: Any) -> tuple[Any, ...]:
    """person.html: facts, profiles, sessions led, mentions, writing, comments, top lists."""
    return (
        tokens.ref(person),
        person.affiliation,
        tuple(person.counts),
        tuple([tuple(p) for p in person.profiles]),
        tuple(person.links),
        tuple([(tokens.ref(s), tokens.ref(s.event), len(s.articles)) for s in person.sessions_led]),
        tuple([(tokens.entry(a), sentence) for a, sentence in person.mentioned_in]),
        _entries(person.written, tokens),
        _comments(person.comments_written, tokens),
        tuple([(tokens.comment(c), sentence) for c, sentence in person.mentioned_in_comments]),
        tokens.refs(person.events),
        tokens.counted(person.top_topics),
        tokens.counted(person.co_mentioned),
    )


def _topic_page(topic: Any, tokens: Any) -> tuple[Any, ...]:
    """topic.html: write-ups, comments, related topics, people, events."""
    return (
        tokens.ref(topic),
        _entries(topic.articles, tokens),
        _comments(topic.comments, tokens),
        tokens.counted(topic.related),
        tokens.counted(topic.people),
        tokens.refs(topic.events),
    )


def _event_page(event: Any, tokens: Any) -> tuple[Any, ...]:
    """event.html: its record (date, place, hashtags, url, note), sessions with leaders and write-ups."""
    return (
        tokens.ref(event),
        stable(event.date),
        stable(event.end_date),
        event.place,
        tuple(event.hashtags),
        stable(event.record, strict=False),
        tuple(
            (tokens.ref(s), tokens.leaders(s.leaders), _entries(s.articles, tokens))
            for s in event.sessions
        ),
        len(event.articles),
        tokens.refs(event.people),
        tokens.refs(event.topics),
    )


def _session_page(session: Any, tokens: Any) -> tuple[Any, ...]:
    """session.html: its event, leaders, write-ups, people, topics, comments."""
    event = session.event
    return (
        tokens.ref(session),
        tokens.ref(event),
        stable(event.date),
        event.place,
        tokens.leaders(session.leaders),
        _entries(session.articles, tokens),
        tokens.refs(session.people),
        tokens.refs(session.topics),
        _comments(session.comments, tokens),
    )


def _people_page(people: Any, tokens: Any) -> tuple[Any, ...]:
    """people.html: each person's link, affiliation and counts."""
    return tuple([(tokens.ref(p), p.affiliation, tuple(p.counts)) for p in people])


def _topics_page(topics: Any, tokens: Any) -> tuple[Any, ...]:
    """topics.html: each topic's link, weight and count."""
    return tuple([(tokens.ref(t), t.weight, t.count) for t in topics])


def _events_page(events: Any, tokens: Any) -> tuple[Any, ...]:
    """events.html: each event's link, date, place and numbers of sessions and write-ups."""
    return tuple(
        (tokens.ref(e), stable(e.date), e.place, len(e.sessions), len(e.articles)) for e in events
    )


PAGE_TOKENS: dict[str, Callable[[Any, Any], tuple[Any, ...]]] = {
    "person": _person_page,
    "topic": _topic_page,
    "event": _event_page,
    "session": _session_page,
    "people": _people_page,
    "topics": _topics_page,
    "events": _events_page,
}


def page_fingerprint(
    template: str, name: str, siteurl: str, variables: dict[str, Any], tokens: Any
) -> str | None:
    """Fingerprint of one index page (None for a template without a PAGE_TOKENS entry)."""
    make = PAGE_TOKENS.get(template)
    if make is None:
        return None
    page = make(variables[template], tokens)
    return digest((template, name, siteurl, variables.get("page_name"), page))
