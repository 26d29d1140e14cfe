"""The kept site in a process of its own (tools/keeper.py), as `invoke livereload` runs it.

Real builds of a fixture site in a forked process; the server and the watcher in this one.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, edit_file, kept_site, project_folder, start_task

from tools.keeper import KeptProcess
from tools.kept import BuildFailed, kept_folder
from tools.watch import serve_live

POLICE = Path("writeups/2011/ukgc11-police.md")
POLICE_PAGE = Path("2011/ukgc11-police/index.html")


class Site:
    """A copy of the memo fixture; start() forks its KeptProcess (closed at the test's end)."""

    def __init__(self, tmp: Path) -> None:
        self.tmp, self.content = tmp, tmp / "content"
        shutil.copytree(FIXTURES / "memo-site", self.content)
        self.kept: KeptProcess | None = None

    def start(self) -> KeptProcess:
        """Fork the site's process now (after the test's own capture is in place)."""
        self.kept = KeptProcess(
            lambda: kept_site(self.content, self.tmp / "output", self.tmp / "cache", report=print)
        )
        return self.kept


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A Site in tmp_path."""
    made = Site(tmp_path)
    yield made
    if made.kept is not None:
        made.kept.close()


def threads(pid: int) -> int:
    """How many threads process pid has now."""
    return len(os.listdir(f"/proc/{pid}/task"))


def gone(pid: int) -> bool:
    """Whether process pid has ended (a zombie nobody reaps counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def test_the_site_process_writes_an_edit_and_answers_with_the_builds_message(
    capfd: pytest.CaptureFixture[str], site: Site, tmp_path: Path
) -> None:
    # The site's process logs problems to the standard error it shares with this one.
    shown = logging.StreamHandler()
    shown.setLevel(logging.ERROR)
    logging.getLogger().addHandler(shown)
    try:
        kept, content = site.start(), site.content  # forked with the handler
    finally:
        logging.getLogger().removeHandler(shown)
    assert kept.build() == "read"
    edit_file(content / POLICE, "- Listen more", "- Listen much more")
    assert kept.build([content / POLICE]) == "written"
    assert "Listen much more" in (tmp_path / "output" / POLICE_PAGE).read_text(encoding="utf-8")
    # Its report lines reach the terminal this process shares with it, flushed.
    out = capfd.readouterr().out.splitlines()
    assert [line.split(" (")[1] for line in out if line.startswith("Built in ")] == [
        "the whole site read)",
        "the edited write-ups read again)",
    ]
    (content / POLICE).write_bytes(
        (content / POLICE).read_bytes().replace(b"Listen much", b"Listen \xff much")
    )
    with pytest.raises(BuildFailed, match=r"^1 problem found \(listed above\); fix them"):
        kept.build([content / POLICE])
    assert "ukgc11-police.md:19: not valid UTF-8" in capfd.readouterr().err
    pid = kept.pid
    assert pid is not None and kept_folder(tmp_path / "output").is_dir()
    kept.close()
    assert gone(pid)
    assert not kept_folder(tmp_path / "output").exists()
    with pytest.raises(BuildFailed, match="closed"):
        kept.build()


def test_the_site_process_has_no_thread_but_its_own_while_the_server_runs(
    site: Site, tmp_path: Path
) -> None:
    kept, content = site.start(), site.content
    kept.build()
    lines: list[str] = []
    how: list[str] = []
    rebuilt = threading.Event()
    stop = threading.Event()

    def build(changed: list[Path]) -> None:
        how.append(kept.build(changed))
        rebuilt.set()

    live = threading.Thread(
        target=serve_live,
        args=(tmp_path / "output", [content], build),
        kwargs={"port": 0, "stop": stop, "report": lines.append},
        daemon=True,
    )
    live.start()
    try:
        time.sleep(1)  # the server's threads and the watcher's are running by now
        edit_file(content / POLICE, "- Listen more", "- Listen much more")
        assert rebuilt.wait(60), "no rebuild after the edit"
        assert kept.pid is not None
        # What fork() is safe in: the site's process forked before any thread started.
        assert threads(os.getpid()) > 1
        assert threads(kept.pid) == 1
    finally:
        stop.set()
        live.join(30)
    assert how == ["written"]


def serving(proc: subprocess.Popen[str]) -> int:
    """Wait until livereload serves; the pid of its site's process (its only child then)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("Serving the site at"):
            children = [
                int(stat.split()[0])
                for stat in (p.read_text() for p in Path("/proc").glob("[0-9]*/stat"))
                if int(stat.rpartition(")")[2].split()[1]) == proc.pid
            ]
            assert len(children) == 1, children
            return children[0]
    proc.wait(10)
    pytest.fail(f"livereload did not start (exit {proc.returncode})")


def test_ctrl_c_stops_livereload_and_its_site_process_and_removes_the_kept_files(
    tmp_path: Path,
) -> None:
    project = project_folder(tmp_path)
    proc = start_task(project, "livereload", "--port", "0")
    site_pid = serving(proc)
    assert kept_folder(project / "output").is_dir()
    assert threads(site_pid) == 1 and threads(proc.pid) > 1
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, rest
    assert gone(site_pid)
    assert not kept_folder(project / "output").exists()


def test_the_site_process_ends_when_livereload_is_killed(tmp_path: Path) -> None:
    project = project_folder(tmp_path)
    proc = start_task(project, "livereload", "--port", "0")
    site_pid = serving(proc)
    proc.kill()  # no chance to close anything: the pipe's end is all the site's process sees
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 30
    while not gone(site_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert gone(site_pid)
    assert not kept_folder(project / "output").exists()


def test_a_first_build_that_fails_ends_livereload_and_its_site_process(tmp_path: Path) -> None:
    project = project_folder(tmp_path)
    post = project / "content" / "writeups" / "2011" / "police.md"
    post.write_bytes(post.read_bytes() + b"\nA bad \xff byte.\n")
    proc = start_task(project, "livereload", "--port", "0")
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 1, out
    lines = out.splitlines()
    assert "content/writeups/2011/police.md:" in out and "not valid UTF-8" in out, out
    assert lines[-1].startswith("Build failed: 1 problem found (listed above)"), lines[-3:]
    assert not any("Serving" in line for line in lines)
    assert not kept_folder(project / "output").exists()
    assert (
        not [  # no process of it is left behind
            p for p in Path("/proc").glob("[0-9]*/cwd") if _points_at(p, project)
        ]
    )


class Lines:
    """A process's output lines, read by a thread so that a test can wait for one with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        assert proc.stdout is not None
        stdout = proc.stdout
        threading.Thread(target=self._read, args=(stdout,), daemon=True).start()

    def _read(self, stdout: Iterator[str]) -> None:
        for line in stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def until(self, wanted: Callable[[str], bool], nudge: Path | None = None) -> str:
        """The next line wanted accepts; nudge's mtime is moved on every 5 s until it comes."""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=5)
            except queue.Empty:
                if nudge is not None:  # the watcher may not have been watching yet
                    st = nudge.stat()
                    os.utime(nudge, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
                continue
            if line is None:
                break
            self.seen.append(line)
            if wanted(line):
                return line
        pytest.fail("no such line; the output was:\n" + "\n".join(self.seen))


def test_regenerate_rebuilds_each_change_alone_serves_nothing_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    project = project_folder(tmp_path)
    post = project / "content" / "writeups" / "2011" / "police.md"
    proc = start_task(project, "regenerate")
    lines = Lines(proc)
    try:
        lines.until(lambda line: line.startswith("Watching for changes"))
        page = project / "output" / "2011" / "police" / "index.html"
        assert "A shorter write-up" not in page.read_text(encoding="utf-8")

        edit_file(post, "A short write-up", "A shorter write-up")
        built = lines.until(lambda line: line.startswith("Built in"), nudge=post)
        assert built.endswith("(the edited write-ups read again)"), built
        assert "A shorter write-up" in page.read_text(encoding="utf-8")

        # A save that cannot be read is reported, and the watching goes on.
        post.write_bytes(post.read_bytes() + b"\nA bad \xff byte.\n")
        failed = lines.until(lambda line: line.startswith("Build failed:"), nudge=post)
        assert failed.startswith("Build failed: 1 problem found (listed above)"), failed
        assert any("police.md:" in line and "not valid UTF-8" in line for line in lines.seen)
        post.write_bytes(post.read_bytes().replace(b"\xff", b"odd"))
        lines.until(lambda line: line.startswith("Built in"), nudge=post)
        assert "A bad odd byte." in page.read_text(encoding="utf-8")
        assert not any(line.startswith("Serving") for line in lines.seen)
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        proc.wait(60)
    assert proc.returncode == 0, "\n".join(lines.seen)
    assert not kept_folder(project / "output").exists()


def _points_at(link: Path, folder: Path) -> bool:
    """Whether the /proc cwd link is folder (False once its process is gone)."""
    try:
        return Path(os.readlink(link)) == folder
    except OSError:
        return False


def test_a_site_process_that_died_is_named_with_what_to_do(site: Site) -> None:
    kept = site.start()
    kept.build()
    assert kept.pid is not None
    os.kill(kept.pid, signal.SIGKILL)  # the kernel's OOM killer, say
    message = (
        f"the process keeping the site ({kept.pid}) has ended; "
        "stop `invoke livereload` (or `invoke regenerate`) and start it again"
    )
    for _ in range(2):  # and again at the next save, not a hang
        with pytest.raises(BuildFailed) as failed:
            kept.build([site.content / POLICE])
        assert str(failed.value) == message
