"""Log every content problem as `path:line: message`, then fail the build once."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable

from .utf8 import BadByte, decode_utf8

log = logging.getLogger("breakout")


class ContentError(Exception):
    """A problem already reported with report(); raised to stop processing one file."""


class BuildFailed(Exception):
    """Raised at the end of a build in which errors were logged."""

    exitcode = 1


def location(path: str | os.PathLike[str], line: int | None = None, base: str | None = None) -> str:
    """Return `path[:line]`, with path relative to base (the content folder's parent)."""
    text = os.fspath(path)
    if base:
        rel = os.path.relpath(text, base)
        if not rel.startswith(".."):
            text = rel
    text = text.replace(os.sep, "/")
    return f"{text}:{line}" if line else text


_base: str | None = None
_content: str | None = None  # the content folder: Pelican names files relative to it
_reported: set[str] = set()
_followers: set[str] = set()


def set_base(base: str | None, content: str | None = None) -> None:
    """Set the folder that reported paths are shown relative to (and the content folder)."""
    global _base, _content
    _base = base
    _content = content if content is not None else _content


def report(path: str | os.PathLike[str], line: int | None, message: str) -> None:
    """Log one error about a content file; the build fails at its end."""
    _reported.add(os.path.abspath(os.fspath(path)))
    log.error("%s: %s", location(path, line, _base), message)


def follows(path: str | os.PathLike[str]) -> None:
    """Fail a content file silently: its problem only follows from an error reported elsewhere."""
    _followers.add(os.path.abspath(os.fspath(path)))
    _reported.add(os.path.abspath(os.fspath(path)))


def was_reported(path: str | os.PathLike[str]) -> bool:
    """True if this build reported an error about the file (or failed it with follows())."""
    return os.path.abspath(os.fspath(path)) in _reported


def followed(path: str | os.PathLike[str]) -> bool:
    """True if a content file failed only because of an error reported elsewhere (follows())."""
    return os.path.abspath(os.fspath(path)) in _followers


def marks() -> tuple[set[str], set[str]]:
    """Copies of the files this build reported and of those it failed silently (follows())."""
    return set(_reported), set(_followers)


def add_marks(reported: Iterable[str], followers: Iterable[str]) -> None:
    """Mark files as a worker process marked them (breakout_kernel.journal.replay)."""
    _reported.update(reported)
    _followers.update(followers)
    _reported.update(followers)


def warn(path: str | os.PathLike[str], line: int | None, message: str) -> None:
    """Log one warning about a content file; it does not fail the build."""
    log.warning("%s: %s", location(path, line, _base), message)


class PlainHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Console lines for people and editors: `file:line: message`, never wrapped or decorated.

    Pelican's default handler (rich) wraps at the terminal width and adds the time and
    the logging call's `errors.py:45`. Breakout's errors print as they are logged,
    warnings as `file:line: warning: …`, other loggers' as `LEVEL: message`.
    """

    def format(self, record: logging.LogRecord) -> str:
        """One plain line (plus a traceback, if the record carries one)."""
        message = record.getMessage()
        if record.name.startswith("breakout") and record.levelno == logging.WARNING:
            where, sep, rest = message.partition(": ")
            line = f"{where}: warning: {rest}" if sep else f"warning: {message}"
        elif record.name.startswith("breakout") or record.levelno < logging.WARNING:
            line = message
        else:
            line = f"{record.levelname}: {message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        elif record.exc_text:  # a traceback a worker process or the output lane logged
            line += "\n" + record.exc_text
        return line


class ErrorCounter(logging.Handler):
    """Counts ERROR records from every logger while a build runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _why(path: str, exc: BaseException) -> tuple[int | None, str]:
    """(line, reason) for an exception Pelican caught while reading path."""
    if isinstance(exc, UnicodeDecodeError):
        try:
            with open(path, "rb") as f:
                bad = decode_utf8(f.read())
        except OSError:
            bad = None
        if isinstance(bad, BadByte):
            return bad.line, bad.message()
    line = getattr(exc, "lineno", None)
    return line if isinstance(line, int) else None, (
        f"could not be read: {type(exc).__name__}: {exc} (Pelican gives the traceback with --debug)"
    )


class _AlreadyReported(logging.Filter):
    """Pelican's 'Could not process <file>' has no reason (its traceback only with --debug):
    drop it for a file we reported ourselves, else say `path:line: reason` instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != "Could not process %s" or not record.args:
            return True
        arg = os.sep + os.path.normpath(str(record.args[0]))
        if any(p.endswith(arg) for p in _reported):
            return False
        exc = sys.exc_info()[1]  # filters run inside Pelican's `except` block
        if exc is not None:
            path = os.path.join(_content or "", str(record.args[0]))
            line, why = _why(path, exc)
            record.msg, record.args = "%s: %s", (location(path, line, _base), why)
        return True


_counter: ErrorCounter | None = None
_filter = _AlreadyReported()


def _reset_pelican_dedup() -> None:
    """Forget Pelican's process-wide record of warnings already shown.

    Pelican's LimitFilter drops a warning it has logged before in the same process,
    so a second in-process build (livereload, tests) would hide its warnings.
    """
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    LimitFilter._ignore.clear()


def start() -> None:
    """Begin counting errors for a new build."""
    global _counter
    stop()
    _reset_pelican_dedup()
    _counter = ErrorCounter()
    _reported.clear()
    _followers.clear()
    logging.getLogger().addHandler(_counter)
    logging.getLogger("pelican.generators").addFilter(_filter)


def stop() -> list[str]:
    """Stop counting; return the error messages seen."""
    global _counter
    messages: list[str] = []
    if _counter is not None:
        logging.getLogger().removeHandler(_counter)
        messages = _counter.messages
        _counter = None
    logging.getLogger("pelican.generators").removeFilter(_filter)
    return messages


def error_count() -> int:
    """How many errors the current build has logged so far."""
    return len(_counter.messages) if _counter else 0


def finish() -> None:
    """End the build: raise BuildFailed if any error was logged."""
    messages = stop()
    if messages:
        n = len(messages)
        raise BuildFailed(
            f"{n} problem{'s' if n != 1 else ''} found (listed above); fix them and build again"
        )
