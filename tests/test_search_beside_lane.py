"""breakout_search starts Pagefind while the output lane still writes feeds; a failed build stops it."""

from __future__ import annotations

import logging
import shutil
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from breakout_kernel import build, lanes
from breakout_kernel.errors import BuildFailed
from breakout_search.glue import STATE_FILE, SearchState
from breakout_search.staging import STAGING_RECORD
from conftest import build_site, connected
from pelican import signals
from test_search import CONTENT, bundle_files, search_overrides


def test_pagefind_runs_while_the_lane_is_joined(
    two_workers: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the main process waits for the lane, the search index is already under way."""
    seen: list[bool] = []
    join = lanes.join

    def watched_join(lane: lanes.Lane) -> list[Any]:
        this = build.current()
        seen.append(this is not None and this.part(SearchState).job is not None)
        return join(lane)

    monkeypatch.setattr(lanes, "join", watched_join)
    out = tmp_path / "output"
    build_site(CONTENT, out, cache=tmp_path / "cache", **search_overrides())
    assert seen == [True]
    assert bundle_files(out)  # and it was finished: the bundle is there


def offer_failing_job(generators: list[Any]) -> None:
    """Have the build's lane log an error (as a feed that cannot be written would)."""

    def run() -> None:
        logging.getLogger("breakout.feeds").error("feeds/x.xml: the lane could not write it")

    build.offer(generators[0].settings, "failing", run, lambda _value: None)


def lane_error() -> AbstractContextManager[None]:
    """Builds inside have their lane log an error."""
    return connected(signals.all_generators_finalized, offer_failing_job)


def test_a_problem_the_lane_reports_leaves_the_live_site_and_its_index(
    two_workers: None, tmp_path: Path
) -> None:
    """The index had started; the build fails once, the live output and the search state are
    as the last build left them, and no staging folder or half-made output remains."""
    content, out, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(CONTENT, content)
    overrides = search_overrides(BREAKOUT_SEARCH={"STAGING_DIR": str(cache / "stage")})
    build_site(content, out, cache=cache, **overrides)
    bundle, state = bundle_files(out), (cache / STATE_FILE).read_bytes()

    writeup = content / "writeups" / "2011" / "acpo-social-media.md"
    writeup.write_text(writeup.read_text(encoding="utf-8") + "\nZanzibarquokka.\n", "utf-8")
    with pytest.raises(BuildFailed, match="1 problem found"), lane_error():
        build_site(content, out, cache=cache, **overrides)

    assert bundle_files(out) == bundle
    assert (cache / STATE_FILE).read_bytes() == state
    assert list((cache / "stage").iterdir()) == []  # the failed build's staging went too
    assert not (cache / STAGING_RECORD).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "content", "output"]
    # The next build indexes only what the edit changed, from the state kept.
    build_site(content, out, cache=cache, **overrides)
    assert bundle_files(out) != bundle
