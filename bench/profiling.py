"""One Breakout build under cProfile (cold, or warm after the one-word edit) and its top costs."""

from __future__ import annotations

import os
import pstats
import sysconfig
from pathlib import Path

from bench import corpus as corpus_mod
from bench.measure import BREAKOUT_CONF, ROOT, Print, Site, machine_line, run_build, say
from bench.workspace import corpus_line, prepare, variant


def _short_path(filename: str) -> str:
    """A profile entry's file relative to the repository, site-packages or the stdlib."""
    paths = sysconfig.get_paths()
    for prefix in (str(ROOT), paths["purelib"], paths["platlib"], paths["stdlib"]):
        if filename.startswith(prefix + os.sep):
            return filename[len(prefix) + 1 :]
    return filename


def print_profile(path: Path, top: int = 25, out: Print = say) -> list[tuple[str, float, float]]:
    """Print the top entries by cumulative and by own time; return (function, tottime, cumtime)."""
    stats = pstats.Stats(str(path))
    entries = []
    for (filename, line, func), (cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        calls = f"{nc}/{cc}" if nc != cc else str(nc)
        where = f"{_short_path(filename)}:{line}({func})" if line else func
        entries.append((where, calls, tt, ct))
    total = stats.total_tt  # type: ignore[attr-defined]
    for title, index in (("cumulative", 3), ("tottime", 2)):
        out(f"top {top} by {title} (profiled build {total:.2f} s of own time):")
        out(f"  {'calls':>12} {'tottime':>8} {'cumtime':>8}  function")
        for where, calls, tt, ct in sorted(entries, key=lambda e: e[index], reverse=True)[:top]:
            out(f"  {calls:>12} {tt:>8.2f} {ct:>8.2f}  {where}")
    return [(where, tt, ct) for where, _calls, tt, ct in entries]


def profile(
    posts: int,
    workdir: Path,
    top: int = 25,
    out: Print = say,
    *,
    conf: Path = BREAKOUT_CONF,
    shape: str = corpus_mod.DEFAULT_SHAPE,
    workers: int | None = None,
    which: str = "cold",
) -> Path:
    """One Breakout build under cProfile (cold, or warm after the one-word edit); print its top."""
    base = workdir / f"profile-{posts}{variant(shape, workers)}"
    generated = prepare(posts, base, vanilla=False, shape=shape)
    site = Site("breakout", conf, base / "breakout", workers, fresh_output=True)
    stats_path = base / f"breakout-{which}.prof"
    out(f"machine: {machine_line()}")
    out(f"corpus: {corpus_line(posts, generated.comment_count, shape)}")
    if which == "warm":
        # The cold build fills output and caches unprofiled; the edit is the benchmark's.
        cold = run_build(site, "cold")
        out(f"Breakout cold build (not profiled): {cold.cpu:.2f} s CPU")
        corpus_mod.edit_one_word(site.content / generated.edit_target)
    build = run_build(site, f"profile-{which}", profile=stats_path)
    out(f"Breakout {which} build under cProfile: {build.wall:.2f} s wall; stats in {stats_path}")
    print_profile(stats_path, top, out)
    return stats_path
