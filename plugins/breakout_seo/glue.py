"""Pelican receivers and Jinja helpers for breakout_seo: the edge between Pelican and the pure core."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from breakout_kernel import build
from breakout_kernel.settings import Option, is_type
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from . import jsonld
from .card import Card, render_card
from .meta import PageMeta
from .sitemap import (
    SITEMAP_NAME,
    Entry,
    excluded,
    is_absolute,
    page_path,
    render_robots,
    render_sitemap,
)
from .text import plain, shorten

log = logging.getLogger("breakout.seo")

PLUGIN = "breakout_seo"


def _string_list(value: Any) -> bool:
    """Check that a value is a list or tuple of strings."""
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


CARD_NAME = "social-card.png"  # the generated default og:image, at the root of the output
CARD_JOB = "card"  # its output lane job (breakout_kernel.build.offer)
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\Z")


def _colour(value: Any) -> bool:
    """A #rrggbb colour."""
    return isinstance(value, str) and bool(_COLOUR.match(value))


SCHEMA = {
    "IMAGE": Option(
        "",
        is_type(str),
        "a site path such as 'images/card.png' or an http(s) URL ('' generates one)",
    ),
    "IMAGE_BACKGROUND": Option("#a33a0b", _colour, "a colour such as '#a33a0b'"),
    "IMAGE_FOREGROUND": Option("#ffffff", _colour, "a colour such as '#ffffff'"),
    "SITEMAP": Option(True, is_type(bool), "True or False"),
    "ROBOTS": Option(True, is_type(bool), "True or False"),
    "SITEMAP_EXCLUDE": Option(["404.html"], _string_list, "a list of output-path globs"),
}

SCHEMA_DEFAULTS = {key: option.default for key, option in SCHEMA.items()}
# Statuses Pelican writes a page for that are not meant to be found.
UNLISTED = {"draft", "hidden"}
# Listing pages and the <title> word that names them (og:title cannot read template blocks).
LISTING_TITLES = {
    "ARCHIVES_SAVE_AS": "Archives",
    "PEOPLE_SAVE_AS": "People",
    "TOPICS_SAVE_AS": "Topics",
    "EVENTS_SAVE_AS": "Events",
    "SEARCH_SAVE_AS": "Search",
}


@dataclass
class SeoState:
    """breakout_seo's part of one build: its options and the pages written, for sitemap.xml."""

    options: dict[str, Any] | None = None  # None: the build does not list breakout_seo
    siteurl: str = ""
    entries: list[Entry] = field(default_factory=list)
    card_drawn: bool = False  # the output lane wrote the default og:image


def _state(settings: dict[str, Any] | None = None) -> SeoState | None:
    """This build's SeoState if the build lists breakout_seo (receivers outlive their build)."""
    this = build.current(settings)
    if this is None or not this.listed(PLUGIN):
        return None
    state = this.part(SeoState)
    return state if state.options is not None else None


# --- page facts from Pelican objects -------------------------------------------------------


def _url(siteurl: str, rel: str) -> str:
    """A page URL as the theme writes it: SITEURL + '/' + Pelican's relative url."""
    return f"{siteurl}/{rel or ''}"


def _name(obj: Any) -> str:
    """The display name of an index entity (Person has display_name; the rest have name)."""
    return str(getattr(obj, "display_name", "") or getattr(obj, "name", "") or "")


def _iso(value: Any) -> str:
    """ISO 8601 for a date or datetime, '' when unknown."""
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else ""


def _article_meta(article: Any, siteurl: str, lang: str) -> PageMeta:
    """A write-up: BlogPosting with its topics as `about` and its people as `mentions`."""
    url = _url(siteurl, article.url)
    # Titles are text (the theme escapes them, it does not strip them): keep them as written.
    title = str(article.title).strip()
    description = shorten(plain(getattr(article, "summary", "")))
    published = _iso(article.date)
    modified = _iso(getattr(article, "modified", None)) or published
    topics = list(getattr(article, "topics", None) or [])
    if topics:
        about = [jsonld.thing("Thing", _name(t), _url(siteurl, t.url)) for t in topics]
    else:  # breakout_index not loaded: the Tags metadata still names the topics
        topics = list(getattr(article, "tags", None) or [])
        about = [jsonld.thing("Thing", _name(t)) for t in topics]
    people = list(getattr(article, "people", None) or [])
    mentions = [jsonld.thing("Person", _name(p), _url(siteurl, p.url)) for p in people]
    author = getattr(article, "author", None)
    authors = [jsonld.thing("Person", _name(author))] if author and _name(author) else []
    data = jsonld.blog_posting(
        headline=title,
        url=url,
        date_published=published,
        date_modified=modified,
        description=description,
        authors=authors,
        about=about,
        mentions=mentions,
        language=getattr(article, "lang", "") or lang,
    )
    return PageMeta(
        title=title,
        description=description,
        url=url,
        og_type="article",
        published=published,
        modified=modified,
        tags=tuple(_name(t) for t in topics),
        jsonld=(data,),
    )


def _event_meta(event: Any, siteurl: str) -> PageMeta:
    """An unconference: Event with its date and place."""
    url = _url(siteurl, event.url)
    name = _name(event)
    record = getattr(event, "record", None)
    place = str(getattr(event, "place", "") or getattr(record, "place", "") or "")
    start = getattr(event, "date", None) or getattr(record, "date", None)
    end = getattr(record, "end_date", None)
    facts = ", ".join(x for x in (name, start.strftime("%-d %B %Y") if start else "", place) if x)
    description = f"{facts}: its sessions, write-ups and the people in them."
    data = jsonld.event(name=name, url=url, start_date=_iso(start), end_date=_iso(end), place=place)
    return PageMeta(title=name, description=description, url=url, jsonld=(data,))


def _session_meta(session: Any, siteurl: str) -> PageMeta:
    """A session: Event whose superEvent is its unconference."""
    url = _url(siteurl, session.url)
    name = _name(session)
    parent = getattr(session, "event", None)
    super_event = (
        jsonld.thing("Event", _name(parent), _url(siteurl, parent.url)) if parent else None
    )
    start = getattr(parent, "date", None) if parent else None
    place = str(getattr(parent, "place", "") or "") if parent else ""
    where = f" at {_name(parent)}" if parent else ""
    description = f"The session “{name}”{where}: its write-ups, leaders and people."
    data = jsonld.event(
        name=name, url=url, start_date=_iso(start), place=place, super_event=super_event
    )
    return PageMeta(title=name, description=description, url=url, jsonld=(data,))


def _person_meta(person: Any, siteurl: str, sitename: str) -> PageMeta:
    """A person page: Person with their affiliation and profiles."""
    url = _url(siteurl, person.url)
    name = _name(person)
    affiliation = str(getattr(person, "affiliation", "") or "")
    profiles = [p[2] for p in getattr(person, "profiles", None) or [] if len(p) > 2 and p[2]]
    who = f"{name} ({affiliation})" if affiliation else name
    description = f"{who} on {sitename}: sessions led, write-ups, mentions and comments."
    data = jsonld.person(name=name, url=url, affiliation=affiliation, same_as=profiles)
    return PageMeta(title=name, description=description, url=url, og_type="profile", jsonld=(data,))


def _topic_meta(topic: Any, siteurl: str, sitename: str) -> PageMeta:
    """A topic page: no JSON-LD type fits better than the page's own Open Graph facts."""
    name = _name(topic)
    description = f"Write-ups and comments about {name} on {sitename}."
    return PageMeta(title=name, description=description, url=_url(siteurl, topic.url))


def image_url(siteurl: str, image: str) -> str:
    """An og:image URL: an http(s) URL as given, a site path under SITEURL."""
    return image if is_absolute(image) else _url(siteurl, image.lstrip("/"))


def _with_image(meta: PageMeta, ctx: Context) -> PageMeta:
    """The page's PageMeta with its image: a write-up's own `Image:`, else the site's default."""
    siteurl = str(ctx.get("SITEURL") or "")
    article = ctx.get("article")
    own = str((getattr(article, "metadata", None) or {}).get("image", "") or "")
    if own:
        alt = str(article.metadata.get("image_alt", "") or "")
        return replace(meta, image=image_url(siteurl, own), image_alt=alt)
    state = _state()
    options = state.options if state is not None else SCHEMA_DEFAULTS
    if options["IMAGE"]:
        return replace(meta, image=image_url(siteurl, options["IMAGE"]))
    return replace(meta, image=_url(siteurl, CARD_NAME), image_alt=str(ctx.get("SITENAME") or ""))


@pass_context
def seo_meta(ctx: Context) -> PageMeta:
    """Jinja global: the PageMeta of the page being rendered, found from its context, with its image."""
    return _with_image(_page_meta(ctx), ctx)


def _page_meta(ctx: Context) -> PageMeta:
    """The PageMeta of the page being rendered, found from its context."""
    siteurl = str(ctx.get("SITEURL") or "")
    sitename = str(ctx.get("SITENAME") or "")
    lang = str(ctx.get("DEFAULT_LANG") or "")
    subtitle = plain(ctx.get("SITESUBTITLE") or "")
    # Most specific object first: a session page may also carry its event.
    if ctx.get("article") is not None:
        return _article_meta(ctx["article"], siteurl, lang)
    if ctx.get("page") is not None:
        page = ctx["page"]
        return PageMeta(
            title=str(page.title).strip(),
            description=shorten(plain(getattr(page, "summary", ""))) or subtitle,
            url=_url(siteurl, page.url),
        )
    if ctx.get("session") is not None:
        return _session_meta(ctx["session"], siteurl)
    if ctx.get("event") is not None:
        return _event_meta(ctx["event"], siteurl)
    if ctx.get("person") is not None:
        return _person_meta(ctx["person"], siteurl, sitename)
    if ctx.get("topic") is not None:
        return _topic_meta(ctx["topic"], siteurl, sitename)
    output = str(ctx.get("output_file") or "")
    url = _url(siteurl, page_path(output))
    if output == "index.html":
        search = ctx.get("breakout_search") or {}
        search_url = search.get("PAGE_URL", "") if search.get("ENABLED") else ""
        home = jsonld.website(
            name=sitename,
            url=url,
            description=subtitle,
            search_url=search_url if is_absolute(search_url) else "",
        )
        return PageMeta(title=sitename, description=subtitle, url=url, jsonld=(home,))
    title = next((word for key, word in LISTING_TITLES.items() if ctx.get(key) == output), sitename)
    return PageMeta(title=title, description=subtitle, url=url)


def jsonld_script(data: Any) -> Markup:
    """Jinja filter: a safe <script type="application/ld+json"> element for a dict."""
    return Markup(jsonld.script(data))


# --- receivers ----------------------------------------------------------------------------


def on_initialized(pelican: Any) -> None:
    """Validate BREAKOUT_SEO, start this build's page list, and give templates the helpers."""
    settings = pelican.settings
    this = build.current(settings)
    if this is None or not this.listed(PLUGIN):
        return
    state = this.part(SeoState)
    # Settings' SITEURL, not a page's: with RELATIVE_URLS each page gets a relative one.
    state.siteurl = str(settings.get("SITEURL") or "")
    state.options = build.options(settings, "BREAKOUT_SEO", SCHEMA)
    # New dicts, so Pelican's shared defaults are never mutated between builds.
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), "breakout_seo_meta": seo_meta}
    settings["JINJA_FILTERS"] = {
        **settings.get("JINJA_FILTERS", {}),
        "breakout_jsonld": jsonld_script,
    }


def on_content_written(path: str, context: dict[str, Any] | None = None) -> None:
    """Remember each HTML page this build wrote, with its date, unless it is unlisted."""
    state = _state()
    if state is None or context is None or not str(path).endswith(".html"):
        return
    save_as = str(context.get("output_file") or os.path.basename(path)).replace(os.sep, "/")
    if excluded(save_as, state.options["SITEMAP_EXCLUDE"]):
        return
    obj = context.get("article") or context.get("page")
    if obj is not None and getattr(obj, "status", "published") in UNLISTED:
        return
    lastmod = ""
    if context.get("article") is not None:
        article = context["article"]
        lastmod = _iso(getattr(article, "modified", None) or article.date)
    state.entries.append(Entry(loc=_url(state.siteurl, page_path(save_as)), lastmod=lastmod))


def site_card(settings: dict[str, Any], options: dict[str, Any]) -> Card:
    """The default og:image's facts: the site's name and subtitle, BREAKOUT_SEO's colours."""
    return Card(
        name=str(settings.get("SITENAME") or ""),
        subtitle=plain(settings.get("SITESUBTITLE") or ""),
        background=options["IMAGE_BACKGROUND"],
        foreground=options["IMAGE_FOREGROUND"],
    )


def write_card(output: Path, card: Card) -> None:
    """Draw the default og:image into the output folder."""
    (output / CARD_NAME).write_bytes(render_card(card))


def offer_card(generators: Any) -> None:
    """Have the output lane draw the default og:image, if the build has one (2+ workers).

    Pillow and its 1200 × 630 canvas then stay out of the main process, whose memory peaks
    at the end of the build: 3.5 MiB of that peak at 2,000 write-ups. With one worker,
    on_finalized draws it.
    """
    settings = generators[0].settings if generators else None
    state = _state(settings)
    if state is None or settings is None or state.options is None or state.options["IMAGE"]:
        return
    output, card = Path(settings["OUTPUT_PATH"]), site_card(settings, state.options)
    build.offer(settings, CARD_JOB, lambda: write_card(output, card), lambda _: _card_drawn(state))


def _card_drawn(state: SeoState) -> None:
    """The lane has drawn the card: on_finalized leaves it."""
    state.card_drawn = True


def on_finalized(pelican: Any) -> None:
    """Write sitemap.xml (only with an absolute SITEURL) and robots.txt pointing at it."""
    state = _state(pelican.settings)
    if state is None:
        return
    settings = pelican.settings
    options = state.options
    output = Path(settings["OUTPUT_PATH"])
    siteurl = str(settings.get("SITEURL") or "")
    sitemap_url = ""
    if options["SITEMAP"]:
        if is_absolute(siteurl):
            (output / SITEMAP_NAME).write_text(render_sitemap(state.entries), encoding="utf-8")
            sitemap_url = f"{siteurl}/{SITEMAP_NAME}"
        else:
            # A sitemap must hold absolute URLs: a local build has none to give.
            log.info("breakout_seo: SITEURL is not absolute (%r); no sitemap.xml", siteurl)
    if options["ROBOTS"]:
        (output / "robots.txt").write_text(render_robots(sitemap_url), encoding="utf-8")
    if not options["IMAGE"] and not state.card_drawn:
        write_card(output, site_card(settings, options))
    state.entries = []
