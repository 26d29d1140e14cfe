"""breakout_content.readahead with tiny fake readers, in real forked worker processes.

What the site builds cannot show: a worker's log records and error marks come back in
file order, a file a worker cannot read for an unexpected reason (or a worker that dies)
is left to the main process, and a Tag's settings come back as the main process's own.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
import warnings
from collections.abc import Callable, Iterator

import pytest
from breakout_kernel import errors, readahead
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Tag

Result = tuple[str, dict[str, object]]
PATHS = [f"/site/content/writeups/p-{n:02d}.md" for n in range(40)]


@pytest.fixture(autouse=True)
def counting() -> Iterator[None]:
    """A fresh error count around each test, as a build has."""
    errors.start()
    yield
    errors.stop()


def pool_of(read: Callable[[str], Result], workers: int = 2) -> readahead.ReadAhead[Result]:
    """A started pool over PATHS that has let its workers claim their first batches."""
    pool = readahead.ReadAhead(PATHS, read, {"KEY": "value"}, workers)
    pool.start()
    deadline = time.monotonic() + 60
    while pool.bounds[1] == len(PATHS) and time.monotonic() < deadline:
        time.sleep(0.001)
    assert pool.bounds[1] < len(PATHS), "no worker claimed a batch"
    return pool


def take_all(
    pool: readahead.ReadAhead, here: Callable[[str], Result] | None = None
) -> list[object]:
    """Each path's result in order, as the reader gets it: the worker's, else here(path) if given
    (else None); a ContentError raised is the outcome."""
    got: list[object] = []
    for path in PATHS:
        try:
            outcome = pool.take(path)
            if outcome is None and here is not None:
                outcome = here(path)
            got.append(outcome)
        except errors.ContentError as exc:
            got.append(exc)
    pool.close()
    return got


def reads_with_messages(path: str) -> Result:
    """Warn about every file, report the bad ones (every fifth) and fail them."""
    n = int(path[-5:-3])
    errors.warn(path, n, f"note {n}")
    if n % 5 == 0:
        errors.report(path, 1, f"bad {n}")
        raise errors.ContentError(path)
    return f"<p>{n}</p>", {"n": n, "pid": os.getpid()}


def test_messages_and_failures_come_back_in_file_order(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    parent = os.getpid()
    pool = pool_of(reads_with_messages)
    got = take_all(pool, reads_with_messages)
    assert pool.taken > 0
    by_worker = [o for o in got if isinstance(o, tuple) and o[1]["pid"] != parent]
    assert by_worker, "no result came from a worker process"
    # Every file's messages, in file order, whoever read it; one error per bad file, counted.
    expected = []
    for n in range(40):
        at = f":{n}" if n else ""  # no line 0
        expected.append(("WARNING", f"/site/content/writeups/p-{n:02d}.md{at}: note {n}"))
        if n % 5 == 0:
            expected.append(("ERROR", f"/site/content/writeups/p-{n:02d}.md:1: bad {n}"))
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == expected
    assert errors.error_count() == 8
    for n, outcome in enumerate(got):
        assert isinstance(outcome, errors.ContentError) == (n % 5 == 0)
        assert errors.was_reported(PATHS[n]) == (n % 5 == 0)


def test_an_unexpected_failure_is_left_to_the_main_process() -> None:
    def read(path: str) -> Result:
        if os.getpid() != parent:
            logging.getLogger("breakout").error("half-way")  # dropped with the result
            raise RuntimeError("only the main process says why")
        return "here", {}

    parent = os.getpid()
    got = take_all(pool_of(read))
    assert set(got) == {None}  # every file: read it here
    assert errors.error_count() == 0


def test_a_worker_that_dies_leaves_its_files_to_the_main_process() -> None:
    def read(path: str) -> Result:
        if os.getpid() != parent and path == PATHS[-1]:
            os._exit(3)
        return path, {"pid": os.getpid()}

    parent = os.getpid()
    pool = pool_of(read)
    got = take_all(pool)
    assert got[-1] is None and pool.pids == []
    # The files before the lost batch still came from the worker or are read here.
    assert all(o is None or o[0] == p for o, p in zip(got, PATHS, strict=True))


def test_url_wrappers_come_back_with_this_process_settings() -> None:
    settings = dict(DEFAULT_CONFIG, MARKER="only-in-these-settings")
    tag = Tag("Open data", settings)
    data = readahead.dumps_without_settings({"tags": [tag, tag]}, settings)
    assert b"only-in-these-settings" not in data
    import io

    back = readahead.SettingsUnpickler(io.BytesIO(data), settings).load()["tags"]
    assert back[0] is back[1] and back[0].settings is settings
    assert (back[0].name, back[0].slug) == ("Open data", "open-data")
    # Wrappers holding other settings are pickled as usual.
    other = pickle.loads(readahead.dumps_without_settings(Tag("x", {"A": 1}), settings))
    assert other.settings == {"A": 1}


def test_python_warnings_in_a_worker_are_shown_by_the_main_process() -> None:
    def read(path: str) -> Result:
        if os.getpid() != parent:
            warnings.warn(f"old API in {path[-8:]}", DeprecationWarning, stacklevel=1)
        return path, {}

    parent = os.getpid()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        got = take_all(pool_of(read))
    by_worker = [p[-8:] for p, o in zip(PATHS, got, strict=True) if o is not None]
    assert by_worker
    assert [str(w.message) for w in seen] == [f"old API in {p}" for p in by_worker]
    assert {w.category for w in seen} == {DeprecationWarning}
