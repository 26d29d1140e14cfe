"""Session slugs: short, readable and stable; the old rule's slugs for redirects (no Pelican import).

A session is identified by its whole title's slug (`session_key`); its URL uses the
first few significant words of the title (`short_slug`). Two sessions of one event
whose short slugs collide: the one written up first keeps it, each later one gets a
hash of its whole key, so adding a newer session never moves an older one's page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from breakout_kernel.handles import ascii_slug

SHORT_ENOUGH = 40  # a title's slug this short is kept whole
MAX_WORDS = 5  # significant words kept from a longer title
MAX_LENGTH = 60  # no path component longer (suffix included)
HASH_LENGTH = 8
LEGACY_MAX = 80  # the earlier rule: the whole slug, cut at 80 characters plus a hash
# Words that carry little meaning in a title; dropped unless the title has nothing else.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "more",
        "must",
        "no",
        "not",
        "of",
        "on",
        "once",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "up",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "yes",
        "you",
        "your",
    ]
)


def session_key(title: str) -> str:
    """The identity of a session within its event: its whole title as a slug."""
    return ascii_slug(title.lstrip("#"))


def short_slug(key: str) -> str:
    """The key if short enough, else its first few significant words (at most MAX_LENGTH)."""
    if len(key) <= SHORT_ENOUGH:
        return key
    words = [w for w in key.split("-") if w]
    significant = [w for w in words if w not in STOPWORDS] or words
    slug = ""
    for word in significant[:MAX_WORDS]:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > MAX_LENGTH:
            break
        slug = longer
    # A first word longer than the limit is cut (collisions still get the hash rule).
    return slug or significant[0][:MAX_LENGTH]


def suffixed(key: str) -> str:
    """The short slug plus a hash of the whole key, within MAX_LENGTH."""
    digest = hashlib.sha1(key.encode()).hexdigest()[:HASH_LENGTH]
    head = short_slug(key)[: MAX_LENGTH - HASH_LENGTH - 1].rstrip("-_")
    return f"{head}-{digest}"


def assign(keys: Sequence[str]) -> dict[str, str]:
    """URL slugs for one event's session keys, given oldest first: later collisions get a hash."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        slug = short_slug(key)
        if slug in taken:
            slug = suffixed(key)
        slugs[key] = slug
        taken.add(slug)
    return slugs


def legacy_slug(key: str) -> str:
    """The slug the earlier rule gave this key (whole slug, long ones cut and hashed)."""
    if len(key) <= LEGACY_MAX:
        return key
    digest = hashlib.sha1(key.encode()).hexdigest()[:HASH_LENGTH]
    return key[:LEGACY_MAX].rstrip("-_") + "-" + digest
