"""Shared test helpers: real in-process Pelican builds into temporary folders."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures"


def build_site(
    content: Path,
    output: Path,
    *,
    conf: str = "pelicanconf.py",
    cache: Path | None = None,
    **overrides: Any,
) -> None:
    """Build `content` into `output` with the project's settings, in-process, like `invoke build`."""
    from tools.build import run_pelican

    run_pelican(
        conf=ROOT / conf,
        path=content,
        output=output,
        cache=cache or output.parent / (output.name + "-cache"),
        overrides=overrides,
    )


def edit_file(path: Path, old: str, new: str) -> None:
    """Replace text in a content file and move its mtime on, as an editor's save does."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def project_folder(tmp_path: Path, fixture: str = "minimal-site") -> Path:
    """A project folder for real `invoke` tasks: the repository's tasks and settings, its code linked, a fixture as content/."""
    project = tmp_path / "project"
    project.mkdir(parents=True)
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, project / name)
    for name in ("plugins", "theme", "tools"):
        (project / name).symlink_to(ROOT / name)
    shutil.copytree(FIXTURES / fixture, project / "content")
    return project


def start_task(project: Path, *task: str) -> subprocess.Popen[str]:
    """`invoke TASK` in project, in a process group of its own (a terminal's job), output and errors in one stream."""
    return subprocess.Popen(
        [sys.executable, "-m", "invoke", *task],
        cwd=project,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def kept_site(
    content: Path,
    output: Path,
    cache: Path,
    *,
    report: Callable[[str], None] | None = None,
    **overrides: Any,
) -> Any:
    """A KeptSite of `content` with the project's settings, as `invoke livereload` keeps it.

    Search is off unless overrides turn it on; report: its console lines (default: none).
    """
    from tools.kept import KeptSite

    return KeptSite(
        ROOT / "pelicanconf.py",
        path=content,
        output=output,
        cache=cache,
        overrides={"BREAKOUT_SEARCH": {"ENABLED": False}, **overrides},
        report=report or (lambda _line: None),
    )


@contextmanager
def connected(signal: Any, receiver: Callable[..., Any]) -> Iterator[None]:
    """Have receiver connected to a Pelican (blinker) signal for the builds inside."""
    signal.connect(receiver)
    try:
        yield
    finally:
        signal.disconnect(receiver)


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds use two processes (the output lane) and two Pagefind runs at once."""
    monkeypatch.setenv("BREAKOUT_WORKERS", "2")


@pytest.fixture
def site_builder(tmp_path: Path) -> Callable[..., Path]:
    """Return build(content_dir, **overrides) -> output dir, building into tmp_path."""
    counter = {"n": 0}

    def build(content: Path, **overrides: Any) -> Path:
        counter["n"] += 1
        out = tmp_path / f"out{counter['n']}"
        build_site(content, out, **overrides)
        return out

    return build


@pytest.fixture
def content_copy(tmp_path: Path) -> Callable[[Path], Path]:
    """Copy a content folder into tmp_path so a test can edit it."""

    def copy(src: Path) -> Path:
        dst = tmp_path / "site" / "content"
        shutil.copytree(src, dst)
        return dst

    return copy


@pytest.fixture(scope="session")
def launch_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The launch content built once per test session (read-only for tests)."""
    out = tmp_path_factory.mktemp("launch") / "output"
    build_site(ROOT / "content", out)
    return out


@pytest.fixture
def error_log(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """Return a function giving the ERROR/WARNING lines Breakout logged, in order."""
    caplog.set_level(logging.WARNING)

    def lines(level: int = logging.ERROR) -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.levelno >= level and r.name.startswith("breakout")
        ]

    return lines
