"""One build of an output folder at a time (tools/buildlock.py): real builds, real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import ROOT, kept_site, project_folder, start_task

from tools.buildlock import held, holder
from tools.golden import compare_trees

INVOKE = [sys.executable, "-m", "invoke"]


def waiting_line(pid: int, output: Path) -> str:
    """What a build prints while the process pid holds the lock of output."""
    return f"{output}: waiting for another build in {output.parent} (process {pid}) to finish"


def still_running(proc: subprocess.Popen[str], seconds: float) -> bool:
    """Whether proc is still running after seconds."""
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        return True
    return False


def same_tree(a: Path, b: Path) -> list[str]:
    """Differences between two outputs: compare_trees' per file, then folders on one side only."""
    folders = [{p.relative_to(side) for p in side.rglob("*") if p.is_dir()} for side in (a, b)]
    only = sorted(str(f) for f in folders[0] ^ folders[1])
    return compare_trees(a, b) + [f"folder on one side only: {f}" for f in only]


def test_two_builds_started_together_run_one_after_the_other_and_both_succeed(
    tmp_path: Path,
) -> None:
    project = project_folder(tmp_path)
    output = project / "output"
    with held(output):  # both start while this holds the lock, so they would overlap
        first, second = start_task(project, "build"), start_task(project, "build")
        assert still_running(first, 2) and still_running(second, 0)
        assert not output.exists()
    outs = [proc.communicate(timeout=120)[0] for proc in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    for out in outs:  # each said whom it waited for
        assert waiting_line(os.getpid(), output) in out.splitlines(), out
    reference = project_folder(tmp_path / "reference")
    done = subprocess.run([*INVOKE, "build"], cwd=reference, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert same_tree(output, reference / "output") == []
    assert not [p.name for p in project.iterdir() if ".breakout-new" in p.name]


def test_the_lock_is_freed_when_the_build_holding_it_is_killed(tmp_path: Path) -> None:
    output = tmp_path / "output"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; sys.path.insert(0, sys.argv[1]); from tools.buildlock import held\n"
            "from pathlib import Path\n"
            "with held(Path(sys.argv[2])):\n    print('held', flush=True); time.sleep(600)",
            str(ROOT),
            str(output),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    said: list[str] = []
    taken = threading.Event()

    def take() -> None:
        with held(output, said.append):
            taken.set()

    waiter = threading.Thread(target=take, daemon=True)
    waiter.start()
    assert not taken.wait(1)
    assert said == [waiting_line(holder.pid, output)]
    os.kill(holder.pid, signal.SIGKILL)  # no chance to let go: the kernel frees the lock
    holder.wait(10)
    assert taken.wait(10)
    waiter.join(10)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # the lock left nothing behind


def test_a_build_that_fails_frees_the_lock(tmp_path: Path) -> None:
    project = project_folder(tmp_path)
    post = project / "content" / "writeups" / "2011" / "police.md"
    post.write_bytes(post.read_bytes() + b"\nA bad \xff byte.\n")
    done = subprocess.run([*INVOKE, "build"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 1, done.stdout + done.stderr
    said: list[str] = []
    with held(project / "output", said.append):
        pass
    assert said == []


def test_the_kept_site_waits_for_a_build_of_its_output(tmp_path: Path) -> None:
    project = project_folder(tmp_path)
    output = project / "output"
    lines: list[str] = []
    site = kept_site(project / "content", output, project / "cache", report=lines.append)
    how: list[str] = []
    try:
        with held(output):
            builder = threading.Thread(target=lambda: how.append(site.build()), daemon=True)
            builder.start()
            builder.join(2)
            assert builder.is_alive() and not output.exists()
            released = time.monotonic()
        builder.join(120)
        ended = time.monotonic()
    finally:
        site.close()
    assert how == ["read"]
    assert lines[0] == waiting_line(os.getpid(), output), lines
    assert (output / "index.html").is_file()
    # "Built in N s" is the build's time, not the two seconds it waited.
    took = float(lines[-1].removeprefix("Built in ").split(" s ")[0])
    assert took <= ended - released + 0.1, (lines[-1], ended - released)


def test_clean_waits_for_a_build_that_is_writing(tmp_path: Path) -> None:
    project = project_folder(tmp_path)
    output = project / "output"
    done = subprocess.run([*INVOKE, "build"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    with held(output):
        clean = start_task(project, "clean")
        assert still_running(clean, 2)
        assert (output / "index.html").is_file()
    out, _ = clean.communicate(timeout=60)
    assert clean.returncode == 0, out
    assert waiting_line(os.getpid(), output) in out.splitlines()
    assert not output.exists()


def test_the_holder_is_the_process_holding_the_lock_not_one_waiting_for_it(tmp_path: Path) -> None:
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
        key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
        locks = (
            f"1: FLOCK  ADVISORY  WRITE 111 {key}0 0 EOF\n"  # another file whose inode starts so
            f"2: POSIX  ADVISORY  WRITE 222 {key} 0 EOF\n"  # a byte-range lock, not a build's
            f"3: -> FLOCK  ADVISORY  WRITE 333 {key} 0 EOF\n"  # a build waiting for it
            f"3: FLOCK  ADVISORY  WRITE 444 {key} 0 EOF\n"
        )
        assert holder(fd, locks) == "444"
        assert holder(fd, locks.replace("444", "-> 555")) == ""
    finally:
        os.close(fd)


def test_a_build_killed_alone_keeps_the_next_waiting_until_its_pagefind_has_ended(
    tmp_path: Path,
) -> None:
    from breakout_search.indexer import find_pagefind

    project = project_folder(tmp_path)
    output = project / "output"
    started, ended = tmp_path / "pagefind-started", tmp_path / "pagefind-ended"
    slow = tmp_path / "slow-pagefind"
    # The real Pagefind, started late and marking when it has ended.
    slow.write_text(
        f'#!/bin/sh\ntouch "{started}"\nsleep 3\n"{find_pagefind()}" "$@"\nrc=$?\n'
        f'touch "{ended}"\nexit $rc\n'
    )
    slow.chmod(0o755)
    os.environ["PAGEFIND_BINARY_PATH"] = str(slow)
    try:
        killed = start_task(project, "build")
    finally:
        del os.environ["PAGEFIND_BINARY_PATH"]
    deadline = time.monotonic() + 120
    while not started.exists() and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists(), killed.communicate()[0]
    killed.kill()  # the build alone, as the out-of-memory killer does: Pagefind goes on
    killed.communicate()
    assert not ended.exists()

    after = start_task(project, "build")
    out, _ = after.communicate(timeout=120)
    assert after.returncode == 0, out
    waited = f"{output}: waiting for another build in {project} (process {killed.pid}, which"
    assert any(line.startswith(waited) for line in out.splitlines()), out
    assert ended.exists()  # it waited for the orphaned run, not merely for the killed build
    reference = project_folder(tmp_path / "reference")
    done = subprocess.run([*INVOKE, "build"], cwd=reference, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert same_tree(output, reference / "output") == []
