"""`invoke livereload`'s loop: an edit to a write-up triggers a real rebuild that shows it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from conftest import FIXTURES, build_site, kept_site

from tools.watch import rebuild_on_change


def watch_one_edit(content: Path, build: Callable[[list[Path]], None]) -> list[str]:
    """Watch content, add a sentence to police.md, return once build() has run; its report."""
    done = threading.Event()
    stop = threading.Event()
    messages: list[str] = []

    def rebuild(changed: list[Path]) -> None:
        build(changed)
        done.set()

    watcher = threading.Thread(
        target=rebuild_on_change,
        args=([content], rebuild),
        kwargs={"stop": stop, "report": messages.append},
    )
    watcher.start()
    try:
        time.sleep(0.5)  # let the watcher start before the edit
        post = content / "writeups" / "2011" / "police.md"
        post.write_text(post.read_text() + "\nAn added sentence.\n")
        assert done.wait(30), "no rebuild after an edit"
    finally:
        stop.set()
        watcher.join(10)
    return messages


def test_an_edit_rebuilds_the_site(content_copy: Callable[[Path], Path], tmp_path: Path) -> None:
    content = content_copy(FIXTURES / "minimal-site")
    out = tmp_path / "out"
    build_site(content, out)
    messages = watch_one_edit(content, lambda _changed: build_site(content, out))
    assert "An added sentence." in (out / "2011" / "police" / "index.html").read_text()
    assert messages[0].startswith("Change detected")


def test_the_kept_site_writes_an_edit_the_watcher_names(
    content_copy: Callable[[Path], Path], tmp_path: Path
) -> None:

    content = content_copy(FIXTURES / "minimal-site")
    out = tmp_path / "out"
    site = kept_site(content, out, tmp_path / "cache")
    how: list[str] = []
    try:
        site.build()
        watch_one_edit(content, lambda changed: how.append(site.build(changed)))
    finally:
        site.close()
    assert how == ["written"]  # the watcher named the file: only it was read again
    assert "An added sentence." in (out / "2011" / "police" / "index.html").read_text()


def test_a_failed_build_is_reported_and_watching_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x")
    stop = threading.Event()
    messages: list[str] = []
    calls: list[int] = []

    def build(changed: list[Path]) -> None:
        calls.append(1)
        if len(calls) == 2:
            stop.set()
        raise RuntimeError("bad date in a.md")

    watcher = threading.Thread(
        target=rebuild_on_change,
        args=([tmp_path], build),
        kwargs={"stop": stop, "report": messages.append},
    )
    watcher.start()
    time.sleep(0.5)
    (tmp_path / "a.md").write_text("y")
    time.sleep(1.0)
    (tmp_path / "a.md").write_text("z")
    watcher.join(30)
    assert not watcher.is_alive()
    assert messages.count("Build failed: bad date in a.md") == 2
