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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from .twin import attribute_at, search_twin

MARK = b"data-pagefind-body"  # an attribute: Pagefind then indexes only pages that have one


def is_marked(data: bytes) -> bool:
    """Whether a page has a tag with data-pagefind-body (not merely text that mentions it)."""
    return attribute_at(data, MARK) >= 0


@dataclass(frozen=True)
class Page:
    """One HTML page to index: its path under the site (with '/'), whether it is indexed
    from its twin (twin.py), and the digest of the bytes Pagefind is given (the twin's).

    source: the file to stage when it is not the site's own (early.py stages the pages a
    rebuild has not written yet from the live output).
    """

    rel: str
    digest: str
    twin: bool = False
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class Shard:
    """One Pagefind run: its folder name under the bundle, its pages, and whether it is primary.

    The primary shard (the first) keeps Pagefind's runtime (pagefind.js, its worker and
    WebAssembly); the search page loads it from there and merges the other shards' indexes.
    """

    name: str
    pages: tuple[Page, ...]
    primary: bool


# page path -> [size, mtime_ns, inode, marked, digest hex, indexed from its twin]
Seen = dict[str, list[object]]


def _walk_html(root: str, skip: tuple[str, ...]) -> list[tuple[str, os.stat_result]]:
    """(path, stat) of every .html file under root, hidden names and top-level skip left out."""
    found = []
    todo = [root]
    while todo:
        folder = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or (folder == root and entry.name in skip):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                elif entry.name.endswith(".html"):
                    found.append((entry.path, entry.stat()))
    return found


def site_pages(
    site: Path, skip: tuple[str, ...], seen: Seen | None = None
) -> tuple[list[Page], Seen]:
    """The pages Pagefind indexes, sorted: those marked data-pagefind-body, or all if none is.

    skip: top-level folders that are not pages of the site (the bundle itself). seen: what
    the last build found, so a page whose size, mtime and inode are unchanged (a page carried
    over from the live output is the same inode) is not read again. Returns the pages and
    this build's seen.
    """
    seen = seen or {}
    now: Seen = {}
    marked: list[Page] = []
    every: list[Page] = []
    root = os.path.normpath(site)
    for path, st in _walk_html(root, skip):
        rel = path[len(root) + 1 :].replace(os.sep, "/")
        now[rel] = record = page_record(path, st, seen.get(rel))
        page = record_page(rel, record)
        every.append(page)
        if is_page_marked(record):
            marked.append(page)
    return sorted(marked or every, key=lambda p: p.rel), now


def is_record(value: object) -> TypeGuard[list[object]]:
    """Whether value is a Seen record of this layout (one of an older layout is not)."""
    return isinstance(value, list) and len(value) == 6


def is_page_marked(record: list[object]) -> bool:
    """Whether a Seen record's page has data-pagefind-body."""
    return bool(record[3])


def record_page(rel: str, record: list[object], source: str = "") -> Page:
    """The Page a Seen record describes (source: see Page)."""
    return Page(rel, str(record[4]), bool(record[5]), source=source)


def page_record(path: str, st: os.stat_result, last: object) -> list[object]:
    """A page's Seen record: the last one if size, mtime and inode hold, else read and hashed."""
    key: list[object] = [st.st_size, st.st_mtime_ns, st.st_ino]
    if is_record(last) and last[:3] == key:
        return last
    with open(path, "rb") as f:
        data = f.read()
    is_page_marked = is_marked(data)
    # What Pagefind is given: a change in a part it ignores does not index it again.
    staged = search_twin(data) if is_page_marked else None
    twin = staged is not None
    digest = hashlib.blake2b(staged if twin else data, digest_size=16).hexdigest()
    return [*key, is_page_marked, digest, twin]


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
    """Digest of a shard's pages: each path and the digest of what Pagefind is given, in path order."""
    h = hashlib.blake2b(digest_size=32)
    for page in shard.pages:
        h.update(f"{page.rel}\0{page.digest}\0".encode("utf-8", "surrogateescape"))
    return h.digest()
