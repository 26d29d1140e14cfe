"""The search index alone: Pagefind over a cold build's pages, apart from the build.

Issue 21 holds Breakout's cold build, search index included, to vanilla Pelican's CPU. So
that each run shows how much of that budget the index takes by itself, the comparison
indexes every cold build's pages once more in a process of its own
(`python -m bench.searchalone --site S --state F --workers N`): the pages hard-linked
into a scratch folder, no state from an earlier index, pelicanconf.py's search settings
(the default shards and staging) and the build's number of workers.
That process times the indexing alone (not its own start-up and imports, which a build
pays once for everything): its own CPU and its subprocesses', which are Pagefind's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.measure import ROOT, BenchError, move_aside

BUNDLE_DIR = "pagefind"  # breakout_search.indexer.BUNDLE_DIR: the index, not a page


@dataclass(frozen=True)
class SearchCost:
    """What indexing a built site cost: wall, all CPU, and Pagefind's part of that CPU."""

    wall: float
    cpu: float
    pagefind_cpu: float


def link_pages(output: Path, site: Path) -> None:
    """A copy of output made of hard links, without its search bundle (site must not exist)."""
    shutil.copytree(
        output,
        site,
        copy_function=os.link,
        ignore=lambda folder, _names: [BUNDLE_DIR] if Path(folder) == output else [],
    )


def measure_search(output: Path, scratch: Path, workers: int | None, trash: Path) -> SearchCost:
    """Index output's pages from nothing in a fresh process; its costs.

    scratch holds the linked pages and the new index (one left there by an interrupted run
    goes first); it is moved into trash afterwards, not deleted: deleting thousands of
    folders now would charge the next build the file system's scan of recently deleted
    inodes (see measure.Site.clean). workers: Pagefind runs at once, as the build's
    BREAKOUT_WORKERS (None: as the environment says, else every core).
    """
    move_aside(scratch, trash)  # one an interrupted run left
    site, state, result = scratch / "site", scratch / "search-state.json", scratch / "usage.json"
    cmd = [sys.executable, "-m", "bench.searchalone", "--site", str(site), "--state", str(state)]
    cmd += ["--result", str(result)] + (["--workers", str(workers)] if workers else [])
    try:
        link_pages(output, site)
        done = subprocess.run(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False
        )
        if done.returncode != 0:
            log = done.stdout.decode("utf-8", "replace").strip()
            raise BenchError(f"indexing {output} apart failed (exit {done.returncode}): {log}")
        usage = json.loads(result.read_text(encoding="utf-8"))
    finally:
        move_aside(scratch, trash)
    return SearchCost(usage["wall"], usage["self_cpu"] + usage["sub_cpu"], usage["sub_cpu"])


def _children_cpu() -> float:
    """User and system CPU of the subprocesses this process has waited for."""
    sub = resource.getrusage(resource.RUSAGE_CHILDREN)
    return sub.ru_utime + sub.ru_stime


def main(argv: Sequence[str] | None = None) -> int:
    """Index --site with breakout_search's start_index; write its wall and CPU to --result."""
    parser = argparse.ArgumentParser(prog="python -m bench.searchalone")
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--workers", type=int, help="Pagefind runs at once (default: as builds)")
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "plugins"))
    from breakout_kernel.workers import worker_count
    from breakout_search.indexer import SearchIndexError, start_index

    workers = args.workers or worker_count()
    start, own, sub = time.perf_counter(), time.process_time(), _children_cpu()
    try:
        start_index(args.site, args.state, workers=workers).wait()
    except SearchIndexError as exc:  # the message names the site or shard: no traceback
        print(exc, file=sys.stderr)
        return 1
    usage = {
        "wall": time.perf_counter() - start,
        "self_cpu": time.process_time() - own,
        "sub_cpu": _children_cpu() - sub,
    }
    args.result.write_text(json.dumps(usage), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
