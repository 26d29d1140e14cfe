"""The corpus a benchmark run builds: generated in a child process into its scratch folder."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench import corpus as corpus_mod


@dataclass(frozen=True)
class Prepared:
    """What the runner needs of a generated corpus; the corpus itself stays in the child that wrote it."""

    comment_count: int
    seed: int
    edit_target: str  # the write-up the warm builds edit, relative to content/
    seconds: float


def _generate_and_write(posts: int, base: Path, vanilla: bool, seed: int, shape: str) -> Prepared:
    """Generate the corpus and write it under base (runs in prepare's child process)."""
    start = time.perf_counter()
    generated = corpus_mod.generate(posts, seed, shape)
    corpus_mod.write_corpus(
        generated,
        base / "breakout" / "content",
        base / "vanilla" / "content" if vanilla else None,
    )
    return Prepared(
        generated.comment_count,
        generated.seed,
        generated.edit_target(),
        time.perf_counter() - start,
    )


def prepare(
    posts: int,
    base: Path,
    *,
    vanilla: bool = True,
    seed: int = corpus_mod.SEED,
    shape: str = corpus_mod.DEFAULT_SHAPE,
) -> Prepared:
    """Generate the corpus into base/breakout/content (and base/vanilla/content), in a child process.

    Every build the runner starts inherits the runner's own peak RSS as a floor for its
    ru_maxrss (Linux folds the parent's high-water mark in at fork and exec), so the
    runner must never hold a corpus: at 5,000 write-ups that is more than a build's peak.
    """
    if base.exists():
        # Our own scratch folder from an earlier run: deleted after the run (see Site.clean).
        base.rename(base.with_name(f"{base.name}.old-{time.time_ns()}"))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_generate_and_write, posts, base, vanilla, seed, shape).result()


def variant(shape: str, workers: int | None) -> str:
    """Scratch folder suffix for a shape and worker count ("" for the default shape, as before)."""
    tail = "" if shape == corpus_mod.DEFAULT_SHAPE else f"-{shape}"
    return tail + ("" if workers is None else f"-w{workers}")


def corpus_line(posts: int, comments: int, shape: str) -> str:
    """What the corpus is: size, comments and shape with what it means."""
    form = corpus_mod.get_shape(shape)
    return (
        f"{posts} write-ups, {comments} comments, shape {shape} ({form.summary}: "
        f"{form.handles[0]}–{form.handles[1]} people and {form.hashtags[0]}–{form.hashtags[1]} "
        f"hashtags per write-up, pools of {form.people_pool(posts)} people and "
        f"{form.topic_pool(posts)} topics, comments Poisson mean {form.comments_mean:g})"
    )
