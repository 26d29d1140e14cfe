"""What a page says about itself to sharers and crawlers, from plain values (no Pelican import)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PageMeta:
    """Open Graph / Twitter card facts and JSON-LD documents for one rendered page."""

    title: str
    description: str
    url: str
    og_type: str = "website"  # article for write-ups, profile for people
    published: str = ""
    modified: str = ""
    tags: tuple[str, ...] = ()
    jsonld: tuple[dict[str, Any], ...] = field(default=())
    image: str = ""  # og:image: the page's own, or the site's default
    image_alt: str = ""

    @property
    def url_is_absolute(self) -> bool:
        """og:url must be absolute; a local build (SITEURL = "") has no absolute URL to give."""
        return self.url.startswith(("https://", "http://"))
