"""Page fingerprints: digests of exactly what a page shows, from plain values (no Pelican import).

A fingerprint is the digest of a tuple of primitives (str, int, float, bool, None and
tuples of them): repr() of such a tuple is deterministic, so its digest is too. Objects
are reduced to the fields templates show (see the `*_FIELDS` notes below and the guard
test in tests/test_memo_templates.py, which fails when a template starts reading an
attribute that no fingerprint covers).

Write-ups and comments are listed on many pages, so their tokens are computed once per
build (Tokens) and pages hold the tokens' short digests, not the objects' fields again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from breakout_kernel.change.hashing import digest, metadata_token, stable, text_digest


def iso(value: Any) -> str:
    """ISO form of a date or datetime, '' when missing (templates show `.isoformat()`)."""
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else ""


def ref(entity: Any) -> tuple[str, str, str, str] | None:
    """A link to a person, topic, event or session page: what `link(entity)` shows, plus its slug.

    The slug is there because feed links and sitemap entries are made from it.
    """
    if entity is None:
        return None
    name = getattr(entity, "display_name", None) or getattr(entity, "name", "")
    return (type(entity).__name__, str(getattr(entity, "slug", "")), str(entity.url), str(name))


def _author_name(article: Any) -> str:
    """The Author name a template falls back to ('' when none)."""
    author = getattr(article, "author", None)
    return str(getattr(author, "name", "") or "") if author else ""


class Tokens:
    """Per-build digests of write-ups and comments as lists show them, each computed once.

    Keyed by id(): the objects live for the whole build (and are kept here, so an id is
    never reused for another object while this holds it).
    """

    def __init__(self) -> None:
        """Empty memo tables."""
        self._card: dict[int, tuple[Any, str]] = {}
        self._entry: dict[int, tuple[Any, str]] = {}
        self._comment: dict[int, tuple[Any, str]] = {}
        self._link: dict[int, tuple[Any, tuple[str, Any]]] = {}
        self._ref: dict[int, tuple[Any, Any]] = {}

    def ref(self, entity: Any) -> tuple[str, str, str, str] | None:
        """ref() of an entity, computed once (an entity is linked from many pages)."""
        if entity is None:
            return None
        hit = self._ref.get(id(entity))
        if hit is None:
            hit = self._ref[id(entity)] = (entity, ref(entity))
        return hit[1]  # type: ignore[no-any-return]

    def refs(self, entities: Iterable[Any]) -> tuple[Any, ...]:
        """ref() of each entity, in order."""
        return tuple([self.ref(e) for e in entities])

    def counted(self, pairs: Iterable[tuple[Any, int]]) -> tuple[Any, ...]:
        """(entity, count) pairs of the 'most often' lists as (ref, count)."""
        return tuple([(self.ref(e), n) for e, n in pairs])

    def leaders(self, items: Iterable[Any]) -> tuple[Any, ...]:
        """Session leaders as shown: the name as written, linked to their page when they have one."""
        return tuple([(str(leader.name), self.ref(leader.person)) for leader in items])

    def link(self, article: Any) -> tuple[str, Any]:
        """(url, title) of a write-up: Pelican computes Content.url afresh on every access."""
        hit = self._link.get(id(article))
        if hit is None:
            hit = self._link[id(article)] = (article, (str(article.url), stable(article.title)))
        return hit[1]

    def excerpt(self, article: Any) -> str:
        """A write-up's summary as the home page's cards show it (Pelican memoises it per article)."""
        return str(getattr(article, "summary", "") or "")

    def card(self, article: Any) -> str:
        """A write-up as partials/writeup.html's writeup_card shows it (without the excerpt).

        CARD_FIELDS: url, title, date, locale_date, event_obj / event, session_obj /
        session, comment_count.
        """
        hit = self._card.get(id(article))
        if hit is None:
            token = (
                self.link(article),
                iso(article.date),
                str(getattr(article, "locale_date", "")),
                self.ref(getattr(article, "event_obj", None)),
                self.ref(getattr(article, "session_obj", None)),
                stable(getattr(article, "event", None), strict=False),
                stable(getattr(article, "session", None), strict=False),
                getattr(article, "comment_count", None),
            )
            hit = self._card[id(article)] = (article, digest(token))
        return hit[1]

    def entry(self, article: Any) -> str:
        """A write-up as entity_macros.html's writeup_entry shows it.

        ENTRY_FIELDS: url, title, date, locale_date, writers (else author name), event_obj.
        """
        hit = self._entry.get(id(article))
        if hit is None:
            token = (
                self.link(article),
                iso(article.date),
                str(getattr(article, "locale_date", "")),
                self.refs(getattr(article, "writers", None) or ()),
                _author_name(article),
                self.ref(getattr(article, "event_obj", None)),
            )
            hit = self._entry[id(article)] = (article, digest(token))
        return hit[1]

    def comment(self, comment: Any) -> str:
        """A comment as the write-up page and the index lists show it.

        COMMENT_FIELDS: id, depth, status (removed), anchor, url, author, handle, website,
        person_url, date, locale_date, duplicates, body_html, and its write-up's title.
        """
        hit = self._comment.get(id(comment))
        if hit is None:
            article = getattr(comment, "article", None)
            token = (
                str(comment.id),
                int(getattr(comment, "depth", 0)),
                str(getattr(comment, "status", "")),
                str(getattr(comment, "anchor", "")),
                str(getattr(comment, "url", "")),
                str(comment.author),
                str(getattr(comment, "handle", "")),
                str(getattr(comment, "website", "")),
                str(getattr(comment, "person_url", "") or ""),
                iso(getattr(comment, "date", None)),
                str(getattr(comment, "locale_date", "")),
                tuple(str(d) for d in getattr(comment, "duplicates", ()) or ()),
                text_digest(getattr(comment, "body_html", "")),
                self.link(article)[1] if article is not None else None,
            )
            hit = self._comment[id(comment)] = (comment, digest(token))
        return hit[1]


def article_page(article: Any, tokens: Tokens) -> str:
    """Fingerprint of a write-up page (theme/templates/article.html and what it includes).

    Covers the write-up's HTML (links already resolved for this page's SITEURL), its
    whole metadata (title, date, summary, author, tags, event, session, leaders as
    written, findings…), what breakout_index attaches, and its comments. Settings,
    templates, the menu and data files are in the build's global stamp instead.
    Raises Unstable when the metadata holds an object with no stable form.
    """
    prev = getattr(article, "prev_in_event", None)
    nxt = getattr(article, "next_in_event", None)
    translations = getattr(article, "translations", None) or ()
    token = (
        text_digest(article.content),
        metadata_token(article.metadata),  # findings by the digests the reader stamped
        tokens.link(article),
        str(getattr(article, "slug", "")),
        str(getattr(article, "status", "")),
        str(getattr(article, "lang", "")),
        str(getattr(article, "locale_date", "")),
        tuple((str(t.lang), str(t.url)) for t in translations),
        # breakout_index
        tokens.ref(getattr(article, "event_obj", None)),
        tokens.ref(getattr(article, "session_obj", None)),
        tokens.leaders(getattr(article, "leaders", None) or ()),
        tokens.refs(getattr(article, "people", None) or ()),
        tokens.refs(getattr(article, "topics", None) or ()),
        tokens.refs(getattr(article, "writers", None) or ()),
        tuple(tokens.card(a) for a in getattr(article, "same_session", None) or ()),
        tokens.link(prev) if prev is not None else None,
        tokens.link(nxt) if nxt is not None else None,
        # breakout_comments
        bool(getattr(article, "comments_closed", False)),
        getattr(article, "comment_count", None),
        tuple(tokens.comment(c) for c in getattr(article, "comment_list", None) or ()),
        # the comment form: where it posts and the limits it shows
        form.token() if (form := getattr(article, "comment_form", None)) is not None else None,
    )
    return digest(token)


def listing_page(local: Mapping[str, Any], tokens: Tokens) -> str:
    """Fingerprint of one page of the home page listing (theme/templates/index.html).

    Its pager shows the page number, the number of pages and the neighbours' URLs; each
    write-up shows as a card with its summary. Unpaginated, it lists every write-up.
    """
    page = local.get("articles_page")
    previous = local.get("articles_previous_page")
    following = local.get("articles_next_page")
    shown = page.object_list if page else local.get("articles") or ()
    token = (
        page.number if page else None,
        page.paginator.num_pages if page else None,
        str(previous.url) if previous else None,
        str(following.url) if following else None,
        tuple((tokens.card(a), tokens.excerpt(a)) for a in shown),
    )
    return digest(token)


def archives_page(local: Mapping[str, Any], tokens: Tokens) -> str:
    """Fingerprint of the archives (theme/templates/archives.html): every write-up's date, link and event."""
    return digest(tuple(tokens.card(a) for a in local.get("dates") or ()))


def period_archives_page(local: Mapping[str, Any], tokens: Tokens) -> str:
    """Fingerprint of a year's archive (theme/templates/period_archives.html): the year and its cards."""
    return digest((tuple(local.get("period") or ()), archives_page(local, tokens)))
