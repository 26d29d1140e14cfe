"""The corpus's registries: people, topics and events, and people.toml / events.toml."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bench.vocabulary import (
    AFFILIATIONS,
    FIRST_NAMES,
    LAST_NAMES,
    LINK_HOSTS,
    MASTODON_HOSTS,
    PLACES,
    SERIES,
    TOPIC_HEADS,
    TOPIC_TAILS,
    TOPIC_WORDS,
)


@dataclass(frozen=True)
class Person:
    """One registry entry of people.toml."""

    slug: str
    name: str
    affiliation: str
    twitter: str
    mastodon: str = ""
    bluesky: str = ""
    aliases: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """One registry entry of events.toml."""

    slug: str
    name: str
    date: dt.date
    place: str
    hashtag: str
    url: str = ""
    note: str = ""


def _unique_handle(rng: random.Random, first: str, last: str, used: set[str]) -> str:
    """A Twitter-style handle (≤15 chars) for a name, unique case-insensitively."""
    first, last = re.sub(r"\W", "", first), re.sub(r"\W", "", last)
    style = rng.randrange(6)
    if style == 0:
        base = (first + last).lower()
    elif style == 1:
        base = first + last
    elif style == 2:
        base = f"{first}_{last}".lower()
    elif style == 3:
        base = (first[0] + last).lower()
    elif style == 4:
        base = last + first[0]
    else:
        base = f"{first}{last[0]}{rng.randint(1, 99)}".lower()
    base = base[:13]
    handle, n = base, 1
    while handle.lower() in used:
        n += 1
        handle = f"{base}{n}"
    used.add(handle.lower())
    return handle


def make_people(rng: random.Random, count: int) -> list[Person]:
    """People in popularity order (rank 1 first), each with a Twitter handle and sometimes more."""
    people: list[Person] = []
    used: set[str] = set()
    names: set[str] = set()
    for _ in range(count):
        for attempt in itertools.count():
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            if attempt > 20:  # the name grid is exhausted: add a middle initial
                name = f"{first} {chr(65 + rng.randrange(26))}. {last}"
            if name not in names:
                names.add(name)
                break
        handle = _unique_handle(rng, first, last, used)
        aliases: tuple[str, ...] = ()
        if rng.random() < 0.1:
            aliases = (_unique_handle(rng, first, last, used),)
        mastodon = f"{handle.lower()}@{rng.choice(MASTODON_HOSTS)}" if rng.random() < 0.15 else ""
        # A Bluesky handle is a domain name: no underscores (people.toml checks the grammar).
        bluesky = f"{handle.lower().replace('_', '-')}.bsky.social" if rng.random() < 0.1 else ""
        links = (
            (f"https://{rng.choice(LINK_HOSTS)}/~{handle.lower()}",) if rng.random() < 0.2 else ()
        )
        people.append(
            Person(
                slug=handle.lower(),
                name=name,
                affiliation=rng.choice(AFFILIATIONS),
                twitter=handle,
                mastodon=mastodon,
                bluesky=bluesky,
                aliases=aliases,
                links=links,
            )
        )
    return people


def make_topics(rng: random.Random, count: int) -> list[str]:
    """Topic hashtags (lower case, letters only) in popularity order."""
    combos = [h + t for h in TOPIC_HEADS for t in TOPIC_TAILS if h != t]
    rng.shuffle(combos)
    pool = list(TOPIC_WORDS) + [c for c in combos if c not in TOPIC_WORDS]
    topics = pool[:count]
    extra = itertools.count(2)
    while len(topics) < count:  # beyond ~550 topics: numbered variants (web3, covid19 style)
        n = next(extra)
        topics.extend(f"{t}{n}" for t in pool[: count - len(topics)])
    return topics


def make_events(rng: random.Random, count: int) -> list[Event]:
    """Events in date order between 2009 and 2024, with unique slugs and hashtags."""
    start = dt.date(2009, 1, 10)
    span = (dt.date(2024, 11, 30) - start).days
    offsets = sorted(rng.randrange(span) for _ in range(count))
    events: list[Event] = []
    seen: dict[str, int] = {}
    for offset in offsets:
        date = start + dt.timedelta(days=offset)
        name, stem, tag_stem = rng.choice(SERIES)
        slug, tag = f"{stem}-{date.year}", f"{tag_stem}{date.year % 100:02d}"
        n = seen[slug] = seen.get(slug, 0) + 1
        if n > 1:
            slug, tag, name = f"{slug}-{n}", f"{tag}n{n}", f"{name} {date.year} ({n})"
        else:
            name = f"{name} {date.year}"
        url = f"https://{stem}.example.org/{date.year}/" if rng.random() < 0.5 else ""
        note = "date from the organisers' announcement" if rng.random() < 0.2 else ""
        events.append(Event(slug, name, date, rng.choice(PLACES), tag, url, note))
    return events


def _toml_str(value: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML for these values)."""
    return json.dumps(value, ensure_ascii=False)


def people_toml(people: Sequence[Person]) -> str:
    """people.toml text (shape in docs/ARCHITECTURE.md)."""
    out = ["# Generated by bench/corpus.py: the people registry of the benchmark corpus.", ""]
    for p in people:
        out.append(f"[people.{p.slug}]")
        out.append(f"name = {_toml_str(p.name)}")
        if p.affiliation:
            out.append(f"affiliation = {_toml_str(p.affiliation)}")
        out.append(f"twitter = {_toml_str(p.twitter)}")
        if p.mastodon:
            out.append(f"mastodon = {_toml_str(p.mastodon)}")
        if p.bluesky:
            out.append(f"bluesky = {_toml_str(p.bluesky)}")
        if p.aliases:
            out.append(f"aliases = [{', '.join(_toml_str(a) for a in p.aliases)}]")
        if p.links:
            out.append(f"links = [{', '.join(_toml_str(u) for u in p.links)}]")
        out.append("")
    return "\n".join(out)


def events_toml(events: Sequence[Event]) -> str:
    """events.toml text (shape in docs/ARCHITECTURE.md)."""
    out = ["# Generated by bench/corpus.py: the events registry of the benchmark corpus.", ""]
    for e in events:
        out.append(f"[events.{e.slug}]")
        out.append(f"name = {_toml_str(e.name)}")
        out.append(f"date = {e.date.isoformat()}")
        out.append(f"place = {_toml_str(e.place)}")
        out.append(f"hashtags = [{_toml_str(e.hashtag)}]")
        if e.url:
            out.append(f"url = {_toml_str(e.url)}")
        if e.note:
            out.append(f"note = {_toml_str(e.note)}")
        out.append("")
    return "\n".join(out)
