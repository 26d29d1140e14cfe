"""Read content files ahead in forked worker processes; hand each result over in file order.

Pelican reads a generator's files one by one, and breakout_comments its comment files.
`ReadAhead` forks worker processes once everything reading needs exists (the readers,
the site's data: copy-on-write, nothing is imported or parsed again), and the work meets
in the middle: the main process reads from the front of the file list as it asks for
each file, the workers claim small batches from the back and send back each file's
result, or its failure, with everything reading it logged or marked (a
`breakout_kernel.journal.Journal`). When the main process asks for a file a worker read,
`take()` replays its journal and returns its result: the build logs, counts errors and
fails exactly as when one process reads everything, in the same order.

Pickling keeps the main process's objects: a `Tag`, `Author` or `Category` holds the
build's settings, which are sent as a reference and restored to the main process's own
settings object (the identity service and the whole settings dict are never pickled).
`start()` and `finish()` are the build's side: one pool per file list, only with more than
one worker (`build.workers_for`) and at least MIN_FILES files.
"""

from __future__ import annotations

import fcntl
import gc
import io
import logging
import os
import pickle
import weakref
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import connection, get_context
from typing import IO, Any, Generic, TypeVar

from pelican.urlwrappers import Author, Category, Tag

from . import build, errors, journal

T = TypeVar("T")
MIN_FILES = 4  # fewer files are read in the main process (a fork costs about one file's read)
MAX_BATCH = 16  # files a worker claims at once, fewer as the unread middle narrows
# A pipe this big holds a batch of long write-ups, so a worker does not wait for the main
# process to drain it (the default 64 KiB holds about seven); 1 MiB is Linux's usual limit.
PIPE_BYTES = 1 << 20
READ, FAILED, AGAIN = "read", "failed", "again"
log = logging.getLogger("breakout")


@dataclass
class Outcome:
    """What a worker made of one file: its result, or that it failed (reported), or neither."""

    kind: str  # READ, FAILED (a ContentError, already reported) or AGAIN (read it here)
    result: Any = None
    journal: journal.Journal | None = None


_open: weakref.WeakSet[ReadAhead[Any]] = weakref.WeakSet()  # pools not yet closed, here


def close_all() -> None:
    """Close every pool of this process (one left by an earlier build that stopped half-way)."""
    for pool in list(_open):
        pool.close()


@dataclass
class ReadAheadState:
    """How this build read its files (kernel Build part)."""

    pools: list[ReadAhead[Any]] = field(default_factory=list)
    by_workers: int = 0  # files whose reading a worker process did


def start(
    settings: Mapping[str, Any],
    paths: Sequence[str],
    read: Callable[[str], T],
    prepare: Callable[[], None] | None = None,
) -> ReadAhead[T] | None:
    """A started pool reading paths (in the order the main process will ask), or None.

    None with one worker (nothing forks: the caller reads as it always did), with fewer
    than MIN_FILES files, or outside a build. prepare(), if given, runs just before the
    fork (what every worker then shares, such as the Markdown instance), only if it forks.
    """
    this = build.current(settings)
    workers = build.workers_for(settings)
    if this is None or workers < 2 or len(paths) < MIN_FILES:
        return None
    if prepare is not None:
        prepare()
    pool = ReadAhead(paths, read, settings, workers)
    pool.start()
    this.part(ReadAheadState).pools.append(pool)
    return pool


def finish(pool: ReadAhead[Any] | None) -> None:
    """Close a pool start() made and count what its workers read."""
    if pool is None or pool.closed:
        return
    pool.close()
    this = build.current(pool.settings)
    if this is not None:
        this.part(ReadAheadState).by_workers += pool.taken
    log.debug(
        "read ahead: %d of %d files read by %d worker process(es)",
        pool.taken,
        len(pool.paths),
        pool.forked,
    )


class ReadAhead(Generic[T]):
    """A list of files read by `workers` processes (this one included)."""

    def __init__(
        self,
        paths: Sequence[str],
        read: Callable[[str], T],
        settings: Mapping[str, Any],
        workers: int,
    ) -> None:
        """paths: in the order the main process will ask; read(path): how one file is read."""
        self.paths = list(paths)
        self.index = {path: i for i, path in enumerate(self.paths)}
        self.read = read
        self.settings = settings
        self.workers = max(1, min(workers, len(self.paths)))
        ctx = get_context("fork")
        self.lock = ctx.Lock()
        # [front, back): the files nobody has claimed yet; the main process moves front,
        # the workers move back.
        self.bounds = ctx.RawArray("q", [0, len(self.paths)])
        self.results: dict[int, Outcome] = {}
        self.conns: list[connection.Connection] = []
        self.pids: list[int] = []
        self.taken = 0  # files whose worker's result was handed over
        self.forked = 0  # worker processes started
        self.closed = False

    # ------------------------------------------------------------ the main process

    def start(self) -> None:
        """Fork the worker processes (none with one worker)."""
        _open.add(self)
        # The first file is this process's: Pelican asks for it as soon as the workers exist.
        self.bounds[0] = min(1, len(self.paths))
        for _ in range(self.workers - 1):
            reader, writer = os.pipe()
            with suppress(OSError, AttributeError):  # Linux: room for a whole batch or more
                fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
            try:
                pid = os.fork()
            except OSError:  # no more processes or memory: read with the workers there are
                os.close(reader)
                os.close(writer)
                break
            if pid == 0:  # the worker: never returns
                os.close(reader)
                for conn in self.conns:
                    conn.close()
                self._work(writer)
            os.close(writer)
            self.forked += 1
            self.pids.append(pid)
            self.conns.append(connection.Connection(reader, writable=False))

    def take(self, path: str) -> T | None:
        """The result of a file a worker read (its log replayed here), or None: read it here.

        Raises errors.ContentError for a file the worker failed (its errors are reported).
        """
        i = self.index.get(path)
        if i is None or self.closed:
            return None
        # Take what the workers sent so far: a worker whose pipe is full waits, unclaiming.
        while self.conns and connection.wait(self.conns, timeout=0):
            self._receive()
        if i not in self.results:
            with self.lock:
                if i < self.bounds[1]:  # no worker has it: this process reads it
                    self.bounds[0] = max(self.bounds[0], i + 1)
                    return None
            while i not in self.results and self.conns:
                self._receive()
        outcome = self.results.pop(i, None)
        if outcome is None or outcome.kind == AGAIN:
            return None  # its worker died, or met something only this process reports right
        self.taken += 1
        if outcome.journal is not None:
            journal.replay(outcome.journal)
        if outcome.kind == FAILED:
            raise errors.ContentError(path)
        result: T = outcome.result
        return result

    def _receive(self) -> None:
        """Wait for the next batch from any worker (or its end)."""
        for conn in connection.wait(self.conns):
            assert isinstance(conn, connection.Connection)
            try:
                data = conn.recv_bytes()
            except EOFError:
                conn.close()
                self.conns.remove(conn)
                continue
            self.results.update(SettingsUnpickler(io.BytesIO(data), self.settings).load())

    def close(self) -> None:
        """Stop the workers (any file not yet claimed stays unread) and wait for them."""
        if self.closed:
            return
        self.closed = True
        _open.discard(self)
        with self.lock:
            self.bounds[1] = self.bounds[0]
        for conn in self.conns:
            conn.close()  # a worker still sending gets EPIPE and ends
        self.conns = []
        for pid in self.pids:
            os.waitpid(pid, 0)
        self.pids = []
        self.results.clear()

    # ------------------------------------------------------------ a worker process

    def _work(self, fd: int) -> None:
        """Claim batches from the back until none is left, sending each one's outcomes."""
        code = 1
        try:
            # Objects inherited from the main process are not this process's garbage: a
            # collection would only copy their pages.
            gc.freeze()
            journal.install()
            out = connection.Connection(fd, readable=False)
            while batch := self._claim():
                out.send_bytes(self._dumps([(i, self._read(self.paths[i])) for i in batch]))
            out.close()
            code = 0
        finally:
            os._exit(code)  # never back into Pelican's loop: the main process goes on there

    def _claim(self) -> range:
        """The next batch of files from the back, smaller as the unclaimed middle narrows."""
        with self.lock:
            front, back = self.bounds[0], self.bounds[1]
            size = min(MAX_BATCH, (back - front) // (2 * self.workers))
            start = max(front, back - max(1, size))
            self.bounds[1] = start
            return range(start, back)

    def _read(self, path: str) -> Outcome:
        """One file read here, with everything it logs and marks."""
        with journal.recording() as kept:
            try:
                result = self.read(path)
            except errors.ContentError:
                return Outcome(FAILED, None, kept)
            except Exception:  # any other failure: the main process reads it and says why
                return Outcome(AGAIN)
        return Outcome(READ, result, kept)

    def _dumps(self, outcomes: list[tuple[int, Outcome]]) -> bytes:
        """The batch pickled; a file whose result will not pickle is read again by the main process."""
        try:
            return dumps_without_settings(outcomes, self.settings)
        except Exception:  # a value some reader put in the metadata
            safe = []
            for i, outcome in outcomes:
                try:
                    dumps_without_settings(outcome, self.settings)
                except Exception:
                    outcome = Outcome(AGAIN)
                safe.append((i, outcome))
            return dumps_without_settings(safe, self.settings)


# ------------------------------------------------------------ pickling the build's settings


def _reduce_wrapper(settings: Mapping[str, Any], obj: Any) -> Any:
    """A Tag, Author or Category without the settings it holds (restored by SettingsUnpickler)."""
    state = dict(vars(obj))
    if state.get("settings") is not settings:
        return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
    del state["settings"]
    return (_rewrap, (type(obj), state))


def _rewrap(cls: type, state: dict[str, Any], settings: Mapping[str, Any] | None = None) -> Any:
    """A URL wrapper from its state, holding `settings` (given by SettingsUnpickler)."""
    obj = cls.__new__(cls)
    obj.__dict__.update(state, settings=settings)
    return obj


def dumps_without_settings(value: Any, settings: Mapping[str, Any]) -> bytes:
    """Pickle value, its Tags, Authors and Categories without `settings` (SettingsUnpickler).

    Each wrapper holds the build's whole settings dict (about 200 KB pickled, most of it
    the MARKDOWN setting): in a worker's results, and in each chunk of the content cache
    (breakout_content/chunks.py), it would be pickled and loaded again as a copy.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {
        cls: partial(_reduce_wrapper, settings) for cls in (Author, Category, Tag)
    }
    pickler.dump(value)
    return buffer.getvalue()


class SettingsUnpickler(pickle.Unpickler):
    """Gives every URL wrapper the main process's own settings object."""

    def __init__(self, file: IO[bytes], settings: Mapping[str, Any]) -> None:
        super().__init__(file)
        self.settings = settings

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_rewrap":
            return partial(_rewrap, settings=self.settings)
        return super().find_class(module, name)
