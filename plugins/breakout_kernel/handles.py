"""The rules that turn a handle, a name or a hashtag into a key and a page slug (pure, no Pelican).

Handles are case-insensitive; `user@host` is Mastodon, a dotted name Bluesky, a bare name
the default network's. The identity service (identity.py) applies these rules to the
registry; nothing else should derive a person's or topic's slug.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from functools import lru_cache

NETWORKS = ("twitter", "mastodon", "bluesky")
_NOT_SLUG = re.compile(r"[^a-z0-9_]+")


# ---------------------------------------------------------------- identity keys and URLs


def handle_identity(
    handle: str, *, default_network: str = "twitter", mastodon_host: str = ""
) -> tuple[str, str]:
    """(network, key) for a handle as written; the key is lower-case and canonical.

    `user@host` is Mastodon, a dotted name is Bluesky, a bare name belongs to the default
    network (on Bluesky it gets `.bsky.social`, on Mastodon `@mastodon_host`).
    """
    h = handle.strip().lstrip("@＠").lower()
    if "@" in h:
        return "mastodon", h
    if "." in h:
        return "bluesky", h
    if default_network == "bluesky":
        return "bluesky", f"{h}.bsky.social"
    if default_network == "mastodon":
        return "mastodon", f"{h}@{mastodon_host.lower()}" if mastodon_host else h
    return "twitter", h


def network_identity(network: str, handle: str) -> tuple[str, str]:
    """(network, key) for a handle the registry files under a named network."""
    h = handle.strip().lstrip("@＠").lower()
    if network == "bluesky" and "." not in h:
        h = f"{h}.bsky.social"  # a bare Bluesky name lives on bsky.social
    return network, h


def handle_slug(network: str, key: str) -> str:
    """Person slug for a handle nobody in the registry has.

    Twitter: the handle (`[a-z0-9_]`, never a '.' or '-'). Mastodon: `user_at_host.example`
    (always a '.', and the last `_at_` splits it, since host names have no '_'). Bluesky: the
    domain (always a '.', never a '_'). So the three never collide with each other, and the
    last two never with a registry slug (which has no '.').
    """
    if network == "mastodon":
        user, _, host = key.rpartition("@")
        return f"{user}_at_{host}" if user else key
    return key


def unregistered_slug(network: str, key: str, registry_slugs: Container[str]) -> str:
    """Slug of a handle nobody in the registry has; `-<network>` is added if a registry person
    already has that slug (a bare handle can equal the slug of someone who does not own it)."""
    slug = handle_slug(network, key)
    return f"{slug}-{network}" if slug in registry_slugs else slug


def profile_url(network: str, handle: str) -> str:
    """The public profile page of a handle on its network ("" if it cannot be built).

    Twitter links go to twitter.com, the name the launch content (2011) used; it still
    redirects to x.com.
    """
    h = handle.strip().lstrip("@＠")
    if network == "twitter":
        return f"https://twitter.com/{h}" if h else ""
    if network == "mastodon":
        user, _, host = h.rpartition("@")
        return f"https://{host}/@{user}" if user and host else ""
    if network == "bluesky":
        return f"https://bsky.app/profile/{h}" if h else ""
    return ""


def display_handle(network: str, handle: str) -> str:
    """A handle as shown to readers, with its at-sign."""
    return "@" + handle.strip().lstrip("@＠")


# ---------------------------------------------------------------- topics


@lru_cache(maxsize=8192)
def topic_key(text: str) -> str:
    """Normalised topic identity of a hashtag or a Tags entry ("" if it has no letter or digit).

    NFKC (so fullwidth letters are plain ones), case-folded, format characters (ZWJ, ZWNJ)
    dropped, every run of anything but letters, marks and digits made one '-'. Letters are
    not stripped of accents: #café and #cafe are two topics.
    """
    s = unicodedata.normalize("NFKC", text).strip().lstrip("#")
    s = unicodedata.normalize("NFKC", s.casefold())
    out: list[str] = []
    gap = False
    for ch in s:
        cat = unicodedata.category(ch)
        if cat[0] in "LMN":
            if gap and out:
                out.append("-")
            gap = False
            out.append(ch)
        elif cat != "Cf":
            gap = True
    return "".join(out)


def topic_slug(text: str) -> str:
    """URL slug of a topic: its key, so two topics share a slug only if they are one topic."""
    return topic_key(text)


# ---------------------------------------------------------------- names


def fold_name(text: str) -> str:
    """Case- and space-insensitive form of a person's name."""
    return " ".join(text.split()).casefold()


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters, digits and _, other runs as single hyphens."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", text.casefold()).strip("-")


def name_slug(name: str) -> str:
    """Page slug for someone known only by a plain name ("Jon Smith" -> "jon-smith")."""
    return ascii_slug(name.replace("_", " "))


# What each network's handles look like (the text engine finds the same shapes in prose).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = rf"(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})"
HANDLE_GRAMMAR: dict[str, tuple[re.Pattern[str], str]] = {
    "twitter": (
        re.compile(r"[A-Za-z0-9_]{1,20}"),
        "a Twitter handle (expected up to 20 letters, digits or _, e.g. nickkeane)",
    ),
    "mastodon": (
        re.compile(rf"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{{0,28}}[A-Za-z0-9_])?@{_DOMAIN}"),
        "a Mastodon handle (expected user@host, e.g. nick@police.example)",
    ),
    "bluesky": (
        re.compile(_DOMAIN),
        "a Bluesky handle (expected a domain name, e.g. nick.bsky.social)",
    ),
}


def handle_problem(network: str, handle: str) -> str | None:
    """Why a registry handle (without its at-sign) is not one of its network, or None."""
    pattern, what = HANDLE_GRAMMAR[network]
    return None if pattern.fullmatch(handle) else f"{network} '{handle}' is not {what}"
