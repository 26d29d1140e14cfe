"""The local preview server: Pelican's handler, threaded, answering 404 with the site's 404.html.

With a Reloader (`invoke livereload`) every HTML page it serves gets a small script
that waits for the next rebuild and reloads the page. The script is added as the
page is served, never written into the output: `build`, `preview` and `publish`
output, and livereload's own output/, are the same files.
"""

from __future__ import annotations

import os
import threading
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path

from pelican.server import ComplexHTTPRequestHandler

from tools.publish.objects import content_type

RELOAD_PATH = "/__livereload"  # the generation endpoint; RELOAD_PATH + ".js" is the script
RELOAD_SCRIPT = f'<script src="{RELOAD_PATH}.js"></script>'
# Asks for the build generation, then waits (long poll) until it changes and reloads the page.
RELOAD_JS = f"""(async () => {{
  let seen = "";
  for (;;) {{
    try {{
      const answer = await fetch("{RELOAD_PATH}?seen=" + seen, {{ cache: "no-store" }});
      const generation = await answer.text();
      if (seen && generation !== seen) {{ location.reload(); return; }}
      seen = generation;
    }} catch (error) {{
      await new Promise((resolve) => setTimeout(resolve, 1000));  // the server restarts
    }}
  }}
}})();
""".encode()
POLL_SECONDS = 20.0  # a waiting request answers after this long even without a rebuild


class Reloader:
    """The generation of the built site: one more after each successful rebuild."""

    def __init__(self) -> None:
        """Generation 1: the first build."""
        self.generation = 1
        self._changed = threading.Condition()

    def bump(self) -> None:
        """A rebuild finished: wake every page waiting for it."""
        with self._changed:
            self.generation += 1
            self._changed.notify_all()

    def wait(self, seen: str, timeout: float = POLL_SECONDS) -> int:
        """The generation once it differs from `seen` (or after timeout)."""
        with self._changed:
            self._changed.wait_for(lambda: str(self.generation) != seen, timeout)
            return self.generation


def with_reload_script(html: bytes) -> bytes:
    """The page with the reload script before </body> (at the end if it has none)."""
    at = html.rfind(b"</body>")
    script = RELOAD_SCRIPT.encode()
    return html + script if at < 0 else html[:at] + script + html[at:]


class PreviewHandler(ComplexHTTPRequestHandler):
    """Serves clean URLs like a static host; a missing page gets 404 and the site's 404.html."""

    reloader: Reloader | None = None

    def do_GET(self) -> None:
        """Serve the file, or the site's 404 page with status 404 (and livereload's endpoints)."""
        original = self.path.split("?", 1)[0]
        if self.reloader is not None and original.startswith(RELOAD_PATH):
            self._reload_endpoint(original)
            return
        found = self.get_path_that_exists(original)
        if found is not None and self.reloader is not None and self._is_page(found):
            self._send(
                HTTPStatus.OK, with_reload_script(Path(self.translate_path(found)).read_bytes())
            )
            return
        if found is not None:
            super().do_GET()
            return
        # Pelican's own handler closes the connection without a response here.
        page = Path(self.base_path) / "404.html"
        body = (
            page.read_bytes()
            if page.exists()
            else b"<!DOCTYPE html><title>404</title><h1>Not found</h1>"
        )
        if self.reloader is not None:
            body = with_reload_script(body)
        self._send(HTTPStatus.NOT_FOUND, body)

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        """The Content-Type publishing gives the file (tools/publish/objects.py).

        Python's table has no OPML and calls feeds plain XML, so a browser asked to
        download the OPML file that the published site shows as text.
        """
        return content_type(os.fspath(path))

    def _is_page(self, path: str) -> bool:
        """True for an HTML file (a folder's index.html included)."""
        local = self.translate_path(path)
        if os.path.isdir(local):
            local = os.path.join(local, "index.html")
        return local.endswith(".html") and os.path.isfile(local)

    def _send(
        self, status: HTTPStatus, body: bytes, kind: str = "text/html; charset=utf-8"
    ) -> None:
        """One complete response that no browser caches."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _reload_endpoint(self, path: str) -> None:
        """The script, or the generation (waiting for the next one when the page has seen it)."""
        assert self.reloader is not None
        if path == RELOAD_PATH + ".js":
            self._send(HTTPStatus.OK, RELOAD_JS, "text/javascript; charset=utf-8")
            return
        query = self.path.partition("?")[2]
        seen = query.removeprefix("seen=") if query.startswith("seen=") else ""
        generation = self.reloader.wait(seen) if seen else self.reloader.generation
        self._send(HTTPStatus.OK, str(generation).encode(), "text/plain; charset=utf-8")

    def log_message(self, msg_format: str, *args: object) -> None:
        """Keep the console quiet: one line per request is noise while writing."""


def make_server(
    root: Path | str, port: int, host: str = "127.0.0.1", reloader: Reloader | None = None
) -> ThreadingHTTPServer:
    """A threaded server for the built site at root on host:port (not started)."""

    class Handler(PreviewHandler):
        base_path = os.fspath(root)

    Handler.reloader = reloader
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True  # waiting pages must not keep the process alive
    return server
