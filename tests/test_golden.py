"""Golden tree: the fixture site's whole output is compared with a committed expected tree.

Regenerate only with `invoke golden` (review the diff: it shows every output change).
"""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, ROOT, build_site

from tools.golden import GOLDEN_OVERRIDES, build_fixture, compare_trees

GOLDEN_FIXTURE = FIXTURES / "golden-site"
EXPECTED = ROOT / "tests" / "golden" / "expected"


def test_fixture_site_matches_golden_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_fixture(GOLDEN_FIXTURE, out)
    problems = compare_trees(EXPECTED, out)
    assert not problems, (
        "\n".join(problems[:40])
        + "\n\nIf this change is intended, run `invoke golden` and review the diff."
    )


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    build_site(GOLDEN_FIXTURE, first, cache=tmp_path / "cache-a", **GOLDEN_OVERRIDES)
    build_site(GOLDEN_FIXTURE, second, cache=tmp_path / "cache-b", **GOLDEN_OVERRIDES)
    assert compare_trees(first, second) == []


def test_warm_build_equals_cold_build(tmp_path: Path) -> None:
    """A build from the content cache writes exactly what a cold build writes."""
    cache = tmp_path / "cache"
    build_site(GOLDEN_FIXTURE, tmp_path / "cold", cache=cache, **GOLDEN_OVERRIDES)
    build_site(GOLDEN_FIXTURE, tmp_path / "warm", cache=cache, **GOLDEN_OVERRIDES)
    assert compare_trees(tmp_path / "cold", tmp_path / "warm") == []
