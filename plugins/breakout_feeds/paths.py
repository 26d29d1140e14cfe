"""Where feeds live (Pelican-style path settings) and the links templates show for them."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from .entries import KINDS, MEDIA_TYPES, Kind
from .text import html_to_text

# Top-level settings (pelicanconf.py) with their defaults; None or "" turns a feed off.
PATH_DEFAULTS: dict[str, str] = {
    "BREAKOUT_FEED_ALL_RSS": "feeds/all.rss.xml",
    "BREAKOUT_FEED_ALL_ATOM": "feeds/all.atom.xml",
    "BREAKOUT_FEED_ALL_JSON": "feeds/all.json",
    "BREAKOUT_FEED_COMMENTS_RSS": "feeds/comments.rss.xml",
    "BREAKOUT_FEED_COMMENTS_ATOM": "feeds/comments.atom.xml",
    "BREAKOUT_FEED_COMMENTS_JSON": "feeds/comments.json",
    # {dir}: folder of the write-up's page (from ARTICLE_SAVE_AS); also {slug} and {date}.
    "ARTICLE_COMMENTS_FEED_RSS": "{dir}/comments.rss.xml",
    # One comments feed per write-up (RSS): both formats' entries point at it. Set a path
    # here for an Atom copy too (a second file per write-up).
    "ARTICLE_COMMENTS_FEED_ATOM": "",
    "ARTICLE_COMMENTS_FEED_JSON": "",
    "PERSON_FEED_RSS": "people/{slug}/rss.xml",
    "PERSON_FEED_ATOM": "people/{slug}/atom.xml",
    "PERSON_FEED_JSON": "people/{slug}/feed.json",
    "TOPIC_FEED_RSS": "topics/{slug}/rss.xml",
    "TOPIC_FEED_ATOM": "topics/{slug}/atom.xml",
    "TOPIC_FEED_JSON": "topics/{slug}/feed.json",
    "EVENT_FEED_RSS": "events/{slug}/rss.xml",
    "EVENT_FEED_ATOM": "events/{slug}/atom.xml",
    "EVENT_FEED_JSON": "events/{slug}/feed.json",
}
ENTITY_KINDS = ("person", "topic", "event")
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


def path_problems(settings: Mapping[str, Any]) -> list[str]:
    """Problems with the feed path settings (bad type, unknown placeholder, leaves output)."""
    problems: list[str] = []
    sample = {"slug": "x", "dir": "2011/x", "date": dt.datetime(2011, 1, 1)}
    for key, default in PATH_DEFAULTS.items():
        value = settings.get(key, default)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            problems.append(f"{key} = {value!r} is not valid: expected a path string or None")
            continue
        try:
            formatted = value.format(**sample)
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(f"{key} = {value!r} is not valid: bad placeholder {exc}")
            continue
        if "{slug}" not in value and key.split("_")[0] in ("PERSON", "TOPIC", "EVENT"):
            problems.append(f"{key} = {value!r} is not valid: it needs {{slug}}")
        if formatted.startswith("/") or ".." in formatted.split("/"):
            problems.append(f"{key} = {value!r} is not valid: it must stay inside the output")
    return problems


def absolute_site_url(siteurl: str, local_siteurl: str) -> str:
    """SITEURL if it is absolute; else resolved against LOCAL_SITEURL (feeds need hosts)."""
    parts = urlsplit(siteurl)
    if parts.scheme and parts.netloc:
        return siteurl.rstrip("/")
    return urljoin(local_siteurl.rstrip("/") + "/", siteurl.strip("/")).rstrip("/")


@dataclass(frozen=True)
class FeedPaths:
    """Output paths of every feed, from the settings, formatted per entity or write-up."""

    patterns: Mapping[str, str | None]

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> FeedPaths:
        """Read every path setting, with its default when the setting is absent."""
        return cls(
            {key: settings.get(key, default) or None for key, default in PATH_DEFAULTS.items()}
        )

    def site(self, kind: Kind) -> str | None:
        """Path of the site feed."""
        return self.patterns[f"BREAKOUT_FEED_ALL_{kind.upper()}"]

    def comments(self, kind: Kind) -> str | None:
        """Path of the site-wide comments feed."""
        return self.patterns[f"BREAKOUT_FEED_COMMENTS_{kind.upper()}"]

    def entity(self, entity_kind: str, kind: Kind, slug: str) -> str | None:
        """Path of a person's, topic's or event's feed."""
        pattern = self.patterns[f"{entity_kind.upper()}_FEED_{kind.upper()}"]
        return pattern.format(slug=slug) if pattern else None

    def article_comments(self, kind: Kind, save_as: str, slug: str, date: Any) -> str | None:
        """Path of one write-up's comments feed, beside its page by default."""
        pattern = self.patterns[f"ARTICLE_COMMENTS_FEED_{kind.upper()}"]
        if not pattern:
            return None
        folder = posixpath.dirname(save_as.replace("\\", "/"))
        return pattern.format(dir=folder, slug=slug, date=date).lstrip("/")


@dataclass(frozen=True)
class FeedLink:
    """One feed as a template shows it."""

    href: str
    type: str
    title: str
    label: str  # "RSS" or "Atom"


class FeedLinks:
    """Feed links for templates (context['breakout_feeds']): which feeds a page announces."""

    def __init__(self, paths: FeedPaths, siteurl: str, sitename: str) -> None:
        """Links are SITEURL-based like the theme's other links."""
        self.paths = paths
        self.siteurl = siteurl.rstrip("/")
        self.sitename = sitename

    def _links(self, title: str, paths: Mapping[Kind, str | None]) -> list[FeedLink]:
        """FeedLinks for the enabled paths, RSS, Atom, then JSON Feed."""
        return [
            FeedLink(
                f"{self.siteurl}/{path}",
                MEDIA_TYPES[kind],
                f"{title} ({LABELS[kind]})",
                LABELS[kind],
            )
            for kind, path in paths.items()
            if path
        ]

    @property
    def site(self) -> list[FeedLink]:
        """The site feed."""
        return self._links(self.sitename, {k: self.paths.site(k) for k in KINDS})

    @property
    def comments(self) -> list[FeedLink]:
        """The site-wide comments feed."""
        title = f"Comments · {self.sitename}"
        return self._links(title, {k: self.paths.comments(k) for k in KINDS})

    def for_entity(self, entity_kind: str, entity: Any) -> list[FeedLink]:
        """A person's, topic's or event's own feeds."""
        if entity_kind not in ENTITY_KINDS or not getattr(entity, "slug", ""):
            return []
        # As build.entity_plans: a feed only once a published write-up is in it.
        articles = getattr(entity, "articles", None) or []
        if not any(getattr(a, "status", "published") == "published" for a in articles):
            return []
        name = getattr(entity, "display_name", "") or getattr(entity, "name", "") or entity.slug
        paths = {k: self.paths.entity(entity_kind, k, entity.slug) for k in KINDS}
        return self._links(f"{html_to_text(str(name))} · {self.sitename}", paths)

    def for_article(self, article: Any) -> list[FeedLink]:
        """A published write-up's comments feeds (drafts have none)."""
        if getattr(article, "status", "published") != "published":
            return []
        paths = {
            k: self.paths.article_comments(k, article.save_as, article.slug, article.date)
            for k in KINDS
        }
        return self._links(f"Comments on {html_to_text(str(article.title))}", paths)
