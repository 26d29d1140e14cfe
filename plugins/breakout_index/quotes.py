"""The sentence a person page quotes from each write-up mentioning them (pure).

A kept build (tools/kept.py) takes an edit that changed only such sentences without
reading the site again: requote puts the write-up's new sentences on its people's pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def quote(text: str, chars: int) -> str:
    """The sentence naming someone, spaces joined, cut at a word boundary to chars."""
    joined = " ".join(text.split())
    if joined != text:
        text = joined  # else keep the finding's own string: every page quotes it, one copy
    if len(text) <= chars:
        return text
    cut = text[:chars].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def requote(articles: Iterable[Any], chars: int) -> None:
    """Give each write-up's people the first sentence naming them in its mentions now.

    For write-ups whose mentions name the same people as when the index was built (only
    their sentences may differ): each person is who the first mention with their page's
    slug resolved to, as the linking pass found (article.people, in order of first mention).
    """
    for article in articles:
        first: dict[str, str] = {}
        for mention in (getattr(article, "metadata", None) or {}).get("mentions") or []:
            first.setdefault(mention.person.slug, mention.sentence)
        for person in getattr(article, "people", None) or []:
            if person.slug not in first:
                continue
            new = quote(first[person.slug], chars)
            pairs = person.mentioned_in
            for i, (quoted_in, old) in enumerate(pairs):
                if quoted_in is article and old != new:
                    pairs[i] = (article, new)
