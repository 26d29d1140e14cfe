"""Which pages the search index holds and how they split into shards (pure: no Pelican, no Pagefind).

Pagefind's memory grows faster than the number of pages it indexes in one run (2,000
write-ups, 4,561 pages: 626 MiB in one run, 56 MiB for each of 16 runs), and one run
re-reads every page even when one changed. So the index is split by a stable hash of each
page's path into a power-of-two number of shards, each indexed by its own Pagefind run into
its own bundle folder, and a shard runs again only when one of its pages' bytes changed.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

# A start tag carrying data-pagefind-body: Pagefind then indexes only pages that have one.
# (A page whose text merely mentions the attribute is not a marked page.)
MARK = re.compile(rb"<[A-Za-z][^<>]*?\sdata-pagefind-body[\s=/>]")


@dataclass(frozen=True)
class Page:
    """One HTML page to index: its path under the site (with '/') and the digest of its bytes."""

    rel: str
    digest: bytes


@dataclass(frozen=True)
class Shard:
    """One Pagefind run: its folder name under the bundle, its pages, and whether it is primary.

    The primary shard (the first) keeps Pagefind's runtime (pagefind.js, its worker and
    WebAssembly); the search page loads it from there and merges the other shards' indexes.
    """

    name: str
    pages: tuple[Page, ...]
    primary: bool


def site_pages(site: Path, skip: tuple[str, ...]) -> list[Page]:
    """The pages Pagefind indexes, sorted: those marked data-pagefind-body, or all if none is.

    skip: top-level folders that are not pages of the site (the bundle itself).
    """
    marked: list[Page] = []
    every: list[Page] = []
    root = str(site)
    for folder, dirs, names in os.walk(root):
        at_top = folder == root
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (at_top and d in skip))
        for name in sorted(names):
            if not name.endswith(".html") or name.startswith("."):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                data = f.read()
            page = Page(
                os.path.relpath(path, root).replace(os.sep, "/"),
                hashlib.blake2b(data, digest_size=16).digest(),
            )
            every.append(page)
            if MARK.search(data):
                marked.append(page)
    return sorted(marked or every, key=lambda p: p.rel)


def shard_count(pages: int, per_shard: int) -> int:
    """The fewest shards, a power of two, holding at most per_shard pages each on average.

    A power of two changes only when the site doubles (or halves), so adding a write-up
    does not move every page to another shard.
    """
    count = 1
    while count * per_shard < pages:
        count *= 2
    return count


def shard_of(rel: str, count: int) -> int:
    """The shard a page belongs to: a stable hash of its path, whatever else the site holds."""
    return (
        int.from_bytes(hashlib.blake2b(rel.encode("utf-8"), digest_size=8).digest(), "big") % count
    )


def plan(pages: list[Page], per_shard: int) -> list[Shard]:
    """Split the pages into shards (empty ones left out), named by number, the first primary."""
    count = shard_count(len(pages), per_shard)
    width = max(3, len(str(count - 1)))
    buckets: list[list[Page]] = [[] for _ in range(count)]
    for page in pages:
        buckets[shard_of(page.rel, count)].append(page)
    filled = [(n, sorted(b, key=lambda p: p.rel)) for n, b in enumerate(buckets) if b]
    return [Shard(f"{n:0{width}d}", tuple(b), primary=i == 0) for i, (n, b) in enumerate(filled)]


def pages_part(shard: Shard) -> bytes:
    """Digest of a shard's pages: each path and the digest of its bytes, in path order."""
    h = hashlib.blake2b(digest_size=32)
    for page in shard.pages:
        h.update(page.rel.encode("utf-8", "surrogateescape") + b"\0" + page.digest)
    return h.digest()
