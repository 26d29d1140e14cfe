"""The intake service as a real process on a free port of 127.0.0.1, fed by a real build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "golden-site"
SITE = "http://127.0.0.1:8000"  # the site URL the service is told; posts claim this Origin
FORM = {"Origin": SITE}
READY = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")
START_TIMEOUT = 90.0  # the machine is shared and loaded: generous, never asserted on


@dataclass
class Built:
    """A fixture site built once: its content (comments are read for duplicates) and output."""

    content: Path
    output: Path

    @property
    def manifest(self) -> Path:
        """The manifest breakout_comments wrote."""
        return self.output / "intake.json"


@dataclass
class Intake:
    """One running service process."""

    proc: subprocess.Popen[str]
    url: str
    queue: Path
    lines: list[str] = field(default_factory=list)  # its log, as it comes

    def post(
        self, data: Any = None, *, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        """POST to /comments (as the site's form would, unless headers say otherwise)."""
        return httpx.post(
            self.url + "/comments", data=data, headers={**FORM, **(headers or {})}, timeout=60, **kw
        )

    def log(self) -> str:
        """What the service logged so far."""
        return "".join(self.lines)

    def logged(self, text: str, timeout: float = START_TIMEOUT) -> bool:
        """Wait until the log (read from a pipe by a thread, so a little behind) holds text."""
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def queued(self) -> list[Path]:
        """The complete comment files in the queue (what moderation would see)."""
        return sorted(
            p for p in self.queue.glob("*/*.md") if not p.parent.name.startswith(("_", "."))
        )

    def stop(self) -> None:
        """End the process (it was started by this test)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


def start_intake(
    built: Built,
    queue: Path,
    *,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
    command: tuple[str, ...] = ("-m", "intake", "--port", "0"),
) -> Intake:
    """Start `python3 -m intake --port 0` (or `command`) and wait until it serves /health."""
    environ = {
        **os.environ,
        "BREAKOUT_SITE_URL": SITE,
        "BREAKOUT_INTAKE_MANIFEST": str(built.manifest),
        "BREAKOUT_INTAKE_QUEUE": str(queue),
        "BREAKOUT_INTAKE_CONTENT_COMMENTS": str(built.content / "comments"),
        "BREAKOUT_INTAKE_RATE": "10000/minute",
        **(env or {}),
    }
    proc = subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,  # a pipe, not a file: RLIMIT_FSIZE tests must not cut the log
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=preexec_fn,
    )
    lines: list[str] = []
    port: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            m = READY.search(line)
            if m:
                port.append(m.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=drain, daemon=True).start()
    if not ready.wait(START_TIMEOUT) or not port:
        proc.kill()
        raise AssertionError("the intake service did not start:\n" + "".join(lines))
    service = Intake(proc, f"http://127.0.0.1:{port[0]}", queue, lines)
    deadline = time.monotonic() + START_TIMEOUT
    # /health answers 503 while there is no manifest: a service that answers is up.
    while httpx.get(service.url + "/health", timeout=30).status_code not in (200, 503):
        if time.monotonic() > deadline:
            service.stop()
            raise AssertionError("the intake service never became healthy:\n" + service.log())
        time.sleep(0.2)
    return service


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The golden fixture site built once for the intake tests (read-only for them)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import build_site

    base = tmp_path_factory.mktemp("intake-site")
    content = base / "content"
    shutil.copytree(FIXTURE, content)
    build_site(content, base / "output")
    return Built(content, base / "output")


@pytest.fixture
def run_intake(built: Built, tmp_path: Path) -> Iterator[Callable[..., Intake]]:
    """Start services (each with its own queue unless given one); all are stopped afterwards."""
    started: list[Intake] = []

    def run(queue: Path | None = None, **kw: Any) -> Intake:
        service = start_intake(built, queue or tmp_path / f"queue{len(started)}", **kw)
        started.append(service)
        return service

    yield run
    for service in started:
        service.stop()


def comment(**fields: str) -> dict[str, str]:
    """A valid post for the fixture's open write-up, with `fields` changed."""
    return {
        "writeup": "ukgc11-police",
        "replyto": "",
        "name": "Ann Reader",
        "handle": "",
        "website": "",
        "comment": "A thoughtful reply.",
        "leave_empty": "",
        **fields,
    }
