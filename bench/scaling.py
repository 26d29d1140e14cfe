"""Breakout cold at two corpus sizes, alternating: how its cost grows with the corpus."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

from bench import corpus as corpus_mod
from bench.comparison import TARGETS
from bench.measure import (
    BREAKOUT_CONF,
    Build,
    Print,
    Site,
    fmt_ratio,
    machine_line,
    mib,
    run_build,
    say,
)
from bench.workspace import corpus_line, prepare, variant

SCALE_SIZES = (2000, 5000)


def scale(
    repeats: int,
    workdir: Path,
    sizes: Sequence[int] = SCALE_SIZES,
    clock: str = "cpu",
    out: Print = say,
    *,
    conf: Path = BREAKOUT_CONF,
    shape: str = corpus_mod.DEFAULT_SHAPE,
    workers: int | None = None,
) -> dict[str, float]:
    """Breakout cold builds at two corpus sizes, alternating; print the time ratio large/small."""
    small, large = sizes
    sites = {}
    out(f"machine: {machine_line()}")
    for n in sizes:
        base = workdir / f"scale-{n}{variant(shape, workers)}"
        generated = prepare(n, base, vanilla=False, shape=shape)
        sites[n] = Site("breakout", conf, base / "breakout", workers, fresh_output=True)
        out(
            f"corpus: {corpus_line(n, generated.comment_count, shape)} "
            f"(generated in {generated.seconds:.1f} s)"
        )
    builds: dict[int, list[Build]] = {n: [] for n in sizes}
    for r in range(1, repeats + 1):
        for n in sizes:
            sites[n].clean()
            builds[n].append(run_build(sites[n], f"cold{r}"))
        out(
            f"  repeat {r}: "
            + "; ".join(
                f"{n}: {b[-1].wall:.2f} s wall, {b[-1].cpu:.2f} s CPU" for n, b in builds.items()
            )
        )
    fig: dict[str, float] = {}
    for n in sizes:
        fig[f"cold_{n}"] = statistics.median(b.cpu if clock == "cpu" else b.wall for b in builds[n])
        fig[f"rss_kib_{n}"] = statistics.median(b.rss_kib for b in builds[n])
        fig[f"tree_rss_kib_{n}"] = statistics.median(b.tree_rss_kib for b in builds[n])
        out(
            f"  Breakout cold {n}: {fig[f'cold_{n}']:.2f} s {clock} "
            f"({1000 * fig[f'cold_{n}'] / n:.1f} ms per write-up), "
            f"peak RSS {mib(fig[f'rss_kib_{n}']):.1f} MiB "
            f"(process tree {mib(fig[f'tree_rss_kib_{n}']):.1f} MiB)"
        )
    fig["ratio"] = fig[f"cold_{large}"] / fig[f"cold_{small}"]
    # Issue 21: 5,000/2,000 ≤ 2.5, i.e. no worse than linear; other sizes are held to the same.
    target = large / small * TARGETS["scale"]
    verdict = "ok" if fig["ratio"] <= target else "MISS"
    out(
        f"scale: {clock} time {large}/{small}={fmt_ratio(fig['ratio'])} "
        f"(target ≤ {target:.2f}, linear: {verdict})"
    )
    return fig
