"""Benchmark Breakout against vanilla Pelican 4.12 on a generated corpus (`invoke bench`).

Each build runs in a fresh `python -m bench.child` process so its peak RSS can be read
with os.wait4. One run alternates A B A B: vanilla cold, Breakout cold, (the same one-word
edit in both corpora), vanilla warm, Breakout warm, for each repeat; then it prints the
medians and ends with one line
`ratios: cold=<x> cold_wall=<v> warm_over_cold=<y> rss=<z> bytes=<w>`.

Time ratios use CPU time (user+sys of each build process, read with wait4) by default:
on the shared 2-core machines wall time mostly measures the neighbours. `--clock wall`
switches them to wall time (right on a quiet machine, or once a build runs in parallel);
both are printed either way.

`--shape NAME` picks the corpus shape (bench.shapes.SHAPES); `--shapes default,dense`
runs the comparison at each shape in turn and ends with one labelled ratios line per shape.
`--workers N` (or a list, `--workers 1,2`) sets BREAKOUT_WORKERS for Breakout's builds.

Other modes: `--scale` (Breakout cold at 2,000 and 5,000 write-ups, or `--sizes A,B`, time
ratio) and `--profile [cold|warm]` (one Breakout build under cProfile, top 25 cumulative
and tottime; `warm` profiles the rebuild after the one-word edit).
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from pathlib import Path

from bench import corpus as corpus_mod
from bench.comparison import compare
from bench.measure import (
    BREAKOUT_CONF,
    BREAKOUT_SEARCH_CONF,
    ROOT,
    BenchError,
    compile_sources,
    fmt_ratio,
    say,
)
from bench.profiling import profile
from bench.scaling import SCALE_SIZES, scale

DEFAULT_WORKDIR = ROOT / "bench" / "out"


def _label(shape: str, workers: int | None) -> str:
    """How a summary line names one run: its shape, and its worker count when set."""
    return f"shape {shape}" + ("" if workers is None else f", workers {workers}")


def _check_options(
    posts: int,
    repeats: int,
    clock: str,
    profile_mode: bool | str,
    shapes: Sequence[str],
    workers: Sequence[int | None],
    sizes: Sequence[int],
) -> None:
    """Refuse options that cannot run, with a message saying which and what is allowed."""
    if posts < 1 or repeats < 1:
        raise SystemExit("bench: --posts and --repeats must be at least 1")
    if clock not in ("cpu", "wall"):
        raise SystemExit("bench: --clock must be cpu or wall")
    if profile_mode not in (False, True, "cold", "warm"):
        raise SystemExit("bench: --profile must be cold or warm")
    for shape in shapes:
        if shape not in corpus_mod.SHAPES:
            raise SystemExit(
                f"bench: unknown shape {shape!r} (known: {', '.join(corpus_mod.SHAPES)})"
            )
    if not shapes or not workers or any(w is not None and w < 1 for w in workers):
        raise SystemExit("bench: give at least one shape, and worker counts of at least 1")
    if len(sizes) != 2 or min(sizes) < 1:
        raise SystemExit("bench: --sizes takes two corpus sizes, e.g. 2000,20000")


def main(
    posts: int = 500,
    repeats: int = 3,
    *,
    scale_mode: bool = False,
    profile_mode: bool | str = False,
    workdir: Path | str | None = None,
    clock: str = "cpu",
    search: bool = False,
    shapes: Sequence[str] = (corpus_mod.DEFAULT_SHAPE,),
    workers: Sequence[int | None] = (None,),
    sizes: Sequence[int] = SCALE_SIZES,
) -> dict[str, float]:
    """Run the benchmark (or --scale / --profile); exit with the message if a build fails.

    With more than one shape or worker count, each runs in turn and the figures come back
    keyed "<label>: <figure>"; a labelled ratios line per run closes the output.
    """
    conf = BREAKOUT_SEARCH_CONF if search else BREAKOUT_CONF
    print(
        f"Breakout settings: {conf.relative_to(ROOT)} (search indexing {'on' if search else 'off'})"
    )
    _check_options(posts, repeats, clock, profile_mode, shapes, workers, sizes)
    variants = [(shape, w) for shape in shapes for w in workers]
    if profile_mode and len(variants) > 1:
        raise SystemExit("bench: --profile takes one shape and one worker count")
    folder = Path(workdir) if workdir is not None else DEFAULT_WORKDIR
    folder.mkdir(parents=True, exist_ok=True)
    compile_sources()
    figures: dict[str, dict[str, float]] = {}
    try:
        for shape, w in variants:
            if len(variants) > 1:
                say(f"== {_label(shape, w)} ==")
            if profile_mode:
                which = "cold" if profile_mode is True else str(profile_mode)
                profile(posts, folder, conf=conf, shape=shape, workers=w, which=which)
                return {}
            if scale_mode:
                fig = scale(repeats, folder, sizes, clock=clock, conf=conf, shape=shape, workers=w)
            else:
                fig = compare(
                    posts,
                    repeats,
                    folder,
                    clock=clock,
                    conf=conf,
                    shape=shape,
                    workers=w,
                    search=search,
                )
            figures[_label(shape, w)] = fig
    except BenchError as exc:
        raise SystemExit(f"bench: {exc}") from exc
    finally:
        # Site.clean and prepare move old trees aside; they go once nothing is timed.
        for trash in [*folder.glob("*/*/trash"), *folder.glob("*.old-*")]:
            shutil.rmtree(trash, ignore_errors=True)
    if len(variants) == 1:
        return next(iter(figures.values()))
    say("summary (one line per run):")
    for label, fig in figures.items():
        if scale_mode:
            say(f"{label}: scale: {clock} time {max(sizes)}/{min(sizes)}={fmt_ratio(fig['ratio'])}")
        else:
            keys = ("cold", "cold_wall", "warm_over_cold", "rss", "bytes")
            say(
                f"{label}: ratios: " + " ".join(f"{k}={fmt_ratio(fig[f'ratio_{k}'])}" for k in keys)
            )
    return {f"{label}: {k}": v for label, fig in figures.items() for k, v in fig.items()}


def split_names(text: str) -> list[str]:
    """A comma-separated option's values, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def split_ints(text: str) -> list[int]:
    """A comma-separated list of whole numbers (argparse reports a bad one)."""
    try:
        return [int(part) for part in split_names(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of numbers: {text!r}"
        ) from None


def cli(argv: Sequence[str] | None = None) -> None:
    """`python -m bench.runner --posts N --repeats R [--shape S | --shapes A,B] [--workers N,M] ...`."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.runner", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--posts", type=int, default=500, help="write-ups in the corpus")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each build")
    parser.add_argument("--scale", action="store_true", help="Breakout cold at two sizes")
    parser.add_argument(
        "--sizes",
        type=split_ints,
        default=list(SCALE_SIZES),
        help="the two corpus sizes of --scale (default 2000,5000)",
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="cold",
        choices=("cold", "warm"),
        help="one Breakout build under cProfile: cold (default) or warm after the edit",
    )
    parser.add_argument("--workdir", type=Path, help=f"scratch folder (default {DEFAULT_WORKDIR})")
    parser.add_argument(
        "--clock", choices=("cpu", "wall"), default="cpu", help="time used in the ratios (cpu)"
    )
    parser.add_argument(
        "--search", action="store_true", help="measure Breakout with Pagefind indexing too"
    )
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument(
        "--shape",
        choices=tuple(corpus_mod.SHAPES),
        default=corpus_mod.DEFAULT_SHAPE,
        help="corpus shape (default: default)",
    )
    shape.add_argument(
        "--shapes", type=split_names, help="run at each of these shapes, e.g. default,dense"
    )
    parser.add_argument(
        "--workers",
        type=split_ints,
        help="BREAKOUT_WORKERS for Breakout's builds; a list (1,2) runs each in turn",
    )
    args = parser.parse_args(argv)
    main(
        args.posts,
        args.repeats,
        scale_mode=args.scale,
        profile_mode=args.profile or False,
        workdir=args.workdir,
        clock=args.clock,
        search=args.search,
        shapes=args.shapes or [args.shape],
        workers=args.workers or [None],
        sizes=args.sizes,
    )


if __name__ == "__main__":
    cli()
