"""One-word-edit rebuilds as `invoke livereload` runs them: a KeptSite (tools/kept.py) in its own process.

`python -m bench.kept --conf C --path P --output O --cache K --edit FILE [--edits N] --result F`
builds the site once (reading it whole: not measured), then N times edits one word of FILE
(bench.corpus.edit_one_word, which toggles, so an even N leaves it as it was) and rebuilds
with FILE named as changed, as the watcher names it (after the last build's replaced
output is removed, untimed, as bench.measure.run_build waits). --result gets JSON: per rebuild its
wall seconds, its CPU seconds (this process and every process it waited for: the build's
child, its output lane, Pagefind) and how it was built ("written": only the edit read again);
and the peak RSS of this process and of the largest process it waited for, in KiB.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class KeptCost:
    """The median one-edit rebuild of a kept site: wall and CPU seconds, and how many were written."""

    wall: float
    cpu: float
    written: int  # rebuilds that read only the edit again (the rest read the whole site)
    edits: int
    rss_kib: int = 0  # peak RSS of the kept process (what it read stays in it)
    children_rss_kib: int = 0  # the largest peak of a process it waited for (a build's child)


def _cpu() -> float:
    """User + system seconds of this process and of the children it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(conf: Path, path: Path, output: Path, cache: Path, edit: Path, edits: int) -> KeptCost:
    """Build once, then time `edits` one-word edits of edit, each rebuilt by the kept site."""
    from bench.corpus import edit_one_word
    from tools.build import staging_folders
    from tools.kept import KeptSite
    from tools.removal import wait_until_removed

    old = staging_folders(Path(output).resolve())[1]

    site = KeptSite(conf, path=path, output=output, cache=cache, report=lambda _line: None)
    walls: list[float] = []
    cpus: list[float] = []
    written = 0
    try:
        site.build()
        for _ in range(edits):
            # As bench.measure.run_build does: the last build's replaced output is removed
            # by a detached process, untimed, so it never runs beside the next build.
            wait_until_removed(old)
            edit_one_word(edit)
            cpu, start = _cpu(), time.perf_counter()
            how = site.build([edit])
            walls.append(time.perf_counter() - start)
            cpus.append(_cpu() - cpu)
            written += how == "written"
    finally:
        site.close()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return KeptCost(statistics.median(walls), statistics.median(cpus), written, edits, own, kids)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: measure and write the result as JSON; exit 1 if a build failed."""
    parser = argparse.ArgumentParser(prog="python -m bench.kept")
    for name in ("--conf", "--path", "--output", "--cache", "--edit", "--result"):
        parser.add_argument(name, required=True, type=Path)
    parser.add_argument("--edits", type=int, default=4)
    args = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT / "plugins"), str(ROOT)]
    from pelican.log import init as init_logging

    init_logging(level=logging.WARNING)
    cost = measure(args.conf, args.path, args.output, args.cache, args.edit, args.edits)
    args.result.write_text(json.dumps(cost.__dict__))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
