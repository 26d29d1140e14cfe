"""The linking pass: each write-up and comment tied to its event, session, leaders, writers,
mentions and topics, one step each, with the co-occurrence counts of each item (pure).

Work per item is proportional to its own mentions and tags (co-occurrence is counted over
each item's small set), so the pass grows with the number of mentions, not people ×
write-ups. Who counts where is stated in core.py's docstring.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from breakout_kernel import data, errors
from breakout_kernel.identity import Identity

from . import slugs
from .entities import Event, Person, Session, Topic, WriteupLinks
from .items import get, item_url, timestamp
from .naming import Claims, Source, Spellings
from .people import People
from .quotes import quote


class Linker:
    """Everything one build_index run has linked so far (ordering.finish reads it)."""

    def __init__(
        self,
        settings: Mapping[str, Any],
        events: Mapping[str, Any],
        identity: Identity,
        people: People,
        claims: Claims,
        sentence_chars: int,
    ) -> None:
        """Link against these events, people and identity rules."""
        self.settings = settings
        self.identity = identity
        self.people = people
        self.claims = claims
        self.sentence_chars = sentence_chars
        self.topics: dict[str, Topic] = {}
        self.events = {slug: Event(events[slug], settings) for slug in sorted(events)}
        self.sessions: dict[tuple[str, str], Session] = {}
        self.topic_forms: dict[Topic, Spellings] = {}
        self.session_forms: dict[Session, Spellings] = {}
        # Co-occurrence counts, built per item over its own small sets. defaultdicts: a
        # table's counter, set or list is made on first use (setdefault made one per call).
        self.co_people: defaultdict[Person, Counter[Person]] = defaultdict(Counter)
        self.topic_people: defaultdict[Topic, Counter[Person]] = defaultdict(Counter)
        self.topic_topics: defaultdict[Topic, Counter[Topic]] = defaultdict(Counter)
        self.person_events: defaultdict[Person, set[Event]] = defaultdict(set)
        self.person_sessions: defaultdict[Person, set[Session]] = defaultdict(set)
        self.topic_events: defaultdict[Topic, set[Event]] = defaultdict(set)
        self.event_people: defaultdict[Event, set[Person]] = defaultdict(set)
        self.event_topics: defaultdict[Event, set[Topic]] = defaultdict(set)
        self.session_people: defaultdict[Session, set[Person]] = defaultdict(set)
        self.session_topics: defaultdict[Session, set[Topic]] = defaultdict(set)
        self.person_comments: defaultdict[Person, list[Any]] = defaultdict(list)
        self.writeups: list[WriteupLinks] = []
        # Per article, computed once (Pelican works out article.url on every access).
        self.url: dict[int, str] = {}
        self.chron: dict[int, int] = {}  # position oldest first: date, then URL
        self.raw_leaders: dict[int, list[tuple[str, Person | None]]] = {}

    def order(self, articles: Iterable[Any]) -> list[Any]:
        """Remember each article's URL and chronological rank; return them newest first."""
        keyed = []
        for article in articles:
            url = item_url(article)
            self.url[id(article)] = url
            keyed.append((timestamp(get(article, "date")), url, article))
        keyed.sort(key=lambda k: (k[0], k[1]))
        for rank, (_, _, article) in enumerate(keyed):
            self.chron[id(article)] = rank
        keyed.sort(key=lambda k: (-k[0], k[1]))
        return [k[2] for k in keyed]

    def chron_key(self, article: Any) -> int:
        """Sort key: oldest first (date, then URL)."""
        return self.chron[id(article)]

    # -- topics ----------------------------------------------------------------

    def topic(self, key: str, slug: str, written: str, source: Source) -> Topic | None:
        """The Topic of a topic key/slug (a different key on the same slug is a collision)."""
        if not slug:
            self.claims.once(
                ("empty-topic", source.path, written),
                source,
                f"topic '{written}' has no letters or digits for a page name",
            )
            return None
        self.claims.claim("topic", slug, key, source)
        topic = self.topics.get(slug)
        if topic is None:
            topic = Topic(written, slug, self.settings)
            topic.key = key
            self.topics[slug] = topic
            self.topic_forms[topic] = Spellings()
        self.topic_forms[topic].add(written, self.people.rank)
        return topic

    def hashtag_topics(self, hashtags: Iterable[Any], path: str) -> dict[Topic, None]:
        """Topics of the #hashtags found in a text (event hashtags make none), first use first."""
        topics: dict[Topic, None] = {}
        for tag in hashtags:
            if tag.kind != "topic":
                continue  # event hashtags link to the event page and never make a topic
            what = "#" + tag.tag
            topic = self.topic(tag.key, tag.slug, tag.tag, Source(path, needle=what, what=what))
            if topic is not None:
                topics.setdefault(topic)
        return topics

    # -- one write-up, step by step ------------------------------------------------

    def add_article(self, article: Any) -> None:
        """Everything one write-up says: event, session, leaders, writers, mentions, topics."""
        path = str(get(article, "source_path", "") or self.url[id(article)])
        self.people.rank = (0, self.chron[id(article)])
        meta = get(article, "metadata", None) or {}
        links = WriteupLinks(article)
        self.writeups.append(links)
        links.event = self.events.get(
            str(get(article, "event", None) or meta.get("event", "") or "").strip()
        )
        links.session = self.link_session(article, meta, links.event, path)
        leaders = self.link_leaders(article, meta, path)
        self.raw_leaders[id(links)] = leaders
        links.writers = self.link_writers(article, path)
        mentioned = self.link_mentions(meta.get("mentions") or [], path)
        links.people = list(mentioned)
        topics = self.hashtag_topics(meta.get("hashtags") or [], path)
        topics.update(self.link_tags(article, path, links.event))
        links.topics = list(topics)
        self.count_article(links, leaders, mentioned)

    def link_session(
        self, article: Any, meta: Mapping[str, Any], event: Event | None, path: str
    ) -> Session | None:
        """The write-up's session (made on first use), counting how its title was spelt."""
        title = " ".join(
            str(get(article, "session", None) or meta.get("session", "") or "").split()
        )
        if event is None or not title:
            return None
        slug = slugs.session_key(title)  # the identity; ordering gives the short URL slug
        if not slug:
            self.claims.report(path, self.claims.lines.line(Source(path, needle="session:")),
                               f"session '{title}' has no letters or digits for a page name")  # fmt: skip
            return None
        session = self.sessions.get((event.slug, slug))
        if session is None:
            session = Session(title, slug, event, self.settings)
            self.sessions[(event.slug, slug)] = session
            self.session_forms[session] = Spellings()
        self.session_forms[session].add(title, self.people.rank)
        return session

    def link_leaders(
        self, article: Any, meta: Mapping[str, Any], path: str
    ) -> list[tuple[str, Person | None]]:
        """Session_leader "@a, Jane Doe" as written, each resolved to a person where possible."""
        text = str(get(article, "session_leader", None) or meta.get("session_leader", "") or "")
        leaders: list[tuple[str, Person | None]] = []
        for part in text.split(","):
            part = " ".join(part.split())
            if part:
                source = Source(path, needle="session_leader:", what=part)
                leaders.append((part, self.people.by_name(part, source)))
        return leaders

    def link_writers(self, article: Any, path: str) -> list[Person]:
        """The write-up's Author/Authors as people, each once."""
        writers: list[Person] = []
        for author in get(article, "authors", None) or []:
            name = str(get(author, "name", None) or author)
            person = self.people.by_name(name, Source(path, needle="author:", what=name))
            if person is not None and person not in writers:
                writers.append(person)
        return writers

    def link_mentions(self, mentions: Iterable[Any], path: str) -> dict[Person, str]:
        """People mentioned in the text, in order of first mention, with that mention's sentence."""
        mentioned: dict[Person, str] = {}
        for mention in mentions:
            what = "@" + mention.person.handle
            person = self.people.by_handle(mention.person, Source(path, needle=what, what=what))
            if person is None:
                continue
            self.people.hint(person, mention.name_hint)
            if person not in mentioned:
                mentioned[person] = self.sentence(mention.sentence)
        return mentioned

    def link_tags(self, article: Any, path: str, event: Event | None) -> dict[Topic, None]:
        """Topics of the Tags metadata (an event's hashtag given as a tag makes none)."""
        topics: dict[Topic, None] = {}
        for tag in get(article, "tags", None) or []:
            written = str(get(tag, "name", None) or tag).strip()
            ref = self.identity.tag(written)
            if ref.kind != "topic":
                if event is None or ref.slug != event.slug:
                    self.event_tag_as_topic(ref.slug, written, Source(path, needle="tags:"))
                continue
            topic = self.topic(
                ref.key, ref.slug, written, Source(path, needle="tags:", what=written)
            )
            if topic is not None:
                topics.setdefault(topic)
        return topics

    def event_tag_as_topic(self, event_slug: str, written: str, source: Source) -> None:
        """Warn once per event hashtag that a write-up of another event tags as a topic.

        The event wins (events.toml says so on purpose, and links must not depend on which
        write-ups exist); the warning names both places so the editor can decide.
        """
        key = ("event-tag", event_slug, written.casefold())
        if key in self.claims.reported:
            return
        self.claims.reported.add(key)
        events_path = data.data_paths(self.settings)[1]
        line = self.claims.lines.line(Source(events_path, needle=f"[events.{event_slug}]"))
        tag = written.casefold()
        errors.warn(
            events_path,
            line,
            f"[events.{event_slug}] hashtag '{tag}' is also a topic ({self.claims.where(source)}"
            f": Tags: {written}); the event wins: #{tag} and Tags: {tag} link to the event on "
            "every page. If it is a topic, remove it from the event's hashtags",
        )

    def count_article(
        self,
        links: WriteupLinks,
        leaders: list[tuple[str, Person | None]],
        mentioned: dict[Person, str],
    ) -> None:
        """Add the write-up to the lists of its people, session, event and topics."""
        article, event, session = links.article, links.event, links.session
        topics = links.topics
        leader_people = [p for _, p in leaders if p is not None]
        everyone: dict[Person, None] = dict.fromkeys([*mentioned, *leader_people, *links.writers])
        for person, sentence in mentioned.items():
            person.mentioned_in.append((article, sentence))
        for person in links.writers:
            person.written.append(article)
        for person in everyone:
            person.articles.append(article)
            if event is not None:
                self.person_events[person].add(event)
        if session is not None:
            session.articles.append(article)
            for person in leader_people:
                self.person_sessions[person].add(session)
            self.session_people[session].update(everyone)
            self.session_topics[session].update(topics)
        if event is not None:
            event.articles.append(article)
            self.event_people[event].update(everyone)
            self.event_topics[event].update(topics)
        for topic in topics:
            topic.articles.append(article)
            if event is not None:
                self.topic_events[topic].add(event)
        # "Mentioned together": people named in the text or as leaders of the same write-up.
        self.cooccur(
            list(dict.fromkeys([*mentioned, *leader_people])), list(everyone), list(topics)
        )

    # -- one comment --------------------------------------------------------------

    def add_comment(self, comment: Any, links: WriteupLinks) -> None:
        """Who wrote a comment, who and what it mentions, and which session it belongs to."""
        path = str(get(comment, "source_path", "") or self.url[id(links.article)])
        date = get(comment, "date")
        self.people.rank = (
            1,
            timestamp(date) if date is not None else float("inf"),
            self.url[id(links.article)],
            str(get(comment, "id", "")),
        )
        writer = self.comment_writer(comment, path)
        if writer is not None:
            writer.comments_written.append(comment)
            self.person_comments[writer].append(comment)
        named = self.comment_mentions(comment, writer, path)
        topics = self.hashtag_topics(get(comment, "hashtags", None) or [], path)
        for topic in topics:
            topic.comments.append(comment)
            if links.event is not None:
                self.topic_events[topic].add(links.event)
        if links.session is not None:
            links.session.comments.append(comment)
        people = list(dict.fromkeys([*([writer] if writer else []), *named]))
        self.cooccur(list(named), people, list(topics))

    def comment_writer(self, comment: Any, path: str) -> Person | None:
        """The comment's writer: its person (the identity service's answer), Handle or Author."""
        slug = str(get(comment, "person", "") or "")
        handle = str(get(comment, "handle", "") or "")
        author = str(get(comment, "author", "") or "")
        if slug and slug in self.people.registry:
            return self.people.named_registry_person(slug)
        if handle:
            what = "@" + handle.lstrip("@")
            source = Source(path, needle="handle:", what=what)
            return self.people.by_handle(self.identity.ref(handle), source)
        if author:
            return self.people.by_name(author, Source(path, needle="author:", what=author))
        return None

    def comment_mentions(
        self, comment: Any, writer: Person | None, path: str
    ) -> dict[Person, None]:
        """People a comment mentions, each once, with the sentence that names them."""
        named: dict[Person, None] = {}
        for mention in get(comment, "mentions", None) or []:
            what = "@" + mention.person.handle
            person = self.people.by_handle(mention.person, Source(path, needle=what, what=what))
            if person is None or person in named:
                continue
            named[person] = None
            self.people.hint(person, mention.name_hint)
            person.comments_mentioning.append(comment)
            person.mentioned_in_comments.append((comment, self.sentence(mention.sentence)))
            if person is not writer:
                self.person_comments[person].append(comment)
        return named

    # -- counting -------------------------------------------------------------------

    def cooccur(self, named: list[Person], people: list[Person], topics: list[Topic]) -> None:
        """Count pairs within one item: named people together, people with topics, topics together."""
        if len(named) > 1:
            for person in named:
                self.co_people[person].update([other for other in named if other is not person])
        if people:
            # Each person-topic pair is counted once, here; person_topics reads it the other way.
            for topic in topics:
                self.topic_people[topic].update(people)
        if len(topics) > 1:
            for topic in topics:
                self.topic_topics[topic].update([other for other in topics if other is not topic])

    def person_topics(self) -> dict[Person, dict[Topic, int]]:
        """How often each person appears with each topic: topic_people, person by person."""
        counts: dict[Person, dict[Topic, int]] = {}
        for topic, people in self.topic_people.items():
            for person, count in people.items():
                mine = counts.get(person)
                if mine is None:
                    mine = counts[person] = {}
                mine[topic] = count
        return counts

    def sentence(self, text: str) -> str:
        """The sentence naming someone, cut at a word boundary to SENTENCE_CHARS."""
        return quote(text, self.sentence_chars)
