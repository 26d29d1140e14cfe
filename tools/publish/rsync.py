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
# Anything before "://" without a slash or colon: "ssh://…", but also "u@h://srv".
URL = re.compile(r"^(?P<scheme>[^/:\s]+)://(?P<rest>.*)$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")


def is_remote(dest: str) -> bool:
    """True for rsync's `[user@]host:path` (a colon before any slash)."""
    return bool(REMOTE.match(dest)) and "://" not in dest


def refuse_url(dest: str) -> None:
    """Refuse a --dest written as a URL (or as user@host:// with a URL's slashes), saying what to write."""
    m = URL.match(dest)
    if m is None:
        return
    scheme, rest = m.group("scheme"), m.group("rest")
    host, _, path = rest.partition("/")
    host, _, port = host.partition(":")
    over_ssh = f"for rsync over ssh write {host}:/{path}"
    if port:
        over_ssh += f" (and give the port with RSYNC_RSH='ssh -p {port}')"
    kind = scheme.lower()
    if not SCHEME.match(scheme):
        advice = (
            f"'{scheme}' is not a URL scheme; for rsync over ssh write {scheme}:/"
            f"{rest.lstrip('/')} (user@host: then the remote folder)"
        )
    elif kind == "ssh":
        advice = over_ssh
    elif kind == "rsync":
        advice = f"rsync daemons are not supported; {over_ssh}"
    elif kind == "s3":
        advice = f"for object storage use --s3 {dest}"
    elif kind == "file":
        advice = f"for a local folder write /{path}"
    else:
        advice = f"for a git repository use --gh-pages {dest}"
    raise PublishError(
        f"refusing destination {dest}: --dest takes a local folder or user@host:path, "
        f"not a URL; {advice}"
    )


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
