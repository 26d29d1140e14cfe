"""Decide every feed of a site from duck-typed write-ups, comments and index entities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .ids import comment_id
from .model import EPOCH, Category, FeedEntry, FeedMeta
from .paths import FeedPaths
from .render import KINDS, Kind, render_feed
from .text import absolute_html, html_to_text, truncate_words

ENTITY_DESCRIPTIONS = {
    "person": "Write-ups that mention {name}, or that {name} led or wrote",
    "topic": "Write-ups about {name}",
    "event": "Write-ups from {name}",
}
ENTITY_LISTS = {"person": "people", "topic": "topics", "event": "events"}


@dataclass(frozen=True)
class SiteInfo:
    """Site-wide facts every feed needs."""

    url: str  # absolute, no trailing slash
    name: str
    description: str = ""
    language: str = "en"
    topics_url: str = ""  # absolute URL of the topics index: the categories' scheme
    timezone: dt.tzinfo = dt.UTC  # for naive dates (Pelican's are aware already)


@dataclass(frozen=True)
class Writeup:
    """One published write-up with the id the ledger rule gave it."""

    article: Any
    id: str


def aware(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The datetime with tz attached if it had none."""
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _name(value: Any) -> str:
    """Display text of an author, entity or plain string."""
    return html_to_text(str(getattr(value, "name", value) or ""))


def categories(article: Any, scheme: str) -> tuple[Category, ...]:
    """Topics of a write-up: its Tags, then its topic #hashtags, one per slug."""
    found: dict[str, Category] = {}
    for tag in getattr(article, "tags", None) or []:
        slug = str(getattr(tag, "slug", tag))
        found.setdefault(slug, Category(slug, _name(tag), scheme))
    for hashtag in (getattr(article, "metadata", None) or {}).get("hashtags", []) or []:
        if hashtag.get("kind") == "topic" and hashtag.get("slug"):
            label = html_to_text(str(hashtag.get("tag") or hashtag["slug"]))
            found.setdefault(hashtag["slug"], Category(hashtag["slug"], label, scheme))
    return tuple(found.values())


def article_entry(w: Writeup, site: SiteInfo, paths: FeedPaths, summary_words: int) -> FeedEntry:
    """The feed entry of one write-up: full HTML with absolute URLs, plain summary, topics."""
    a = w.article
    url = f"{site.url}/{a.url}"
    published = aware(a.date, site.timezone)
    modified = getattr(a, "modified", None)
    # An edit never dates an entry before its publication.
    updated = max(published, aware(modified, site.timezone)) if modified else published
    summary_html = (getattr(a, "metadata", None) or {}).get("summary") or a.content
    replies = {k: paths.article_comments(k, a.save_as, a.slug, a.date) for k in KINDS}
    return FeedEntry(
        id=w.id,
        title=html_to_text(str(a.title)),
        url=url,
        published=published,
        updated=updated,
        # Relative URLs resolve against the write-up's page, as a browser showing it would.
        content_html=absolute_html(a.content, url),
        summary=truncate_words(html_to_text(str(summary_html)), summary_words),
        authors=tuple(n for n in (_name(x) for x in getattr(a, "authors", None) or []) if n),
        categories=categories(a, site.topics_url),
        comments_url=f"{url}#comments",
        replies_rss=f"{site.url}/{replies['rss']}" if replies["rss"] else "",
        replies_atom=f"{site.url}/{replies['atom']}" if replies["atom"] else "",
    )


def comment_entries(
    w: Writeup, entry: FeedEntry, site: SiteInfo, summary_words: int
) -> list[FeedEntry]:
    """Entries of a write-up's shown comments; an undated comment takes the write-up's date."""
    result: list[FeedEntry] = []
    for c in getattr(w.article, "comment_list", None) or []:
        if getattr(c, "status", "published") != "published":
            continue
        author = html_to_text(str(getattr(c, "author", "") or "")) or "Anonymous"
        # Unknown date: the write-up's date is the earliest the comment can be, and stable.
        date = aware(c.date, site.timezone) if getattr(c, "date", None) else entry.published
        url = str(getattr(c, "url", "") or "")
        url = f"{site.url}/{url.lstrip('/')}" if url and "://" not in url else url
        url = url or f"{entry.url}#comment-{c.id}"
        body = str(getattr(c, "body_html", "") or "")
        result.append(
            FeedEntry(
                id=comment_id(w.id, str(c.id)),
                title=f"Comment by {author} on {entry.title}",
                url=url,
                published=date,
                updated=date,
                content_html=absolute_html(body, entry.url),
                summary=truncate_words(html_to_text(body), summary_words),
                authors=(author,),
            )
        )
    return result


@dataclass(frozen=True)
class FeedFile:
    """One feed to write: its output path and bytes."""

    path: str
    data: bytes


def _files(
    site: SiteInfo, meta: FeedMeta, urls: Mapping[Kind, str | None], entries: Sequence[FeedEntry]
) -> list[FeedFile]:
    """Render the enabled formats of one feed."""
    return [FeedFile(path, render_feed(meta, entries, kind)) for kind, path in urls.items() if path]


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


def plan_feeds(
    site: SiteInfo,
    paths: FeedPaths,
    writeups: Sequence[Writeup],
    index: Any | None,
    *,
    max_items: int,
    summary_words: int,
) -> list[FeedFile]:
    """Every feed file of the site, sorted by path: site, comments, write-ups, entities."""
    entries: dict[str, FeedEntry] = {}
    by_source: dict[Any, FeedEntry] = {}
    all_comments: list[FeedEntry] = []
    files: list[FeedFile] = []
    for w in writeups:
        entry = article_entry(w, site, paths, summary_words)
        entries[w.id] = entry
        by_source[getattr(w.article, "source_path", id(w.article))] = entry
        comments = comment_entries(w, entry, site, summary_words)
        all_comments.extend(comments)
        urls = {
            k: paths.article_comments(k, w.article.save_as, w.article.slug, w.article.date)
            for k in KINDS
        }
        title = f"Comments on {entry.title}"
        meta = _meta(
            site, f"{title} · {site.name}", title, entry.url, urls, max_items, entry.updated
        )
        files += _files(site, meta, urls, comments)
    home = f"{site.url}/"
    description = site.description or f"Write-ups from {site.name}"
    urls = {k: paths.site(k) for k in KINDS}
    files += _files(
        site,
        _meta(site, site.name, description, home, urls, max_items),
        urls,
        list(entries.values()),
    )
    urls = {k: paths.comments(k) for k in KINDS}
    title = f"Comments · {site.name}"
    files += _files(
        site,
        _meta(site, title, f"Comments on write-ups at {site.name}", home, urls, max_items),
        urls,
        all_comments,
    )
    for kind, attr in ENTITY_LISTS.items():
        for entity in getattr(index, attr, None) or []:
            files += entity_feeds(site, paths, kind, entity, by_source, max_items)
    return sorted(files, key=lambda f: f.path)


def entity_feeds(
    site: SiteInfo,
    paths: FeedPaths,
    kind: str,
    entity: Any,
    by_source: Mapping[Any, FeedEntry],
    max_items: int,
) -> list[FeedFile]:
    """A person's, topic's or event's feeds: its published write-ups (anything with .articles)."""
    name = _name(getattr(entity, "display_name", "") or entity.name) or entity.slug
    chosen: Iterable[Any] = getattr(entity, "articles", None) or []
    # Only write-ups the site publishes (the index might also see drafts).
    items = [
        by_source[k] for k in (getattr(a, "source_path", id(a)) for a in chosen) if k in by_source
    ]
    urls = {k: paths.entity(kind, k, entity.slug) for k in KINDS}
    meta = _meta(
        site,
        f"{name} · {site.name}",
        ENTITY_DESCRIPTIONS[kind].format(name=name),
        f"{site.url}/{entity.url}",
        urls,
        max_items,
    )
    return _files(site, meta, urls, items)
