"""The kept site in a process of its own, which never starts a thread (`invoke livereload`, `regenerate`).

KeptSite (tools/kept.py) forks a child for every build, and its reading forks read-ahead
workers. `invoke livereload` also runs the preview server's threads and the file watcher's
(`invoke regenerate` the watcher's).
fork() copies only the thread that calls it: a lock another thread held at that moment (a
log handler's, an import's, a buffered file's) stays held in the child for good, and Python
3.12 warns of every such fork. So livereload forks this process first, before any thread
starts; it reads, keeps and builds the site, and the server's process only sends it the
changed files and waits for its answer.

It stops when the server's process closes the pipe, stops or dies, and on Ctrl-C (which
reaches the whole process group); each way it removes the files KeptSite kept.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection, Pipe
from pathlib import Path

from tools.kept import BuildFailed, KeptSite

STOP = "stop"  # asks the process to close the site and end


def serve(site: KeptSite, conn: Connection) -> None:
    """Build site for each request on conn (a list of changed paths, or None) until told to stop.

    Each answer is ("ok", "written" or "read") or ("failed", the build's message).
    """
    try:
        while True:
            try:
                request = conn.recv()
            except EOFError:  # the server's process is gone
                return
            if request == STOP:
                return
            changed = None if request is None else [Path(p) for p in request]
            try:
                answer = ("ok", site.build(changed))
            except Exception as exc:  # the build's problems are logged; its message goes back
                answer = ("failed", str(exc) or type(exc).__name__)
            # Its report and log lines keep their place among the server's.
            sys.stdout.flush()
            sys.stderr.flush()
            try:
                conn.send(answer)
            except OSError:  # the server's process is gone
                return
    except KeyboardInterrupt:  # Ctrl-C: the server's process is stopping too
        return
    finally:
        site.close()


class KeptProcess:
    """A KeptSite in a forked process of its own: build() and close() as KeptSite's."""

    def __init__(self, make_site: Callable[[], KeptSite]) -> None:
        """Fork the process, which calls make_site() (call this before any thread starts)."""
        self._conn, theirs = Pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the site's process: never returns
            self._conn.close()
            try:
                serve(make_site(), theirs)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(0)  # no atexit and no second flush of the server's buffers
        theirs.close()
        self.pid: int | None = pid

    def build(self, changed: Iterable[Path] | None = None) -> str:
        """Build in the site's process: "written" or "read" as KeptSite.build; BuildFailed if not."""
        if self.pid is None:
            raise BuildFailed("the site's process was closed")
        try:
            self._conn.send(None if changed is None else [str(p) for p in changed])
            how, detail = self._conn.recv()
        except (EOFError, OSError):
            raise BuildFailed(
                f"the process keeping the site ({self.pid}) has ended; "
                "stop `invoke livereload` (or `invoke regenerate`) and start it again"
            ) from None
        if how != "ok":
            raise BuildFailed(detail)
        return str(detail)

    def close(self) -> None:
        """Stop the site's process and wait until it has removed what it kept."""
        if self.pid is None:
            return
        with contextlib.suppress(OSError):  # it may have ended already
            self._conn.send(STOP)
        self._conn.close()
        os.waitpid(self.pid, 0)
        self.pid = None
