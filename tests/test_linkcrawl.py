"""Every internal link and #anchor of a built site resolves: the launch content and larger fixtures.

Uses tools.linkcheck.check_links (the publish engineer's crawler); links are
only as complete as the plugins that make them (text engine links in write-ups,
comments' anchors, feeds' links, the index's pages), so this test is where a
missing page of any of them shows up.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from conftest import FIXTURES, build_site

from tools.linkcheck import check_links


def _synth() -> ModuleType:
    """tests/fixtures/index-synth/make_site.py, the larger fixture's generator."""
    spec = importlib.util.spec_from_file_location(
        "index_synth", FIXTURES / "index-synth" / "make_site.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_launch_site_has_no_broken_link_or_anchor(launch_site: Path) -> None:
    assert (launch_site / "people" / "index.html").is_file()
    assert check_links(launch_site) == []


def test_index_fixture_has_no_broken_link_or_anchor(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(FIXTURES / "index-site", out)
    assert check_links(out) == []


@pytest.mark.slow
def test_larger_site_has_no_broken_link_or_anchor(tmp_path: Path) -> None:
    content = _synth().write_site(
        tmp_path / "content", writeups=150, people=60, topics=40, events=8
    )
    out = tmp_path / "out"
    build_site(content, out)
    assert len(list((out / "people").iterdir())) > 60  # the crawl covers a site of some size
    assert check_links(out) == []


def test_relative_urls_site_has_no_broken_link_or_anchor(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(FIXTURES / "index-site", out, RELATIVE_URLS=True)
    assert check_links(out) == []


def test_the_crawler_finds_a_broken_link(tmp_path: Path) -> None:
    """The crawl can fail: a page linking to a person nobody wrote a page for."""
    out = tmp_path / "out"
    build_site(FIXTURES / "index-site", out)
    (out / "people" / "frank_f" / "index.html").unlink()
    problems = check_links(out)
    assert problems and all("people/frank_f/" in p for p in problems)


def test_a_handle_only_in_a_summary_gets_a_page(
    content_copy: Callable[[Path], Path], tmp_path: Path
) -> None:
    content = content_copy(FIXTURES / "index-site")
    (content / "writeups" / "2011" / "summary-only.md").write_text(
        "Title: Summary only\nDate: 2011-01-25\nEvent: camp-2011\nSession: Hyperlocal news\n"
        "Summary: Thanks to @zzz_only for #summaryonly.\n\nNo handles in the body.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build_site(content, out)
    assert check_links(out) == []
