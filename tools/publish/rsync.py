"""rsync to ``[user@]host:path``: --delay-updates puts files in place at the end of the transfer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tools.publish.base import PublishError, PublishResult, run, tail
from tools.publish.changes import Changes, parse_itemize

# rsync: recursive, symlinks as symlinks, permissions; no -t, so with --checksum a file
# whose bytes did not change is left alone (keeps its inode and mtime: caches stay warm).
RSYNC_BASE = ("rsync", "-rlp", "--checksum", "-8")
ITEMIZE = "--out-format=%i %n"
REMOTE = re.compile(r"^(?P<host>(?:[^@/:\s]+@)?[^/:\s]+):(?P<path>.*)$")


def is_remote(dest: str) -> bool:
    """True for rsync's `[user@]host:path` (a colon before any slash)."""
    return bool(REMOTE.match(dest)) and "://" not in dest


def refuse_remote(dest: str) -> None:
    """Refuse remote paths whose --delete could reach beyond a site folder."""
    m = REMOTE.match(dest)
    assert m is not None
    path = m.group("path").strip()
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if path in ("", "~", "~/", ".", "./") or (path.startswith("~") and len(parts) <= 1):
        reason = "the remote home folder"
    elif path.startswith("/") and not parts:
        reason = "the remote filesystem root /"
    elif ".." in parts:
        reason = "a path with '..' in it"
    elif path.startswith("/") and len(parts) == 1:
        reason = "a top-level folder of the remote machine"
    else:
        return
    raise PublishError(f"refusing destination {dest}: it is {reason}")


def rsync_changes(source: Path, target: str, *, delete: bool = True) -> Changes:
    """What `rsync source/ target/` would add, change and remove (rsync --dry-run)."""
    cmd = [*RSYNC_BASE, "--dry-run", ITEMIZE]
    if delete:
        cmd.append("--delete")
    done = run([*cmd, f"{source}/", f"{target.rstrip('/')}/"])
    if done.returncode != 0:
        raise PublishError(
            f"rsync --dry-run to {target} failed (exit {done.returncode}): {tail(done.stderr)}"
        )
    return parse_itemize(done.stdout)


def deploy_remote(staging: Path, dest: str) -> Changes:
    """rsync the staged site to user@host:path; --delay-updates puts files in place at the end."""
    cmd = [
        *RSYNC_BASE,
        "--delete-after",
        "--delay-updates",
        ITEMIZE,
        f"{staging}/",
        f"{dest.rstrip('/')}/",
    ]
    done = run(cmd)
    if done.returncode != 0:
        raise PublishError(
            f"rsync to {dest} failed (exit {done.returncode}): {tail(done.stderr)}. With "
            "--delay-updates nothing is put in place before the transfer completes, so the "
            "remote should still show the earlier site; check it"
        )
    return parse_itemize(done.stdout)


@dataclass
class RsyncTarget:
    """A remote folder reached by rsync over ssh."""

    dest: str

    @property
    def shown(self) -> str:
        """The destination as the user wrote it."""
        return self.dest

    def changes(self, site: Path) -> Changes:
        """rsync --dry-run against the remote folder."""
        return rsync_changes(site, self.dest)

    def deploy(self, site: Path, result: PublishResult, echo: Callable[[str], None]) -> None:
        """rsync with --delete-after --delay-updates."""
        result.changes = deploy_remote(site, self.dest)
        echo(f"Published to {self.shown}: {result.changes.summary()}")
