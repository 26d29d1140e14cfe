"""Redirect pages from sessions' old addresses to their short-slug pages (no Pelican import).

Session URLs once used the whole title (cut at 80 characters plus a hash); those
addresses keep working as small pages that send the reader on, kept out of sitemaps and
search. The page itself is breakout_redirects' (one redirect page for the whole site).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .entities import Session
from .slugs import legacy_slug


def session_redirects(
    sessions: Iterable[Session], settings: Mapping[str, Any], siteurl: str
) -> list[tuple[str, str]]:
    """(old save_as, new URL) for each session whose old-rule address differs from its own."""
    save_as = str(settings.get("SESSION_SAVE_AS") or "")
    if not save_as:
        return []
    pages = {s.save_as for s in sessions}
    found = []
    for session in sessions:
        old = legacy_slug(session.key)
        if old == session.slug:
            continue
        fields = {**session.url_fields(), "slug": old}
        path = save_as.format(**fields)
        if path not in pages:  # never over another session's page
            found.append((path, f"{siteurl}/{session.url}"))
    return sorted(found)


def old_path(save_as: str) -> str:
    """The address a redirect page saved as save_as answers: '/…/' for a folder's index.html."""
    return "/" + save_as.removesuffix("index.html")
