"""Browser suite: built sites served on 127.0.0.1, one Debian chromium per session via Playwright."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WIDTHS = (375, 1280)
HEIGHT = 800
LOCAL_HOST = "127.0.0.1"
MISSING_PATH = "/no-such-page/here/"  # deep, so the 404 page must use absolute asset URLs


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files like a web host: quiet, and 404.html as the body of every 404."""

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Serve the site's own 404 page, as a host configured for Pelican sites does."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass
class Served:
    """A built site on a local port."""

    root: Path
    base_url: str

    def url(self, path: str) -> str:
        """The full URL of a site path such as '/people/'."""
        return self.base_url + path


@contextmanager
def serve(root: Path) -> Iterator[Served]:
    """Serve `root` on a free port of 127.0.0.1 from a daemon thread until the block ends."""
    handler = partial(SiteHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(root, f"http://{LOCAL_HOST}:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site(launch_site: Path) -> Iterator[Served]:
    """The launch build (tests/conftest.py `launch_site`), served for the session."""
    with serve(launch_site) as served:
        yield served


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian chromium for the whole session (Playwright downloads nothing)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What a page did while it loaded and ran: every sign of a problem, kept for assertions."""

    console: list[str] = field(default_factory=list)  # console messages of type error
    messages: list[str] = field(default_factory=list)  # every console message
    page_errors: list[str] = field(default_factory=list)  # uncaught exceptions
    failed: list[str] = field(default_factory=list)  # network failures and HTTP >= 400
    foreign: list[str] = field(default_factory=list)  # requests to any host but 127.0.0.1
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt opened

    def problems(self, allow_status: str = "") -> list[str]:
        """Everything that should not happen on a page of this site, one line each."""
        failed = [f for f in self.failed if f != allow_status]
        console = [c for c in self.console if not (allow_status and "404" in c)]
        return [
            *(f"console error: {c}" for c in console),
            *(f"page error: {e}" for e in self.page_errors),
            *(f"failed request: {f}" for f in failed),
            *(f"request to another host: {f}" for f in self.foreign),
            *(f"dialog: {d}" for d in self.dialogs),
        ]


@dataclass
class Opened:
    """A loaded page with its watch list."""

    page: Any
    watch: Watch
    status: int


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Opened]]:
    """Open a URL in a fresh context (one page per test) that blocks and records other hosts."""
    contexts: list[Any] = []

    def opener(url: str, *, width: int = 1280, javascript: bool = True) -> Opened:
        context = browser.new_context(
            viewport={"width": width, "height": HEIGHT},
            java_script_enabled=javascript,
            service_workers="block",
        )
        contexts.append(context)
        watch = Watch()

        def route(r: Any) -> None:
            # Nothing may leave the machine: record and refuse every other host.
            if urlsplit(r.request.url).hostname == LOCAL_HOST or r.request.url.startswith("data:"):
                r.continue_()
            else:
                watch.foreign.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: _on_console(watch, m))
        page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
        page.on("requestfailed", lambda r: _on_failed(watch, r))
        page.on(
            "response", lambda r: r.status >= 400 and watch.failed.append(f"{r.status} {r.url}")
        )
        page.on("dialog", lambda d: (watch.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
        response = page.goto(url, wait_until="load")
        return Opened(page, watch, response.status if response else 0)

    yield opener
    for context in contexts:
        context.close()


def _on_console(watch: Watch, message: Any) -> None:
    """Keep every console line; errors separately."""
    line = f"{message.type}: {message.text}"
    watch.messages.append(line)
    if message.type == "error":
        watch.console.append(message.text)


def _on_failed(watch: Watch, request: Any) -> None:
    """A request that never got a response (blocked foreign hosts are recorded apart)."""
    # ERR_ABORTED is the browser cancelling a load because the page navigated away (e.g. a
    # favicon still loading when a form is submitted); a missing file is a 404 response instead.
    if urlsplit(request.url).hostname == LOCAL_HOST and request.failure != "net::ERR_ABORTED":
        watch.failed.append(f"{request.failure} {request.url}")


@pytest.fixture(scope="session")
def page_paths(site: Served) -> dict[str, str | None]:
    """The pages the suite visits, picked from the build; None where the build has no such page."""

    def first(pattern: str) -> str | None:
        found = sorted(site.root.glob(pattern))
        return "/" + found[0].parent.relative_to(site.root).as_posix() + "/" if found else None

    def exact(path: str) -> str | None:
        return path if (site.root / path.lstrip("/") / "index.html").is_file() else None

    return {
        "home": "/",
        "writeup": exact("/2011/acpo-social-media/"),  # a write-up with comments
        "person": first("people/*/index.html"),
        "topic": first("topics/*/index.html"),
        "event": first("events/*/index.html"),
        "session": first("events/*/*/index.html"),
        "people": exact("/people/"),
        "topics": exact("/topics/"),
        "events": exact("/events/"),
        "404": MISSING_PATH,
        "search": "/search/?q=police" if exact("/search/") else None,
        "follow": exact("/follow/"),
    }


@pytest.fixture
def visit(
    open_page: Callable[..., Opened], site: Served, page_paths: dict[str, str | None]
) -> Callable[..., Opened]:
    """Open a page kind ('home', 'person', …) at a width, failing when the build lacks it."""

    def opener(kind: str, width: int = 1280, **options: Any) -> Opened:
        path = page_paths[kind]
        if path is None:
            pytest.fail(f"the launch build has no {kind} page (is its plugin or setting in place?)")
        opened = open_page(site.url(path), width=width, **options)
        if kind == "search" and options.get("javascript", True):
            _wait_for_search(opened)
        return opened

    return opener


def _wait_for_search(opened: Opened) -> None:
    """Wait until the search page has finished a search (its status says results or none)."""
    if opened.page.query_selector("#search-status") is None:
        pytest.fail(f"{opened.page.url} is no search page (is /search/ built with search on?)")
    opened.page.wait_for_function(
        "() => /result|No results|could not load/.test("
        "document.getElementById('search-status')?.textContent || '')"
    )


@pytest.fixture(scope="session")
def build_site(request: pytest.FixtureRequest) -> Callable[..., None]:
    """tests/conftest.py's build_site (a conftest below it cannot import it by module name)."""
    parent = ROOT / "tests" / "conftest.py"
    for plugin in request.config.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", "") or "/").resolve() == parent:
            return plugin.build_site
    raise RuntimeError(f"{parent} is not loaded")


@pytest.fixture(scope="session")
def wait_for_search() -> Callable[[Opened], None]:
    """Wait until a search page has rendered its results (or said there are none)."""
    return _wait_for_search


@pytest.fixture(scope="session")
def serve_site() -> Callable[[Path], Any]:
    """serve(root): a context manager serving another built site on 127.0.0.1."""
    return serve


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's browser bundle from node_modules (npm ci installs it from package-lock.json)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` at the repository root")
    return AXE


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Opened, str], Path]:
    """Save a full-page screenshot as a test artifact under test-artifacts/screenshots/."""

    def save(opened: Opened, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        opened.page.screenshot(path=str(path), full_page=True)
        return path

    return save
