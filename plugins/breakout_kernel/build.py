"""One build's lifecycle and state: errors counted from `initialized`, failing once at `finalized`.

Pelican's signals are process-wide, so plugin state kept in module globals leaks from one
in-process build into the next (livereload, the test suite). Each build gets one `Build`
instead; a plugin keeps its own typed part of it (`Build.part(SeoState)`).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pelican import signals

from . import collector, errors, lanes
from .folders import OutputFolders
from .lanes import Job, Lane
from .settings import Option, validated
from .workers import worker_count

T = TypeVar("T")


@dataclass
class Build:
    """What one build (one `initialized` … `finalized`) keeps besides Pelican's own objects."""

    settings: dict[str, Any]
    fail_on_errors: bool = True  # BREAKOUT_CONTENT['FAIL_ON_ERRORS'], set by breakout_content
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    parts: dict[type, Any] = field(default_factory=dict)

    def part(self, kind: type[T]) -> T:
        """This build's state of one plugin, made empty (kind()) on first use."""
        found = self.parts.get(kind)
        if found is None:
            found = self.parts[kind] = kind()
        return found

    def listed(self, plugin: str) -> bool:
        """True when this build's PLUGINS names the plugin (receivers outlive their build)."""
        return any(str(p).rsplit(".", 1)[-1] == plugin for p in self.settings.get("PLUGINS") or [])


@dataclass
class WorkerCount:
    """The number of processes this build uses (workers.worker_count), asked once."""

    value: int = 0


@dataclass
class OutputLane:
    """The output jobs generators offered this build, and the lane running them (if forked)."""

    offered: list[Job] = field(default_factory=list)
    lane: Lane | None = None


@dataclass
class Aborts:
    """Work a plugin left running beside the build, and how to stop it if the build fails."""

    stops: list[Callable[[], None]] = field(default_factory=list)


# Sent at finalized, before the lane is joined, when no problem was logged so far: every page
# the main process writes is on disk, while the lane may still be writing feeds. Receivers
# may start work that reads those pages; anything they leave running registers a stop with
# on_abort, which runs if the build fails after all.
pages_written = signals.signal("breakout_pages_written")
# Sent with a write-up (sender) whose text a kept build (tools/kept.py) has just read again:
# its `_content` is new, and of its metadata at most its mentions' sentences (with the
# reader's digests of them); the rest is as read before. A plugin that rewrote write-ups'
# text or metadata while the site was read (before get_writer) does the same to this one here.
article_patched = signals.signal("breakout_article_patched")


_current: list[Build] = []  # the build under way (the last one started), if any


def current(settings: Mapping[str, Any] | None = None) -> Build | None:
    """The build under way; with settings, only if it is that build (else None)."""
    if not _current:
        return None
    build = _current[0]
    if settings is not None and build.settings is not settings:
        return None
    return build


def start(settings: dict[str, Any]) -> Build:
    """Begin a build: count errors from now on, relax the collector, forget the last build."""
    abort_build()  # a build that raised before finalized may have left its lane running
    collector.relax()
    errors.start()
    content = os.path.abspath(settings["PATH"])
    errors.set_base(os.path.dirname(content), content)
    build = Build(settings)
    _current[:] = [build]
    return build


def options(settings: dict[str, Any], name: str, schema: Mapping[str, Option]) -> dict[str, Any]:
    """The validated settings dict `name` of this build, checked (and its problems logged) once."""
    build = current(settings)
    if build is None:
        return validated(settings, name, schema)
    if name not in build.options:
        build.options[name] = validated(settings, name, schema)
    return build.options[name]


def workers_for(settings: Mapping[str, Any]) -> int:
    """worker_count(settings) for the build under way, asked (a bad value reported) once; else 1."""
    this = current(settings)
    if this is None:
        return 1
    count = this.part(WorkerCount)
    if not count.value:
        count.value = worker_count(settings)
    return count.value


def offer(
    settings: Mapping[str, Any],
    name: str,
    run: Callable[[], T],
    done: Callable[[T], None],
    prepare: Callable[[], None] | None = None,
) -> None:
    """Offer an output job to the lane: run() beside the main process, done(value) at join.

    Call it before the output phase (generate_context). The job must read the shared
    context only, write only its own files and return everything the main process needs
    later; its generator's generate_output does nothing when `in_lane` says so.
    prepare(), if given, runs in the main process just before the fork (work both
    processes need, done once and shared copy-on-write).
    """
    this = current(settings)
    if this is not None:
        this.part(OutputLane).offered.append(Job(name, run, done, prepare))


def in_lane(settings: Mapping[str, Any], name: str) -> bool:
    """True when the lane of this build runs the job `name` (its generator then skips it)."""
    this = current(settings)
    lane = this.part(OutputLane).lane if this is not None else None
    return lane is not None and any(job.name == name for job in lane.jobs)


def start_lane(settings: Mapping[str, Any]) -> None:
    """Fork the lane for the offered jobs when the build may use more than one process.

    A warm rebuild forks it too: at 500 and at 2,000 write-ups it took 0.1 to 1.2 s off
    the rebuild's wall time for the same CPU, and kept feedgen and lxml (7 MiB) out of
    the main process, which checks only the pages meanwhile.
    """
    this = current(settings)
    if this is None:
        return
    state = this.part(OutputLane)
    if state.offered and state.lane is None and workers_for(settings) >= 2:
        state.lane = lanes.fork("output", state.offered)


def join_lane(settings: Mapping[str, Any]) -> None:
    """Wait for this build's lane, if any: replay its log, hand each job its value.

    Call it before anything reads the lane's files or state, and before errors are
    counted: a failed lane is logged as an error, so the build fails once at its end.
    """
    this = current(settings)
    lane = this.part(OutputLane).lane if this is not None else None
    if this is None or lane is None:
        return
    this.part(OutputLane).lane = None
    started = time.monotonic()
    try:
        values = lanes.join(lane)
    except lanes.LaneFailed as exc:
        logging.getLogger("breakout").error("%s", exc)
        return
    except BaseException:  # interrupted while waiting: leave no child behind
        lanes.abort(lane)
        raise
    logging.getLogger("breakout.lanes").debug(
        "lane %s: %.2f s CPU, %d page faults in process %d; the main process waited %.2f s for it",
        lane.name,
        lane.cpu,
        lane.faults,
        lane.pid,
        time.monotonic() - started,
    )
    for job, value in zip(lane.jobs, values, strict=True):
        job.done(value)


def on_abort(settings: Mapping[str, Any], stop: Callable[[], None]) -> None:
    """Have stop() run if this build fails (abort_build), before its output is removed."""
    this = current(settings)
    if this is not None:
        this.part(Aborts).stops.append(stop)


def abort_build() -> None:
    """The build under way failed: kill its lane if it still runs, and run the stops (on_abort)."""
    this = current()
    if this is None:
        return
    lane = this.part(OutputLane).lane
    if lane is not None:
        this.part(OutputLane).lane = None
        lanes.abort(lane)
    stops, this.part(Aborts).stops = this.part(Aborts).stops, []
    for stop in stops:
        stop()


def on_get_writer(pelican: Any) -> None:
    """The output phase begins: every context exists, so the lane may fork now."""
    start_lane(pelican.settings)


def on_initialized(pelican: Any) -> None:
    """Start the build before any plugin's own initialized receiver can log a problem."""
    start(pelican.settings)


def on_finalized(pelican: Any) -> None:
    """Fail the build once, after every problem was logged (the lane's too)."""
    if not errors.error_count():
        pages_written.send(pelican)  # before the join: work on pages goes on beside the lane
    # First: the lane's problems count, and later receivers may read its files.
    join_lane(pelican.settings)
    collector.restore()  # before failing: failing raises
    build = current(pelican.settings)
    fail = build.fail_on_errors if build is not None else True
    if errors.error_count() and fail:
        abort_build()  # the lane is joined: this runs the stops of what pages_written started
        errors.finish()
    errors.stop()


def attach() -> None:
    """Connect the build's lifecycle; every plugin's register() calls this first (idempotent)."""
    # initialized: a plugin's receivers come after these, so its problems are counted.
    signals.initialized.connect(on_initialized)
    # get_writer: sent once, after every context and intersite link is final, just before
    # the generators write: the only moment the output lane can fork with all it needs.
    signals.get_writer.connect(on_get_writer)
    # finalized: every generator has run, so all problems have been logged.
    signals.finalized.connect(on_finalized)
    # all_generators_finalized: sent on every run (autoreload too) before anything is written.
    signals.all_generators_finalized.connect(on_all_generators_finalized)


def output_folders(settings: Mapping[str, Any] | None = None) -> OutputFolders:
    """This run's OutputFolders; outside a build, a new one (it then knows nothing)."""
    this = current(settings)
    return this.part(OutputFolders) if this is not None else OutputFolders()


def on_all_generators_finalized(generators: list[Any]) -> None:
    """Forget the last run's folders: Pelican's autoreload runs one build (one initialized) again."""
    this = current(generators[0].settings) if generators else None
    if this is not None:
        this.parts.pop(OutputFolders, None)
