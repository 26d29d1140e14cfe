"""Order, deduplicate and thread comments in linear time (children lists built in one pass)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from .model import PUBLISHED, Comment, CommentSource
from .parse import normalise_space

_DIGITS = re.compile(r"(\d+)")


class Dated(Protocol):
    """Anything with an id and an optional date (CommentSource, Comment)."""

    id: str
    date: dt.datetime | None


D = TypeVar("D", bound=Dated)


# Cached: ids repeat across threads (001, 002, …) and every sort asks again.
@functools.lru_cache(maxsize=4096)
def natural_key(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key reading digit runs as numbers, so '9' comes before '10'."""
    # re.split with a group alternates text, digits, text…: every slot has one type.
    return tuple((int(p), p) if i % 2 else (0, p) for i, p in enumerate(_DIGITS.split(text)))


def sort_key(item: Dated) -> tuple:
    """Dated comments by date, then undated ones; ties and undated by id."""
    if item.date is not None:
        return (0, item.date.timestamp(), natural_key(item.id), item.id)
    return (1, 0.0, natural_key(item.id), item.id)


def in_order(items: Sequence[D]) -> list[D]:
    """The items sorted by sort_key."""
    return sorted(items, key=sort_key)


@dataclass
class Collapsed:
    """One group of exact duplicates: the comment kept and the ones shown through it."""

    kept: CommentSource
    dropped: list[CommentSource]


def dedupe(sources: Sequence[CommentSource]) -> tuple[list[CommentSource], list[Collapsed]]:
    """Keep the earliest of each group of same-author, same-text comments; report the groups."""
    # Removed and empty comments are never collapsed. Bodies are compared only between
    # comments of one author: most threads have none, so most bodies are never normalised.
    by_author: dict[str, list[CommentSource]] = {}
    for source in sources:
        if source.status == PUBLISHED and source.body.strip():
            by_author.setdefault(normalise_space(source.author), []).append(source)
    collapsed: list[Collapsed] = []
    for same_author in by_author.values():
        if len(same_author) < 2:
            continue
        groups: dict[str, list[CommentSource]] = {}
        for source in in_order(same_author):
            groups.setdefault(normalise_space(source.body), []).append(source)
        collapsed.extend(Collapsed(g[0], g[1:]) for g in groups.values() if len(g) > 1)
    if not collapsed:
        return list(sources), []
    dropped = {id(s) for group in collapsed for s in group.dropped}
    kept = [s for s in sources if id(s) not in dropped]
    return kept, sorted(collapsed, key=lambda g: sort_key(g.kept))


@dataclass
class Thread:
    """Threaded comments: roots, everything in reading order, and Replyto loops that were cut."""

    roots: list[Comment]
    flat: list[Comment]
    loops: list[tuple[Comment, list[str]]] = field(default_factory=list)  # (made a root, the cycle)


def _loop_through(start: Comment, by_id: dict[str, Comment]) -> list[Comment]:
    """The comments of the Replyto loop that `start` hangs from (start may only lead into it)."""
    order: dict[str, int] = {}
    path: list[Comment] = []
    node = start
    while node.id not in order:
        order[node.id] = len(path)
        path.append(node)
        node = by_id[node.replyto]
    return path[order[node.id] :]


def _cycle_ids(cut: Comment, by_id: dict[str, Comment]) -> list[str]:
    """Ids around the loop from `cut` following Replyto, ending with cut's id again."""
    ids = [cut.id]
    node = by_id[cut.replyto]
    while node is not cut:
        ids.append(node.id)
        node = by_id[node.replyto]
    return [*ids, cut.id]


def thread(comments: Sequence[Comment]) -> Thread:
    """Attach replies under their Replyto (any depth); unknown parents and loops become roots."""
    by_id = {c.id: c for c in comments}
    children: dict[str, list[Comment]] = {c.id: [] for c in comments}
    roots: list[Comment] = []
    for c in comments:
        if c.replyto and c.replyto != c.id and c.replyto in by_id:
            children[c.replyto].append(c)
        else:
            roots.append(c)
    for kids in children.values():
        kids.sort(key=sort_key)
    roots.sort(key=sort_key)

    flat: list[Comment] = []
    seen: set[str] = set()

    def walk(top: Comment) -> None:
        """Set depth and replies below `top` and append them to flat, depth first."""
        # An explicit stack: threads can be deeper than Python's recursion limit.
        stack = [(top, 0)]
        while stack:
            node, depth = stack.pop()
            seen.add(node.id)
            node.depth = depth
            node.replies = children[node.id]
            flat.append(node)
            stack.extend((kid, depth + 1) for kid in reversed(node.replies))

    for root in roots:
        walk(root)
    loops: list[tuple[Comment, list[str]]] = []
    if len(seen) < len(comments):
        # Whatever a root cannot reach sits on a Replyto loop: cut each loop at its first comment.
        for c in in_order(comments):
            if c.id in seen:
                continue
            cut = min(_loop_through(c, by_id), key=sort_key)
            loops.append((cut, _cycle_ids(cut, by_id)))
            children[cut.replyto].remove(cut)
            roots.append(cut)
            walk(cut)
        roots.sort(key=sort_key)
        flat = [c for root in roots for c in _preorder(root)]
    return Thread(roots, flat, loops)


def _preorder(root: Comment) -> list[Comment]:
    """The comment and all its replies, depth first, in reading order."""
    out: list[Comment] = []
    stack = [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.replies))
    return out
