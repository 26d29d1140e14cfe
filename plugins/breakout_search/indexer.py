"""Run Pagefind over a built site, one run per shard (no Pelican import: callable from anywhere).

Layout of the bundle folder (site/pagefind/): shards.json lists the shard folders the search
page merges, primary first; each shard folder (000/, 001/, …) is one Pagefind run's bundle,
pruned to what the search page loads (the runtime only in the primary shard).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from breakout_kernel.change.hashing import parts_digest
from breakout_kernel.change.manifest import carry_if_same, carry_over
from breakout_kernel.change.stamp import library_versions
from breakout_kernel.folders import write_if_changed

from .shards import Seen, Shard, pages_part, plan, site_pages
from .staging import (
    STAGING_RECORD,
    clear_staging_left,
    make_staging,
    remove_staging,
    stage_pages,
    staging_root,
)
from .twin import TWIN_VERSION

if TYPE_CHECKING:
    from .early import Early

BUNDLE_DIR = "pagefind"  # search.html loads site/pagefind/shards.json and the shards under it
SHARD_LIST = "shards.json"
SHARD_PAGES = 400  # default most pages per shard on average (BREAKOUT_SEARCH['SHARD_PAGES'])
STATE_VERSION = 5  # bump when what the state file records changes
DATA_DIRS = ("fragment", "index", "filter")  # a shard's index, loaded by every shard
RUNTIME = ("pagefind.js", "pagefind-worker.js")  # with wasm.*.pagefind: the primary shard only


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed: the build must not publish a site without its index."""


def find_pagefind() -> Path:
    """Locate the pagefind executable: $PAGEFIND_BINARY_PATH, the `pagefind[bin]` wheel, then PATH."""
    env = os.environ.get("PAGEFIND_BINARY_PATH")
    if env:
        return Path(env)
    try:
        from pagefind_bin import get_executable  # the binary shipped in the PyPI wheel

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("pagefind")
    if found:
        return Path(found)
    raise SearchIndexError(
        "pagefind is not installed: pip install 'pagefind[bin]' "
        "(or set BREAKOUT_SEARCH = {'ENABLED': False})"
    )


def pagefind_command(exe: Path, site: Path, bundle: Path) -> list[str]:
    """The command line that indexes the pages under `site` into `bundle`, logging only errors."""
    return [str(exe), "--site", str(site), "--output-path", str(bundle), "--silent"]


def wanted(name: str, is_dir: bool, primary: bool) -> bool:
    """Whether a file Pagefind wrote is loaded by the search page (its UI bundles are not)."""
    if is_dir:
        return name in DATA_DIRS
    if name == "pagefind-entry.json" or name.endswith(".pf_meta"):
        return True
    runtime = name in RUNTIME or (name.startswith("wasm.") and name.endswith(".pagefind"))
    return primary and runtime


def prune_bundle(bundle: Path, primary: bool) -> None:
    """Remove what the search page never loads: Pagefind's UIs, and the runtime of merged shards."""
    for entry in sorted(bundle.iterdir()):
        if wanted(entry.name, entry.is_dir(), primary):
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def bundle_listing(bundle: Path) -> list[list[object]]:
    """[relative path, size] of every file in a bundle, sorted: enough to see one was altered."""
    # os.walk, not Path.rglob: rglob hashes every path it yields (0.2 s for 16 bundles).
    found: list[list[object]] = []
    root = str(bundle)
    for folder, _dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in files:
            path = os.path.join(folder, name)
            if os.path.isfile(path):  # as rglob's is_file(): a link to a file counts, others not
                found.append([name if rel == "." else f"{rel}/{name}", os.path.getsize(path)])
    return sorted(found)


def shard_digests(shards: list[Shard], exe: Path) -> dict[str, str]:
    """Each shard's digest of everything its bundle depends on: its pages' bytes, Pagefind,
    its role (Pagefind's version looked up once, not once a shard)."""
    versions = sorted(library_versions(["pagefind", "pagefind-bin"]).items())
    return {
        s.name: parts_digest(
            STATE_VERSION, TWIN_VERSION, pages_part(s).hex(), str(exe), versions, s.primary
        )
        for s in shards
    }


def same_as_recorded(recorded: dict[str, dict[str, object]], name: str, digest: str) -> bool:
    """Whether the last build's state records this digest for the shard (read_state's shards)."""
    last = recorded.get(name)
    return isinstance(last, dict) and last.get("digest") == digest


def index_shard(exe: Path, site: Path, shard: Shard, bundle: Path, staging: Path) -> None:
    """Index one shard's pages into bundle (replaced); the error names the shard."""
    where = f"search shard {shard.name} ({len(shard.pages)} pages, {shard.pages[0].rel} …)"
    shutil.rmtree(bundle, ignore_errors=True)
    try:
        stage_pages(shard, site, staging)
        done = subprocess.run(
            pagefind_command(exe, staging, bundle),
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
            # Descriptors marked inheritable pass: the build lock's (tools/buildlock.py), so a
            # build killed on its own keeps the next waiting until this run has ended.
            close_fds=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"{where}: pagefind could not run: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise SearchIndexError(f"{where}: pagefind failed (exit {done.returncode}): {detail}")
    if not (bundle / "pagefind-entry.json").is_file():
        raise SearchIndexError(f"{where}: pagefind wrote no pagefind-entry.json in {bundle}")
    prune_bundle(bundle, shard.primary)


@dataclass(frozen=True)
class IndexRun:
    """What indexing did: the bundle folder, the shards Pagefind indexed and those kept."""

    bundle: Path
    ran: tuple[str, ...]
    kept: tuple[str, ...]
    early: tuple[str, ...] = ()  # of ran, those whose early run (early.py) was kept


def read_state(data: bytes | None) -> tuple[dict[str, dict[str, object]], Seen]:
    """Last build's shards (name -> {"digest", "bundle"}) and pages seen; empty if none or old."""
    try:
        state = json.loads(data) if data is not None else None
    except ValueError:  # cut short: index again
        return {}, {}
    # A page's record holds its twin's digest: another cut makes every record stale.
    if not isinstance(state, dict) or state.get("version") != [STATE_VERSION, TWIN_VERSION]:
        return {}, {}
    shards, pages = state.get("shards"), state.get("pages")
    return (
        shards if isinstance(shards, dict) else {},
        pages if isinstance(pages, dict) else {},
    )


def _carry_bundle(source: Path, bundle: Path, files: list[list[object]]) -> bool:
    """Hard-link (or copy) the live output's shard into this build's folder, file by file.

    files: the shard's bundle_listing, which start_index has just taken of source to keep
    it, so the folder is not walked a second time.
    """
    return all(carry_over(str(source / str(rel)), str(bundle / str(rel))) for rel, _size in files)


def _clear(bundle: Path, keep: set[str]) -> None:
    """Remove from the bundle folder what this build does not keep (old shards, an old layout)."""
    if not bundle.is_dir():
        return
    for entry in bundle.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


@dataclass
class IndexJob:
    """Shard runs under way: start_index starts them, wait() finishes the bundle or raises."""

    site: Path
    state_file: Path
    staging_under: Path  # the folder the staging folder is made in (staging_root)
    live: Path | None
    shards: list[Shard]
    digests: dict[str, str]
    listings: dict[str, list[list[object]]]  # kept shards' bundles, as recorded
    seen: Seen  # the site's pages as this build found them (see shards.site_pages)
    previous_state: bytes | None = None  # the state file as the last build left it
    runs: list[tuple[Shard, Future[bool | None]]] = field(default_factory=list)
    pool: ThreadPoolExecutor | None = None
    staging: Path | None = None  # made when the first shard runs (make_staging)
    early_runs: set[str] = field(default_factory=set)  # adopted from early.start_early
    ended: bool = False  # waited for or abandoned

    @property
    def staging_record(self) -> Path:
        """The cache file naming the staging folder while it exists (see clear_staging_left)."""
        return self.state_file.parent / STAGING_RECORD

    def shard_staging(self, shard: Shard) -> Path:
        """Where one shard's pages are staged, the build's staging folder made on first use."""
        if self.staging is None:
            self.staging = make_staging(self.staging_under, self.staging_record)
        return self.staging / shard.name

    @property
    def bundle(self) -> Path:
        """The bundle folder in this build's output."""
        return self.site / BUNDLE_DIR

    def _finish_runs(self) -> list[str]:
        """Wait for every shard run and clear the staging folder; each failed shard's message."""
        self.ended = True
        problems = []
        for shard, future in self.runs:
            try:
                future.result()
            except SearchIndexError as exc:
                problems.append(str(exc))
            except Exception as exc:  # any failure of a shard fails the index
                problems.append(f"search shard {shard.name}: {exc!r}")
        if self.pool is not None:
            self.pool.shutdown()
        if self.staging is not None:
            remove_staging(self.staging, self.staging_record)
        return problems

    def abandon(self) -> None:
        """The build failed: let the runs end, and leave the state as the last build left it.

        The bundle is in the failed build's folder, which is removed; the live output and
        its index were never touched, so the last state still describes them.
        """
        if self.ended:
            return
        self._finish_runs()
        if self.previous_state is not None:
            write_if_changed(self.state_file.parent, self.state_file.name, self.previous_state)

    def wait(self) -> IndexRun:
        """Wait for every shard run; write the shard list and the state, or fail naming shards."""
        problems = self._finish_runs()
        if problems:
            # Never leave part of an index: the search page then says search could not load.
            shutil.rmtree(self.bundle, ignore_errors=True)
            raise SearchIndexError("; ".join(problems))
        names = [f"{s.name}/" for s in self.shards]
        listing = json.dumps({"shards": names}, separators=(",", ":")).encode("utf-8")
        target = self.bundle / SHARD_LIST
        rel = f"{BUNDLE_DIR}/{SHARD_LIST}"
        live = str(self.live) if self.live else None
        if not carry_if_same(live, rel, str(target), listing):
            write_if_changed(self.site, rel, listing)
        ran = tuple(s.name for s, _ in self.runs)
        shards = {
            s.name: {
                "digest": self.digests[s.name],
                "bundle": self.listings.get(s.name) or bundle_listing(self.bundle / s.name),
            }
            for s in self.shards
        }
        state = {"version": [STATE_VERSION, TWIN_VERSION], "shards": shards, "pages": self.seen}
        data = json.dumps(state, separators=(",", ":"), sort_keys=True)
        write_if_changed(self.state_file.parent, self.state_file.name, data.encode("utf-8"))
        kept = tuple(s.name for s in self.shards if s.name not in ran)
        # An adopted run returns True once its bundle is written (False: it was redone).
        early = tuple(s.name for s, f in self.runs if s.name in self.early_runs and f.result())
        return IndexRun(self.bundle, ran=ran, kept=kept, early=early)


def _adopt(early: Early, digests: dict[str, str], bundle: Path) -> dict[str, Future[None]]:
    """The early runs whose shard kept the digest they index; the others end, their bundles go."""
    adopted = {}
    for name, (digest, future) in early.runs.items():
        if digests.get(name) == digest:
            adopted[name] = future
            continue
        with contextlib.suppress(Exception):  # the shard runs again (or is kept) below
            future.result()
        shutil.rmtree(bundle / name, ignore_errors=True)
    return adopted


def _kept_or_redone(early_run: Future[None], redo: Callable[[], None]) -> bool:
    """Wait for an adopted early run: True if it wrote its bundle, else redo the shard (False).

    A failed early run is redone, not reported: it read pages from the live output, so its
    failure may not be this build's.
    """
    try:
        early_run.result()
    except Exception:
        redo()
        return False
    return True


def _keepable(
    shards: list[Shard],
    digests: dict[str, str],
    recorded: dict[str, dict[str, object]],
    source: Path,
) -> dict[str, list[list[object]]]:
    """The shards whose recorded digest holds and whose bundle in source is intact: listings."""
    listings: dict[str, list[list[object]]] = {}
    for shard in shards:
        if not same_as_recorded(recorded, shard.name, digests[shard.name]):
            continue
        folder, bundle = source / shard.name, recorded[shard.name].get("bundle")
        if folder.is_dir() and bundle == bundle_listing(folder):
            listings[shard.name] = bundle  # type: ignore[assignment]
    return listings


def start_index(
    site: Path,
    state_file: Path,
    *,
    exe: Path | None = None,
    live: Path | None = None,
    workers: int = 1,
    per_shard: int = SHARD_PAGES,
    staging_dir: str | None = None,
    early: Early | None = None,
) -> IndexJob:
    """Start indexing `site`: shards whose pages are unchanged are kept, the others run.

    A shard's bundle is kept only if the state file (in the build's cache) records the same
    digest for it and its folder still holds exactly the files it wrote; Pagefind's output
    is deterministic, so a kept shard equals a fresh one. live: the live output when the
    build writes into a fresh folder (tools/build.py); kept shards are carried over from it.
    Up to `workers` Pagefind runs go at once; call wait() on the result before publishing.
    staging_dir: where to stage the shards' pages (staging_root; None: memory if it has room).
    early: runs early.start_early started; one whose shard still has its digest is adopted.
    """
    site = Path(site)
    exe = exe or find_pagefind()
    try:
        previous_state: bytes | None = state_file.read_bytes()
    except OSError:  # none yet
        previous_state = None
    recorded, seen = read_state(previous_state)
    pages, seen = site_pages(site, (BUNDLE_DIR,), seen)
    if not pages:
        raise SearchIndexError(f"no HTML page to index under {site}")
    shards = plan(pages, per_shard)
    digests = shard_digests(shards, exe)
    # No state while Pagefind runs: a failed run must not leave a claim that a bundle is fresh.
    state_file.unlink(missing_ok=True)
    bundle = site / BUNDLE_DIR
    source = Path(live) / BUNDLE_DIR if live else bundle
    listings = _keepable(shards, digests, recorded, source)
    adopted = _adopt(early, digests, bundle) if early is not None else {}
    _clear(bundle, set(listings) | set(adopted) | ({SHARD_LIST} if not live else set()))
    cache = state_file.parent
    under = staging_root(cache, staging_dir)
    job = IndexJob(site, state_file, under, live, shards, digests, listings, seen, previous_state)
    if early is not None:  # its pool and staging folder are the job's now
        early.handed_over = True
        job.pool, job.staging = early.pool, early.staging
    else:
        clear_staging_left(cache / STAGING_RECORD)
        job.pool = ThreadPoolExecutor(max(1, workers), "pagefind")
    pool, staging = job.pool, job.shard_staging

    def run(shard: Shard) -> None:
        future = pool.submit(index_shard, exe, site, shard, bundle / shard.name, staging(shard))
        job.runs.append((shard, future))

    for shard in shards:
        if shard.name in adopted:
            redo = partial(index_shard, exe, site, shard, bundle / shard.name, staging(shard))
            job.runs.append((shard, pool.submit(_kept_or_redone, adopted[shard.name], redo)))
            job.early_runs.add(shard.name)
        elif shard.name not in listings:
            run(shard)
    # Kept shards are carried over while Pagefind runs (thousands of links: 0.15 s at
    # 2,000 write-ups); one that cannot be carried is indexed after all.
    for shard in shards:
        if (
            live
            and shard.name in listings
            and not _carry_bundle(source / shard.name, bundle / shard.name, listings[shard.name])
        ):
            del listings[shard.name]
            run(shard)
    return job
