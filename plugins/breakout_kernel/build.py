"""One build's lifecycle and state: errors counted from `initialized`, failing once at `finalized`.

Pelican's signals are process-wide, so plugin state kept in module globals leaks from one
in-process build into the next (livereload, the test suite). Each build gets one `Build`
instead; a plugin keeps its own typed part of it (`Build.part(SeoState)`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pelican import signals

from . import collector, errors
from .folders import OutputFolders
from .settings import Option, validated

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


def on_initialized(pelican: Any) -> None:
    """Start the build before any plugin's own initialized receiver can log a problem."""
    start(pelican.settings)


def on_finalized(pelican: Any) -> None:
    """Fail the build once, after every problem was logged."""
    collector.restore()  # first: failing raises
    build = current(pelican.settings)
    fail = build.fail_on_errors if build is not None else True
    if errors.error_count() and fail:
        errors.finish()
    errors.stop()


def attach() -> None:
    """Connect the build's lifecycle; every plugin's register() calls this first (idempotent)."""
    # initialized: a plugin's receivers come after these, so its problems are counted.
    signals.initialized.connect(on_initialized)
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
