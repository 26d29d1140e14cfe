"""Redirect pages from sessions' old addresses to their short-slug pages (no Pelican import).

Session URLs once used the whole title (cut at 80 characters plus a hash); those
addresses keep working as small pages that send the reader on (meta refresh, a
canonical link and a plain link), kept out of sitemaps and search.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from .entities import Session
from .slugs import legacy_slug


def redirect_page(url: str, title: str) -> str:
    """A page that sends the reader (and search engines) to url."""
    href = html.escape(url, quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Moved: {html.escape(title)}</title>\n"
        f'<link rel="canonical" href="{href}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        "</head>\n<body>\n"
        f'<p>This page has moved to <a href="{href}">{html.escape(title)}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def session_redirects(
    sessions: Iterable[Session], settings: Mapping[str, Any], siteurl: str
) -> list[tuple[str, str, str]]:
    """(old save_as, new URL, title) for each session whose old-rule address differs from its own."""
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
            found.append((path, f"{siteurl}/{session.url}", session.name))
    return sorted(found)
