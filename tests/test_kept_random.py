"""A kept site under a run of random one-word edits matches a cold build, byte for byte.

The benchmark's generated corpus (bench/corpus.py: @mentions and #hashtags in most
sentences), a few rebuilds of one to three edited write-ups each, in quick succession so
that some start with no spare folder tree ready; then the output against a cold build.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import build_site, kept_site

from bench import corpus as corpus_mod
from tools.golden import compare_trees

OFF = {"BREAKOUT_SEARCH": {"ENABLED": False}}


@pytest.mark.parametrize("seed", [1, 2])
def test_random_edits_in_a_row_match_a_cold_build(tmp_path: Path, seed: int) -> None:
    content = tmp_path / "content"
    corpus_mod.write_corpus(corpus_mod.generate(40, seed=seed), content)
    files = sorted((content / "writeups").rglob("*.md"))
    rng = random.Random(seed)
    site = kept_site(content, tmp_path / "output", tmp_path / "cache")
    how = []
    try:
        site.build()
        for _ in range(8):
            batch = rng.sample(files, rng.choice([1, 1, 2, 3]))
            for path in batch:
                corpus_mod.edit_one_word(path)
            how.append(site.build(batch))
    finally:
        site.close()
    assert how == ["written"] * 8  # text and sentences only: never the whole site again
    cold = tmp_path / "cold"
    build_site(content, cold, cache=tmp_path / "cold-cache", **OFF)
    assert compare_trees(cold, tmp_path / "output") == []
