"""Deterministic benchmark corpus in Breakout's content format (docs/ARCHITECTURE.md).

`python3 -m bench.corpus --posts N --out DIR [--shape NAME]` writes a content folder (what
PATH points at): writeups/<year>/<slug>.md, comments/<slug>/<id>.md, pages/about.md,
people.toml and events.toml. The same seed, N and shape always give byte-identical files:
only a seeded RNG is used, never the clock, and nothing iterates a set. A `Shape` sets
the handles and hashtags per write-up, the people and topic pools and the comments
(`SHAPES`: `default`, the corpus of issue 8, and `dense`, like issue 21's independent one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import random
import re
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SEED = 8  # issue 8; any int works, the default just has to be fixed

FIRST_NAMES = (
    "Alice", "Amara", "Andy", "Anna", "Ben", "Bea", "Carl", "Chloe", "Dan", "Dev",
    "Ed", "Ella", "Emma", "Femi", "Fiona", "Gary", "Gita", "Hana", "Harry", "Ian",
    "Imogen", "Jack", "Jane", "Jo", "Kate", "Kemi", "Kwame", "Laura", "Liam", "Lucy",
    "Mark", "Maya", "Mike", "Nadia", "Neil", "Nick", "Nina", "Olu", "Omar", "Paul",
    "Pia", "Priya", "Rachel", "Raj", "Rob", "Rosa", "Sam", "Sara", "Sean", "Simon",
    "Sophie", "Steph", "Tom", "Tara", "Uma", "Vic", "Will", "Yasmin", "Zara", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Ahmed", "Ali", "Baker", "Banks", "Bell", "Brown", "Byrne", "Clarke", "Cole",
    "Cooper", "Davies", "Dixon", "Doyle", "Edwards", "Evans", "Fisher", "Ford", "Fox", "Gill",
    "Gray", "Green", "Hall", "Harris", "Hayes", "Hill", "Hughes", "Hussain", "Jackson", "James",
    "Jones", "Kaur", "Keane", "Khan", "King", "Lee", "Lewis", "Lloyd", "Mabbett", "Marsh",
    "Mason", "Mills", "Moore", "Morgan", "Murphy", "Nash", "Nolan", "OBrien", "Okafor", "Owen",
    "Palmer", "Parker", "Patel", "Price", "Quinn", "Reid", "Rees", "Roberts", "Rose", "Shah",
    "Shaw", "Singh", "Smith", "Stone", "Taylor", "Thomas", "Turner", "Walsh", "Ward", "Watts",
    "Webb", "White", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip
AFFILIATIONS = (
    "", "", "GDS", "NHS Digital", "Camden Council", "Leeds City Council", "DWP", "Ofsted",
    "mySociety", "Open Knowledge", "Citizens Advice", "Police Scotland", "Met Office",
    "Bristol City Council", "FutureGov", "dxw", "Kent County Council", "ONS", "freelance",
)  # fmt: skip
PLACES = (
    "Microsoft, London", "The Shed, Leeds", "Birmingham Council House", "Trinity Centre, Bristol",
    "Manchester Central Library", "Cardiff City Hall", "Newcastle Civic Centre", "online",
    "The Guardian, King's Place", "Edinburgh Napier University", "Belfast City Hall",
)  # fmt: skip
# (display name, slug stem, hashtag stem); hashtags end in digits so they never equal a topic.
SERIES = (
    ("UK GovCamp", "ukgovcamp", "ukgc"), ("LocalGovCamp", "localgovcamp", "lgc"),
    ("NHS Hack Day", "nhshackday", "nhshd"), ("Open Data Camp", "opendatacamp", "odc"),
    ("BlueLightCamp", "bluelightcamp", "blc"), ("GovCamp Cymru", "govcampcymru", "gcc"),
    ("UKHealthCamp", "ukhealthcamp", "hc"), ("CharityCamp", "charitycamp", "chc"),
    ("ProductCamp", "productcamp", "pc"), ("CitizenCamp", "citizencamp", "cc"),
    ("Scotland GovCamp", "scotgovcamp", "sgc"), ("WriteTheDocs Unconf", "wtdunconf", "wtd"),
    ("MuseumCamp", "museumcamp", "muc"), ("LibCamp", "libcamp", "libc"),
    ("HousingCamp", "housingcamp", "hsc"), ("EdTechCamp", "edtechcamp", "etc"),
)  # fmt: skip
TOPIC_WORDS = (
    "opendata", "foi", "accessibility", "agile", "gdpr", "procurement", "userresearch",
    "govuk", "devops", "localgov", "digitalinclusion", "servicedesign", "policy", "wardley",
    "mentalhealth", "civictech", "cloud", "blockchain", "ai", "ethics", "privacy", "security",
    "comms", "socialmedia", "wellbeing", "leadership", "hiring", "contentdesign", "data",
    "transparency", "maps", "transport", "housing", "climate", "libraries", "museums",
)  # fmt: skip
TOPIC_HEADS = (
    "open", "local", "civic", "digital", "smart", "public", "green", "shared", "rural",
    "urban", "social", "youth", "health", "patient", "citizen", "data", "service", "team",
    "agile", "safe", "fair", "better", "mobile", "remote", "ethical", "community", "future",
)  # fmt: skip
TOPIC_TAILS = (
    "data", "gov", "tech", "services", "care", "maps", "design", "policy", "budgets",
    "skills", "apis", "standards", "research", "comms", "transport", "housing", "ethics",
    "platforms", "inclusion", "democracy",
)  # fmt: skip
SUBJECTS = (
    "open data", "digital inclusion", "user research", "FOI requests", "agile procurement",
    "content design", "service standards", "accessibility testing", "social media policy",
    "data sharing", "legacy IT", "cloud hosting", "Wardley mapping", "remote teams",
    "mental health at work", "hiring developers", "local elections", "GDS exemplars",
    "blockchain hype", "AI in casework", "privacy notices", "bus timetables", "council websites",
    "participatory budgets", "digital skills", "shared services", "open standards", "APIs",
)  # fmt: skip
CONTEXTS = (
    "local government", "the NHS", "small charities", "police forces", "central government",
    "housing associations", "schools", "libraries", "the third sector", "parish councils",
)  # fmt: skip
SESSION_TEMPLATES = (
    "{S} in {c}", "What next for {s}?", "Making {s} work for {c}", "{S}: lessons learned",
    "Why {s} fails in {c}", "{S} and {t}", "Getting started with {s}", "{S} for beginners",
    "Is {s} worth it?", "Scaling {s} across {c}",
)  # fmt: skip
TITLE_TEMPLATES = (
    "{session}", "Notes from “{session}”", "{session}: my write-up", "What I learned at {session}",
    "Write-up: {session}", "{session} — a summary",
)  # fmt: skip
HEADINGS = (
    "What we discussed", "Key points", "Next steps", "Open questions", "Background",
    "What went well", "Actions", "Reflections",
)  # fmt: skip
CONTENT_WORDS = (
    "council", "service", "users", "data", "team", "policy", "people", "digital", "open",
    "project", "budget", "government", "citizens", "website", "process", "problem", "change",
    "session", "question", "answer", "idea", "ideas", "example", "examples", "approach",
    "research", "design", "content", "standard", "platform", "system", "systems", "staff",
    "managers", "leaders", "culture", "trust", "risk", "evidence", "outcome", "outcomes",
    "money", "time", "work", "working", "building", "sharing", "learning", "talking",
    "listening", "testing", "delivery", "product", "products", "community", "communities",
    "local", "national", "public", "private", "sector", "partners", "suppliers", "contract",
    "contracts", "procurement", "legacy", "cloud", "software", "hardware", "network",
    "security", "privacy", "consent", "records", "forms", "paper", "letters", "email",
    "phone", "channel", "channels", "feedback", "survey", "interviews", "prototype",
    "prototypes", "alpha", "beta", "live", "release", "roadmap", "strategy", "plan", "plans",
    "goals", "metrics", "numbers", "spreadsheet", "report", "reports", "meeting", "meetings",
    "workshop", "volunteers", "residents", "patients", "schools", "housing", "transport",
    "libraries", "health", "care", "social", "skills", "training", "hiring", "budgets",
    "savings", "costs", "value", "quality", "speed", "scale", "small", "large", "simple",
    "complex", "hard", "easy", "useful", "clear", "better", "worse", "different", "same",
    "new", "old", "real", "honest", "brave", "careful", "quick", "slow", "shared", "common",
    "agreed", "argued", "suggested", "noted", "explained", "asked", "wondered", "described",
    "showed", "built", "tried", "failed", "worked", "started", "stopped", "moved", "changed",
    "needed", "wanted", "found", "made", "kept", "lost", "won", "helped", "blocked",
    "really", "often", "rarely", "always", "never", "perhaps", "probably", "mostly",
    "together", "again", "first", "second", "finally", "later", "earlier", "today",
    "afternoon", "morning", "room", "wall", "notes", "slides", "whiteboard", "coffee",
    "lunch", "pitch", "pitches", "grid", "unconference", "conversation", "discussion",
)  # fmt: skip
FUNCTION_WORDS = (
    "the", "the", "the", "the", "a", "a", "an", "and", "and", "and", "of", "of", "to", "to",
    "in", "in", "for", "on", "with", "that", "that", "is", "is", "was", "was", "we", "we",
    "it", "they", "this", "but", "not", "be", "are", "as", "at", "by", "from", "or", "more",
    "about", "how", "what", "who", "why", "there", "their", "our", "some", "all", "can",
)  # fmt: skip
WORD_POOL = CONTENT_WORDS + FUNCTION_WORDS
LINK_TEXTS = (
    "the slides", "the notes", "the session grid", "a blog post", "this report",
    "the code", "the prototype", "a longer write-up", "the photos", "the survey results",
)  # fmt: skip
LINK_HOSTS = ("example.org", "example.com", "example.net", "data.example.org")
EMAIL_DOMAINS = ("example.org", "example.com", "example.net", "council.example.org")
MASTODON_HOSTS = ("social.example.org", "toot.example.net", "mastodon.example.com")
CODE_SPANS = ("`@{h} join`", "`cc @{h}`", "`/invite @{h}`", "`@{h}`", "`@{h} help`")
EDIT_WORDS = ("revised", "amended")


@dataclass(frozen=True)
class Shape:
    """How dense a corpus is: what each write-up names and how many comments it draws."""

    name: str
    handles: tuple[int, int]  # distinct people @mentioned in a write-up's body, inclusive
    hashtags: tuple[int, int]  # distinct #hashtags in a write-up's body, inclusive
    people_divisor: int  # the people pool is posts / this (at least 12)
    topics_divisor: int  # the topic pool is posts / this (at least 8)
    comments_mean: float  # comments per write-up: Poisson with this mean...
    comments_max: int  # ...capped here
    summary: str = ""

    def people_pool(self, posts: int) -> int:
        """Size of the people registry for `posts` write-ups."""
        return max(12, self.handles[1] + 2, round(posts / self.people_divisor))

    def topic_pool(self, posts: int) -> int:
        """Number of distinct topics for `posts` write-ups."""
        return max(8, self.hashtags[1] + 2, round(posts / self.topics_divisor))


SHAPES = {
    shape.name: shape
    for shape in (
        Shape("default", (3, 10), (2, 6), 5, 10, 3.0, 12, "issue 8's corpus"),
        # Issue 21's independent measurement: more people and topics per write-up, from
        # larger pools, and busier comment threads.
        Shape("dense", (8, 20), (5, 12), 2, 4, 8.0, 30, "more names, tags and comments"),
    )
}
DEFAULT_SHAPE = "default"


def get_shape(name: str) -> Shape:
    """The named shape, or ValueError listing the known ones."""
    try:
        return SHAPES[name]
    except KeyError:
        raise ValueError(f"unknown shape {name!r} (known: {', '.join(SHAPES)})") from None


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


@dataclass
class Corpus:
    """A generated site: Breakout's content tree and the vanilla copy, as relative path → text."""

    posts: int
    seed: int
    shape: str = DEFAULT_SHAPE
    files: dict[str, str] = field(default_factory=dict)
    vanilla: dict[str, str] = field(default_factory=dict)
    writeups: list[str] = field(default_factory=list)
    comment_count: int = 0

    def edit_target(self) -> str:
        """Relative path of the write-up the warm benchmark edits (a stable middle one)."""
        return self.writeups[len(self.writeups) // 2]


def word_count(text: str) -> int:
    """Count whitespace-separated tokens holding a letter or digit (list bullets do not count)."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def slugify(text: str) -> str:
    """Lower-case ASCII slug: runs of anything but letters and digits become one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _zipf_cum_weights(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n, for random.choices(cum_weights=...)."""
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's Poisson sampler (random has none); fine for small means."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _sentence(rng: random.Random, words: int) -> list[str]:
    """Prose tokens for one sentence; the first is capitalised when joined."""
    return rng.choices(WORD_POOL, k=words)


def _join(tokens: Sequence[str], end: str = ".") -> str:
    """Join tokens into a sentence with a capital and closing punctuation."""
    first = tokens[0]
    return " ".join([first[:1].upper() + first[1:], *tokens[1:]]) + end


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


def _event_sizes(rng: random.Random, posts: int, events: int) -> list[int]:
    """Write-ups per event: about posts/events each, jittered, summing to posts."""
    sizes = [posts // events + (1 if i < posts % events else 0) for i in range(events)]
    for _ in range(events):  # move a few write-ups between random pairs of events
        a, b = rng.randrange(events), rng.randrange(events)
        move = min(rng.randint(0, 4), sizes[a] - 1)
        sizes[a] -= move
        sizes[b] += move
    return sizes


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


@dataclass
class _Site:
    """What one write-up's generation may draw on."""

    rng: random.Random
    people: list[Person]
    person_cum: list[float]
    topics: list[str]
    topic_cum: list[float]
    shape: Shape

    def person(self) -> Person:
        """A person drawn by Zipf-like popularity."""
        return self.rng.choices(self.people, cum_weights=self.person_cum)[0]

    def topic(self) -> str:
        """A topic drawn by Zipf-like popularity."""
        return self.rng.choices(self.topics, cum_weights=self.topic_cum)[0]

    def handle_as_written(self, p: Person) -> str:
        """How a writer spells this person's handle: mostly Twitter, sometimes alias/Mastodon."""
        r = self.rng.random()
        if p.aliases and r < 0.2:
            return "@" + p.aliases[0]
        if p.mastodon and r < 0.3:
            return "@" + p.mastodon
        if r > 0.95:  # handles are case-insensitive; writers are not consistent
            return "@" + p.twitter.lower()
        return "@" + p.twitter

    def hashtag_as_written(self, tag: str) -> str:
        """How a writer spells a hashtag: mostly as registered, sometimes capitalised."""
        if self.rng.random() < 0.1:
            return "#" + tag[:1].upper() + tag[1:]
        return "#" + tag


def _insert(rng: random.Random, sentences: list[list[str]], token: str) -> None:
    """Put a token into a random sentence, never first, so no line starts with # or @."""
    sentence = sentences[rng.randrange(len(sentences))]
    sentence.insert(rng.randint(1, len(sentence)), token)


def _prose(rng: random.Random, words: int, low: int = 6, high: int = 18) -> list[list[str]]:
    """Prose of exactly `words` tokens split into sentences of low..high words."""
    tokens = rng.choices(WORD_POOL, k=words)
    sentences: list[list[str]] = []
    i = 0
    while i < words:
        n = rng.randint(low, high)
        if words - (i + n) < low:  # no stub sentence at the end
            n = words - i
        sentences.append(tokens[i : i + n])
        i += n
    return sentences


def _writeup_body(
    site: _Site,
    mentioned: Sequence[Person],
    leaders: Sequence[Person],
    hashtags: Sequence[str],
    internal_link: str,
) -> str:
    """Markdown body of 600–900 words with mentions, hashtags, links, a list, code and an e-mail."""
    rng = site.rng
    target = rng.randint(600, 900)
    # Whole sentences with the fixed features; counted first so prose fills the rest exactly.
    links = [
        f"[{rng.choice(LINK_TEXTS)}](https://{rng.choice(LINK_HOSTS)}/{slugify(rng.choice(SUBJECTS))}/{rng.randint(1, 999)})"
        for _ in range(rng.randint(1, 2))
    ]
    if internal_link:
        links.append(f"[an earlier write-up]({{filename}}/{internal_link})")
    specials = [
        f"You can find {' and '.join(links)} online.",
        f"To join the follow-up list, type {rng.choice(CODE_SPANS).format(h=site.person().twitter)} in the chat.",
        f"Questions to {slugify(site.person().name).replace('-', '.')}@{rng.choice(EMAIL_DOMAINS)} please.",
    ]
    heading = f"## {rng.choice(HEADINGS)}"
    items = [
        f"- {_join(_sentence(rng, rng.randint(3, 9)), end='')}" for _ in range(rng.randint(3, 6))
    ]
    mention_tokens: list[str] = []
    for p in mentioned:
        first = site.handle_as_written(p)
        if p in leaders or rng.random() < 0.3:  # "Name (@handle)" teaches the name
            first = f"{p.name} ({first})"
        mention_tokens.append(first)
        mention_tokens.extend(site.handle_as_written(p) for _ in range(rng.choice((0, 0, 1, 2))))
    tag_tokens = [
        site.hashtag_as_written(t) for t in hashtags for _ in range(rng.choice((1, 1, 2)))
    ]
    fixed = sum(word_count(s) for s in [*specials, heading, *items, *mention_tokens, *tag_tokens])
    sentences = _prose(rng, target - fixed)
    for token in mention_tokens + tag_tokens:
        _insert(rng, sentences, token)
    texts = [_join(s) for s in sentences]
    for special in specials:
        texts.insert(rng.randint(1, len(texts)), special)
    paragraphs: list[str] = []
    i = 0
    while i < len(texts):
        n = rng.randint(2, 6)
        paragraphs.append(" ".join(texts[i : i + n]))
        i += n
    blocks = list(paragraphs)
    blocks.insert(max(1, len(blocks) // 3), heading)
    blocks.insert(max(2, 2 * len(blocks) // 3), "\n".join(items))
    return "\n\n".join(blocks) + "\n"


def _comment_text(site: _Site, earlier: Sequence[str], when: dt.datetime | None) -> str:
    """One comment file: Author, optional Handle/Website/Date/Replyto, short body."""
    rng = site.rng
    lines = []
    if rng.random() < 0.6:
        p = site.person()
        lines += [f"Author: {p.name}", f"Handle: @{p.twitter}"]
    else:
        lines.append(f"Author: {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
    if rng.random() < 0.15:
        lines.append(f"Website: https://{rng.choice(LINK_HOSTS)}/blog/{rng.randint(1, 9999)}")
    if when is not None:
        lines.append(f"Date: {when:%Y-%m-%d %H:%M}")
    if earlier and rng.random() < 0.3:
        lines.append(f"Replyto: {rng.choice(earlier)}")
    sentences = _prose(rng, rng.randint(10, 90), 4, 14)
    if rng.random() < 0.2:
        _insert(rng, sentences, site.handle_as_written(site.person()))
    if rng.random() < 0.1:
        _insert(rng, sentences, site.hashtag_as_written(site.topic()))
    paragraphs, i = [], 0
    while i < len(sentences):
        n = rng.randint(1, 4)
        paragraphs.append(" ".join(_join(s) for s in sentences[i : i + n]))
        i += n
    return "\n".join(lines) + "\n\n" + "\n\n".join(paragraphs) + "\n"


def _dedupe(values: Sequence[str]) -> list[str]:
    """Keep the first of each value, case-insensitively, in order."""
    seen: set[str] = set()
    out = []
    for v in values:
        if v.lower() not in seen:
            seen.add(v.lower())
            out.append(v)
    return out


def generate(posts: int, seed: int = SEED, shape: str = DEFAULT_SHAPE) -> Corpus:
    """Build the whole corpus in memory; same (posts, seed, shape) → same texts."""
    if posts < 1:
        raise ValueError("posts must be at least 1")
    form = get_shape(shape)
    # A string seed is hashed with SHA-512 by random, so it is stable across runs and versions.
    # The default shape keeps issue 8's seed string, so its corpus is the one measured before.
    tail = "" if shape == DEFAULT_SHAPE else f":{shape}"
    rng = random.Random(f"breakout-bench:{seed}:{posts}{tail}")
    people = make_people(rng, form.people_pool(posts))
    topics = make_topics(rng, form.topic_pool(posts))
    events = make_events(rng, max(1, round(posts / 20)))
    site = _Site(
        rng,
        people,
        _zipf_cum_weights(len(people)),
        topics,
        _zipf_cum_weights(len(topics)),
        form,
    )
    corpus = Corpus(posts=posts, seed=seed, shape=shape)
    corpus.files["people.toml"] = people_toml(people)
    corpus.files["events.toml"] = events_toml(events)
    corpus.files["pages/about.md"] = (
        "Title: About\n\nA generated benchmark corpus of unconference write-ups "
        "(bench/corpus.py); every name and address in it is made up.\n"
    )
    index = 0
    for event, size in zip(events, _event_sizes(rng, posts, len(events)), strict=True):
        remaining = size
        titles: set[str] = set()
        while remaining:
            per_session = min(remaining, rng.choices((1, 2, 3), weights=(50, 35, 15))[0])
            remaining -= per_session
            for _ in range(50):  # session titles are unique within an event
                subject = rng.choice(SUBJECTS)
                session = rng.choice(SESSION_TEMPLATES).format(
                    s=subject,
                    S=subject[:1].upper() + subject[1:],
                    c=rng.choice(CONTEXTS),
                    t=rng.choice([x for x in SUBJECTS if x != subject]),
                )
                if session not in titles:
                    break
            else:
                session = f"{session} ({len(titles) + 1})"
            titles.add(session)
            leaders = _dedupe_people([site.person() for _ in range(rng.choice((1, 1, 1, 2)))])
            plain_leader = (
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if rng.random() < 0.25 else ""
            )
            for _ in range(per_session):
                index += 1
                corpus.comment_count += _add_writeup(
                    corpus, site, index, event, session, leaders, plain_leader
                )
    return corpus


def _dedupe_people(people: Sequence[Person]) -> list[Person]:
    """Distinct people in first-seen order."""
    out: list[Person] = []
    for p in people:
        if p not in out:
            out.append(p)
    return out


def _add_writeup(
    corpus: Corpus,
    site: _Site,
    index: int,
    event: Event,
    session: str,
    leaders: Sequence[Person],
    plain_leader: str,
) -> int:
    """Generate one write-up (both trees) and its comments; return the number of comments."""
    rng = site.rng
    title = rng.choice(TITLE_TEMPLATES).format(session=session)
    slug = f"{slugify(title)[:50].strip('-')}-{index}"
    days = rng.choice((0, 0, 1, 1, 2, 3, 5, 7, 10, 14, 21))
    # 08:00–21:59 only: a Europe/London wall time in the 01:00 DST gap would not exist.
    date = dt.datetime.combine(event.date, dt.time(rng.randint(8, 21), rng.randint(0, 59)))
    date += dt.timedelta(days=days)
    relpath = f"writeups/{date.year}/{slug}.md"

    distinct = rng.randint(*site.shape.handles)
    mentioned = _dedupe_people(list(leaders)[:distinct])
    while len(mentioned) < distinct:
        mentioned = _dedupe_people([*mentioned, site.person()])
    rng.shuffle(mentioned)
    n_tags = rng.randint(*site.shape.hashtags)
    hashtags = [event.hashtag] if rng.random() < 0.4 else []
    while len(hashtags) < n_tags:
        hashtags = _dedupe([*hashtags, site.topic()])
    tags = _dedupe([site.topic() for _ in range(rng.choice((0, 1, 1, 2, 2, 3)))])
    internal = (
        corpus.writeups[-rng.randint(1, len(corpus.writeups))]
        if corpus.writeups and rng.random() < 0.3
        else ""
    )
    body = _writeup_body(site, mentioned, leaders, hashtags, internal)

    if rng.random() < 0.7:
        author = site.person().name
    elif rng.random() < 0.7:
        author = "@" + site.person().twitter
    else:
        author = ""
    leader_text = ", ".join(
        [*("@" + p.twitter for p in leaders), *([plain_leader] if plain_leader else [])]
    )
    summary = _join(_sentence(rng, rng.randint(15, 35)))
    feed_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    meta = [f"Title: {title}", f"Date: {date:%Y-%m-%d %H:%M}"]
    if author:
        meta.append(f"Author: {author}")
    meta += [f"Event: {event.slug}", f"Session: {session}", f"Session_leader: {leader_text}"]
    vanilla_meta = list(meta)
    if tags:
        meta.append(f"Tags: {', '.join(tags)}")
    # Vanilla gets one tag per person, topic and event hashtag, so it builds comparable tag pages.
    vanilla_tags = _dedupe([*tags, *(p.twitter for p in [*leaders, *mentioned]), *hashtags])
    vanilla_meta.append(f"Tags: {', '.join(vanilla_tags)}")
    tail = [f"Summary: {summary}", f"Id: urn:uuid:{feed_id}"]
    corpus.files[relpath] = "\n".join([*meta, *tail]) + "\n\n" + body
    corpus.vanilla[relpath] = "\n".join([*vanilla_meta, *tail]) + "\n\n" + body
    corpus.writeups.append(relpath)

    count = min(site.shape.comments_max, _poisson(rng, site.shape.comments_mean))
    when = date
    ids: list[str] = []
    for n in range(1, count + 1):
        cid = f"{n:03d}"
        # Comments come in order, minutes to days apart; 01:xx is skipped because that wall
        # time is missing (or doubled) on Europe/London's DST change days.
        when += dt.timedelta(minutes=rng.choice((rng.randint(5, 600), rng.randint(600, 7200))))
        if when.hour == 1:
            when += dt.timedelta(hours=1)
        dated = when if rng.random() > 0.05 else None  # launch content: dates "when known"
        corpus.files[f"comments/{slug}/{cid}.md"] = _comment_text(site, ids, dated)
        ids.append(cid)
    return count


def write_tree(files: dict[str, str], out: Path) -> None:
    """Write relative path → text under out (which must be absent or empty)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; give a new or empty folder")
    made: set[Path] = set()
    for rel, text in files.items():
        path = out / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(text.encode("utf-8"))


def write_corpus(corpus: Corpus, out: Path, vanilla_out: Path | None = None) -> None:
    """Write Breakout's content tree to out and, if given, the vanilla copy to vanilla_out."""
    write_tree(corpus.files, out)
    if vanilla_out is not None:
        # Vanilla needs the write-ups and pages only: no comment files, no registries.
        pages = {k: v for k, v in corpus.files.items() if k.startswith("pages/")}
        write_tree({**corpus.vanilla, **pages}, vanilla_out)


_EDIT_RE = re.compile(r"(?<= )(revised|amended|[a-z]{4,})(?=[ .])")


def edit_one_word(path: Path) -> str:
    """Change one prose word of a write-up's body (toggling on repeats) and touch its mtime."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n\n")
    m = _EDIT_RE.search(body)
    if m is None:
        raise ValueError(f"{path}: no prose word to edit")
    new = EDIT_WORDS[1] if m.group(1) == EDIT_WORDS[0] else EDIT_WORDS[0]
    path.write_text(head + sep + body[: m.start()] + new + body[m.end() :], encoding="utf-8")
    os.utime(path)  # an editor's save: new content and a new mtime
    return new


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: write a corpus of --posts write-ups into --out (and the vanilla copy if asked)."""
    parser = argparse.ArgumentParser(
        prog="python3 -m bench.corpus", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--posts", type=int, required=True, help="number of write-ups")
    parser.add_argument("--out", type=Path, required=True, help="content folder to create")
    parser.add_argument("--vanilla", type=Path, help="also write the vanilla Pelican copy here")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--shape", choices=tuple(SHAPES), default=DEFAULT_SHAPE, help="corpus shape (default)"
    )
    args = parser.parse_args(argv)
    corpus = generate(args.posts, args.seed, args.shape)
    try:
        write_corpus(corpus, args.out, args.vanilla)
    except FileExistsError as exc:
        print(f"bench.corpus: {exc}", file=sys.stderr)
        return 2
    print(f"{len(corpus.writeups)} write-ups, {corpus.comment_count} comments → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
