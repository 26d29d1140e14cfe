"""Person, Topic, Event and Session: URLWrappers shaped like Pelican's Tag and Author.

The only Pelican import here is `pelican.urlwrappers` (the contract requires the
entities to be URLWrapper subclasses); nothing here touches a running build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pelican.urlwrappers import URLWrapper


class Entity(URLWrapper):
    """A URLWrapper with an explicit slug and URLs computed once (templates ask for them often)."""

    def __init__(self, name: str, slug: str, settings: Mapping[str, Any]) -> None:
        """Name shown to readers, slug fixed by the index (never re-derived from the name)."""
        super().__init__(name, settings)
        self.slug = slug
        self._urls: dict[str, str] = {}
        self._hash: int | None = None

    def url_fields(self) -> dict[str, str]:
        """The fields the URL settings may use ({slug}, {name}, plus {event} for sessions)."""
        return {"slug": self.slug, "name": self.name}

    def as_dict(self) -> dict[str, Any]:
        """A copy (URLWrapper.as_dict mutates __dict__) holding the URL fields."""
        d = dict(self.__dict__)
        d.update(self.url_fields())
        return d

    def _setting(self, key: str) -> str:
        """PERSON_URL etc. formatted for this entity; "" when the setting is empty (no page)."""
        if key not in self._urls:
            pattern = self.settings.get(f"{type(self).__name__.upper()}_{key}") or ""
            self._urls[key] = str(pattern).format(**self.url_fields()) if pattern else ""
        return self._urls[key]

    @property
    def url(self) -> str:  # type: ignore[override]
        """URL relative to SITEURL, as Pelican's own URLWrappers give it."""
        return self._setting("URL")

    @property
    def save_as(self) -> str:  # type: ignore[override]
        """Output path relative to OUTPUT_PATH; "" means the page is not written."""
        return self._setting("SAVE_AS")

    def key_fields(self) -> tuple[str, ...]:
        """What makes two entities of one kind the same: the slug (plus the event, for sessions)."""
        return (self.slug,)

    def __hash__(self) -> int:
        # Computed once: entities are dict keys all through build_index, and slugs never change.
        if self._hash is None:
            self._hash = hash((type(self).__name__, *self.key_fields()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Entity):
            return type(other) is type(self) and self.key_fields() == other.key_fields()
        return bool(super().__eq__(other))  # a str compares with the slug, as in Pelican

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Entity):
            return (type(self).__name__, *self.key_fields()) < (
                type(other).__name__,
                *other.key_fields(),
            )
        return bool(super().__lt__(other))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.slug!r}>"


class Leader(NamedTuple):
    """A session leader as written in Session_leader, with their person page if known."""

    name: str
    person: Person | None


class Counts(NamedTuple):
    """What the people index shows for each person."""

    writeups: int
    sessions_led: int
    comments: int


class Person(Entity):
    """Someone mentioned, leading a session, writing or commenting."""

    def __init__(self, name: str, slug: str, settings: Mapping[str, Any]) -> None:
        """An empty person; build_index fills the lists."""
        super().__init__(name, slug, settings)
        self.affiliation = ""
        self.profiles: list[tuple[str, str, str]] = []  # (network, handle, url)
        self.links: list[str] = []  # registry `links`, in file order
        self.registered = False  # True when people.toml describes them
        self.sessions_led: list[Session] = []
        self.mentioned_in: list[tuple[Any, str]] = []  # (article, first sentence naming them)
        self.written: list[Any] = []
        self.comments_written: list[Any] = []
        self.comments_mentioning: list[Any] = []
        self.mentioned_in_comments: list[tuple[Any, str]] = []  # (comment, sentence naming them)
        self.events: list[Event] = []
        self.top_topics: list[tuple[Topic, int]] = []
        self.co_mentioned: list[tuple[Person, int]] = []
        self.articles: list[Any] = []
        self.counts = Counts(0, 0, 0)

    @property
    def display_name(self) -> str:
        """The name shown for them (registry name, name learned from text, or @handle)."""
        return self.name


class Topic(Entity):
    """One topic: a #hashtag or Tags entry, case-insensitively."""

    def __init__(self, name: str, slug: str, settings: Mapping[str, Any]) -> None:
        """An empty topic; build_index fills the lists."""
        super().__init__(name, slug, settings)
        self.key = ""
        self.articles: list[Any] = []
        self.comments: list[Any] = []
        self.count = 0  # write-ups plus comments using it
        self.weight = 1  # 1 (rare) .. 5 (common), log scale of count, for the topics index
        self.related: list[tuple[Topic, int]] = []
        self.people: list[tuple[Person, int]] = []
        self.events: list[Event] = []


class Event(Entity):
    """One event of events.toml."""

    def __init__(self, record: Any, settings: Mapping[str, Any]) -> None:
        """The event described by an EventRecord; build_index fills the lists."""
        super().__init__(record.name, record.slug, settings)
        self.record = record
        self.date = record.date
        self.end_date = record.end_date
        self.place = record.place
        self.hashtags = list(record.hashtags)
        self.sessions: list[Session] = []
        self.articles: list[Any] = []
        self.people: list[Person] = []
        self.topics: list[Topic] = []


class Session(Entity):
    """One session of an event, possibly written up by several people."""

    def __init__(self, name: str, slug: str, event: Event, settings: Mapping[str, Any]) -> None:
        """An empty session of `event` keyed by its whole title's slug; build_index fills the lists."""
        super().__init__(name, slug, settings)
        self.key = slug  # identity (breakout_index.slugs.session_key); slug becomes the short one
        self.event = event
        self.leaders: list[Leader] = []
        self.articles: list[Any] = []
        self.people: list[Person] = []
        self.topics: list[Topic] = []
        self.comments: list[Any] = []

    def url_fields(self) -> dict[str, str]:
        """SESSION_URL also has {event}: the event's slug."""
        return {"slug": self.slug, "name": self.name, "event": self.event.slug}

    def set_slug(self, slug: str) -> None:
        """The slug its URLs use (chosen once every session of the event is known)."""
        self.slug = slug
        self._urls.clear()

    def key_fields(self) -> tuple[str, ...]:
        """Two events can each have a session called "Introductions": the event is part of identity."""
        return (self.event.slug, self.key)

    def __repr__(self) -> str:
        return f"<Session {self.event.slug}/{self.slug}>"


@dataclass
class WriteupLinks:
    """What the index knows about one write-up (glue copies it onto the article)."""

    article: Any
    event: Event | None = None
    session: Session | None = None
    leaders: list[Leader] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)  # mentioned, order of first mention
    topics: list[Topic] = field(default_factory=list)  # order of first use: text, then Tags
    writers: list[Person] = field(default_factory=list)  # Author/Authors order
    same_session: list[Any] = field(default_factory=list)  # newest first
    prev_in_event: Any = None
    next_in_event: Any = None


@dataclass
class SiteIndex:
    """Everything the index pages and the feeds need (context["breakout_index"])."""

    people: list[Person]  # by display name, case-folded, leading @ ignored; then slug
    topics: list[Topic]  # by name, case-folded; then slug
    events: list[Event]  # newest first; undated last; then slug
    sessions: list[Session]  # in event order, then by session name within the event
    person_by_slug: dict[str, Person]
    topic_by_slug: dict[str, Topic]
    event_by_slug: dict[str, Event]
    session_by_key: dict[tuple[str, str], Session]  # (event slug, session slug)
    writeups: list[WriteupLinks]  # newest first, like Pelican's `articles`
