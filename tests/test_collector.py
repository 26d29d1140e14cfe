"""breakout_kernel.collector: rare full garbage collections during a build, restored after."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from breakout_kernel import collector
from breakout_kernel.errors import BuildFailed
from conftest import FIXTURES, build_site
from pelican import signals

MINIMAL = FIXTURES / "minimal-site"


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    """The thresholds before the test, put back after it whatever it did."""
    before = gc.get_threshold()
    yield before
    collector.restore()
    gc.set_threshold(*before)


def test_relax_keeps_young_collections_and_restore_puts_back_what_it_found(
    thresholds: tuple[int, int, int],
) -> None:
    young, middle, _ = thresholds
    collector.relax()
    collector.relax()  # again (a build after a crashed one): the first thresholds are kept
    assert gc.get_threshold() == (young, middle, collector.FULL_COLLECTION_EVERY)
    collector.restore()
    assert gc.get_threshold() == thresholds
    collector.restore()  # nothing saved: nothing changes
    assert gc.get_threshold() == thresholds


def _thresholds_while_reading() -> tuple[list[int], Any]:
    seen: list[int] = []

    def note(generator: Any) -> None:
        seen.append(gc.get_threshold()[2])

    signals.article_generator_finalized.connect(note, weak=False)
    return seen, note


@pytest.mark.parametrize("broken", [False, True])
def test_a_build_reads_with_rare_full_collections_and_ends_with_the_old_thresholds(
    tmp_path: Path, thresholds: tuple[int, int, int], broken: bool
) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    if broken:  # a build that fails once at the end restores them too
        (content / "writeups" / "2011" / "bad.md").write_text(
            "Title: Bad\nDate: 2011-13-45\nEvent: ukgovcamp-2011\nSession: S\n\nBody\n"
        )
    seen, note = _thresholds_while_reading()
    try:
        if broken:
            with pytest.raises(BuildFailed):
                build_site(content, tmp_path / "out")
        else:
            build_site(content, tmp_path / "out")
    finally:
        signals.article_generator_finalized.disconnect(note)
    assert seen == [collector.FULL_COLLECTION_EVERY]
    assert gc.get_threshold() == thresholds
