"""A git repository (``--gh-pages REPO``): ghp-import commits the site onto a branch of a
temporary clone, which is then pushed (never forced) to REPO."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tools.publish.base import PublishError, PublishResult, run, tail
from tools.publish.changes import Changes, diff_listings, folder_listing, git_blob_id
from tools.publish.rsync import is_remote

GH_COMMITTER = ("Breakout publish", "breakout@localhost")


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
    valid = run(["git", "check-ref-format", "--branch", branch]).returncode == 0
    if not valid or branch.startswith("-"):
        raise PublishError(f"'{branch}' is not a valid branch name")
    done = run(["git", "ls-remote", "--symref", repo, "HEAD", f"refs/heads/{branch}"])
    if done.returncode != 0:
        raise PublishError(f"cannot reach the git repository {repo}: {tail(done.stderr)}")
    default = ""
    exists = False
    for line in done.stdout.splitlines():
        if line.startswith("ref: ") and line.endswith("\tHEAD"):
            default = line[len("ref: refs/heads/") : -len("\tHEAD")]
        elif line.endswith(f"\trefs/heads/{branch}"):
            exists = True
    if not default and os.path.isdir(repo):
        # An empty repository lists no HEAD; a local one can still say where HEAD points.
        head = run(["git", "-C", repo, "symbolic-ref", "-q", "HEAD"]).stdout.strip()
        default = head.removeprefix("refs/heads/")
    if branch == default:
        raise PublishError(
            f"refusing to publish onto '{branch}', the default branch of {repo}: that would "
            "replace its files with the site; use a separate branch such as gh-pages"
        )
    return GitTarget(repo, branch, exists)


def _git(work: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """Run git in the temporary clone; PublishError with git's message on failure."""
    done = run(["git", *args], cwd=work, env=env)
    if done.returncode != 0:
        raise PublishError(f"git {args[0]} failed: {tail(done.stderr or done.stdout)}")
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
    done = run(["git", "fetch", "-q", "origin", refspec], cwd=work)
    if done.returncode != 0:
        raise PublishError(
            f"cannot fetch branch '{target.branch}' from {target.repo}: {tail(done.stderr)}; "
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
    name = run(["git", "config", "user.name"], cwd=work).stdout.strip()
    email = run(["git", "config", "user.email"], cwd=work).stdout.strip()
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
        done = run(
            [sys.executable, "-m", "ghp_import", "-n", "-m", message, "-r", "origin",
             "-b", target.branch, str(staging)],
            cwd=work,
            env=_git_env(work),
        )  # fmt: skip
        if done.returncode != 0:
            raise PublishError(
                f"ghp-import failed: {tail(done.stderr or done.stdout)}; nothing was pushed"
            )
        commit = _git(work, "rev-parse", f"refs/heads/{target.branch}").strip()
        # ghp-import reports a failed import only on stdout; check the commit holds the site.
        if commit == head or _branch_listing(work, commit) != expected:
            raise PublishError("ghp-import did not produce the expected commit; nothing was pushed")
        if before_push is not None:
            before_push()
        done = run(
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
                f"pushing to {target.repo} failed: {tail(done.stderr)}; the branch "
                f"'{target.branch}' there is unchanged"
            )
    return changes, commit


def source_commit(root: Path) -> str:
    """The repository's current commit, for the gh-pages commit message ('' if unknown)."""
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else ""


@dataclass
class GitPagesTarget:
    """A branch of a git repository, replaced by one commit holding the site."""

    target: GitTarget
    root: Path  # the project, whose commit the message names
    before_push: Callable[[Path], None] | None = None

    @property
    def shown(self) -> str:
        """Branch and repository."""
        return f"branch {self.target.branch} of {self.target.repo}"

    def changes(self, site: Path) -> Changes:
        """The staged tree against the branch's tree."""
        return git_changes(site, self.target)

    def deploy(self, site: Path, result: PublishResult, echo: Callable[[str], None]) -> None:
        """Commit with ghp-import in a scratch clone and push."""
        commit = source_commit(self.root)
        message = f"Publish Breakout site{' from ' + commit if commit else ''}"
        hook = self.before_push

        def push_hook() -> None:
            if hook is not None:
                hook(site)

        result.changes, result.commit = deploy_git(
            site, self.target, message=message, before_push=push_hook
        )
        if result.commit is None:
            echo(f"{self.shown} already holds this site; nothing to publish.")
        else:
            echo(
                f"Published to {self.shown} (commit {result.commit[:12]}): {result.changes.summary()}"
            )
