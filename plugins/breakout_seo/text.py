"""Plain-text helpers for meta descriptions (no Pelican import)."""

from __future__ import annotations

from markupsafe import Markup


def plain(html: str | None) -> str:
    """Text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    if not html:
        return ""
    return " ".join(Markup(str(html)).striptags().split())


def shorten(text: str, limit: int = 300) -> str:
    """Cut text at a word boundary to at most `limit` characters, marking the cut with '…'."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"
