"""Safety checks: folders never built into or published to, staging, locks, remote paths."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tools.publish.base import PublishError

STAGING_MARKER = ".breakout-staging"


def inside(path: Path, folder: Path) -> bool:
    """True if path is folder or below it (both absolute, normalised)."""
    return path == folder or folder in path.parents


def real_path(path: Path | str) -> Path:
    """Absolute path with its parent's symlinks resolved but the last part kept as named."""
    path = Path(os.path.abspath(os.fspath(path)))
    if path.parent == path:
        return path
    return Path(os.path.realpath(path.parent)) / path.name


def unsafe_reason(
    path: Path | str, *, root: Path, staging: Path | None = None, output: Path | None = None
) -> str | None:
    """Why `path` must never be built into or published to (None if it is acceptable)."""
    p = real_path(path)
    root = Path(os.path.realpath(root))
    home = Path(os.path.realpath(Path.home()))
    if p == Path(p.anchor):
        return "the filesystem root /"
    if p == home:
        return "your home folder"
    if p in home.parents:
        return "a folder that contains your home folder"
    if p == root:
        return "the repository root"
    if p in root.parents:
        return "a folder that contains the repository"
    for name, label in (
        ("content", "the content folder (content/)"),
        ("theme", "the theme folder (theme/)"),
        ("plugins", "the plugins folder (plugins/)"),
        (".git", "the repository's git folder (.git/)"),
    ):
        folder = root / name
        if p == folder:
            return label
        if inside(p, folder):
            return "inside " + label
    if output is not None and p == real_path(output):
        return "the local build folder (output/)"
    if staging is not None:
        st = real_path(staging)
        if p == st:
            return "the staging folder"
        if inside(p, st):
            return "inside the staging folder"
        if p in st.parents:
            return "a folder that contains the staging folder"
    if inside(p, root) and _tracked(root, p):
        return "a folder holding files tracked by git"
    return None


def _tracked(root: Path, path: Path) -> bool:
    """True if git tracks any file at or under path (False when root is not a git checkout)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", str(path)],
            capture_output=True,
            check=False,
        )
    except OSError:
        return False
    return done.returncode == 0 and bool(done.stdout)


def refuse_unsafe(
    path: Path | str,
    role: str,
    *,
    root: Path,
    staging: Path | None = None,
    output: Path | None = None,
) -> None:
    """Raise PublishError if `path` is a folder Breakout must never write into or delete."""
    reason = unsafe_reason(path, root=root, staging=staging, output=output)
    if reason:
        raise PublishError(f"refusing {role} {path}: it is {reason}")


@contextlib.contextmanager
def locked(folder: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on folder/.lock, or fail at once if another publish holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    # Append mode: taking the lock must not touch the file (a failed publish changes nothing).
    with open(folder / ".lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(
                f"another publish is using {what} {folder}; try again when it ends"
            ) from None
        yield


def check_staging(staging_root: Path) -> None:
    """Refuse a staging folder that is a symlink, a file, or holds files Breakout did not make."""
    marker = staging_root / STAGING_MARKER
    if staging_root.is_symlink():
        raise PublishError(f"the staging folder {staging_root} is a symlink; refusing to empty it")
    if staging_root.exists():
        if not staging_root.is_dir():
            raise PublishError(f"the staging folder {staging_root} is not a folder")
        if not marker.exists() and any(p.name != ".lock" for p in staging_root.iterdir()):
            raise PublishError(
                f"the staging folder {staging_root} holds files Breakout did not put there; "
                "move them away or choose another staging folder"
            )


def prepare_staging(staging_root: Path) -> Path:
    """Empty the staging folder (only one Breakout made) and return its site folder."""
    check_staging(staging_root)
    marker = staging_root / STAGING_MARKER
    staging_root.mkdir(parents=True, exist_ok=True)
    marker.write_text("Made by `invoke publish`; emptied at every publish.\n")
    for name in ("site", "cache"):
        path = staging_root / name
        if path.is_symlink():
            path.unlink()
        elif path.exists():
            shutil.rmtree(path)
    return staging_root / "site"
