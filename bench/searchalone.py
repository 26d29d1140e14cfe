"""The search index alone: Pagefind over a cold build's pages, apart from the build.

Issue 21 holds Breakout's cold build, search index included, to vanilla Pelican's CPU. So
that each run shows how much of that budget the index takes by itself, the comparison
indexes every cold build's pages once more in a process of its own
(`python -m bench.searchalone --site S --state F --workers N`): the pages hard-linked
into a scratch folder, no state from an earlier index, pelicanconf.py's search settings
(the default shards and staging) and the build's number of workers.
That process times the indexing alone (not its own start-up and imports, which a build
pays once for everything): its own CPU and its subprocesses', which are Pagefind's.

Vanilla Pelican with search is measured the same way (`--plain`): after each of vanilla's
cold builds, one Pagefind run over its write-up and page files (hard-linked apart), as a
Pelican site adds search after its build (the pelican-search plugin indexes the articles
and pages of its output). That is the baseline a build with search included can be held to.
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
from collections.abc import Callable, Sequence
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
    pages: int = 0  # pages given to Pagefind (counted for vanilla's; 0: not counted)


def link_pages(output: Path, site: Path) -> None:
    """A copy of output made of hard links, without its search bundle (site must not exist)."""
    shutil.copytree(
        output,
        site,
        copy_function=os.link,
        ignore=lambda folder, _names: [BUNDLE_DIR] if Path(folder) == output else [],
    )


def _index_apart(
    scratch: Path, trash: Path, fill: Callable[[Path], int], args: list[str], what: str
) -> SearchCost:
    """Fill scratch/site (fill returns the pages given), index it in a fresh process, tidy up.

    A scratch folder an interrupted run left goes first; scratch is moved into trash
    afterwards, not deleted: deleting thousands of folders now would charge the next build
    the file system's scan of recently deleted inodes (see measure.Site.clean).
    """
    move_aside(scratch, trash)
    site, result = scratch / "site", scratch / "usage.json"
    cmd = [sys.executable, "-m", "bench.searchalone", "--site", str(site)]
    cmd += ["--result", str(result), *args]
    try:
        pages = fill(site)
        done = subprocess.run(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False
        )
        if done.returncode != 0:
            log = done.stdout.decode("utf-8", "replace").strip()
            raise BenchError(f"{what} failed (exit {done.returncode}): {log}")
        usage = json.loads(result.read_text(encoding="utf-8"))
    finally:
        move_aside(scratch, trash)
    cpu = usage["self_cpu"] + usage["sub_cpu"]
    return SearchCost(usage["wall"], cpu, usage["sub_cpu"], pages)


def measure_search(output: Path, scratch: Path, workers: int | None, trash: Path) -> SearchCost:
    """Index output's pages from nothing in a fresh process, apart from the build; its costs.

    scratch holds the linked pages and the new index (see _index_apart). workers: Pagefind
    runs at once, as the build's BREAKOUT_WORKERS (None: as the environment says, else
    every core).
    """

    def fill(site: Path) -> int:
        link_pages(output, site)
        return 0  # not counted: Breakout's build marks what Pagefind indexes

    args = ["--state", str(scratch / "search-state.json")]
    args += ["--workers", str(workers)] if workers else []
    return _index_apart(scratch, trash, fill, args, f"indexing {output} apart")


def plain_pages(output: Path, content: Path) -> list[str]:
    """Vanilla's write-up and page files under output, one per source file, as Pelican names them.

    The corpus names each source file by its slug and vanilla's settings slug by file name,
    so Pelican's default ARTICLE_SAVE_AS and PAGE_SAVE_AS give `<stem>.html` and
    `pages/<stem>.html`. A source without its page fails, naming what is missing.
    """
    wanted = [f"{p.stem}.html" for p in sorted((content / "writeups").rglob("*.md"))]
    wanted += [f"pages/{p.stem}.html" for p in sorted((content / "pages").rglob("*.md"))]
    missing = [rel for rel in wanted if not (output / rel).is_file()]
    if missing or not wanted:
        raise BenchError(
            f"{output}: no page for {len(missing)} of the {len(wanted)} source files under "
            f"{content} ({', '.join(missing[:3])}{', …' if len(missing) > 3 else ''}): "
            "vanilla's ARTICLE_SAVE_AS or PAGE_SAVE_AS no longer match bench/searchalone.py"
        )
    return wanted


def measure_plain_search(output: Path, content: Path, scratch: Path, trash: Path) -> SearchCost:
    """Vanilla with search: one Pagefind run over output's write-up and page files; its costs.

    Those files are hard-linked into scratch/site and indexed from nothing in a fresh
    process (see _index_apart). pages: how many files Pagefind was given.
    """

    def fill(site: Path) -> int:
        pages = plain_pages(output, content)
        for rel in pages:
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(output / rel, site / rel)
        return len(pages)

    args = ["--plain"]
    return _index_apart(scratch, trash, fill, args, f"indexing {output} with one Pagefind run")


def _index_plain(site: Path) -> None:
    """One Pagefind run over every page under site into site/pagefind (SearchIndexError if not)."""
    from breakout_search.indexer import SearchIndexError, find_pagefind, pagefind_command

    done = subprocess.run(
        pagefind_command(find_pagefind(), site, site / BUNDLE_DIR),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise SearchIndexError(f"pagefind exited {done.returncode}: {detail}")


def _children_cpu() -> float:
    """User and system CPU of the subprocesses this process has waited for."""
    sub = resource.getrusage(resource.RUSAGE_CHILDREN)
    return sub.ru_utime + sub.ru_stime


def main(argv: Sequence[str] | None = None) -> int:
    """Index --site (start_index, or with --plain one Pagefind run); its wall and CPU to --result."""
    parser = argparse.ArgumentParser(prog="python -m bench.searchalone")
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--state", type=Path, help="start_index's state file (not with --plain)")
    parser.add_argument("--workers", type=int, help="Pagefind runs at once (default: as builds)")
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument(
        "--plain", action="store_true", help="one Pagefind run over every page (vanilla's way)"
    )
    args = parser.parse_args(argv)
    if (args.state is None) != args.plain:
        parser.error("give --state, or --plain without it")
    sys.path.insert(0, str(ROOT / "plugins"))
    from breakout_kernel.workers import worker_count
    from breakout_search.indexer import SearchIndexError, start_index

    workers = args.workers or worker_count()
    start, own, sub = time.perf_counter(), time.process_time(), _children_cpu()
    try:
        if args.plain:
            _index_plain(args.site)
        else:
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
