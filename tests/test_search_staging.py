"""Where breakout_search stages a shard's pages for Pagefind: memory when it can, never left behind."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from breakout_search.indexer import start_index
from breakout_search.staging import (
    MEMORY_ROOTS,
    STAGING_PREFIX,
    STAGING_RECORD,
    clear_staging_left,
    make_staging,
    staging_root,
)
from conftest import build_site
from test_search import CONTENT, bundle_files, fragments, search_overrides

SMALL = {"SHARD_PAGES": 4}  # the launch content's ~40 indexed pages: 16 shards
MEMORY = Path(MEMORY_ROOTS[0])


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The launch content built with search on and small shards, staged beside the cache."""
    root = tmp_path_factory.mktemp("staging")
    out = root / "output"
    stage = root / "stage"
    build_site(
        CONTENT, out, **search_overrides(BREAKOUT_SEARCH={**SMALL, "STAGING_DIR": str(stage)})
    )
    return out


def ours(root: Path) -> list[str]:
    """The staging folders this code made under root (mkdtemp's prefix)."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(STAGING_PREFIX))


def test_the_root_is_the_chosen_folder_then_memory_with_room_then_the_cache(
    tmp_path: Path,
) -> None:
    """A memory root is used only if it exists and has room; without one, the cache."""
    cache = tmp_path / "cache"
    assert staging_root(cache, "/srv/stage", roots=(str(tmp_path),), room=1) == Path("/srv/stage")
    assert staging_root(cache, None, roots=(str(tmp_path),), room=1) == tmp_path
    assert staging_root(cache, None, roots=(str(tmp_path / "no-such"),), room=1) == cache
    assert staging_root(cache, None, roots=(str(tmp_path),), room=2**62) == cache
    missing_then_real = (str(tmp_path / "no-such"), str(tmp_path))
    assert staging_root(cache, None, roots=missing_then_real, room=1) == tmp_path


def test_the_setting_names_the_folder_and_the_build_leaves_it_empty(small_site: Path) -> None:
    """STAGING_DIR was used (the build made it) and nothing of the staging is left there or in
    the cache, the record included."""
    stage = small_site.parent / "stage"
    assert stage.is_dir()
    assert list(stage.iterdir()) == []
    cache = small_site.parent / "output-cache"
    assert not (cache / STAGING_RECORD).exists()
    assert ours(cache) == []


def test_a_killed_builds_staging_is_removed_by_the_next(small_site: Path, tmp_path: Path) -> None:
    """A build killed while Pagefind ran left its staging folder and record: the next removes both."""
    site, cache, stage = tmp_path / "site", tmp_path / "cache", tmp_path / "stage"
    shutil.copytree(small_site, site)
    left = make_staging(stage, cache / STAGING_RECORD)
    (left / "000" / "2011" / "a").mkdir(parents=True)
    (left / "000" / "2011" / "a" / "index.html").write_text("<html></html>", encoding="utf-8")
    assert (cache / STAGING_RECORD).read_text(encoding="utf-8") == f"{left}\n"

    start_index(site, cache / "breakout-search.json", staging_dir=str(stage), per_shard=4).wait()
    assert list(stage.iterdir()) == []
    assert not (cache / STAGING_RECORD).exists()


@pytest.mark.parametrize(
    "named",
    [
        pytest.param(lambda t: t / "kept", id="a folder without the staging prefix"),
        pytest.param(lambda t: t / f"{STAGING_PREFIX}link", id="a link to a folder"),
        pytest.param(lambda t: Path(f"{STAGING_PREFIX}relative"), id="a relative path"),
    ],
)
def test_a_record_naming_anything_else_removes_nothing(
    tmp_path: Path, named: Callable[[Path], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record is only trusted to name a folder mkdtemp made: anything else stays, the
    record goes."""
    target = tmp_path / "kept"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    os.symlink(target, tmp_path / f"{STAGING_PREFIX}link")
    relative = tmp_path / f"{STAGING_PREFIX}relative"
    relative.mkdir()
    (relative / "keep.txt").write_text("mine too", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # where a relative record would point
    record = tmp_path / STAGING_RECORD
    record.write_text(f"{named(tmp_path)}\n", encoding="utf-8")
    clear_staging_left(record)
    assert (target / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / f"{STAGING_PREFIX}link").is_symlink()
    assert (relative / "keep.txt").read_text(encoding="utf-8") == "mine too"
    assert not record.exists()


@pytest.mark.skipif(not MEMORY.is_dir(), reason=f"{MEMORY} is not on this machine")
def test_pages_copied_into_memory_index_as_pages_linked_beside_the_cache(
    small_site: Path, tmp_path: Path
) -> None:
    """Staged in memory (another file system: copies), every page is indexed as it was when
    staged on the site's (hard links), the bundle is the same byte for byte with one worker
    or two, and memory keeps nothing of it.

    The bytes differ from the disk-staged bundle's: Pagefind numbers pages in the order it
    lists the staging folder, which is the file system's (a hash order on ext4, the order
    stage_pages made them in on tmpfs); both orders are fixed for a given file system.
    """
    before = set(ours(MEMORY))
    bundles = {}
    for workers in (1, 2):
        site = tmp_path / f"site{workers}"
        shutil.copytree(small_site, site, ignore=shutil.ignore_patterns("pagefind"))
        assert os.stat(site).st_dev != os.stat(MEMORY).st_dev
        state = tmp_path / f"cache{workers}" / "breakout-search.json"
        start_index(site, state, workers=workers, per_shard=4).wait()
        bundles[workers] = site
    assert bundle_files(bundles[1]) == bundle_files(bundles[2])
    assert fragments(bundles[1]) == fragments(small_site)
    assert set(ours(MEMORY)) == before


def test_a_relative_staging_folder_is_refused_at_start(
    site_builder: Callable[..., Path], error_log: Callable[..., list[str]]
) -> None:
    """STAGING_DIR must be absolute: relative to what would depend on where invoke runs."""
    with pytest.raises(Exception):  # noqa: B017 - the build fails; the message is what matters
        site_builder(CONTENT, **search_overrides(BREAKOUT_SEARCH={"STAGING_DIR": "stage"}))
    lines = error_log()
    assert any(
        "BREAKOUT_SEARCH['STAGING_DIR'] = 'stage' is not valid" in line and "absolute" in line
        for line in lines
    ), lines
