"""Decide every feed of a site from duck-typed write-ups, comments and index entities.

Each write-up and comment becomes one Item per build: cheap facts (id, dates, a fingerprint
of everything its entry is made from) at once, and its entry (absolute, XML-safe HTML,
summary, categories) only when a feed that holds it is rendered, then shared by all such
feeds. A FeedPlan is one feed (its files): its meta and chosen items; their fingerprints
let the glue skip rendering a file whose inputs did not change since the last build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from breakout_kernel.change.hashing import parts_digest

from .entries import KINDS, MEDIA_TYPES, Kind, clean_entry, compact, sort_entries
from .ids import comment_id
from .model import EPOCH, Category, CleanEntry, FeedEntry, FeedMeta
from .paths import FeedPaths
from .text import absolute_html, fragment_text, html_to_text, truncate_words

ENTITY_DESCRIPTIONS = {
    "person": "Write-ups that mention {name}, or that {name} led or wrote",
    "topic": "Write-ups about {name}",
    "event": "Write-ups from {name}",
}
ENTITY_LISTS = {"person": "people", "topic": "topics", "event": "events"}


def article_html(article: Any) -> str:
    """A write-up's HTML linked against SITEURL (Pelican memoises it per site URL).

    Not `article.content`: with RELATIVE_URLS its site URL is the last page's, relative.
    """
    made = getattr(article, "get_content", None)
    if made is None:  # not a Pelican Content object: its content is all there is
        return str(article.content)
    siteurl = str((getattr(article, "settings", None) or {}).get("SITEURL") or "")
    return str(made(siteurl))


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """Site-wide facts every feed needs."""

    url: str  # absolute, no trailing slash
    name: str
    description: str = ""
    language: str = "en"
    topics_url: str = ""  # absolute URL of the topics index: the categories' scheme
    timezone: dt.tzinfo = dt.UTC  # for naive dates (Pelican's are aware already)
    full_text_limit: int = 1_000_000  # longer write-up HTML: summary and link in feeds


@dataclass(frozen=True, slots=True)
class Writeup:
    """One published write-up with the id the ledger rule gave it."""

    article: Any
    id: str


def aware(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The datetime with tz attached if it had none."""
    return value if value.tzinfo else value.replace(tzinfo=tz)


def fixed(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The same instant and UTC offset as a plain datetime with a fixed-offset zone.

    Formats identically (isoformat, %z) but Pelican's SafeDatetime.strftime is Python code
    and ZoneInfo looks the offset up on every format and comparison: 10x slower in feeds.
    """
    value = aware(value, tz)
    offset = value.utcoffset() or dt.timedelta(0)
    return dt.datetime(
        value.year, value.month, value.day, value.hour, value.minute, value.second,
        value.microsecond, tzinfo=dt.timezone(offset),
    )  # fmt: skip


def _name(value: Any) -> str:
    """Display text of an author, entity or plain string."""
    return html_to_text(str(getattr(value, "name", value) or ""))


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """Everything a write-up's entry is made from, read from the article once."""

    id: str
    title: str  # as Pelican gives it (HTML)
    url: str  # relative, as article.url
    slug: str
    date: dt.datetime  # fixed-offset aware (see fixed())
    modified: dt.datetime | None
    content: str  # the page's HTML (relative URLs)
    summary_html: str  # the Summary metadata, or "" to summarise the content
    authors: tuple[str, ...]  # names as given
    tags: tuple[tuple[str, str], ...]  # (slug, name)
    hashtags: tuple[tuple[str, str, str], ...]  # (kind, slug, tag as written)
    replies: dict[Kind, str | None]  # its comments feeds' paths, by format

    @classmethod
    def of(cls, w: Writeup, tz: dt.tzinfo, paths: FeedPaths) -> ArticleFacts:
        """Read the facts of one write-up (Pelican computes url and save_as on every access)."""
        a = w.article
        meta = getattr(a, "metadata", None) or {}
        modified = getattr(a, "modified", None)
        save_as, slug = str(a.save_as), str(a.slug)
        return cls(
            id=w.id,
            title=str(a.title),
            url=str(a.url),
            slug=slug,
            replies={k: paths.article_comments(k, save_as, slug, a.date) for k in KINDS},
            date=fixed(a.date, tz),
            modified=fixed(modified, tz) if modified else None,
            content=article_html(a),
            summary_html=str(meta.get("summary") or ""),
            authors=tuple(
                str(getattr(x, "name", x) or "") for x in getattr(a, "authors", None) or []
            ),
            tags=tuple(
                (str(getattr(t, "slug", t)), str(getattr(t, "name", t) or ""))
                for t in getattr(a, "tags", None) or []
            ),
            hashtags=tuple((h.kind, h.slug, h.tag) for h in meta.get("hashtags", []) or []),
        )

    def fingerprint(self) -> str:
        """Hash of every fact (cheap: no HTML parsing, no rendering)."""
        return parts_digest(
            self.id, self.title, self.url, self.slug, self.date.isoformat(),
            self.modified.isoformat() if self.modified else "", self.content, self.summary_html,
            repr(self.authors), repr(self.tags), repr(self.hashtags), repr(self.replies),
        )  # fmt: skip


def categories(facts: ArticleFacts, scheme: str) -> tuple[Category, ...]:
    """Topics of a write-up: its Tags, then its topic #hashtags, one per slug."""
    found: dict[str, Category] = {}
    for slug, name in facts.tags:
        found.setdefault(slug, Category(slug, html_to_text(name), scheme))
    for kind, slug, tag in facts.hashtags:
        if kind == "topic" and slug:
            found.setdefault(slug, Category(slug, html_to_text(tag or slug), scheme))
    return tuple(found.values())


def _updated(facts: ArticleFacts) -> dt.datetime:
    """When the write-up last changed: an edit never dates it before its publication."""
    return max(facts.date, facts.modified) if facts.modified else facts.date


def article_entry(
    facts: ArticleFacts, site: SiteInfo, summary_words: int, *, content: bool = True
) -> FeedEntry:
    """The feed entry of one write-up: full HTML with absolute URLs, plain summary, topics.

    content=False leaves the HTML out (a summary-only entry: summary, link and the rest).
    """
    url = f"{site.url}/{facts.url}"
    replies = {k: f"{site.url}/{p}" for k, p in facts.replies.items() if p}
    # One comments feed serves both formats when only one is enabled (the default: RSS).
    replies_rss = replies.get("rss") or replies.get("atom", "")
    atom_kind: Kind = "atom" if "atom" in replies else "rss"
    summary_html = facts.summary_html or facts.content
    content = content and len(facts.content) <= site.full_text_limit
    return FeedEntry(
        id=facts.id,
        title=html_to_text(facts.title),
        url=url,
        published=facts.date,
        updated=_updated(facts),
        # Relative URLs resolve against the write-up's page, as a browser showing it would.
        content_html=absolute_html(facts.content, url) if content else "",
        summary=truncate_words(fragment_text(summary_html), summary_words),
        authors=tuple(n for n in (html_to_text(x) for x in facts.authors) if n),
        categories=categories(facts, site.topics_url),
        comments_url=f"{url}#comments",
        replies_rss=replies_rss,
        replies_atom=replies.get(atom_kind, ""),
        replies_atom_type=MEDIA_TYPES[atom_kind],
    )


@dataclass(slots=True)
class Item:
    """One entry as plans see it: order keys and fingerprint now, the entry when first needed."""

    id: str
    published: dt.datetime
    updated: dt.datetime
    fingerprint: str
    make: Callable[[], FeedEntry]
    _entry: CleanEntry | None = field(default=None, repr=False)

    def entry(self) -> CleanEntry:
        """The XML-safe entry, built once and shared by every feed that holds it."""
        if self._entry is None:
            self._entry = compact(clean_entry(self.make()))
        return self._entry

    def release(self) -> None:
        """Forget the built entry (no feed left to render holds it)."""
        self._entry = None


@dataclass(frozen=True, slots=True)
class WriteupItems:
    """A write-up's item, its shown comments' items, and what its comments feed needs."""

    article: Item
    comments: tuple[Item, ...]
    summary_only: Item | None  # without its HTML (ENTITY_CONTENT "summary"), if asked for
    title: str  # plain text
    url: str  # absolute
    updated: dt.datetime
    replies: dict[Kind, str | None]  # its comments feeds' paths


def _comment_entry(
    c: Any, cid: str, title: str, url: str, date: dt.datetime, site: SiteInfo, words: int
) -> FeedEntry:
    """The entry of one shown comment on the write-up at url."""
    author = html_to_text(str(getattr(c, "author", "") or "")) or "Anonymous"
    link = str(getattr(c, "url", "") or "")
    link = f"{site.url}/{link.lstrip('/')}" if link and "://" not in link else link
    body = str(getattr(c, "body_html", "") or "")
    return FeedEntry(
        id=cid,
        title=f"Comment by {author} on {title}",
        url=link or f"{url}#comment-{c.id}",
        published=date,
        updated=date,
        content_html=absolute_html(body, url),
        summary=truncate_words(fragment_text(body), words),
        authors=(author,),
    )


def writeup_items(
    w: Writeup,
    site: SiteInfo,
    paths: FeedPaths,
    summary_words: int,
    *,
    comments: bool = True,
    article: bool = True,
    summary_only: bool = False,
) -> WriteupItems:
    """The items of one write-up and its shown comments; an undated comment takes its date.

    comments=False leaves the comments out, article=False the write-up's own fingerprint
    (hashing its whole HTML): each batch of plan_batches needs only one of the two.
    summary_only=True adds an item of the write-up without its HTML.
    """
    facts = ArticleFacts.of(w, site.timezone, paths)
    title = html_to_text(facts.title)
    url = f"{site.url}/{facts.url}"
    updated = _updated(facts)
    own = Item(
        w.id,
        facts.date,
        updated,
        facts.fingerprint() if article else "",
        lambda: article_entry(facts, site, summary_words),
    )
    short = (
        Item(
            w.id,
            facts.date,
            updated,
            own.fingerprint,
            lambda: article_entry(facts, site, summary_words, content=False),
        )
        if summary_only
        else None
    )
    shown: list[Item] = []
    for c in (getattr(w.article, "comment_list", None) or []) if comments else []:
        if getattr(c, "status", "published") != "published":
            continue
        # Unknown date: the write-up's date is the earliest the comment can be, and stable.
        date = fixed(c.date, site.timezone) if getattr(c, "date", None) else facts.date
        cid = comment_id(w.id, str(c.id))
        fp = parts_digest(
            cid, facts.title, facts.url, date.isoformat(), str(getattr(c, "author", "") or ""),
            str(getattr(c, "url", "") or ""), str(c.id), str(getattr(c, "body_html", "") or ""),
        )  # fmt: skip

        def make(c: Any = c, cid: str = cid, date: dt.datetime = date) -> FeedEntry:
            """Build this comment's entry."""
            return _comment_entry(c, cid, title, url, date, site, summary_words)

        shown.append(Item(cid, date, date, fp, make))
    return WriteupItems(own, tuple(shown), short, title, url, updated, facts.replies)


@dataclass(frozen=True, slots=True)
class FeedFile:
    """One feed to write: its output path and bytes."""

    path: str
    data: bytes


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """One feed before rendering: its file per enabled format, its meta, which entries."""

    paths: dict[Kind, str]  # enabled formats only, RSS first
    meta: FeedMeta
    items: tuple[Item, ...]  # newest first, limited: exactly the entries it will hold

    def fingerprints(self) -> dict[Kind, str]:
        """Per format, a hash of everything its file's bytes depend on but code and settings."""
        common = parts_digest(repr(self.meta), *(f"{i.id} {i.fingerprint}" for i in self.items))
        return {kind: parts_digest(common, kind, path) for kind, path in self.paths.items()}

    def render(self, kinds: Iterable[Kind] | None = None) -> dict[Kind, bytes]:
        """The bytes of each format asked for (default: all); builds entries not built yet."""
        from .render import render_kinds  # feedgen: only in the process that renders (entries.py)

        wanted = list(self.paths) if kinds is None else list(kinds)
        return render_kinds(self.meta, [i.entry() for i in self.items], wanted)


def render_order(plan: FeedPlan) -> tuple[dt.datetime, str]:
    """Sort key that renders feeds holding the same write-ups close together.

    An entry is kept from its first feed to its last, so the order decides how many are
    held at once. By each feed's median entry date (then path), the person, topic and
    event feeds of the launch-sized corpora held a third fewer at the peak than by path.
    """
    middle = plan.items[len(plan.items) // 2].published if plan.items else EPOCH
    return middle, min(plan.paths.values())


def _plans(
    meta: FeedMeta, urls: Mapping[Kind, str | None], items: Iterable[Item]
) -> list[FeedPlan]:
    """The plan of one feed (none if every format is off)."""
    paths = {kind: path for kind, path in urls.items() if path}
    if not paths:
        return []
    return [FeedPlan(paths, meta, tuple(sort_entries(items, meta.max_items)))]


def _meta(
    site: SiteInfo,
    title: str,
    description: str,
    link: str,
    urls: Mapping[Kind, str | None],
    max_items: int,
    fallback: dt.datetime = EPOCH,
) -> FeedMeta:
    """FeedMeta with both formats' absolute URLs (a disabled format points at the other)."""
    absolute = {k: f"{site.url}/{p}" for k, p in urls.items() if p}
    rss = absolute.get("rss") or absolute.get("atom", link)
    atom = absolute.get("atom") or rss
    return FeedMeta(
        json_url=absolute.get("json", ""),
        title=title,
        description=description,
        link=link,
        rss_url=rss,
        atom_url=atom,
        author=site.name,
        language=site.language,
        max_items=max_items,
        fallback_updated=fallback,
    )


def plan_batches(
    site: SiteInfo,
    paths: FeedPaths,
    writeups: Sequence[Writeup],
    index: Any | None,
    *,
    max_items: int,
    summary_words: int,
    entity_max_items: int | None = None,
    entity_content: str = "full",
) -> Iterator[list[FeedPlan]]:
    """Every feed of the site in two batches: the comments feeds, then the write-up feeds.

    The second batch is planned only when the caller asks for it, so the thousands of
    comment items can be gone before the person, topic and event feeds are rendered (the
    build's peak memory). max_items limits the site-wide and comments feeds,
    entity_max_items (default: the same) the person, topic and event feeds, whose entries
    hold the write-up's HTML unless entity_content is "summary".
    """
    entity_limit = max_items if entity_max_items is None else entity_max_items
    home = f"{site.url}/"
    all_comments: list[Item] = []
    plans: list[FeedPlan] = []
    for w in writeups:
        items = writeup_items(w, site, paths, summary_words, article=False)
        all_comments.extend(items.comments)
        urls = items.replies
        title = f"Comments on {items.title}"
        meta = _meta(
            site, f"{title} · {site.name}", title, items.url, urls, max_items, items.updated
        )
        plans += _plans(meta, urls, items.comments)
    urls = {k: paths.comments(k) for k in KINDS}
    title = f"Comments · {site.name}"
    meta = _meta(site, title, f"Comments on write-ups at {site.name}", home, urls, max_items)
    plans += _plans(meta, urls, all_comments)
    del all_comments
    yield plans
    plans = []
    articles: list[Item] = []
    by_source: dict[Any, Item] = {}
    summary = entity_content == "summary"
    for w in writeups:
        items = writeup_items(w, site, paths, summary_words, comments=False, summary_only=summary)
        articles.append(items.article)
        key = getattr(w.article, "source_path", id(w.article))
        by_source[key] = items.summary_only or items.article
    description = site.description or f"Write-ups from {site.name}"
    urls = {k: paths.site(k) for k in KINDS}
    plans += _plans(_meta(site, site.name, description, home, urls, max_items), urls, articles)
    for kind, attr in ENTITY_LISTS.items():
        for entity in getattr(index, attr, None) or []:
            plans += entity_plans(site, paths, kind, entity, by_source, entity_limit)
    yield plans


def plan_feed_files(
    site: SiteInfo,
    paths: FeedPaths,
    writeups: Sequence[Writeup],
    index: Any | None,
    *,
    max_items: int,
    summary_words: int,
    entity_max_items: int | None = None,
    entity_content: str = "full",
) -> list[FeedPlan]:
    """Every feed of the site (sorted by path): site, comments, write-ups, entities."""
    batches = plan_batches(
        site,
        paths,
        writeups,
        index,
        max_items=max_items,
        summary_words=summary_words,
        entity_max_items=entity_max_items,
        entity_content=entity_content,
    )
    return sorted(chain.from_iterable(batches), key=lambda p: min(p.paths.values()))


def render_plans(plans: Iterable[FeedPlan]) -> list[FeedFile]:
    """Every feed file of these plans rendered, sorted by path."""
    files = [
        FeedFile(plan.paths[kind], data) for plan in plans for kind, data in plan.render().items()
    ]
    return sorted(files, key=lambda f: f.path)


def entity_plans(
    site: SiteInfo,
    paths: FeedPaths,
    kind: str,
    entity: Any,
    by_source: Mapping[Any, Item],
    max_items: int,
) -> list[FeedPlan]:
    """A person's, topic's or event's feeds: its published write-ups (anything with .articles)."""
    name = _name(getattr(entity, "display_name", "") or entity.name) or entity.slug
    chosen: Iterable[Any] = getattr(entity, "articles", None) or []
    # Only write-ups the site publishes (the index might also see drafts).
    items = [
        by_source[k] for k in (getattr(a, "source_path", id(a)) for a in chosen) if k in by_source
    ]
    if not items:
        # No write-up yet (someone known only from comments, a topic only in comments):
        # no feed of nothing; paths.FeedLinks announces none, and one appears with the
        # first write-up.
        return []
    urls = {k: paths.entity(kind, k, entity.slug) for k in KINDS}
    meta = _meta(
        site,
        f"{name} · {site.name}",
        ENTITY_DESCRIPTIONS[kind].format(name=name),
        f"{site.url}/{entity.url}",
        urls,
        max_items,
    )
    return _plans(meta, urls, items)
