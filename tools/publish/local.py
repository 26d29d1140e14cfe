"""A local folder DEST published as atomic releases: DEST is a symlink to DEST.releases/<n>/.

A new release is filled beside the live one (unchanged files hard-linked from it), then the
symlink is swapped atomically, so readers see the old site or the new one, never a mix.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tools.publish.base import PublishError, PublishResult, run, tail
from tools.publish.changes import Changes
from tools.publish.rsync import RSYNC_BASE, rsync_changes
from tools.publish.safety import inside, locked, real_path

RELEASE_NAME = re.compile(r"^\d+$")
INCOMING_PREFIX = ".incoming-"


@dataclass(frozen=True)
class LocalState:
    """A local destination as found before the build: DEST, its releases and the live one."""

    dest: Path
    releases: Path
    current: Path | None  # the live release folder, None on a first publish
    link: str | None  # DEST's symlink text, None if DEST did not exist


def releases_dir(dest: Path) -> Path:
    """DEST.releases, beside DEST."""
    return dest.with_name(dest.name + ".releases")


def inspect_local(dest: Path) -> LocalState:
    """Check a local destination is ours to switch; say what it is now."""
    releases = releases_dir(dest)
    if releases.is_symlink() or (releases.exists() and not releases.is_dir()):
        raise PublishError(f"{releases} exists but is not a folder; Breakout keeps releases there")
    if dest.is_symlink():
        link = os.readlink(dest)
        target = Path(os.path.normpath(dest.parent / link))
        if real_path(target.parent) != real_path(releases) or not RELEASE_NAME.match(target.name):
            raise PublishError(
                f"{dest} is a symlink to {link}, not to a release in {releases}; "
                "refusing to replace it"
            )
        return LocalState(dest, releases, target if target.is_dir() else None, link)
    if dest.exists():
        kind = "folder" if dest.is_dir() else "file"
        raise PublishError(
            f"{dest} is a real {kind}, not a symlink to a release. Breakout publishes a new "
            f"release beside the live one and switches a symlink, so readers never see a "
            f"half-updated site. To adopt the existing site as the first release, run once:\n"
            f"  mkdir {releases} && mv {dest} {releases}/000001 && "
            f"ln -s {releases.name}/000001 {dest}\n"
            f"(the site is offline between the mv and the ln), then publish again."
        )
    if not dest.parent.is_dir():
        raise PublishError(f"the folder {dest.parent} that should hold {dest.name} does not exist")
    return LocalState(dest, releases, None, None)


def local_changes(staging: Path, state: LocalState) -> Changes:
    """Compare the staged site with the live release (everything is new on a first publish)."""
    if state.current is not None:
        return rsync_changes(staging, str(state.current))
    with tempfile.TemporaryDirectory() as empty:
        return rsync_changes(staging, empty)


def _releases(releases: Path) -> dict[int, Path]:
    """The complete releases in the releases folder, by number."""
    if not releases.is_dir():
        return {}
    return {
        int(p.name): p
        for p in releases.iterdir()
        if RELEASE_NAME.match(p.name) and p.is_dir() and not p.is_symlink()
    }


def _same_state(state: LocalState) -> bool:
    """True if DEST still is what inspect_local found (same link, or still absent)."""
    if state.link is None:
        return not os.path.lexists(state.dest)
    return state.dest.is_symlink() and os.readlink(state.dest) == state.link


def deploy_local(
    staging: Path,
    state: LocalState,
    *,
    keep: int = 2,
    before_switch: Callable[[Path], None] | None = None,
) -> Path:
    """Fill a new release from staging and switch DEST to it atomically; return the release."""
    dest, releases = state.dest, state.releases
    if not _same_state(state) or not dest.parent.is_dir():
        raise PublishError(
            f"the destination {dest} changed or disappeared while the site was being built; "
            "nothing was deployed"
        )
    if state.current is not None and not state.current.is_dir():
        raise PublishError(f"the live release {state.current} disappeared; nothing was deployed")
    try:
        with locked(releases, "the releases folder"):
            return _fill_and_switch(staging, state, keep=keep, before_switch=before_switch)
    except OSError as exc:
        # A folder vanishing under us (unmounted disk, deleted by hand) lands here.
        raise PublishError(
            f"the publish to {dest} stopped: {exc}; {dest} was not switched by this publish"
        ) from exc


def _fill_and_switch(
    staging: Path,
    state: LocalState,
    *,
    keep: int,
    before_switch: Callable[[Path], None] | None,
) -> Path:
    """The locked part of deploy_local: new release folder, checks, symlink swap, pruning."""
    dest, releases = state.dest, state.releases
    for stale in releases.glob(INCOMING_PREFIX + "*"):
        # Left by an interrupted publish; never live, so safe to drop.
        _remove_inside(stale, releases)
    number = max(_releases(releases), default=0) + 1
    if state.current is not None and RELEASE_NAME.match(state.current.name):
        number = max(number, int(state.current.name) + 1)
    incoming = releases / f"{INCOMING_PREFIX}{number:06d}"
    cmd = [*RSYNC_BASE, "--delete"]
    if state.current is not None:
        # Unchanged files become hard links to the live release: no copy, same inode.
        cmd.append(f"--link-dest={os.path.realpath(state.current)}")
    done = run([*cmd, f"{staging}/", f"{incoming}/"])
    if done.returncode != 0:
        _remove_inside(incoming, releases)
        raise PublishError(
            f"copying the site into {incoming} failed (exit {done.returncode}): "
            f"{tail(done.stderr)}; {dest} was not switched"
        )
    release = releases / f"{number:06d}"
    os.rename(incoming, release)
    if before_switch is not None:
        before_switch(release)
    if not release.is_dir() or not _same_state(state):
        _remove_inside(release, releases)
        raise PublishError(
            f"the destination {dest} changed or disappeared during the publish; it was not "
            "switched, and whatever it showed before is untouched"
        )
    switch_link(dest, f"{releases.name}/{release.name}")
    prune_releases(releases, keep=keep, live=release)
    return release


def switch_link(dest: Path, target: str) -> None:
    """Point the symlink DEST at target in one rename (readers never see DEST missing)."""
    tmp = dest.with_name(f".{dest.name}.switch-{os.getpid()}")
    if os.path.lexists(tmp):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, dest)


def _remove_inside(path: Path, folder: Path) -> None:
    """Delete path only if it really lies inside folder (a symlink is unlinked, never followed)."""
    if not os.path.lexists(path) or real_path(path) == real_path(folder):
        return
    if not inside(real_path(path), Path(os.path.realpath(folder))):
        return
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def prune_releases(releases: Path, *, keep: int, live: Path) -> list[Path]:
    """Delete all but the newest `keep` releases (never the live one); return those removed."""
    keep = max(keep, 2)  # the live release and at least one to roll back to
    found = _releases(releases)
    removed: list[Path] = []
    for number in sorted(found)[:-keep]:
        old = found[number]
        if os.path.realpath(old) == os.path.realpath(live):
            continue
        _remove_inside(old, releases)
        removed.append(old)
    return removed


@dataclass
class LocalTarget:
    """A local folder switched between release folders."""

    state: LocalState
    keep: int = 2
    before_switch: Callable[[Path], None] | None = None

    @property
    def shown(self) -> str:
        """The destination's absolute path."""
        return str(self.state.dest)

    def changes(self, site: Path) -> Changes:
        """The staged site against the live release."""
        return local_changes(site, self.state)

    def deploy(self, site: Path, result: PublishResult, echo: Callable[[str], None]) -> None:
        """Fill a new release and switch to it (nothing at all when the live one is the same)."""
        state = self.state
        if state.current is not None and result.changes.empty and _same_state(state):
            echo(f"{self.shown} already holds this site; nothing to publish.")
            return
        result.release = deploy_local(site, state, keep=self.keep, before_switch=self.before_switch)
        echo(
            f"Published to {self.shown} (release {result.release.name}): {result.changes.summary()}"
        )
