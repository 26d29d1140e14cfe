"""build_index: one pass over write-ups and comments into cross-linked people, topics, events, sessions.

Pure: takes article-like objects (attributes or dict keys: title, url, date,
source_path, metadata, tags, authors, comment_list), the registries and the URL
settings; returns a SiteIndex. No Pelican import besides the entity classes.

The jobs: people.py (registry, handles, named persons), naming.py (slug claims and
spellings), linking.py (the pass: event/session, leaders, writers, mentions, tags, each
its own step; comments), ordering.py (finish: names, leaders, every list's order). Each
article and comment is visited once; work per item is proportional to its own mentions
and tags, so the whole build grows with the number of mentions, not people × write-ups.

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

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from breakout_kernel import errors
from breakout_kernel.data import SiteData
from breakout_kernel.handles import fold_name
from breakout_kernel.identity import Identity

from .entities import SiteIndex, WriteupLinks
from .items import get, session_slug
from .linking import Linker
from .naming import Claims
from .ordering import comment_key, finish
from .people import People

__all__ = ["DEFAULTS", "build_index", "session_slug"]

DEFAULTS: dict[str, Any] = {
    "TOP_N": 10,  # length of every "most often" list
    "SENTENCE_CHARS": 300,  # a quoted sentence longer than this is cut at a word
    "NAME_PEOPLE": True,  # writers/leaders/commenters known only by a plain name get a page
    # Names that stand for nobody in particular: many different people sign "Anonymous".
    "ANONYMOUS_NAMES": ("Anonymous", "Anon", "Unknown", "Guest"),
}


def _shown_comments(linker: Linker) -> list[tuple[Any, WriteupLinks]]:
    """Every comment that is not removed, with its write-up, newest first (ordering.comment_key)."""
    comments: list[tuple[tuple[bool, float, str, str], Any, WriteupLinks]] = []
    for links in linker.writeups:
        for comment in get(links.article, "comment_list", None) or []:
            if get(comment, "status", "published") == "removed":
                continue  # a removed comment shows only a placeholder: nobody wrote or is named in it
            comments.append((comment_key(comment, linker.url[id(links.article)]), comment, links))
    comments.sort(key=lambda item: item[0])
    return [(comment, links) for _, comment, links in comments]


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
    opts = {**DEFAULTS, **(options or {})}
    claims = Claims(settings, base, report)
    persons = People(
        settings,
        people,
        identity,
        claims,
        people_path=people_path or os.path.join(str(settings.get("PATH", "")), "people.toml"),
        name_people=bool(opts["NAME_PEOPLE"]),
        anonymous={fold_name(n) for n in opts["ANONYMOUS_NAMES"]},
    )
    linker = Linker(settings, events, identity, persons, claims, int(opts["SENTENCE_CHARS"]))
    for article in linker.order(articles):
        linker.add_article(article)
    for comment, links in _shown_comments(linker):
        linker.add_comment(comment, links)
    return finish(linker, int(opts["TOP_N"]))
