"""tools.golden: compare_trees reports every difference; regenerate replaces the tree safely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from tools.golden import compare_trees, regenerate


def test_compare_trees_reports_missing_extra_and_diffs(tmp_path: Path) -> None:
    expected, actual = tmp_path / "expected", tmp_path / "actual"
    for folder in (expected, actual):
        (folder / "sub").mkdir(parents=True)
        (folder / "same.html").write_text("same\n")
    (expected / "gone.html").write_text("x")
    (actual / "sub" / "new.html").write_text("y")
    (expected / "page.html").write_text("one\ntwo\n")
    (actual / "page.html").write_text("one\nTWO\n")
    (expected / "img.png").write_bytes(b"\x89PNG\xff\x00")
    (actual / "img.png").write_bytes(b"\x89PNG\xfe\x00")

    assert compare_trees(expected, actual) == [
        "missing gone.html",
        "extra sub/new.html",
        "binary files differ: img.png",
        "--- expected/page.html\n+++ actual/page.html\n@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n",
    ]
    assert compare_trees(expected, expected) == []


def test_regenerate_replaces_the_tree_with_a_fresh_deterministic_build(tmp_path: Path) -> None:
    expected = tmp_path / "golden" / "expected"
    expected.mkdir(parents=True)
    (expected / "stale.html").write_text("from an older build")

    regenerate(FIXTURES / "publish-site", expected)

    assert not (expected / "stale.html").exists()
    assert (expected / "2011" / "police" / "index.html").is_file()
    again = tmp_path / "again"
    regenerate(FIXTURES / "publish-site", again)
    assert compare_trees(expected, again) == []
    assert sorted(p.name for p in expected.parent.iterdir()) == ["expected"]  # no leftovers


def test_regenerate_keeps_the_old_tree_when_the_build_fails(tmp_path: Path) -> None:
    fixture = tmp_path / "fixture"
    shutil.copytree(FIXTURES / "publish-site", fixture)
    (fixture / "writeups" / "2011" / "bad.md").write_text(
        "Title: No event\nDate: 2011-01-01\n\nx\n"
    )
    expected = tmp_path / "expected"
    expected.mkdir()
    (expected / "index.html").write_text("kept")

    with pytest.raises(Exception, match="problem"):
        regenerate(fixture, expected)

    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".golden")] == []
    assert (expected / "index.html").read_text() == "kept"
