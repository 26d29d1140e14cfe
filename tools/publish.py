"""`invoke publish`: build into fresh staging, check it, then deploy without breaking the live site.

Three kinds of destination:

* a local folder DEST: DEST is a symlink to a release folder DEST.releases/<n>/. A new
  release is filled beside the live one (unchanged files hard-linked from it), then the
  symlink is swapped atomically, so readers see the old site or the new one, never a mix;
* a remote ``user@host:path``: rsync with ``--delay-updates --delete-after`` (the switch
  is as atomic as rsync makes it: files are renamed into place at the end of the transfer);
* a git repository (``--gh-pages REPO``): ghp-import commits the site onto a branch of a
  temporary clone, which is then pushed (never forced) to REPO.

Nothing at the destination is touched before the build passed every check.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.check import Check

STAGING_MARKER = ".breakout-staging"
RELEASE_NAME = re.compile(r"^\d+$")
INCOMING_PREFIX = ".incoming-"
# rsync: recursive, symlinks as symlinks, permissions; no -t, so with --checksum a file
# whose bytes did not change is left alone (keeps its inode and mtime: caches stay warm).
RSYNC_BASE = ("rsync", "-rlp", "--checksum", "-8")
ITEMIZE = "--out-format=%i %n"
MAX_LISTED = 200
GH_COMMITTER = ("Breakout publish", "breakout@localhost")


class PublishError(Exception):
    """The publish stopped; the message says why and what the live site looks like."""


# --- what changes ------------------------------------------------------------------------


@dataclass
class Changes:
    """Files the deploy adds, changes and removes at the destination (site-relative paths)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: "add X / change Y / remove Z"."""
        return f"add {len(self.added)} / change {len(self.changed)} / remove {len(self.removed)}"

    def lines(self, limit: int = MAX_LISTED) -> list[str]:
        """One "add|change|remove <path>" line per file (at most `limit` per kind)."""
        out: list[str] = []
        for verb, paths in (
            ("add", self.added),
            ("change", self.changed),
            ("remove", self.removed),
        ):
            out.extend(f"{verb} {p}" for p in paths[:limit])
            if len(paths) > limit:
                out.append(f"{verb} … and {len(paths) - limit} more")
        return out

    @property
    def empty(self) -> bool:
        """True when the destination already holds exactly this site."""
        return not (self.added or self.changed or self.removed)


def parse_itemize(output: str) -> Changes:
    """Read `rsync --itemize-changes --out-format='%i %n'` lines into Changes (files only)."""
    changes = Changes()
    for line in output.splitlines():
        if line.startswith("*deleting "):
            path = line[len("*deleting ") :].strip()
            if not path.endswith("/"):
                changes.removed.append(path)
            continue
        if len(line) < 13 or line[11] != " ":
            continue  # "created directory …" and other chatter
        flags, path = line[:11], line[12:]
        kind, filetype = flags[0], flags[1]
        if filetype == "d":
            continue  # folders follow from their files
        if flags[2:] == "+" * 9:
            changes.added.append(path)
        elif kind in "<>c" or flags[2] == "c":
            # Only content counts: attribute-only lines (".f...p.....") are not a change.
            changes.changed.append(path)
    for paths in (changes.added, changes.changed, changes.removed):
        paths.sort()
    return changes


def diff_listings(old: Mapping[str, str], new: Mapping[str, str]) -> Changes:
    """Compare two {path: content id} listings."""
    return Changes(
        added=sorted(set(new) - set(old)),
        changed=sorted(p for p in set(new) & set(old) if new[p] != old[p]),
        removed=sorted(set(old) - set(new)),
    )


def git_blob_id(data: bytes) -> str:
    """The id git gives a blob with these bytes (so a tree can be compared without git)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def folder_listing(folder: Path) -> dict[str, str]:
    """{site-relative path: git blob id} for every file under folder."""
    listing: dict[str, str] = {}
    for current, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(current, name)
            rel = path.relative_to(folder).as_posix()
            listing[rel] = git_blob_id(path.read_bytes())
    return listing


# --- safety ------------------------------------------------------------------------------


def _inside(path: Path, folder: Path) -> bool:
    """True if path is folder or below it (both absolute, normalised)."""
    return path == folder or folder in path.parents


def _real(path: Path | str) -> Path:
    """Absolute path with its parent's symlinks resolved but the last part kept as named."""
    path = Path(os.path.abspath(os.fspath(path)))
    if path.parent == path:
        return path
    return Path(os.path.realpath(path.parent)) / path.name


def unsafe_reason(
    path: Path | str, *, root: Path, staging: Path | None = None, output: Path | None = None
) -> str | None:
    """Why `path` must never be built into or published to (None if it is acceptable)."""
    p = _real(path)
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
        if _inside(p, folder):
            return "inside " + label
    if output is not None and p == _real(output):
        return "the local build folder (output/)"
    if staging is not None:
        st = _real(staging)
        if p == st:
            return "the staging folder"
        if _inside(p, st):
            return "inside the staging folder"
        if p in st.parents:
            return "a folder that contains the staging folder"
    if _inside(p, root) and _tracked(root, p):
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


# --- destinations ------------------------------------------------------------------------

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
        if _real(target.parent) != _real(releases) or not RELEASE_NAME.match(target.name):
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


def _run(
    cmd: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing text output; never raises on a non-zero exit."""
    try:
        return subprocess.run(
            list(cmd),
            cwd=cwd,
            env=dict(env) if env else None,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise PublishError(f"{cmd[0]} is not installed ({exc}); run `invoke setup`") from exc


def _tail(text: str, lines: int = 5) -> str:
    """The last few lines of a command's error output, for a message."""
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(kept[-lines:])


def rsync_changes(source: Path, target: str, *, delete: bool = True) -> Changes:
    """What `rsync source/ target/` would add, change and remove (rsync --dry-run)."""
    cmd = [*RSYNC_BASE, "--dry-run", ITEMIZE]
    if delete:
        cmd.append("--delete")
    done = _run([*cmd, f"{source}/", f"{target.rstrip('/')}/"])
    if done.returncode != 0:
        raise PublishError(
            f"rsync --dry-run to {target} failed (exit {done.returncode}): {_tail(done.stderr)}"
        )
    return parse_itemize(done.stdout)


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
    done = _run([*cmd, f"{staging}/", f"{incoming}/"])
    if done.returncode != 0:
        _remove_inside(incoming, releases)
        raise PublishError(
            f"copying the site into {incoming} failed (exit {done.returncode}): "
            f"{_tail(done.stderr)}; {dest} was not switched"
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
    if not os.path.lexists(path) or _real(path) == _real(folder):
        return
    if not _inside(_real(path), Path(os.path.realpath(folder))):
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
    done = _run(cmd)
    if done.returncode != 0:
        raise PublishError(
            f"rsync to {dest} failed (exit {done.returncode}): {_tail(done.stderr)}. With "
            "--delay-updates nothing is put in place before the transfer completes, so the "
            "remote should still show the earlier site; check it"
        )
    return parse_itemize(done.stdout)


# --- gh-pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GitTarget:
    """A git repository and branch to publish onto."""

    repo: str
    branch: str
    exists: bool  # the branch is already there


def normalise_repo(repo: str) -> str:
    """A local repository path made absolute (git runs elsewhere); URLs unchanged."""
    if "://" in repo or (is_remote(repo) and not os.path.exists(repo)):
        return repo
    return os.path.abspath(repo)


def inspect_git(repo: str, branch: str) -> GitTarget:
    """Check the repository answers and the branch is a safe one to replace."""
    valid = _run(["git", "check-ref-format", "--branch", branch]).returncode == 0
    if not valid or branch.startswith("-"):
        raise PublishError(f"'{branch}' is not a valid branch name")
    done = _run(["git", "ls-remote", "--symref", repo, "HEAD", f"refs/heads/{branch}"])
    if done.returncode != 0:
        raise PublishError(f"cannot reach the git repository {repo}: {_tail(done.stderr)}")
    default = ""
    exists = False
    for line in done.stdout.splitlines():
        if line.startswith("ref: ") and line.endswith("\tHEAD"):
            default = line[len("ref: refs/heads/") : -len("\tHEAD")]
        elif line.endswith(f"\trefs/heads/{branch}"):
            exists = True
    if not default and os.path.isdir(repo):
        # An empty repository lists no HEAD; a local one can still say where HEAD points.
        head = _run(["git", "-C", repo, "symbolic-ref", "-q", "HEAD"]).stdout.strip()
        default = head.removeprefix("refs/heads/")
    if branch == default:
        raise PublishError(
            f"refusing to publish onto '{branch}', the default branch of {repo}: that would "
            "replace its files with the site; use a separate branch such as gh-pages"
        )
    return GitTarget(repo, branch, exists)


def _git(work: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """Run git in the temporary clone; PublishError with git's message on failure."""
    done = _run(["git", *args], cwd=work, env=env)
    if done.returncode != 0:
        raise PublishError(f"git {args[0]} failed: {_tail(done.stderr or done.stdout)}")
    return done.stdout


def _branch_listing(work: Path, ref: str) -> dict[str, str]:
    """{path: blob id} of a commit's tree."""
    out = _git(work, "ls-tree", "-r", "-z", "--full-tree", ref)
    listing: dict[str, str] = {}
    for entry in out.split("\0"):
        if entry:
            meta, path = entry.split("\t", 1)
            listing[path] = meta.split()[2]
    return listing


def _clone(target: GitTarget, work: Path) -> str | None:
    """Init a scratch repository fetching only the branch; return the branch's commit or None."""
    _git(work, "init", "-q")
    _git(work, "remote", "add", "origin", target.repo)
    if not target.exists:
        return None
    refspec = f"+refs/heads/{target.branch}:refs/remotes/origin/{target.branch}"
    done = _run(["git", "fetch", "-q", "origin", refspec], cwd=work)
    if done.returncode != 0:
        raise PublishError(
            f"cannot fetch branch '{target.branch}' from {target.repo}: {_tail(done.stderr)}; "
            "nothing was pushed"
        )
    return _git(work, "rev-parse", f"refs/remotes/origin/{target.branch}").strip()


def staged_listing(staging: Path) -> dict[str, str]:
    """The tree ghp-import will commit: the staged site plus an empty .nojekyll."""
    listing = folder_listing(staging)
    # .nojekyll stops GitHub Pages running Jekyll, which would hide files starting with "_".
    listing.setdefault(".nojekyll", git_blob_id(b""))
    return listing


def git_changes(staging: Path, target: GitTarget) -> Changes:
    """Compare the staged tree with the branch's tree in a scratch clone."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        head = _clone(target, work)
        old = _branch_listing(work, head) if head else {}
    return diff_listings(old, staged_listing(staging))


def _git_env(work: Path) -> dict[str, str]:
    """Environment for ghp-import's commit: a committer even where git has none configured."""
    env = dict(os.environ)
    name = _run(["git", "config", "user.name"], cwd=work).stdout.strip()
    email = _run(["git", "config", "user.email"], cwd=work).stdout.strip()
    env.setdefault("GIT_COMMITTER_NAME", name or GH_COMMITTER[0])
    env.setdefault("GIT_COMMITTER_EMAIL", email or GH_COMMITTER[1])
    return env


def deploy_git(
    staging: Path,
    target: GitTarget,
    *,
    message: str,
    before_push: Callable[[], None] | None = None,
) -> tuple[Changes, str | None]:
    """ghp-import the staged site onto the branch of a scratch clone and push it (not forced)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        head = _clone(target, work)
        old = _branch_listing(work, head) if head else {}
        expected = staged_listing(staging)
        changes = diff_listings(old, expected)
        if changes.empty:
            return changes, None
        done = _run(
            [sys.executable, "-m", "ghp_import", "-n", "-m", message, "-r", "origin",
             "-b", target.branch, str(staging)],
            cwd=work,
            env=_git_env(work),
        )  # fmt: skip
        if done.returncode != 0:
            raise PublishError(
                f"ghp-import failed: {_tail(done.stderr or done.stdout)}; nothing was pushed"
            )
        commit = _git(work, "rev-parse", f"refs/heads/{target.branch}").strip()
        # ghp-import reports a failed import only on stdout; check the commit holds the site.
        if commit == head or _branch_listing(work, commit) != expected:
            raise PublishError("ghp-import did not produce the expected commit; nothing was pushed")
        if before_push is not None:
            before_push()
        done = _run(
            [
                "git",
                "push",
                "-q",
                "origin",
                f"refs/heads/{target.branch}:refs/heads/{target.branch}",
            ],
            cwd=work,
        )
        if done.returncode != 0:
            raise PublishError(
                f"pushing to {target.repo} failed: {_tail(done.stderr)}; the branch "
                f"'{target.branch}' there is unchanged"
            )
    return changes, commit


# --- the whole publish -------------------------------------------------------------------


@dataclass
class PublishResult:
    """What a publish did (or, with dry_run, would do)."""

    target: str
    changes: Changes
    dry_run: bool
    release: Path | None = None
    commit: str | None = None


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


def _source_commit(root: Path) -> str:
    """The repository's current commit, for the gh-pages commit message ('' if unknown)."""
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def publish_site(
    *,
    root: Path | str,
    dest: str = "",
    gh_pages: str = "",
    branch: str = "gh-pages",
    dry_run: bool = False,
    conf: Path | str | None = None,
    content: Path | str | None = None,
    staging: Path | str | None = None,
    overrides: Mapping[str, Any] | None = None,
    checks: Sequence[Check] | None = None,
    keep: int = 2,
    after_build: Callable[[Path], None] | None = None,
    before_deploy: Callable[[], None] | None = None,
    before_switch: Callable[[Path], None] | None = None,
    echo: Callable[[str], None] = print,
) -> PublishResult:
    """Build with publishconf.py into fresh staging, run every check, deploy only if all pass.

    The hooks exist for tests: `after_build(site)` runs before the checks (to inject a fault
    the real checks must catch), `before_deploy()` once the checks passed, `before_switch(release)`
    between filling a local release and switching to it (or before a git push).
    """
    from tools.build import run_pelican
    from tools.check import run_checks

    root = Path(root).resolve()
    conf = Path(conf) if conf else root / "publishconf.py"
    content = Path(content) if content else root / "content"
    staging_root = Path(staging) if staging else root / "staging"
    output = root / "output"
    branch = branch or "gh-pages"
    # publish.local.env values are not expanded by a shell, so "~/www/site" is done here.
    dest = os.path.expanduser(dest.strip()) if not is_remote(dest.strip()) else dest.strip()
    gh_pages = os.path.expanduser(gh_pages.strip())
    if dest and gh_pages:
        raise PublishError(
            f"two destinations given (folder/rsync {dest} and --gh-pages {gh_pages}); "
            "choose one (check BREAKOUT_DEST and BREAKOUT_GH_PAGES in the environment and publish.local.env)"
        )
    if not dest and not gh_pages:
        raise PublishError(
            "no destination: pass --dest PATH, --dest user@host:path or --gh-pages REPO, "
            "or set BREAKOUT_DEST or BREAKOUT_GH_PAGES (e.g. in publish.local.env)"
        )

    # Check the destination before the (slow) build, so a wrong one fails at once.
    refuse_unsafe(staging_root, "staging folder", root=root, output=output)
    state: LocalState | None = None
    git_target: GitTarget | None = None
    if gh_pages:
        git_target = inspect_git(normalise_repo(gh_pages), branch)
        shown = f"branch {branch} of {git_target.repo}"
    elif is_remote(dest):
        refuse_remote(dest)
        shown = dest
    else:
        dest_path = _real(dest)
        refuse_unsafe(dest, "destination", root=root, staging=staging_root, output=output)
        state = inspect_local(dest_path)
        shown = str(dest_path)

    check_staging(staging_root)
    with locked(staging_root, "the staging folder"):
        site = prepare_staging(staging_root)
        echo(f"Building {content} with {conf.name} into {site}")
        build_overrides = {**(overrides or {}), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}
        try:
            run_pelican(
                conf,
                path=content,
                output=site,
                cache=staging_root / "cache",
                overrides=build_overrides,
            )
        except Exception as exc:  # Pelican and Breakout already logged the details
            raise PublishError(f"the build failed ({exc}); nothing was published") from exc
        if after_build is not None:
            after_build(site)

        problems = run_checks(site, conf=conf, content=content, overrides=overrides, checks=checks)
        for line in problems:
            echo(line)
        if problems:
            n = len(problems)
            raise PublishError(
                f"{n} check problem{'s' if n != 1 else ''} (listed above); nothing was published and "
                f"{shown} is unchanged. The checked build is in {site}"
            )
        echo("Checks passed.")

        if state is not None:
            changes = local_changes(site, state)
        elif git_target is not None:
            changes = git_changes(site, git_target)
        else:
            changes = rsync_changes(site, dest)
        result = PublishResult(target=shown, changes=changes, dry_run=dry_run)
        if dry_run:
            for line in changes.lines():
                echo(line)
            echo(f"Dry run for {shown}: {changes.summary()}; nothing was changed.")
            return result

        # Still under the staging lock: another publish must not rebuild what is being copied.
        if before_deploy is not None:
            before_deploy()
        if state is not None and state.current is not None and changes.empty and _same_state(state):
            echo(f"{shown} already holds this site; nothing to publish.")
        elif state is not None:
            result.release = deploy_local(site, state, keep=keep, before_switch=before_switch)
            echo(f"Published to {shown} (release {result.release.name}): {changes.summary()}")
        elif git_target is not None:
            commit = _source_commit(root)
            message = f"Publish Breakout site{' from ' + commit if commit else ''}"

            def push_hook() -> None:
                if before_switch is not None:
                    before_switch(site)

            result.changes, result.commit = deploy_git(
                site, git_target, message=message, before_push=push_hook
            )
            if result.commit is None:
                echo(f"{shown} already holds this site; nothing to publish.")
            else:
                echo(
                    f"Published to {shown} (commit {result.commit[:12]}): {result.changes.summary()}"
                )
        else:
            result.changes = deploy_remote(site, dest)
            echo(f"Published to {shown}: {result.changes.summary()}")
    return result
