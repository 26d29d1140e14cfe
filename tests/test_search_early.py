"""breakout_search's early runs: a rebuild's changed shard is indexed as soon as the write-ups are
written, and that run is kept only if the shard's pages are the same once all are written."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from breakout_search.early import start_early
from breakout_search.glue import STATE_FILE
from breakout_search.indexer import find_pagefind, start_index
from breakout_search.shards import plan, shard_of, site_pages
from breakout_search.staging import STAGING_RECORD
from conftest import build_site, connected
from pelican import signals
from test_search import CONTENT, bundle_files, fragments, search_overrides

SMALL = {"SHARD_PAGES": 4}  # the launch content's ~40 indexed pages: 16 shards
EDITED = "2011/acpo-social-media/index.html"  # the write-up the edits change
WRITEUP = Path("writeups") / "2011" / "acpo-social-media.md"


def last_run(caplog: pytest.LogCaptureFixture) -> tuple[set[str], set[str]]:
    """The shards the last build indexed, and those of them started early."""
    for record in reversed(caplog.records):
        found = re.search(
            r"Pagefind indexed \d+ of \d+ shards \(([^)]*)\) into [^;]+(?:; started early: (.*))?$",
            record.getMessage(),
        )
        if record.name == "breakout.search" and found:
            early = found.group(2)
            return set(found.group(1).split(", ")), set(early.split(", ")) if early else set()
    raise AssertionError("no build indexed a shard")


def test_a_one_word_edit_indexes_its_shard_early_and_keeps_that_run(
    two_workers: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The edited write-up's shard starts before the people, topic and event pages are
    written, is kept, and the bundle equals a cold build's byte for byte."""
    caplog.set_level(logging.INFO, logger="breakout.search")
    content, out = tmp_path / "content", tmp_path / "output"
    shutil.copytree(CONTENT, content)
    overrides = search_overrides(BREAKOUT_SEARCH=SMALL)
    build_site(content, out, **overrides)
    writeup = content / WRITEUP
    writeup.write_text(writeup.read_text(encoding="utf-8") + "\nZanzibarquokka.\n", "utf-8")
    build_site(content, out, **overrides)

    shard = fragments(out)["/2011/acpo-social-media/"]["shard"]
    assert last_run(caplog) == ({shard}, {shard})
    assert "Zanzibarquokka" in fragments(out)["/2011/acpo-social-media/"]["content"]
    cold = tmp_path / "cold"
    build_site(content, cold, cache=tmp_path / "cold-cache", **overrides)
    assert bundle_files(out) == bundle_files(cold)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The launch content built with two shards; its cache beside it (output-cache)."""
    out = tmp_path_factory.mktemp("early") / "output"
    build_site(CONTENT, out, **search_overrides(BREAKOUT_SEARCH={"SHARD_PAGES": 20}))
    return out


def edited_copy(built: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """(live, cache, site): copies of a build, and a fresh folder of its pages with the
    write-up EDITED's title changed, as a rebuild has written it."""
    live, cache, site = tmp_path / "live", tmp_path / "cache", tmp_path / "site"
    shutil.copytree(built, live)
    shutil.copytree(built.parent / "output-cache", cache)
    shutil.copytree(live, site, ignore=shutil.ignore_patterns("pagefind"))
    edited = site / EDITED
    edited.write_text(edited.read_text("utf-8").replace("</h1>", " Quokka</h1>", 1), "utf-8")
    return live, cache, site


def test_an_early_run_is_redone_when_its_shard_changed_after(built: Path, tmp_path: Path) -> None:
    """Another page of the shard changed after the early run started: the shard runs again
    on the final pages, and the bundle is the one a run without the early start writes."""
    live, cache, site = edited_copy(built, tmp_path)
    early = start_early(
        site, live, cache / STATE_FILE, [EDITED], exe=find_pagefind(), workers=2, per_shard=20
    )
    assert early is not None
    [name] = early.runs

    pages, _ = site_pages(site, ("pagefind",))
    [shard] = [s for s in plan(pages, 20) if s.name == name]
    other = next(p.rel for p in shard.pages if p.rel != EDITED and not p.twin)
    page = site / other
    page.write_text(page.read_text("utf-8").replace("</h1>", " Wombatword</h1>", 1), "utf-8")
    run = start_index(site, cache / STATE_FILE, live=live, workers=2, per_shard=20, early=early)
    result = run.wait()
    assert result.ran == (name,)
    assert result.early == ()
    url = "/" + other.removesuffix("index.html")
    assert "Wombatword" in fragments(site)[url]["content"]

    again, again_cache = tmp_path / "again", tmp_path / "again-cache"
    shutil.copytree(site, again, ignore=shutil.ignore_patterns("pagefind"))
    shutil.copytree(cache, again_cache, ignore=shutil.ignore_patterns(STATE_FILE))
    start_index(again, again_cache / STATE_FILE, workers=2, per_shard=20).wait()
    assert bundle_files(site) == bundle_files(again)


def test_an_early_run_that_failed_is_redone_not_reported(built: Path, tmp_path: Path) -> None:
    """A page the early run took from the live output had gone from it: that run fails,
    and the shard is indexed again from the pages this build wrote, without an error."""
    live, cache, site = edited_copy(built, tmp_path)
    pages, _ = site_pages(site, ("pagefind",))
    shard = next(s for s in plan(pages, 20) if any(p.rel == EDITED for p in s.pages))
    gone = next(p.rel for p in shard.pages if p.rel != EDITED)
    (live / gone).unlink()  # the build wrote it again (site has it); the live output lost it
    early = start_early(
        site, live, cache / STATE_FILE, [EDITED], exe=find_pagefind(), workers=2, per_shard=20
    )
    assert early is not None and list(early.runs) == [shard.name]

    result = start_index(
        site, cache / STATE_FILE, live=live, workers=2, per_shard=20, early=early
    ).wait()
    assert (result.ran, result.early) == ((shard.name,), ())
    assert "Quokka" in fragments(site)["/2011/acpo-social-media/"]["content"]
    assert "/" + gone.removesuffix("index.html") in fragments(site)


def test_nothing_starts_early_in_a_cold_build_or_for_more_shards_than_workers(
    tmp_path: Path,
) -> None:
    """No state: nothing to compare with. Two changed shards and one worker: they run at the
    end as before."""
    live, cache = tmp_path / "live", tmp_path / "cache"
    build_site(CONTENT, live, cache=cache, **search_overrides(BREAKOUT_SEARCH=SMALL))
    site = tmp_path / "site"
    shutil.copytree(live, site, ignore=shutil.ignore_patterns("pagefind"))
    pages, _ = site_pages(site, ("pagefind",))
    count = len(plan(pages, 4))
    writeups = sorted(p.rel for p in pages if p.rel.startswith("20") and not p.twin)
    first = writeups[0]
    second = next(r for r in writeups if shard_of(r, 16) != shard_of(first, 16))
    assert count == 16
    for rel in (first, second):
        (site / rel).write_text((site / rel).read_text("utf-8") + "\n<!-- edit -->", "utf-8")
    exe = find_pagefind()

    def early(state: Path, workers: int) -> Any:
        return start_early(
            site, live, state, [first, second], exe=exe, workers=workers, per_shard=4
        )

    assert early(tmp_path / "no-cache" / STATE_FILE, 2) is None
    assert early(cache / STATE_FILE, 1) is None
    both = early(cache / STATE_FILE, 2)
    assert both is not None and len(both.runs) == 2
    both.abandon()
    assert not (cache / STAGING_RECORD).exists()


def fail_after_the_writeups(sender: Any, **kwargs: Any) -> None:
    """Make the build raise as soon as the write-ups are written (after the early runs start)."""
    raise RuntimeError("the build broke after the write-ups")


def test_a_build_failing_after_an_early_start_leaves_no_staging_and_the_live_index(
    two_workers: None, tmp_path: Path
) -> None:
    """The early run ends, its staging folder and record go, the live output and the search
    state are as the last build left them."""
    content, out, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(CONTENT, content)
    stage = tmp_path / "stage"
    overrides = search_overrides(BREAKOUT_SEARCH={**SMALL, "STAGING_DIR": str(stage)})
    build_site(content, out, cache=cache, **overrides)
    bundle, state = bundle_files(out), (cache / STATE_FILE).read_bytes()
    writeup = content / WRITEUP
    writeup.write_text(writeup.read_text(encoding="utf-8") + "\nZanzibarquokka.\n", "utf-8")
    with (
        pytest.raises(RuntimeError, match="broke after the write-ups"),
        connected(signals.article_writer_finalized, fail_after_the_writeups),
    ):
        build_site(content, out, cache=cache, **overrides)
    assert list(stage.iterdir()) == []
    assert not (cache / STAGING_RECORD).exists()
    assert bundle_files(out) == bundle
    assert (cache / STATE_FILE).read_bytes() == state
