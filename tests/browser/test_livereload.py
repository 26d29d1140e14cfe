"""`invoke livereload` in a real chromium: an edit rebuilds the site and the open page reloads itself."""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import kept_site

from tools.keeper import KeptProcess
from tools.watch import serve_live

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
PAGE = "2011/police/index.html"


def test_an_edit_reloads_the_open_page_without_a_click(
    open_page: Callable[..., Any], tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal-site", content)
    out = tmp_path / "output"
    stop = threading.Event()
    lines: list[str] = []
    rebuilt = threading.Event()
    # As `invoke livereload` builds: a site kept in a process of its own, forked before the
    # server's threads start; the edited write-up read again.
    site = KeptProcess(lambda: kept_site(content, out, tmp_path / "cache"))
    site.build()
    how: list[str] = []

    def build(changed: list[Path]) -> None:
        how.append(site.build(changed))
        rebuilt.set()

    live = threading.Thread(
        target=serve_live,
        args=(out, [content], build),
        kwargs={"port": 0, "stop": stop, "report": lines.append},
        daemon=True,
    )
    live.start()
    try:
        deadline = time.monotonic() + 60
        while not lines and time.monotonic() < deadline:
            time.sleep(0.05)
        port = re.search(r"127\.0\.0\.1:(\d+)/", lines[0]).group(1)  # type: ignore[union-attr]
        opened = open_page(f"http://127.0.0.1:{port}/{PAGE.removesuffix('index.html')}")
        assert "An added sentence" not in opened.page.content()
        opened.page.evaluate("() => { window.notReloaded = true; }")
        opened.page.wait_for_function(
            "() => document.querySelector('script[src=\"/__livereload.js\"]')"
        )
        time.sleep(1)  # the watcher is running by now; the page is waiting for the next build
        post = content / "writeups" / "2011" / "police.md"
        post.write_text(
            post.read_text(encoding="utf-8") + "\nAn added sentence.\n", encoding="utf-8"
        )
        assert rebuilt.wait(120), "no rebuild after the edit"
        opened.page.wait_for_function(
            "() => document.body.textContent.includes('An added sentence')", timeout=60_000
        )
        # A new document: the page reloaded itself, nobody clicked.
        assert opened.page.evaluate("() => window.notReloaded === undefined")
        assert opened.watch.problems() == []
    finally:
        stop.set()
        live.join(30)
        site.close()
    assert how == ["written"]
    # The script is added as pages are served: nothing of it is in the built files.
    for page in out.rglob("*.html"):
        assert "__livereload" not in page.read_text(encoding="utf-8"), page
