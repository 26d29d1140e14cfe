"""Rebuild when sources change (`invoke livereload`, `invoke regenerate`), with watchfiles (Pelican's own dependency)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from watchfiles import watch


def rebuild_on_change(
    watched: Iterable[Path],
    build: Callable[[list[Path]], None],
    *,
    stop: threading.Event | None = None,
    report: Callable[[str], None] = print,
) -> int:
    """Run build(changed files) after each batch of changes until stop is set; the number of rebuilds."""
    rebuilds = 0
    paths = [p for p in watched if p.exists()]
    for changes in watch(*paths, stop_event=stop, debounce=300, step=50):
        report(f"Change detected ({len(changes)} file(s)); rebuilding")
        try:
            build(sorted({Path(path) for _change, path in changes}))
        except Exception as exc:  # keep watching: the author is mid-edit
            report(f"Build failed: {exc}")
        rebuilds += 1
    return rebuilds


def serve_live(
    output: Path,
    watched: Iterable[Path],
    build: Callable[[list[Path]], None],
    *,
    port: int = 8000,
    stop: threading.Event | None = None,
    report: Callable[[str], None] = print,
) -> int:
    """Serve output on 127.0.0.1:port, rebuild on changes and reload open pages after each success.

    Returns the number of rebuilds once stop is set (or Ctrl-C). Port 0 picks a free
    port; the first report line names the address.
    """
    from tools.serve import Reloader, make_server

    reloader = Reloader()

    def rebuild(changed: list[Path]) -> None:
        build(changed)
        reloader.bump()  # only after a build that succeeded: open pages reload

    server = make_server(output, port, reloader=reloader)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    try:
        serving.start()
        # Inside the try: Ctrl-C right after this line, before the watcher starts, is a stop too.
        report(
            f"Serving the site at http://127.0.0.1:{server.server_address[1]}/ "
            "with live reload (Ctrl-C to stop)"
        )
        return rebuild_on_change(watched, rebuild, stop=stop, report=report)
    except KeyboardInterrupt:
        return 0
    finally:
        if serving.is_alive():  # shutdown() waits for serve_forever: only once it runs
            server.shutdown()
        server.server_close()


def regenerate(
    watched: Iterable[Path],
    build: Callable[[list[Path]], None],
    *,
    stop: threading.Event | None = None,
    report: Callable[[str], None] = print,
) -> int:
    """Rebuild on changes, serving nothing, until stop is set (or Ctrl-C); the number of rebuilds."""
    try:
        # Inside the try, as serve_live's: Ctrl-C right after this line is a stop too.
        report("Watching for changes; the site is rebuilt in output/ (Ctrl-C to stop)")
        return rebuild_on_change(watched, build, stop=stop, report=report)
    except KeyboardInterrupt:
        return 0
