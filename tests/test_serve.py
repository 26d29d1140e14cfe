"""The preview server answers like a static host: clean URLs, and 404 with the site's page."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tools.serve import make_server


@pytest.fixture
def served(tmp_path: Path):
    """A tiny built site served on a free loopback port."""
    (tmp_path / "people" / "nick").mkdir(parents=True)
    (tmp_path / "people" / "nick" / "index.html").write_text("<h1>Nick</h1>")
    (tmp_path / "404.html").write_text("<h1>Page not found</h1>")
    (tmp_path / "feeds").mkdir()
    for name in ("index.opml", "all.atom.xml", "all.rss.xml", "all.json", "all.ics"):
        (tmp_path / "feeds" / name).write_text("x")
    server = make_server(tmp_path, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_clean_url_is_served(served: str) -> None:
    with urllib.request.urlopen(served + "/people/nick/") as response:
        assert response.status == 200 and b"<h1>Nick</h1>" in response.read()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("index.opml", "text/x-opml; charset=utf-8"),
        ("all.atom.xml", "application/atom+xml; charset=utf-8"),
        ("all.rss.xml", "application/rss+xml; charset=utf-8"),
        ("all.json", "application/json; charset=utf-8"),
        ("all.ics", "text/calendar; charset=utf-8"),
    ],
)
def test_files_are_served_with_the_types_publishing_gives(
    served: str, name: str, kind: str
) -> None:
    with urllib.request.urlopen(f"{served}/feeds/{name}") as response:
        assert response.headers["Content-Type"] == kind


def test_missing_page_gets_404_with_the_site_page(served: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(served + "/no/such/page/")
    assert err.value.code == 404
    assert b"Page not found" in err.value.read()


def test_live_reload_script_is_added_only_when_serving_with_a_reloader(tmp_path: Path) -> None:
    from tools.serve import Reloader

    (tmp_path / "index.html").write_text("<html><body><h1>Home</h1></body></html>")
    reloader = Reloader()
    live = make_server(tmp_path, 0, reloader=reloader)
    plain = make_server(tmp_path, 0)
    for server in (live, plain):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{live.server_address[1]}"
        with urllib.request.urlopen(base + "/") as response:
            assert response.read() == (
                b'<html><body><h1>Home</h1><script src="/__livereload.js"></script></body></html>'
            )
        with urllib.request.urlopen(f"http://127.0.0.1:{plain.server_address[1]}/") as response:
            assert b"livereload" not in response.read()
        with urllib.request.urlopen(base + "/__livereload") as response:
            assert response.read() == b"1"
        # A page that has seen generation 1 waits until a rebuild makes it 2.
        threading.Timer(0.5, reloader.bump).start()
        with urllib.request.urlopen(base + "/__livereload?seen=1", timeout=60) as response:
            assert response.read() == b"2"
        assert (tmp_path / "index.html").read_text() == "<html><body><h1>Home</h1></body></html>"
    finally:
        for server in (live, plain):
            server.shutdown()
            server.server_close()
