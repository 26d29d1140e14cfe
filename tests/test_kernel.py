"""breakout_kernel: every build counts errors and fails once, whatever PLUGINS lists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from breakout_kernel import build
from breakout_kernel.errors import BuildFailed
from conftest import FIXTURES, build_site

SITE = FIXTURES / "comments-site"
BAD = "content/comments/ukgc11-police/020.md:1: missing 'Author:'"


def _break(site: Path) -> None:
    (site / "comments/ukgc11-police/020.md").write_text("Handle: @someone\n\nWho?\n")


@pytest.mark.parametrize(
    "plugins",
    [
        ["breakout_text", "breakout_comments"],  # no breakout_content at all
        ["breakout_comments", "breakout_content", "breakout_text"],  # the reader plugin later
    ],
)
def test_a_plugins_error_fails_the_build_without_breakout_content_first(
    content_copy: Callable[[Path], Path],
    tmp_path: Path,
    error_log: Callable[..., list[str]],
    plugins: list[str],
) -> None:
    site = content_copy(SITE)
    _break(site)
    with pytest.raises(BuildFailed, match="1 problem found"):
        build_site(site, tmp_path / "out", PLUGINS=plugins)
    assert [m for m in error_log() if m.startswith(BAD)]


def test_the_kernel_stays_attached_when_a_later_build_lists_other_plugins(
    content_copy: Callable[[Path], Path], tmp_path: Path
) -> None:
    site = content_copy(SITE)
    build_site(site, tmp_path / "ok", PLUGINS=["breakout_content", "breakout_text"])
    _break(site)
    with pytest.raises(BuildFailed):
        build_site(site, tmp_path / "bad", PLUGINS=["breakout_comments"])


def test_fail_on_errors_false_logs_but_lets_the_build_finish(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    _break(site)
    out = tmp_path / "out"
    build_site(
        site,
        out,
        PLUGINS=["breakout_content", "breakout_text", "breakout_comments"],
        BREAKOUT_CONTENT={"FAIL_ON_ERRORS": False},
    )
    assert [m for m in error_log() if m.startswith(BAD)]
    assert (out / "index.html").exists()


def test_each_build_gets_its_own_state(
    content_copy: Callable[[Path], Path], tmp_path: Path
) -> None:
    site = content_copy(SITE)
    build_site(site, tmp_path / "one", PLUGINS=["breakout_content"])
    first = build.current()
    assert first is not None
    first.part(dict)["seen"] = True
    build_site(site, tmp_path / "two", PLUGINS=["breakout_content"])
    second = build.current()
    assert second is not None and second is not first
    assert second.part(dict) == {}
    assert build.current(first.settings) is None  # an earlier build's settings find nothing
