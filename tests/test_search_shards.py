"""breakout_search's shards: each page indexed once, only changed shards run again, any worker count."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

import pytest
from breakout_search.indexer import BUNDLE_DIR, SearchIndexError, find_pagefind, start_index
from breakout_search.shards import is_marked
from breakout_search.twin import search_twin
from conftest import build_site
from test_search import CONTENT, bundle_files, fragments, html_pages, page_url, search_overrides

SMALL = {"SHARD_PAGES": 4}  # the launch content's ~40 indexed pages: 16 shards
EDITED = "2011/acpo-social-media/"  # the write-up the edit tests change


def marked_pages(output: Path) -> dict[str, bytes]:
    """URL -> what Pagefind is given of every page marked data-pagefind-body (its twin if any)."""
    found = {}
    for p in html_pages(output):
        data = p.read_bytes()
        if b"data-pagefind-body" in data:
            found[page_url(output, p)] = search_twin(data) or data
    return found


def shards_of(output: Path, urls: set[str]) -> set[str]:
    """The shard folders whose fragments hold any of the URLs."""
    return {f["shard"] for url, f in fragments(output).items() if url in urls}


def ran_shards(caplog: pytest.LogCaptureFixture) -> list[set[str]]:
    """For each build logged so far, the shards Pagefind indexed (empty: every shard kept)."""
    runs = []
    for record in caplog.records:
        message = record.getMessage()
        if record.name != "breakout.search":
            continue
        found = re.search(r"Pagefind indexed \d+ of \d+ shards \(([^)]*)\)", message)
        if found:
            runs.append(set(found.group(1).split(", ")))
        elif "shards kept" in message:
            runs.append(set())
    return runs


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The launch content built with at most four pages per shard on average."""
    out = tmp_path_factory.mktemp("sharded") / "output"
    build_site(CONTENT, out, **search_overrides(BREAKOUT_SEARCH=SMALL))
    return out


def test_every_page_is_in_exactly_one_shard(sharded_site: Path) -> None:
    """Several shards; together they index each marked page once (fragments() checks 'once')."""
    found = fragments(sharded_site)
    assert set(found) == set(marked_pages(sharded_site))
    shards = {f["shard"] for f in found.values()}
    assert len(shards) >= 8
    listed = json.loads((sharded_site / BUNDLE_DIR / "shards.json").read_text())["shards"]
    assert sorted(listed) == listed == sorted(f"{s}/" for s in shards)
    # A shard's size is about SHARD_PAGES: none holds a large part of the site.
    sizes = [sum(1 for f in found.values() if f["shard"] == s) for s in shards]
    assert max(sizes) <= len(found) // 3, sizes


def test_an_edit_reruns_only_the_changed_pages_shards(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """One edited write-up: only shards holding a page whose bytes changed run again, and the
    resulting bundle equals a cold build's, byte for byte; a build with no change runs none."""
    caplog.set_level(logging.INFO, logger="breakout.search")
    content, out = tmp_path / "content", tmp_path / "output"
    shutil.copytree(CONTENT, content)
    overrides = search_overrides(BREAKOUT_SEARCH=SMALL)
    build_site(content, out, **overrides)
    all_shards = {f["shard"] for f in fragments(out).values()}
    before = marked_pages(out)
    build_site(content, out, **overrides)
    assert ran_shards(caplog) == [all_shards, set()]

    writeup = content / "writeups" / "2011" / "acpo-social-media.md"
    writeup.write_text(writeup.read_text(encoding="utf-8") + "\nZanzibarquokka.\n", "utf-8")
    build_site(content, out, **overrides)
    after = marked_pages(out)
    changed = {u for u in before.keys() | after.keys() if before.get(u) != after.get(u)}
    assert f"/{EDITED}" in changed
    ran = ran_shards(caplog)[-1]
    assert ran == shards_of(out, changed)
    assert 0 < len(ran) < len(all_shards)
    assert "Zanzibarquokka" in fragments(out)[f"/{EDITED}"]["content"]

    cold = tmp_path / "cold"
    build_site(content, cold, cache=tmp_path / "cold-cache", **overrides)
    warm_files, cold_files = bundle_files(out), bundle_files(cold)
    assert sorted(warm_files) == sorted(cold_files)
    assert [n for n in cold_files if warm_files[n] != cold_files[n]] == []


def test_one_or_two_workers_write_the_same_bundle(
    sharded_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shards run one at a time or two at once: the bundle is the same, byte for byte."""
    bundles = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("BREAKOUT_WORKERS", workers)
        out = tmp_path / f"w{workers}" / "output"
        build_site(CONTENT, out, **search_overrides(BREAKOUT_SEARCH=SMALL))
        bundles[workers] = bundle_files(out)
    assert bundles["1"] == bundles["2"] == bundle_files(sharded_site)


def failing_pagefind(tmp_path: Path, breaks_on: str) -> Path:
    """A pagefind that exits 1 for a shard holding a page whose path has breaks_on, else runs."""
    script = tmp_path / "pagefind-broken"
    script.write_text(
        "#!/bin/sh\n"
        f"if find \"$2\" -path '*{breaks_on}*' | grep -q .; then\n"
        "  echo 'Error: the index could not be written' >&2\n"
        "  exit 1\n"
        "fi\n"
        f'exec "{find_pagefind()}" "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def test_a_failing_shard_fails_the_build_naming_it(
    sharded_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind failing in one shard fails the build with that shard's name and Pagefind's
    message; the published output keeps its whole previous index."""
    out = tmp_path / "output"
    overrides = search_overrides(BREAKOUT_SEARCH=SMALL)
    build_site(CONTENT, out, **overrides)
    published = bundle_files(out)
    shard = fragments(sharded_site)[f"/{EDITED}"]["shard"]
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing_pagefind(tmp_path, EDITED)))
    with pytest.raises(SearchIndexError) as failed:
        build_site(CONTENT, out, cache=tmp_path / "empty-cache", **overrides)
    message = str(failed.value)
    assert f"search shard {shard} (" in message
    assert "pagefind failed (exit 1): Error: the index could not be written" in message
    assert message.count("search shard") == 1, message
    assert bundle_files(out) == published


def test_a_failing_shard_leaves_no_part_of_an_index(sharded_site: Path, tmp_path: Path) -> None:
    """Indexing in place (no fresh output folder): a failure removes the bundle, never half."""
    site = tmp_path / "site"
    shutil.copytree(sharded_site, site)
    state = tmp_path / "cache" / "breakout-search.json"
    broken = failing_pagefind(tmp_path, EDITED)
    with pytest.raises(SearchIndexError, match="search shard"):
        start_index(site, state, exe=broken, workers=2, per_shard=4).wait()
    assert not (site / BUNDLE_DIR).exists()
    assert not state.exists()
    assert not (state.parent / "pagefind-staging").exists()


def test_no_pagefind_says_how_to_install_it(tmp_path: Path) -> None:
    """A missing executable is a clear message, not a traceback from subprocess."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("<html><body><h1>A</h1></body></html>")
    missing = tmp_path / "no-such-pagefind"
    with pytest.raises(SearchIndexError, match=r"search shard 000 .*could not run"):
        start_index(site, tmp_path / "state.json", exe=missing).wait()
    assert os.listdir(site) == ["a"]


@pytest.mark.parametrize(
    ("html", "marked"),
    [
        (b'<article class="writeup" data-pagefind-body data-x="1">', True),
        (b"<div\ndata-pagefind-body>", True),
        (b'<main data-pagefind-body="">', True),
        (b"<p>mark the body with data-pagefind-body, then</p>", False),
        (b"<p>use <code>data-pagefind-body</code></p>", False),
        (b"<div data-pagefind-body-x>", False),
        (b"<p>data-pagefind-body</p><div data-pagefind-body>", True),
    ],
)
def test_a_page_is_marked_by_the_attribute_not_by_the_words(html: bytes, marked: bool) -> None:
    """Only a tag carrying data-pagefind-body marks a page (a write-up may mention the name)."""
    assert is_marked(html) is marked
