"""Run Pelican in-process with the project's settings, as the quickstart tasks.py does."""

from __future__ import annotations

import atexit
import ctypes
import gc
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import read_settings

from tools import buildlock, removal, skeleton


def load_settings(
    conf: Path,
    *,
    path: Path | None = None,
    output: Path | None = None,
    cache: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Read a settings file and apply folder and other overrides."""
    override: dict[str, Any] = dict(overrides or {})
    if path is not None:
        override["PATH"] = str(Path(path).resolve())
    if output is not None:
        override["OUTPUT_PATH"] = str(Path(output).resolve())
    if cache is not None:
        override["CACHE_PATH"] = str(Path(cache).resolve())
    return read_settings(str(conf), override=override)


def detach_unlisted_plugins(settings: Mapping[str, Any]) -> None:
    """Disconnect receivers of plugins (from PLUGIN_PATHS) that this build's PLUGINS leave out.

    Pelican's signals are process-wide and plugins connect at each build, so without
    this a plugin of an earlier in-process build (livereload, tests) would still run in
    a later build that does not list it. Other receivers (e.g. a test's) are left alone,
    and so are those of a library package there (one without register(), such as
    breakout_kernel, whose receivers count every build's errors).
    """
    import sys
    import weakref

    from blinker import NamedSignal
    from pelican.plugins import signals

    known = {
        entry.name
        for folder in settings.get("PLUGIN_PATHS") or []
        if os.path.isdir(folder)
        for entry in os.scandir(folder)
        if entry.is_dir()
    }
    enabled = {
        p if isinstance(p, str) else getattr(p, "__name__", "")
        for p in settings.get("PLUGINS") or []
    }
    unwanted = {
        name
        for name in known - {name.split(".")[0] for name in enabled}
        if hasattr(sys.modules.get(name), "register")
    }
    for name in dir(signals):
        sig = getattr(signals, name)
        if not isinstance(sig, NamedSignal):
            continue
        for ref in list(sig.receivers.values()):
            receiver = ref() if isinstance(ref, weakref.ref) else ref
            module = getattr(receiver, "__module__", "") or ""
            if receiver is not None and module.split(".")[0] in unwanted:
                sig.disconnect(receiver)


# A file inside the folders a build makes beside its output: only folders holding it are removed.
STAGING_MARK = ".breakout-staging"
# The setting that tells the plugins where the live output is while the build writes elsewhere:
# unchanged pages and feeds are hard-linked from there instead of being rendered again.
LIVE_OUTPUT = "LIVE_OUTPUT_PATH"


class OutputInTheWay(Exception):
    """A folder the build needs beside its output holds something the build did not make."""


def staging_folders(final: Path) -> tuple[Path, Path]:
    """The fresh folder a build of `final` writes into, and where the replaced output goes."""
    return final.with_name(f".{final.name}.breakout-new"), final.with_name(
        f".{final.name}.breakout-old"
    )


def spare_folder(final: Path) -> Path:
    """Where the last replaced output's folders wait, emptied of files, for the next build."""
    return final.with_name(f".{final.name}.breakout-spare")


def take_spare(final: Path, new: Path) -> bool:
    """Make the spare tree of folders the build's fresh folder, if one is ready; True if so."""
    spare = spare_folder(final)
    if not (spare / STAGING_MARK).is_file() or removal.being_removed(spare, STAGING_MARK):
        return False
    try:
        os.rename(spare, new)
    except OSError:
        return False
    return True


def remove_staging(folder: Path) -> None:
    """Remove a folder an earlier (crashed) build left beside the output; refuse anyone else's."""
    if not os.path.lexists(folder):
        return
    if not (folder / STAGING_MARK).is_file():
        raise OutputInTheWay(
            f"{folder} is in the way of the build and was not made by it: move it elsewhere"
        )
    shutil.rmtree(folder)


def clear_staging(final: Path) -> None:
    """Remove what earlier builds left beside final; replaced outputs go to removers (removal.py)."""
    new, old = staging_folders(final)
    for folder in (new, old):
        remove_staging(folder)
    removal.remove_leftovers(old, STAGING_MARK)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap_in(new: Path, final: Path, old: Path, keep: list[str], spare: Path | None) -> None:
    """Make `new` the output at `final`; the replaced output is removed by a detached child.

    spare: where the child leaves the replaced output's folders for the next build (None:
    it removes them too).
    """
    (new / STAGING_MARK).unlink(missing_ok=True)
    if not os.path.lexists(final):
        os.rename(new, final)
        return
    for name in keep:  # OUTPUT_RETENTION: files the build does not make but must survive it
        if os.path.lexists(final / name) and not os.path.lexists(new / name):
            os.rename(final / name, new / name)
    if _exchange(new, final):
        os.rename(new, old)  # `new` now names the replaced output
    else:
        os.rename(final, old)
        os.rename(new, final)
    (old / STAGING_MARK).touch()  # a remover that dies leaves a folder the next build removes
    # The build returns while a child empties it; its folders become the next build's.
    removal.remove_later(old, STAGING_MARK, spare)


@dataclass
class Staging:
    """A build's fresh folder beside its output: swapped in when the build succeeds, else removed."""

    final: Path
    new: Path
    old: Path
    ahead: skeleton.Skeleton | None
    spare: bool

    def abandon(self) -> None:
        """The build failed: stop what writes into the fresh folder and remove it."""
        # A build that raised before finalized may still have its output lane writing here.
        kernel = sys.modules.get("breakout_kernel.build")
        if kernel is not None:
            kernel.abort_build()
        if self.ahead is not None:
            self.ahead.abandon()
        shutil.rmtree(self.new, ignore_errors=True)

    def swap_in(self, retained: list[str]) -> None:
        """The build succeeded: make the fresh folder the output (OUTPUT_RETENTION names kept)."""
        if self.ahead is not None:
            self.ahead.finish()  # before the swap: the folders the build left empty go
        spare = spare_folder(self.final) if self.spare else None
        _swap_in(self.new, self.final, self.old, retained, spare)


def stage(final: Path, spare: bool = True) -> Staging:
    """Make the fresh folder a build of `final` writes into (from the spare on a warm rebuild)."""
    if os.path.lexists(final) and (final.is_symlink() or not final.is_dir()):
        raise OutputInTheWay(f"{final} is not a folder: the build will not replace it")
    clear_staging(final)
    new, old = staging_folders(final)
    # A spare's folders are only removed where left empty by a skeleton: warm rebuilds only.
    taken = spare and final.is_dir() and take_spare(final, new)
    if not taken:
        new.mkdir(parents=True)
        (new / STAGING_MARK).touch()
    ahead = skeleton.start(final, new, taken)  # a warm rebuild: the live output's folders
    return Staging(final, new, old, ahead, spare)


def point_at(settings: dict[str, Any], new: Path, final: Path) -> None:
    """Have the build write into new, carrying unchanged files over from the live output at final."""
    settings["OUTPUT_PATH"] = str(new)
    settings[LIVE_OUTPUT] = str(final)
    # The folder is empty already; Pelican's emptying would only remove the mark.
    settings["DELETE_OUTPUT_DIRECTORY"] = False


@contextmanager
def fresh_output(settings: dict[str, Any], spare: bool = True) -> Iterator[None]:
    """Point the build at a fresh folder beside OUTPUT_PATH; swap it in only if the build succeeds.

    A failed build leaves the previous output exactly as it was; a successful one leaves
    exactly the files it wrote (pages the memo skipped are hard links to the old ones).
    Nothing outside the output folder and the folders beside it named after it
    (`.<name>.breakout-new`, `.<name>.breakout-old` and the replaced trees renamed from
    that one while a detached child removes them: tools/removal.py; `.<name>.breakout-spare`,
    the last replaced tree's folders, emptied of files, which a rebuild starts from;
    `.<name>.breakout-kept`, tools/kept.py) is touched. spare=False (a one-off build, such
    as a golden tree's): no spare is taken or left.
    """
    final = Path(settings["OUTPUT_PATH"])
    staging = stage(final, spare)
    point_at(settings, staging.new, final)
    try:
        yield
    except BaseException:
        staging.abandon()
        raise
    finally:
        settings["OUTPUT_PATH"] = str(final)
        settings.pop(LIVE_OUTPUT, None)
    staging.swap_in(list(settings.get("OUTPUT_RETENTION") or []))


_exit_registered = False


def leave_last_build_at_exit() -> None:
    """At interpreter exit, keep the garbage collector off the objects still alive (once).

    A build leaves its state alive after it returns (`breakout_kernel.build.current()`,
    the caches' tables): millions of objects at 2,000 write-ups. Python's shutdown runs full
    collections that walk every one of them: about 0.9 s of every `invoke build`, cold or
    warm, spent after the site was written. gc.freeze() at exit moves them out of the
    collector's sight; the process ends right after, so nothing is lost. It acts only at
    exit: a long-running process (livereload) still collects as usual between builds.
    """
    global _exit_registered
    if not _exit_registered:
        atexit.register(gc.freeze)
        _exit_registered = True


def run_pelican(
    conf: Path,
    *,
    path: Path | None = None,
    output: Path | None = None,
    cache: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    spare: bool = True,
) -> dict[str, Any]:
    """Build once into a fresh folder swapped in at the end; raises if the build fails.

    Another build of the same output is waited for, and held off (tools/buildlock.py).
    spare: keep the replaced output's folders for the next build (fresh_output).
    """
    settings = load_settings(conf, path=path, output=output, cache=cache, overrides=overrides)
    detach_unlisted_plugins(settings)
    leave_last_build_at_exit()
    with buildlock.held(Path(settings["OUTPUT_PATH"])), fresh_output(settings, spare):
        Pelican(settings).run()
    return settings
