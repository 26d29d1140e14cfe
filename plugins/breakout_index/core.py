"""build_index: one pass over write-ups and comments into cross-linked people, topics, events, sessions.

Pure: takes article-like objects (attributes or dict keys: title, url, date,
source_path, metadata, tags, authors, comment_list), the registries and the URL
settings; returns a SiteIndex. No Pelican import besides the entity classes.

Cost: each article and comment is visited once; work per item is proportional
to its own mentions and tags (co-occurrence is counted over each item's small
set), so the whole build grows with the number of mentions, not people × write-ups.

Orders (every list is sorted by a stated, total key, so output is deterministic):
- write-up lists (entity.articles, mentioned_in, written, same_session):
  newest first = date descending, then URL ascending;
- comment lists: newest first = date descending, undated after dated, then
  write-up URL, then comment id;
- prev/next in an event: date ascending, then URL ascending;
- people lists of events and sessions, and the /people/ index: display name
  case-folded with a leading @ ignored, then slug;
- topic lists of events and sessions, and /topics/: name case-folded, then slug;
- events (index, person.events, topic.events): date descending, undated last, then slug;
- event.sessions: session name case-folded, then slug;
- person.sessions_led: event order, then session name;
- top-N lists (top_topics, co_mentioned, related, topic.people): count
  descending, then the entity's own order above;
- article.people: order of first mention; article.topics: order of first use in
  the text, then Tags order; leaders and writers: as written in the metadata;
  session.leaders: every write-up's leaders, oldest write-up first, each once.

Names: a registry name wins; otherwise (people, topics, sessions) the most used
spelling, ties going to the oldest write-up's (comments count after write-ups),
then to the spelling that sorts first. People without a registry name are shown
by the name the text gave (name_hint), else as @handle.

Who counts where: a person "appears in" a write-up they are mentioned in, lead a
session of, or wrote (person.articles, event.people, session.people); "mentioned
together" counts people mentioned or named as leaders in the same write-up or
comment; person.events are the events of the write-ups they appear in (not of
comments); topic.count is write-ups plus comments using it; topic.people and
person.top_topics count write-ups and comments where both appear (for a comment:
its writer and the people it mentions, with its #hashtags).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from breakout_kernel import errors
from breakout_kernel.data import SiteData
from breakout_kernel.handles import NETWORKS, ascii_slug, fold_name, name_slug
from breakout_kernel.identity import Identity, PersonRef

from .entities import Counts, Event, Leader, Person, Session, SiteIndex, Topic, WriteupLinks

DEFAULTS: dict[str, Any] = {
    "TOP_N": 10,  # length of every "most often" list
    "SENTENCE_CHARS": 300,  # a quoted sentence longer than this is cut at a word
    "NAME_PEOPLE": True,  # writers/leaders/commenters known only by a plain name get a page
    # Names that stand for nobody in particular: many different people sign "Anonymous".
    "ANONYMOUS_NAMES": ("Anonymous", "Anon", "Unknown", "Guest"),
}
COLLISION_HINTS = {
    "person": "say in people.toml whether they are one person (one entry) or two (two entries)",
    "topic": "spell them the same way if they are one topic, or differently if they are two",
}
SLUG_MAX = 80  # longer session slugs are cut and given a hash suffix (file names stay short)


def get(obj: Any, name: str, default: Any = None) -> Any:
    """Attribute of an object, or key of a dict: articles and comments may be either."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _timestamp(value: Any) -> float:
    """Seconds for sorting; naive values are read as UTC so fakes and real articles both sort."""
    if isinstance(value, dt.datetime):
        return value.timestamp() if value.tzinfo else value.replace(tzinfo=dt.UTC).timestamp()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp()
    return float("-inf")


def _url(obj: Any) -> str:
    return str(get(obj, "url", "") or get(obj, "slug", "") or "")


def comment_key(comment: Any, article_url: str) -> tuple[bool, float, str, str]:
    """Comments newest first; undated ones after every dated one; then write-up URL and id."""
    date = get(comment, "date")
    return (
        date is None,
        -_timestamp(date) if date is not None else 0.0,
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


def session_slug(title: str) -> str:
    """Slug of a session title; long ones are cut and suffixed with a hash of the whole slug."""
    slug = ascii_slug(title.lstrip("#"))
    if len(slug) <= SLUG_MAX:
        return slug
    digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
    return slug[:SLUG_MAX].rstrip("-_") + "-" + digest


class Spellings:
    """How often each spelling of a name was used, and the earliest item that used it."""

    def __init__(self) -> None:
        self.seen: dict[str, list[Any]] = {}  # spelling -> [count, earliest rank]

    def add(self, form: str, rank: tuple[Any, ...]) -> None:
        """Count one use of `form` by the item of this rank."""
        entry = self.seen.get(form)
        if entry is None:
            self.seen[form] = [1, rank]
        else:
            entry[0] += 1
            entry[1] = min(entry[1], rank)

    def best(self) -> str:
        """The most used spelling; ties go to the earliest item's, then to the spelling itself."""
        if not self.seen:
            return ""
        return min(self.seen.items(), key=lambda kv: (-kv[1][0], kv[1][1], kv[0]))[0]


def _top(counter: Mapping[Any, int], n: int, key: Callable[[Any], Any]) -> list[tuple[Any, int]]:
    """The n largest counts, ties by the entity's own order."""
    return [
        (e, c) for e, c in heapq.nsmallest(n, counter.items(), key=lambda ec: (-ec[1], key(ec[0])))
    ]


def _weight(count: int, most: int) -> int:
    """1..5 on a log scale of count against the largest count (1 when everything is rare)."""
    if most <= 1 or count <= 1:
        return 1
    return 1 + round(4 * math.log(count) / math.log(most))


@dataclass(frozen=True)
class Source:
    """Where an identity was first seen, for error messages (line found lazily)."""

    path: str
    line: int | None = None
    needle: str = ""  # text to find the line by when `line` is None
    what: str = ""  # how it was written, e.g. "@NickKeane" or "Tags: Open Data"


class _Lines:
    """Finds the line of a needle in a source file, reading each file at most once."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def line(self, source: Source) -> int | None:
        if source.line is not None or not source.needle:
            return source.line
        if source.path not in self._files:
            try:
                with open(source.path, encoding="utf-8", errors="replace") as f:
                    self._files[source.path] = [ln.casefold() for ln in f.read().splitlines()]
            except OSError:
                self._files[source.path] = None
        lines = self._files[source.path]
        if lines is None:
            return None
        needle = source.needle.casefold()
        for number, text in enumerate(lines, start=1):
            if needle in text:
                return number
        return None


class _Builder:
    """State of one build_index run."""

    def __init__(
        self,
        settings: Mapping[str, Any],
        people: Mapping[str, Any],
        events: Mapping[str, Any],
        identity: Identity,
        options: Mapping[str, Any],
        people_path: str,
        base: str | None,
        report: Callable[[str, int | None, str], None],
    ) -> None:
        self.settings = settings
        self.registry = people
        self.identity = identity
        self.top_n = int(options["TOP_N"])
        self.sentence_chars = int(options["SENTENCE_CHARS"])
        self.name_people = bool(options["NAME_PEOPLE"])
        self.anonymous = {fold_name(n) for n in options["ANONYMOUS_NAMES"]}
        self.people_path = people_path
        self.base = base
        self.report = report
        self.lines = _Lines()
        self.persons: dict[str, Person] = {}
        self.person_claims: dict[str, tuple[str, Source]] = {}
        self.topics: dict[str, Topic] = {}
        self.topic_claims: dict[str, tuple[str, Source]] = {}
        self.reported: set[tuple[str, ...]] = set()
        self.events = {slug: Event(events[slug], settings) for slug in sorted(events)}
        self.sessions: dict[tuple[str, str], Session] = {}
        # Spellings seen, for names chosen once everything is read.
        self.person_hints: dict[Person, Spellings] = {}
        self.person_handles: dict[Person, dict[tuple[str, str], str]] = {}
        self.person_written_as: dict[Person, Spellings] = {}
        self.topic_forms: dict[Topic, Spellings] = {}
        self.session_forms: dict[Session, Spellings] = {}
        # Co-occurrence counts, built per item over its own small sets.
        self.co_people: dict[Person, Counter[Person]] = {}
        self.person_topics: dict[Person, Counter[Topic]] = {}
        self.topic_people: dict[Topic, Counter[Person]] = {}
        self.topic_topics: dict[Topic, Counter[Topic]] = {}
        self.person_events: dict[Person, set[Event]] = {}
        self.person_sessions: dict[Person, set[Session]] = {}
        self.topic_events: dict[Topic, set[Event]] = {}
        self.event_people: dict[Event, set[Person]] = {}
        self.event_topics: dict[Event, set[Topic]] = {}
        self.session_people: dict[Session, set[Person]] = {}
        self.session_topics: dict[Session, set[Topic]] = {}
        self.person_comments: dict[Person, list[Any]] = {}
        self.writeups: list[WriteupLinks] = []
        # Per article, computed once (Pelican works out article.url on every access).
        self.url: dict[int, str] = {}
        self.chron: dict[int, int] = {}  # position oldest first: date, then URL
        # Rank of the item being read, for "earliest spelling wins ties": write-ups oldest
        # first, then comments oldest first.
        self.rank: tuple[Any, ...] = ()
        self.raw_leaders: dict[int, list[tuple[str, Person | None]]] = {}

    def order(self, articles: Iterable[Any]) -> list[Any]:
        """Remember each article's URL and chronological rank; return them newest first."""
        keyed = []
        for article in articles:
            url = _url(article)
            self.url[id(article)] = url
            keyed.append((_timestamp(get(article, "date")), url, article))
        keyed.sort(key=lambda k: (k[0], k[1]))
        for rank, (_, _, article) in enumerate(keyed):
            self.chron[id(article)] = rank
        keyed.sort(key=lambda k: (-k[0], k[1]))
        return [k[2] for k in keyed]

    def chron_key(self, article: Any) -> int:
        """Sort key: oldest first (date, then URL)."""
        return self.chron[id(article)]

    # -- errors ---------------------------------------------------------------

    def where(self, source: Source) -> str:
        """`path:line` of a source, relative to the content folder's parent when possible."""
        return errors.location(source.path, self.lines.line(source), self.base)

    def collision(self, kind: str, slug: str, first: Source, second: Source) -> None:
        """Report two different identities wanting one page, naming both sources."""
        key = (kind, slug, first.what, second.what)
        if key in self.reported:
            return
        self.reported.add(key)
        url = str(self.settings.get(f"{kind.upper()}_URL") or "{slug}").format(slug=slug)
        self.report(
            second.path,
            self.lines.line(second),
            f"{kind} '{second.what}' and {kind} '{first.what}' ({self.where(first)}) would both "
            f"get the page {url}; {COLLISION_HINTS[kind]}",
        )

    # -- entities --------------------------------------------------------------

    def _claim(
        self, claims: dict[str, tuple[str, Source]], kind: str, slug: str, key: str, source: Source
    ) -> None:
        """First identity to use a slug owns it; a different identity is an error (never a merge)."""
        claim = claims.get(slug)
        if claim is None:
            claims[slug] = (key, source)
        elif claim[0] != key:
            self.collision(kind, slug, claim[1], source)

    def registry_person(self, slug: str) -> Person:
        """The Person of a registry entry (made on first use)."""
        person = self.persons.get(slug)
        if person is not None and person.registered:
            return person
        record = self.registry[slug]
        registry_source = Source(
            self.people_path, needle=f"[people.{slug}]", what=f"[people.{slug}]"
        )
        self._claim(self.person_claims, "person", slug, f"person:{slug}", registry_source)
        if person is None:
            person = self._new_person(slug, record.name)
        person.registered = True
        person.affiliation = record.affiliation
        for network in (*NETWORKS, *sorted(set(record.handles) - set(NETWORKS))):
            for handle in record.handles.get(network, ()):
                person.profiles.append(
                    (network, handle, self.identity.profile_url(network, handle))
                )
        person.links = list(record.links)
        return person

    def _new_person(self, slug: str, name: str) -> Person:
        person = Person(name, slug, self.settings)
        self.persons[slug] = person
        self.person_hints[person] = Spellings()
        self.person_written_as[person] = Spellings()
        self.person_handles[person] = {}
        return person

    def handle_person(self, hid: PersonRef, source: Source) -> Person | None:
        """The Person of a resolved handle; an unregistered handle on a registry slug is a collision."""
        if not hid.slug or not self.identity.is_named(hid.slug):
            return None
        if hid.registered and hid.slug in self.registry:
            person = self.registry_person(hid.slug)
            self.person_written_as[person].add("@" + hid.handle, self.rank)
            return person
        if hid.slug in self.registry:
            self.registry_person(hid.slug)  # the registry owns its slugs
        self._claim(self.person_claims, "person", hid.slug, hid.identity, source)
        person = self.persons.get(hid.slug) or self._new_person(hid.slug, "")
        self.person_handles[person].setdefault((hid.network, hid.handle.casefold()), hid.handle)
        self.person_written_as[person].add("@" + hid.handle, self.rank)
        return person

    def named_person(self, text: str, source: Source) -> Person | None:
        """The Person of an Author / Session_leader / comment author: @handle, registry name or plain name."""
        text = " ".join(text.split())
        if not text:
            return None
        if text.startswith("@"):
            return self.handle_person(self.identity.ref(text), source)
        slugs = self.identity.registry_name(text)
        if len(slugs) == 1:
            return self.registry_person(slugs[0]) if self.identity.is_named(slugs[0]) else None
        if len(slugs) > 1:
            key = ("ambiguous", source.path, text)
            if key not in self.reported:
                self.reported.add(key)
                self.report(
                    source.path,
                    self.lines.line(source),
                    f"'{text}' is the name of more than one person in people.toml "
                    f"({', '.join(slugs)}); write their @handle instead",
                )
            return None
        if not self.name_people or fold_name(text) in self.anonymous:
            return None
        slug = name_slug(text)
        if not slug or not self.identity.is_named(slug):
            return None
        if slug in self.registry:
            self.registry_person(slug)
        self._claim(self.person_claims, "person", slug, f"name:{fold_name(text)}", source)
        person = self.persons.get(slug) or self._new_person(slug, "")
        self.person_written_as[person].add(text, self.rank)
        return person

    def topic(self, key: str, slug: str, written: str, source: Source) -> Topic | None:
        """The Topic of a topic key/slug (a different key on the same slug is a collision)."""
        if not slug:
            where = ("empty-topic", source.path, written)
            if where not in self.reported:
                self.reported.add(where)
                self.report(
                    source.path,
                    self.lines.line(source),
                    f"topic '{written}' has no letters or digits for a page name",
                )
            return None
        self._claim(self.topic_claims, "topic", slug, key, source)
        topic = self.topics.get(slug)
        if topic is None:
            topic = Topic(written, slug, self.settings)
            topic.key = key
            self.topics[slug] = topic
            self.topic_forms[topic] = Spellings()
        self.topic_forms[topic].add(written, self.rank)
        return topic

    # -- the pass --------------------------------------------------------------

    def add_article(self, article: Any) -> None:
        """Everything one write-up says: event, session, leaders, writers, mentions, topics."""
        path = str(get(article, "source_path", "") or self.url[id(article)])
        self.rank = (0, self.chron[id(article)])
        meta = get(article, "metadata", None) or {}
        links = WriteupLinks(article)
        self.writeups.append(links)

        event = self.events.get(
            str(get(article, "event", None) or meta.get("event", "") or "").strip()
        )
        links.event = event
        title = " ".join(
            str(get(article, "session", None) or meta.get("session", "") or "").split()
        )
        session = None
        if event is not None and title:
            slug = session_slug(title)
            if not slug:
                self.report(path, self.lines.line(Source(path, needle="session:")),
                            f"session '{title}' has no letters or digits for a page name")  # fmt: skip
            else:
                session = self.sessions.get((event.slug, slug))
                if session is None:
                    session = Session(title, slug, event, self.settings)
                    self.sessions[(event.slug, slug)] = session
                    self.session_forms[session] = Spellings()
                self.session_forms[session].add(title, self.rank)
        links.session = session

        # Leaders: "@a, Jane Doe" as written; each resolved to a person where possible.
        leader_text = str(
            get(article, "session_leader", None) or meta.get("session_leader", "") or ""
        )
        leaders: list[tuple[str, Person | None]] = []
        for part in leader_text.split(","):
            part = " ".join(part.split())
            if part:
                source = Source(path, needle="session_leader:", what=part)
                leaders.append((part, self.named_person(part, source)))
        self.raw_leaders[id(links)] = leaders

        writers: list[Person] = []
        for author in get(article, "authors", None) or []:
            name = str(get(author, "name", None) or author)
            person = self.named_person(name, Source(path, needle="author:", what=name))
            if person is not None and person not in writers:
                writers.append(person)
        links.writers = writers

        mentioned: dict[Person, str] = {}  # insertion order = order of first mention
        for finding in meta.get("mentions") or []:
            hid = finding.person
            what = "@" + hid.handle
            person = self.handle_person(hid, Source(path, needle=what, what=what))
            if person is None:
                continue
            hint = finding.name_hint.strip()
            if hint:
                self.person_hints[person].add(hint, self.rank)
            if person not in mentioned:
                mentioned[person] = self._sentence(finding.sentence)
        links.people = list(mentioned)

        topics: dict[Topic, None] = {}
        for tid in meta.get("hashtags") or []:
            if tid.kind != "topic":
                continue  # event hashtags link to the event page and never make a topic
            written = tid.tag
            topic = self.topic(
                tid.key, tid.slug, written, Source(path, needle="#" + written, what="#" + written)
            )
            if topic is not None:
                topics.setdefault(topic)
        for tag in get(article, "tags", None) or []:
            written = str(get(tag, "name", None) or tag).strip()
            tid = self.identity.tag(written)
            if tid.kind != "topic":
                continue
            topic = self.topic(
                tid.key, tid.slug, written, Source(path, needle="tags:", what=written)
            )
            if topic is not None:
                topics.setdefault(topic)
        links.topics = list(topics)

        leader_people = [p for _, p in leaders if p is not None]
        everyone: dict[Person, None] = dict.fromkeys([*mentioned, *leader_people, *writers])
        for person, sentence in mentioned.items():
            person.mentioned_in.append((article, sentence))
        for person in writers:
            person.written.append(article)
        for person in everyone:
            person.articles.append(article)
            if event is not None:
                self.person_events.setdefault(person, set()).add(event)
        if session is not None:
            session.articles.append(article)
            for _, person in leaders:
                if person is not None:
                    self.person_sessions.setdefault(person, set()).add(session)
            self.session_people.setdefault(session, set()).update(everyone)
            self.session_topics.setdefault(session, set()).update(topics)
        if event is not None:
            event.articles.append(article)
            self.event_people.setdefault(event, set()).update(everyone)
            self.event_topics.setdefault(event, set()).update(topics)
        for topic in topics:
            topic.articles.append(article)
            if event is not None:
                self.topic_events.setdefault(topic, set()).add(event)
        # "Mentioned together": people named in the text or as leaders of the same write-up.
        self._cooccur(
            list(dict.fromkeys([*mentioned, *leader_people])), list(everyone), list(topics)
        )

    def _cooccur(self, named: list[Person], people: list[Person], topics: list[Topic]) -> None:
        """Count pairs within one item: named people together, people with topics, topics together."""
        for person in named:
            counter = self.co_people.setdefault(person, Counter())
            for other in named:
                if other is not person:
                    counter[other] += 1
        for person in people:
            counter = self.person_topics.setdefault(person, Counter())
            for topic in topics:
                counter[topic] += 1
                self.topic_people.setdefault(topic, Counter())[person] += 1
        for topic in topics:
            counter = self.topic_topics.setdefault(topic, Counter())
            for other in topics:
                if other is not topic:
                    counter[other] += 1

    def _sentence(self, text: str) -> str:
        """The sentence naming someone, cut at a word boundary to SENTENCE_CHARS."""
        joined = " ".join(text.split())
        if joined != text:
            text = joined  # else keep the finding's own string: every page quotes it, one copy
        if len(text) <= self.sentence_chars:
            return text
        cut = text[: self.sentence_chars].rsplit(" ", 1)[0]
        return cut.rstrip(" ,;:") + "…"

    def add_comment(self, comment: Any, links: WriteupLinks) -> None:
        """Who wrote a comment, who and what it mentions, and which session it belongs to."""
        path = str(get(comment, "source_path", "") or self.url[id(links.article)])
        date = get(comment, "date")
        self.rank = (
            1,
            _timestamp(date) if date is not None else float("inf"),
            self.url[id(links.article)],
            str(get(comment, "id", "")),
        )
        writer: Person | None = None
        slug = str(get(comment, "person", "") or "")
        handle = str(get(comment, "handle", "") or "")
        author = str(get(comment, "author", "") or "")
        if slug and slug in self.registry:
            writer = self.registry_person(slug) if self.identity.is_named(slug) else None
        elif handle:
            what = "@" + handle.lstrip("@")
            writer = self.handle_person(
                self.identity.ref(handle), Source(path, needle="handle:", what=what)
            )
        elif author:
            writer = self.named_person(author, Source(path, needle="author:", what=author))
        if writer is not None:
            writer.comments_written.append(comment)
            self.person_comments.setdefault(writer, []).append(comment)
        named: dict[Person, None] = {}
        for finding in get(comment, "mentions", None) or []:
            hid = finding.person
            what = "@" + hid.handle
            person = self.handle_person(hid, Source(path, needle=what, what=what))
            if person is not None and person not in named:
                named[person] = None
                hint = finding.name_hint.strip()
                if hint:
                    self.person_hints[person].add(hint, self.rank)
                person.comments_mentioning.append(comment)
                person.mentioned_in_comments.append((comment, self._sentence(finding.sentence)))
                if person is not writer:
                    self.person_comments.setdefault(person, []).append(comment)
        topics: dict[Topic, None] = {}
        for tid in get(comment, "hashtags", None) or []:
            if tid.kind != "topic":
                continue
            written = tid.tag
            topic = self.topic(
                tid.key, tid.slug, written, Source(path, needle="#" + written, what="#" + written)
            )
            if topic is not None and topic not in topics:
                topics[topic] = None
                topic.comments.append(comment)
                if links.event is not None:
                    self.topic_events.setdefault(topic, set()).add(links.event)
        if links.session is not None:
            links.session.comments.append(comment)
        people = list(dict.fromkeys([*([writer] if writer else []), *named]))
        self._cooccur(list(named), people, list(topics))

    # -- finishing ---------------------------------------------------------------

    def finish(self) -> SiteIndex:
        """Choose names, build leaders, sort and cut every list, and make the SiteIndex."""
        n = self.top_n
        for person in self.persons.values():
            if not person.name:
                # Registry name first (set on creation), then a name the text gave, then @handle.
                hints, written = self.person_hints[person], self.person_written_as[person]
                first_handle = "@" + person.profiles[0][1] if person.profiles else ""
                person.name = hints.best() or written.best() or first_handle or person.slug
            if not person.registered:
                person.profiles = [
                    (network, handle, self.identity.profile_url(network, handle))
                    for (network, _), handle in self.person_handles[person].items()
                ]
        for topic, forms in self.topic_forms.items():
            topic.name = forms.best()
        for session, forms in self.session_forms.items():
            session.name = forms.best()

        def leader(name: str, person: Person | None) -> Leader:
            # "@nickkeane" is shown as the person's name; a plain name as written.
            return Leader(
                person.display_name if person is not None and name.startswith("@") else name, person
            )

        for links in self.writeups:
            links.leaders = [leader(name, person) for name, person in self.raw_leaders[id(links)]]
        links_of = {id(links.article): links for links in self.writeups}
        for session in self.sessions.values():
            # Leaders of every write-up of the session, oldest write-up first, each person once.
            found: dict[tuple[str, str], Leader] = {}
            for article in sorted(session.articles, key=self.chron_key):
                for one in links_of[id(article)].leaders:
                    key = (
                        ("person", one.person.slug) if one.person else ("name", fold_name(one.name))
                    )
                    found.setdefault(key, one)
            session.leaders = list(found.values())
            session.people = sorted(self.session_people.get(session, ()), key=person_sort_key)
            session.topics = sorted(self.session_topics.get(session, ()), key=topic_sort_key)

        events = sorted(self.events.values(), key=event_sort_key)
        event_rank = {event: i for i, event in enumerate(events)}

        def session_key(session: Session) -> tuple[str, str]:
            return (session.name.casefold(), session.slug)

        by_event_slug: dict[str, list[Session]] = {}
        for session in self.sessions.values():
            by_event_slug.setdefault(session.event.slug, []).append(session)
        for event in events:
            event.sessions = sorted(by_event_slug.get(event.slug, ()), key=session_key)
            event.people = sorted(self.event_people.get(event, ()), key=person_sort_key)
            event.topics = sorted(self.event_topics.get(event, ()), key=topic_sort_key)
            chronological = sorted(event.articles, key=self.chron_key)
            for i, article in enumerate(chronological):
                links = links_of[id(article)]
                links.prev_in_event = chronological[i - 1] if i > 0 else None
                links.next_in_event = chronological[i + 1] if i + 1 < len(chronological) else None
        for links in self.writeups:
            if links.session is not None:
                links.same_session = [a for a in links.session.articles if a is not links.article]

        def by_event(session: Session) -> tuple[int, str, str]:
            return (event_rank[session.event], *session_key(session))

        for person in self.persons.values():
            person.sessions_led = sorted(self.person_sessions.get(person, ()), key=by_event)
            person.events = sorted(self.person_events.get(person, ()), key=event_rank.__getitem__)
            person.top_topics = _top(self.person_topics.get(person, {}), n, topic_sort_key)
            person.co_mentioned = _top(self.co_people.get(person, {}), n, person_sort_key)
            person.counts = Counts(
                writeups=len(person.articles),
                sessions_led=len(person.sessions_led),
                comments=len(self.person_comments.get(person, ())),
            )
        for topic in self.topics.values():
            topic.count = len(topic.articles) + len(topic.comments)
        most = max((t.count for t in self.topics.values()), default=1)
        for topic in self.topics.values():
            topic.weight = _weight(topic.count, most)
            topic.related = _top(self.topic_topics.get(topic, {}), n, topic_sort_key)
            topic.people = _top(self.topic_people.get(topic, {}), n, person_sort_key)
            topic.events = sorted(self.topic_events.get(topic, ()), key=event_rank.__getitem__)

        sessions = sorted(self.sessions.values(), key=by_event)
        people = sorted(self.persons.values(), key=person_sort_key)
        topics = sorted(self.topics.values(), key=topic_sort_key)
        return SiteIndex(
            people=people,
            topics=topics,
            events=events,
            sessions=sessions,
            person_by_slug={p.slug: p for p in people},
            topic_by_slug={t.slug: t for t in topics},
            event_by_slug={e.slug: e for e in events},
            session_by_key={(s.event.slug, s.slug): s for s in sessions},
            writeups=self.writeups,
        )


def build_index(
    articles: Iterable[Any],
    *,
    settings: Mapping[str, Any],
    people: Mapping[str, Any] | None = None,
    events: Mapping[str, Any] | None = None,
    identity: Identity | None = None,
    options: Mapping[str, Any] | None = None,
    people_path: str = "",
    base: str | None = None,
    report: Callable[[str, int | None, str], None] = errors.report,
) -> SiteIndex:
    """Index write-ups (with their comment_list) against the people and events registries."""
    people = people or {}
    events = events or {}
    identity = identity or Identity.from_settings(settings, SiteData(people, events))
    builder = _Builder(
        settings,
        people,
        events,
        identity,
        {**DEFAULTS, **(options or {})},
        people_path or os.path.join(str(settings.get("PATH", "")), "people.toml"),
        base,
        report,
    )
    for article in builder.order(articles):
        builder.add_article(article)
    comments: list[tuple[tuple[bool, float, str, str], Any, WriteupLinks]] = []
    for links in builder.writeups:
        for comment in get(links.article, "comment_list", None) or []:
            if get(comment, "status", "published") == "removed":
                continue  # a removed comment shows only a placeholder: nobody wrote or is named in it
            key = comment_key(comment, builder.url[id(links.article)])
            comments.append((key, comment, links))
    comments.sort(key=lambda item: item[0])
    for _, comment, links in comments:
        builder.add_comment(comment, links)
    return builder.finish()
