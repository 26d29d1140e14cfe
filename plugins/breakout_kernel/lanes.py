"""A second process for output work: jobs run in a forked child beside the main process.

Once every context exists, output jobs that read it but feed nothing back into the
main process's pages (the feeds, the subscribe files) can run in a child made by
fork(): it sees the whole context copy-on-write, writes its files straight into the
output folder and sends back through a pipe, pickled, what the main process needs
afterwards: each job's return value and the `journal.Journal` of what it logged and
marked. The main process replays the journal when it joins the lane, in the order the
child logged, so errors are counted and shown as if it had logged them itself ("log all,
fail once"). A child that raises, crashes or is killed makes `join` raise
`LaneFailed` with the reason; a lane is joined or aborted, never left behind.

Pure: no Pelican import. `breakout_kernel.build` places the lane in a build.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import journal

log = logging.getLogger("breakout.lanes")

# Kept apart from any pickled payload: a child that dies mid-write leaves a short read.
_OK, _FAILED = "ok", "failed"


class LaneFailed(Exception):
    """The lane's child raised, crashed or was killed: its jobs' output is incomplete."""


@dataclass(frozen=True)
class Job:
    """One piece of output work: run() in the lane, done(value) in the main process after."""

    name: str
    run: Callable[[], Any]
    done: Callable[[Any], None]
    prepare: Callable[[], None] | None = None  # in the main process, just before the fork


@dataclass
class Lane:
    """A forked child running jobs in order; its pid and the read end of its pipe."""

    name: str
    pid: int
    fd: int
    jobs: list[Job] = field(default_factory=list)
    reaped: bool = False  # waited for: its pid may belong to another process now
    cpu: float = 0.0  # the child's user+sys seconds, once reaped
    faults: int = 0  # the child's minor page faults (copy-on-write copies among them)


def _die_with_parent() -> None:
    """In the child (Linux): be killed if the main process dies first, never orphaned."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: join() or abort() still reaps it
        pass


def _run_child(jobs: list[Job]) -> bytes:
    """Run the jobs; the pickled (status, values or the reason, journal) to send back."""
    journal.install()  # log records and error marks are kept for the main process
    # What exists was made by the main process: the child's collections need not walk it.
    gc.freeze()
    with journal.recording() as kept:
        try:
            values = [job.run() for job in jobs]
            outcome: tuple[str, Any] = (_OK, values)
        except BaseException as exc:  # everything, so the main process gets the reason
            why = "".join(traceback.format_exception_only(exc)).strip()
            trace = "".join(traceback.format_exception(exc)).rstrip("\n")
            outcome = (_FAILED, f"{why}\n{trace}")
    try:
        return pickle.dumps((*outcome, kept), pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        why = f"its result could not be sent back: {type(exc).__name__}: {exc}"
        try:
            return pickle.dumps((_FAILED, why, kept), pickle.HIGHEST_PROTOCOL)
        except Exception:  # the journal itself would not pickle: the reason still goes
            return pickle.dumps((_FAILED, why, journal.Journal()), pickle.HIGHEST_PROTOCOL)


def fork(name: str, jobs: list[Job]) -> Lane:
    """Start a child running the jobs in order; the main process goes on at once."""
    for job in jobs:
        if job.prepare is not None:
            job.prepare()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        code = 70
        try:
            os.close(read_fd)
            _die_with_parent()
            data = _run_child(jobs)
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view) :]
            code = 0
        finally:
            os._exit(code)  # no atexit, no flushing the parent's buffers a second time
    os.close(write_fd)
    lane = Lane(name, pid, read_fd, list(jobs))
    log.debug("lane %s: pid %d runs %s", name, pid, ", ".join(j.name for j in jobs))
    return lane


def _read_all(lane: Lane) -> bytes:
    """Everything until the child closes its end (it exits or dies)."""
    chunks = []
    while chunk := os.read(lane.fd, 1 << 20):
        chunks.append(chunk)
    _close(lane)
    return b"".join(chunks)


def _close(lane: Lane) -> None:
    """Close the lane's end of the pipe once (a closed number may be reused at once)."""
    if lane.fd >= 0:
        fd, lane.fd = lane.fd, -1
        with contextlib.suppress(OSError):
            os.close(fd)


def _wait(lane: Lane) -> str:
    """Reap the child; "" for a clean exit, else how it ended."""
    _, status, usage = os.wait4(lane.pid, 0)
    lane.reaped = True
    lane.cpu = usage.ru_utime + usage.ru_stime
    lane.faults = usage.ru_minflt
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            sig = signal.Signals(number).name
        except ValueError:
            sig = str(number)
        return f"was killed by signal {number} ({sig})"
    code = os.waitstatus_to_exitcode(status)
    return f"exited with code {code}" if code else ""


def join(lane: Lane) -> list[Any]:
    """Wait for the lane; replay its records; its jobs' values, or LaneFailed with the reason."""
    data = _read_all(lane)
    ended = _wait(lane)
    try:
        status, result, kept = pickle.loads(data)
    except Exception:
        status, result, kept = _FAILED, None, journal.Journal()
    journal.replay(kept)  # the child's log and error marks, in its order, as if logged here
    if status == _OK and not ended:
        return list(result)
    jobs = ", ".join(j.name for j in lane.jobs)
    if status == _FAILED and result:
        raise LaneFailed(f"the {lane.name} lane ({jobs}) failed in process {lane.pid}: {result}")
    raise LaneFailed(
        f"the {lane.name} lane ({jobs}) {ended or 'ended'} in process {lane.pid} "
        "before it sent its result"
    )


def abort(lane: Lane) -> None:
    """Kill the lane and reap it (the build failed before it was joined)."""
    _close(lane)
    if lane.reaped:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(lane.pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(lane.pid, 0)
    lane.reaped = True
