"""A rebuild's changed shards indexed early, from the write-ups (no Pelican import).

A build into a fresh folder writes the write-up pages first, then the people, topic and
event pages, then the feeds in the output lane. After a one-write-up edit the shard that
holds the edited page is the only one to index again, and its other pages are nearly
always those of the live output (a person page whose lists changed keeps its twin, which
is what Pagefind is given). So as soon as the write-ups are written, start_early plans
the shards from the last build's record of every page, with the write-up pages as written
now and the others as the live output holds them, and starts Pagefind on each shard
whose digest differs from the recorded one. start_index adopts a run whose shard has,
once every page is written, that same digest (so its bundle is the one a run then would
write), and runs the others again. Before, that one shard ran only after the last page
was written, alone on the critical path of a rebuild.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .indexer import BUNDLE_DIR, index_shard, read_state, same_as_recorded, shard_digests
from .shards import Page, Seen, is_page_marked, is_record, page_record, plan, record_page
from .staging import (
    STAGING_RECORD,
    clear_staging_left,
    make_staging,
    remove_staging,
    staging_root,
)


@dataclass
class Early:
    """Shard runs started before the last page was written: adopted or redone by start_index."""

    pool: ThreadPoolExecutor
    staging: Path  # the build's staging folder (the IndexJob that adopts the runs removes it)
    record: Path  # the cache file naming it (indexer.make_staging)
    runs: dict[str, tuple[str, Future[None]]] = field(default_factory=dict)  # name: digest, run
    handed_over: bool = False  # start_index took the runs, the pool and the staging folder

    def abandon(self) -> None:
        """The build failed before start_index: let the runs end and remove the staging."""
        if self.handed_over:
            return
        for _digest, future in self.runs.values():
            with contextlib.suppress(Exception):  # the build has failed already
                future.result()
        self.pool.shutdown()
        remove_staging(self.staging, self.record)


def early_pages(site: Path, live: Path, written: Iterable[str], seen: Seen) -> list[Page]:
    """The indexed pages as they will most likely be: written ones from site, the rest live.

    seen: the last build's record of every page (shards.site_pages). written: the pages this
    build has written so far (paths under site with '/'), read again only if changed.
    """
    marked: dict[str, Page] = {}
    for rel, last in seen.items():
        if is_record(last) and is_page_marked(last):
            marked[rel] = record_page(rel, last, source=os.path.join(live, rel))
    for rel in written:
        path = os.path.join(site, rel)
        try:
            st = os.stat(path)
        except OSError:  # not written after all: the final plan will tell
            continue
        record = page_record(path, st, seen.get(rel))
        if is_page_marked(record):
            marked[rel] = record_page(rel, record, source=path)
        else:
            marked.pop(rel, None)
    return sorted(marked.values(), key=lambda p: p.rel)


def start_early(
    site: Path,
    live: Path,
    state_file: Path,
    written: Iterable[str],
    *,
    exe: Path,
    workers: int,
    per_shard: int,
    staging_dir: str | None = None,
) -> Early | None:
    """Start Pagefind on the shards an edit changed, if there are a few; None if not worth it.

    Nothing starts without the last build's state, or when more shards changed than there
    are workers (a cold build, or a large change: every shard then runs at the end as before).
    """
    try:
        recorded, seen = read_state(state_file.read_bytes())
    except OSError:  # no state: a cold build
        return None
    if not recorded or not seen:
        return None
    pages = early_pages(site, live, written, seen)
    if not pages:
        return None
    shards = plan(pages, per_shard)
    digests = shard_digests(shards, exe)
    changed = [
        (s, digests[s.name])
        for s in shards
        if not same_as_recorded(recorded, s.name, digests[s.name])
    ]
    if not changed or len(changed) > workers:
        return None
    cache = state_file.parent
    record = cache / STAGING_RECORD
    clear_staging_left(record)
    staging = make_staging(staging_root(cache, staging_dir), record)
    early = Early(ThreadPoolExecutor(workers, "pagefind"), staging, record)
    bundle = site / BUNDLE_DIR
    for shard, digest in changed:
        run = early.pool.submit(
            index_shard, exe, site, shard, bundle / shard.name, staging / shard.name
        )
        early.runs[shard.name] = (digest, run)
    return early
