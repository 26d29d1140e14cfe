"""What a forked worker logs and marks while it works, replayed by the main process in order.

A worker process must not log for itself: its lines would interleave with the main
process's at random, and its errors would be counted by its own copy of the build
(`errors.ErrorCounter`, the files `errors.report`/`errors.follows` mark). Instead, in a
worker (after `install()`), `recording()` keeps every log record and error mark of one
unit of work in a `Journal`, which the main process `replay()`s when it takes that unit's
result: through the same loggers, filters (Pelican's de-duplication) and handlers, in the
order the main process takes the units, so a build logs and fails exactly as with one process.
"""

from __future__ import annotations

import logging
import pickle
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from . import errors


@dataclass
class Journal:
    """One unit of work's log records (not yet filtered or emitted) and error marks."""

    records: list[logging.LogRecord] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)  # errors.report()ed files
    followers: list[str] = field(default_factory=list)  # errors.follows()ed files
    # Python warnings (a library's DeprecationWarning): message, category, file, line.
    warnings: list[tuple[str, type[Warning], str, int]] = field(default_factory=list)


_kept: list[Journal] = []  # the journal being recorded in this (worker) process, if any
_handle = logging.Logger.handle  # the standard method, for records outside a recording


def _keep(logger: logging.Logger, record: logging.LogRecord) -> None:
    """Logger.handle in a worker: keep the record before any filter or handler sees it."""
    if not _kept:
        _handle(logger, record)
        return
    _kept[-1].records.append(portable(record))


_show = warnings.showwarning


def _keep_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """warnings.showwarning in a worker: keep the warning for the main process to show."""
    if not _kept:
        _show(message, category, filename, lineno, file, line)
        return
    _kept[-1].warnings.append((str(message), category, filename, lineno))


def install() -> None:
    """In a forked worker process (never the main one): record instead of emitting.

    Records are taken where a logger would filter and emit them (Logger.handle), so no
    filter's state (Pelican's LimitFilter) changes in the worker and the main process
    filters each record once, as if it had logged it itself. Python warnings are kept too.
    """
    logging.Logger.handle = _keep  # type: ignore[method-assign]
    warnings.showwarning = _keep_warning


@contextmanager
def recording() -> Iterator[Journal]:
    """Keep what the block logs and marks (after install()) in the journal it yields."""
    journal = Journal()
    reported, followers = errors.marks()
    _kept.append(journal)
    try:
        yield journal
    finally:
        _kept.pop()
        now_reported, now_followers = errors.marks()
        journal.reported = sorted(now_reported - reported)
        journal.followers = sorted(now_followers - followers)


def portable(record: logging.LogRecord) -> logging.LogRecord:
    """The record made picklable: a traceback as text, arguments that will not pickle formatted."""
    if record.exc_info:
        if not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
    try:
        pickle.dumps((record.msg, record.args))
    except Exception:  # any object may refuse pickling, in any way
        record.msg, record.args = record.getMessage(), None
    return record


def replay(journal: Journal) -> None:
    """Emit a worker's journal in this process, as if the work had been done here."""
    from pelican.log import FilteredMessage  # Pelican's logger raises it for a filtered record

    errors.add_marks(journal.reported, journal.followers)
    for message, category, filename, lineno in journal.warnings:
        warnings.showwarning(message, category, filename, lineno)  # type: ignore[arg-type]
    for record in journal.records:
        with suppress(FilteredMessage):
            logging.getLogger(record.name).handle(record)
