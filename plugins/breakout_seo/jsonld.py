"""schema.org JSON-LD from plain values, serialised so it is safe inside a <script> element."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

CONTEXT = "https://schema.org"


def dumps(data: Any) -> str:
    """JSON text that cannot end or confuse the <script> element that holds it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # "</" would close the script element; "<!--" opens the HTML parser's escaped state.
    return text.replace("</", "<\\/").replace("<!--", "\\u003c!--")


def script(data: Any) -> str:
    """A complete <script type="application/ld+json"> element for `data`."""
    return f'<script type="application/ld+json">{dumps(data)}</script>'


def _prune(data: Mapping[str, Any]) -> dict[str, Any]:
    """Drop empty values so consumers never see "" or [] where a fact is unknown."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def thing(type_: str, name: str, url: str = "", **extra: Any) -> dict[str, Any]:
    """A nested schema.org node (Person, Thing, Place, …) with a name and optional URL."""
    return _prune({"@type": type_, "name": name, "url": url, **extra})


def blog_posting(
    *,
    headline: str,
    url: str,
    date_published: str,
    date_modified: str = "",
    description: str = "",
    authors: Sequence[Mapping[str, Any]] = (),
    about: Sequence[Mapping[str, Any]] = (),
    mentions: Sequence[Mapping[str, Any]] = (),
    language: str = "",
    part_of: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A BlogPosting for a write-up: who wrote it, when, about which topics, naming whom."""
    return _prune(
        {
            "@context": CONTEXT,
            "@type": "BlogPosting",
            "headline": headline,
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": date_published,
            # Search engines want dateModified; an unedited write-up was last changed when published.
            "dateModified": date_modified or date_published,
            "description": description,
            "author": list(authors),
            "about": list(about),
            "mentions": list(mentions),
            "inLanguage": language,
            "isPartOf": dict(part_of) if part_of else None,
        }
    )


def event(
    *,
    name: str,
    url: str,
    start_date: str = "",
    end_date: str = "",
    place: str = "",
    description: str = "",
    super_event: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An Event for an unconference (or a session, with its unconference as superEvent)."""
    return _prune(
        {
            "@context": CONTEXT,
            "@type": "Event",
            "name": name,
            "url": url,
            "startDate": start_date,
            "endDate": end_date,
            "location": thing("Place", place) if place else None,
            "description": description,
            # Unconferences meet in a room: say so rather than let readers assume online.
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode" if place else "",
            "superEvent": dict(super_event) if super_event else None,
        }
    )


def person(
    *,
    name: str,
    url: str,
    affiliation: str = "",
    same_as: Iterable[str] = (),
) -> dict[str, Any]:
    """A Person for a person page, with their profiles as sameAs."""
    return _prune(
        {
            "@context": CONTEXT,
            "@type": "Person",
            "name": name,
            "url": url,
            "affiliation": thing("Organization", affiliation) if affiliation else None,
            "sameAs": sorted(set(same_as)),
        }
    )


def website(*, name: str, url: str, description: str = "", search_url: str = "") -> dict[str, Any]:
    """A WebSite for the home page, with the search page as its SearchAction when there is one."""
    action = (
        {
            "@type": "SearchAction",
            "target": f"{search_url}?q={{search_term_string}}",
            "query-input": "required name=search_term_string",
        }
        if search_url
        else None
    )
    return _prune(
        {
            "@context": CONTEXT,
            "@type": "WebSite",
            "name": name,
            "url": url,
            "description": description,
            "potentialAction": action,
        }
    )
