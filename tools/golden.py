"""Golden-tree helpers: rebuild the expected output of a fixture site, and diff two trees."""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "pelicanconf.py"


def _files(folder: Path) -> set[str]:
    """Every file under folder as a POSIX path relative to it."""
    found: set[str] = set()
    for current, _dirs, names in os.walk(folder):
        for name in names:
            found.add(Path(current, name).relative_to(folder).as_posix())
    return found


def compare_trees(expected: Path | str, actual: Path | str) -> list[str]:
    """Differences between two folders: "missing <f>", "extra <f>", or a unified diff per file."""
    expected, actual = Path(expected), Path(actual)
    want, have = _files(expected), _files(actual)
    problems = [f"missing {name}" for name in sorted(want - have)]
    problems += [f"extra {name}" for name in sorted(have - want)]
    for name in sorted(want & have):
        a, b = (expected / name).read_bytes(), (actual / name).read_bytes()
        if a == b:
            continue
        try:
            a_text, b_text = a.decode("utf-8"), b.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"binary files differ: {name}")
            continue
        diff = difflib.unified_diff(
            a_text.splitlines(keepends=True),
            b_text.splitlines(keepends=True),
            fromfile=f"expected/{name}",
            tofile=f"actual/{name}",
        )
        problems.append("".join(diff))
    return problems


# The Pagefind index is ~700 KB of binary shards, tested on its own (tests/test_search.py);
# the golden tree covers the pages and feeds people review.
GOLDEN_OVERRIDES = {"BREAKOUT_SEARCH": {"ENABLED": False}}


def build_fixture(fixture_dir: Path | str, output: Path | str) -> None:
    """Build a fixture content folder with pelicanconf.py, from scratch (no cache)."""
    from tools.build import run_pelican

    fixture_dir = Path(fixture_dir)
    content = fixture_dir / "content" if (fixture_dir / "content").is_dir() else fixture_dir
    with tempfile.TemporaryDirectory(prefix="golden-cache-") as cache:
        run_pelican(
            CONF,
            path=content,
            output=Path(output),
            cache=Path(cache),
            overrides={"CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False, **GOLDEN_OVERRIDES},
            spare=False,  # nothing beside tests/golden/expected: the tree is rebuilt from scratch
        )


def regenerate(fixture_dir: Path | str, expected_dir: Path | str) -> None:
    """Replace expected_dir with a fresh build of fixture_dir (left as it was if the build fails)."""
    expected_dir = Path(expected_dir).resolve()
    if (
        expected_dir in (ROOT, ROOT / "content", Path(expected_dir.anchor))
        or expected_dir in ROOT.parents
    ):
        raise ValueError(f"refusing to replace {expected_dir} with a golden tree")
    expected_dir.parent.mkdir(parents=True, exist_ok=True)
    # run_pelican builds beside the target and swaps the tree in only when the build succeeds.
    build_fixture(fixture_dir, expected_dir)
