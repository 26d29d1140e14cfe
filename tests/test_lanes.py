"""breakout_kernel.lanes: jobs in a forked child, values and log records back, failures named.

Real forks: each test starts a child process and joins it; nothing is mocked.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

import pytest
from breakout_kernel import errors, lanes
from breakout_kernel.lanes import Job, LaneFailed

log = logging.getLogger("breakout.test_lanes")


def _keep(_: object) -> None:
    """A job's done(): the tests read join()'s values instead."""


def _lane(*runs: object) -> lanes.Lane:
    return lanes.fork("test", [Job(f"job{i}", run, _keep) for i, run in enumerate(runs)])  # type: ignore[arg-type]


def test_values_come_back_in_job_order_from_another_process(tmp_path: Path) -> None:
    def first() -> tuple[int, int]:
        (tmp_path / "first.txt").write_text("written by the lane")
        return 1, os.getpid()

    def second() -> dict[str, list[int]]:
        return {"second": [2, 3]}

    values = lanes.join(_lane(first, second))
    assert values[0][0] == 1
    assert values[0][1] != os.getpid()  # it ran in the child
    assert values[1] == {"second": [2, 3]}
    assert (tmp_path / "first.txt").read_text() == "written by the lane"


def test_records_are_replayed_in_order_with_the_child_pid(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="breakout.test_lanes")

    def job() -> None:
        log.debug("debug %d", 1)
        log.warning("a.md:3: warning %s", "two")
        log.error("b.md:%d: error three", 7)

    lanes.join(_lane(job))
    mine = [r for r in caplog.records if r.name == "breakout.test_lanes"]
    assert [r.getMessage() for r in mine] == [
        "debug 1",
        "a.md:3: warning two",
        "b.md:7: error three",
    ]
    assert [r.levelno for r in mine] == [logging.DEBUG, logging.WARNING, logging.ERROR]
    assert {r.process for r in mine} != {os.getpid()}


def test_replayed_errors_are_counted_by_the_build() -> None:
    errors.start()
    try:
        lanes.join(_lane(lambda: log.error("c.md:1: counted")))
        assert errors.error_count() == 1
    finally:
        errors.stop()


def test_an_exception_fails_the_join_with_its_message_and_keeps_earlier_records(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def job() -> None:
        log.warning("before the failure")
        raise IsADirectoryError(21, "Is a directory", "out/feeds/all.atom.xml")

    lane = _lane(job)
    with pytest.raises(LaneFailed) as failed:
        lanes.join(lane)
    message = str(failed.value)
    first = message.splitlines()[0]
    assert first == (
        f"the test lane (job0) failed in process {lane.pid}: "
        "IsADirectoryError: [Errno 21] Is a directory: 'out/feeds/all.atom.xml'"
    )
    assert "Traceback (most recent call last)" in message
    assert "before the failure" in caplog.text


def test_a_killed_child_fails_the_join_and_never_hangs() -> None:
    lane = _lane(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(LaneFailed, match=r"was killed by signal 9 \(SIGKILL\) in process \d+"):
        lanes.join(lane)


def test_a_child_that_exits_without_a_result_fails_the_join() -> None:
    with pytest.raises(LaneFailed, match=r"exited with code 3 in process \d+ before it sent"):
        lanes.join(_lane(lambda: os._exit(3)))


def test_a_value_that_cannot_be_pickled_fails_the_join() -> None:
    with pytest.raises(LaneFailed, match="its result could not be sent back"):
        lanes.join(_lane(lambda: lambda: None))


def test_a_logged_traceback_arrives_as_text(caplog: pytest.LogCaptureFixture) -> None:
    def job() -> None:
        try:
            raise ValueError("inside the lane")
        except ValueError:
            log.exception("x.md: could not render")

    lanes.join(_lane(job))
    (record,) = [r for r in caplog.records if r.name == "breakout.test_lanes"]
    assert record.exc_info is None
    assert record.exc_text is not None and "ValueError: inside the lane" in record.exc_text
    printed = errors.PlainHandler().format(record)
    assert printed.startswith("x.md: could not render\nTraceback")


def test_abort_kills_a_running_lane(tmp_path: Path) -> None:
    def job() -> None:
        time.sleep(60)
        (tmp_path / "late.txt").write_text("too late")

    lane = _lane(job)
    lanes.abort(lane)
    assert lane.reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(lane.pid, os.WNOHANG)
    assert not (tmp_path / "late.txt").exists()
    lanes.abort(lane)  # twice is harmless: the pid is never signalled again
