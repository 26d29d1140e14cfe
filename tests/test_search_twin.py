"""breakout_search's twins: a listing page is indexed without what Pagefind ignores, same bundle."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import pytest
from breakout_search import indexer, staging
from breakout_search.indexer import BUNDLE_DIR, start_index
from breakout_search.shards import site_pages
from breakout_search.twin import TWIN_MARK, search_twin
from conftest import build_site
from test_search import (  # noqa: F401 (a fixture)
    CONTENT,
    bundle_files,
    fragments,
    html_pages,
    page_url,
    search_overrides,
    searchable_site,
)
from test_search_shards import EDITED, SMALL, marked_pages, ran_shards, shards_of

HEAD = b'<!DOCTYPE html>\n<html lang="en">\n<head><title>Ada</title></head>\n'


def page(body: bytes, mark: bytes = b" data-search-twin") -> bytes:
    """A page whose indexed element holds body (mark: the opt-in, or nothing)."""
    return (
        HEAD
        + b'<body><nav><a href="/">Home</a></nav>\n<main><article class="entity"'
        + b" data-pagefind-body"
        + mark
        + b">"
        + body
        + b"</article></main><footer>Made with Breakout</footer></body></html>\n"
    )


TWIN_OF = (
    HEAD.rstrip(b"\n")
    + b'<body><article class="entity" data-pagefind-body data-search-twin>{}</article></body></html>\n'
)


def twin_of(body: bytes) -> bytes:
    """What search_twin should give for a page holding body: its head and the kept element."""
    return TWIN_OF.replace(b"{}", body)


def test_ignored_elements_and_the_pages_frame_are_cut() -> None:
    """Each data-pagefind-ignore element goes, nested ones of the same name and all; the rest stays."""
    body = (
        b"<h1>Ada Lovelace</h1>"
        b'<p class="meta" data-pagefind-ignore>3 write-ups</p>'
        b"<p>Pitched the session.</p>"
        b'<section class="related" data-pagefind-ignore aria-labelledby="led">'
        b"<h2>Led</h2><section><p>inner</p></section><ul><li>one</li></ul></section>"
        b"<section><h2>Kept</h2></section>"
        b"<div data-pagefind-ignore><dt>Write-ups</dt></div>"
    )
    assert search_twin(page(body)) == twin_of(
        b"<h1>Ada Lovelace</h1><p>Pitched the session.</p><section><h2>Kept</h2></section>"
    )


def test_only_the_attribute_counts_not_a_longer_name_or_the_words() -> None:
    """A <sectionx>, text naming the attribute and a data-pagefind-ignored-x attribute are kept."""
    body = (
        b"<p>Mark lists with data-pagefind-ignore to leave them out.</p>"
        b"<sectionx data-pagefind-ignored-x><b>kept</b></sectionx>"
        b"<section data-pagefind-ignore><sectionx>x</sectionx><p>gone</p></section>"
    )
    assert search_twin(page(body)) == twin_of(
        b"<p>Mark lists with data-pagefind-ignore to leave them out.</p>"
        b"<sectionx data-pagefind-ignored-x><b>kept</b></sectionx>"
    )


@pytest.mark.parametrize(
    "html",
    [
        page(b"<h1>Ada</h1><section data-pagefind-ignore><p>x</p>", mark=b""),  # no opt-in
        page(b"<h1>Ada</h1><section data-pagefind-ignore><p>never closed</p>"),
        page(b"<h1>Ada</h1><!-- <section> --><section data-pagefind-ignore>x</section>"),
        page(b"<h1>Ada</h1>").replace(b"</article>", b""),  # the indexed element is not closed
        page(b"<h1>Ada</h1>").replace(b"</head>", b""),
        b"<html><body><p data-search-twin data-pagefind-body>Ada</p><p data-pagefind-ignore>x</p>",
    ],
    ids=["no-opt-in", "unclosed-ignored", "comment", "unclosed-body", "no-head", "unclosed-page"],
)
def test_a_page_the_cut_cannot_follow_is_indexed_whole(html: bytes) -> None:
    """No opt-in, an element not closed where it should be, or a comment: no twin."""
    assert search_twin(html) is None


def index_copy(site: Path, into: Path) -> dict[str, bytes]:
    """Index a copy of the built site (hard links) into its own bundle; bundle path -> bytes."""
    shutil.copytree(site, into, copy_function=os.link, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    start_index(into, into.parent / f"{into.name}-state.json", workers=2).wait()
    return bundle_files(into)


def test_twins_give_the_bundle_whole_pages_give(
    searchable_site: Path,  # noqa: F811 (the fixture)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The person, topic and event pages ask for twins; Pagefind's bundle is the same, byte for byte."""
    pages, _seen = site_pages(searchable_site, (BUNDLE_DIR,))
    twinned = {p.rel.split("/")[0] for p in pages if p.twin}
    assert twinned == {"people", "topics", "events"}
    person = next(p for p in pages if p.twin and p.rel.startswith("people/"))
    whole = (searchable_site / person.rel).read_bytes()
    twin = search_twin(whole)
    assert twin is not None and TWIN_MARK in twin
    assert len(twin) < len(whole) // 2 and b"data-pagefind-ignore" not in twin

    with_twins = index_copy(searchable_site, tmp_path / "twins")
    monkeypatch.setattr(staging, "search_twin", lambda data: None)  # stage whole pages
    without = index_copy(searchable_site, tmp_path / "whole")
    assert sorted(with_twins) == sorted(without)
    assert [name for name in without if with_twins[name] != without[name]] == []
    # And the built site's own bundle is that one.
    assert bundle_files(searchable_site) == with_twins
    assert f"/{person.rel.removesuffix('index.html')}" in fragments(searchable_site)


def test_a_change_only_in_ignored_parts_indexes_nothing_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A new title changes the lists on the people, topic and event pages of a write-up, which
    Pagefind ignores: their shards are not indexed again for it, and the bundle equals a cold
    build's byte for byte."""
    caplog.set_level(logging.INFO, logger="breakout.search")
    content, out = tmp_path / "content", tmp_path / "output"
    shutil.copytree(CONTENT, content)
    overrides = search_overrides(BREAKOUT_SEARCH=SMALL)
    build_site(content, out, **overrides)
    whole_before = {page_url(out, p): p.read_bytes() for p in html_pages(out)}
    staged_before = marked_pages(out)

    writeup = content / "writeups" / "2011" / "acpo-social-media.md"
    text = writeup.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("Title:"))
    writeup.write_text(text.replace(title, title + " (revisited)", 1), "utf-8")
    build_site(content, out, **overrides)
    whole_after = {page_url(out, p): p.read_bytes() for p in html_pages(out)}
    staged_after = marked_pages(out)

    staged_changed = {u for u in staged_after if staged_before.get(u) != staged_after[u]}
    lists_only = {
        u for u in staged_after if u not in staged_changed and whole_before.get(u) != whole_after[u]
    }
    assert f"/{EDITED}" in staged_changed
    assert {u.split("/")[1] for u in lists_only} >= {"people", "topics", "events"}
    ran = ran_shards(caplog)[-1]
    assert ran == shards_of(out, staged_changed)
    assert shards_of(out, lists_only) - ran  # shards holding only such pages were kept

    cold = tmp_path / "cold"
    build_site(content, cold, cache=tmp_path / "cold-cache", **overrides)
    assert bundle_files(out) == bundle_files(cold)


@pytest.mark.parametrize(
    ("version", "kept"),
    [
        ([indexer.STATE_VERSION, indexer.TWIN_VERSION], True),
        ([indexer.STATE_VERSION, indexer.TWIN_VERSION + 1], False),  # records of another cut
        (indexer.STATE_VERSION, False),  # before the twin's version was recorded
    ],
)
def test_the_search_state_is_dropped_when_the_twins_cut_changes(
    version: object, kept: bool
) -> None:
    # Each page's record holds its twin's digest: after another cut none of them holds.
    shards = {"000": {"digest": "d", "bundle": []}}
    pages = {"people/ann/index.html": [1, 2, 3, 4, "e", True]}
    data = json.dumps({"version": version, "shards": shards, "pages": pages}).encode()
    assert indexer.read_state(data) == ((shards, pages) if kept else ({}, {}))
