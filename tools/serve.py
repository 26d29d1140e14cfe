"""The local preview server: Pelican's handler, threaded, answering 404 with the site's 404.html."""

from __future__ import annotations

import os
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path

from pelican.server import ComplexHTTPRequestHandler


class PreviewHandler(ComplexHTTPRequestHandler):
    """Serves clean URLs like a static host; a missing page gets 404 and the site's 404.html."""

    def do_GET(self) -> None:
        """Serve the file, or the site's 404 page with status 404."""
        original = self.path.split("?", 1)[0]
        if self.get_path_that_exists(original) is not None:
            super().do_GET()
            return
        # Pelican's own handler closes the connection without a response here.
        page = Path(self.base_path) / "404.html"
        body = (
            page.read_bytes()
            if page.exists()
            else b"<!DOCTYPE html><title>404</title><h1>Not found</h1>"
        )
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, msg_format: str, *args: object) -> None:
        """Keep the console quiet: one line per request is noise while writing."""


def make_server(root: Path | str, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A threaded server for the built site at root on host:port (not started)."""

    class Handler(PreviewHandler):
        base_path = os.fspath(root)

    return ThreadingHTTPServer((host, port), Handler)
