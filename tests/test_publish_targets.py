"""`invoke publish --gh-pages` (real git, real ghp-import) and to user@host:path (real rsync)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_publish import POLICE, Project, snapshot

from tools.golden import compare_trees
from tools.publish import PublishError

GIT = ["git", "-c", "user.name=Author", "-c", "user.email=author@example.org"]


def git(cwd: Path, *args: str) -> str:
    """Run git and return its stdout."""
    done = subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def branch_tree(repo: Path, branch: str, into: Path) -> Path:
    """Check a branch of a bare repository out into a folder (to compare with the staging)."""
    into.mkdir()
    subprocess.run(f"git -C {repo} archive {branch} | tar -x -C {into}", shell=True, check=True)
    return into


def checkout_state(repo: Path) -> tuple[str, str, str]:
    """What publishing must not change in the author's checkout."""
    return (
        git(repo, "status", "--porcelain"),
        git(repo, "for-each-ref"),
        git(repo, "rev-parse", "HEAD"),
    )


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.fixture
def gh(project: Project, tmp_path: Path) -> tuple[Project, Path]:
    """A project that is itself a git checkout, and a bare 'GitHub' repository with a main branch."""
    git(project.root, "init", "-q", "-b", "main")
    (project.root / ".gitignore").write_text("/staging/\n")  # as in the real repository
    git(project.root, "add", "content", ".gitignore")
    git(project.root, "commit", "-q", "-m", "content")
    bare = tmp_path / "site.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(project.root, "push", "-q", str(bare), "main")
    return project, bare


def test_gh_pages_publish_commits_the_site_and_leaves_the_checkout_alone(
    gh: tuple[Project, Path], tmp_path: Path
) -> None:
    project, bare = gh
    main_before = git(bare, "rev-parse", "main")
    checkout_before = checkout_state(project.root)

    result = project.publish(dest="", gh_pages=str(bare))

    assert result.commit == git(bare, "rev-parse", "gh-pages")
    published = branch_tree(bare, "gh-pages", tmp_path / "published")
    assert (published / ".nojekyll").read_bytes() == b""
    (published / ".nojekyll").unlink()
    assert compare_trees(project.staging / "site", published) == []
    assert git(bare, "rev-parse", "main") == main_before
    source = git(project.root, "rev-parse", "--short", "HEAD")
    assert (
        git(bare, "log", "-1", "--format=%s", "gh-pages") == f"Publish Breakout site from {source}"
    )
    # The author's own checkout: same HEAD, same branches, same status, no gh-pages branch.
    assert checkout_state(project.root) == checkout_before


def test_gh_pages_second_publish_commits_only_the_changes(gh: tuple[Project, Path]) -> None:
    project, bare = gh
    first = project.publish(dest="", gh_pages=str(bare)).commit
    project.edit(POLICE, "A later edit.")

    dry = project.publish(dest="", gh_pages=str(bare), dry_run=True)
    assert git(bare, "rev-parse", "gh-pages") == first
    assert "2011/police/index.html" in dry.changes.changed
    assert "change 2011/police/index.html" in project.echoed

    second = project.publish(dest="", gh_pages=str(bare))
    assert git(bare, "rev-parse", "gh-pages^") == first
    changed = git(bare, "diff", "--name-only", f"{first}", "gh-pages").splitlines()
    listed = sorted(second.changes.changed + second.changes.added + second.changes.removed)
    assert changed == listed
    assert second.changes == dry.changes
    assert "theme/css/breakout.css" not in changed


def test_gh_pages_unchanged_site_makes_no_commit(gh: tuple[Project, Path]) -> None:
    project, bare = gh
    first = project.publish(dest="", gh_pages=str(bare)).commit
    again = project.publish(dest="", gh_pages=str(bare))
    assert again.commit is None and again.changes.empty
    assert git(bare, "rev-parse", "gh-pages") == first


def test_gh_pages_failed_check_pushes_nothing(gh: tuple[Project, Path]) -> None:
    project, bare = gh
    first = project.publish(dest="", gh_pages=str(bare)).commit
    project.edit(POLICE, "Not to be published.")

    def break_link(site: Path) -> None:
        page = site / "about" / "index.html"
        page.write_text(page.read_text().replace("</main>", '<a href="../missing/">x</a></main>'))

    with pytest.raises(PublishError):
        project.publish(dest="", gh_pages=str(bare), after_build=break_link)
    assert "about/index.html: broken link ../missing/" in project.echoed
    assert git(bare, "rev-parse", "gh-pages") == first


def test_gh_pages_repository_vanishing_before_the_deploy(
    gh: tuple[Project, Path], tmp_path: Path
) -> None:
    project, bare = gh
    first = project.publish(dest="", gh_pages=str(bare)).commit
    project.edit(POLICE, "Edited.")
    moved = tmp_path / "moved.git"

    with pytest.raises(PublishError) as err:
        project.publish(dest="", gh_pages=str(bare), before_deploy=lambda: bare.rename(moved))

    assert str(err.value).startswith(f"cannot fetch branch 'gh-pages' from {bare}: ")
    assert str(err.value).endswith("; nothing was pushed")
    assert git(moved, "rev-parse", "gh-pages") == first


def test_gh_pages_never_overwrites_a_branch_that_moved(
    gh: tuple[Project, Path], tmp_path: Path
) -> None:
    project, bare = gh
    project.publish(dest="", gh_pages=str(bare))
    project.edit(POLICE, "Edited.")
    other = tmp_path / "other"

    def someone_else_pushes(site: Path) -> None:
        git(tmp_path, "clone", "-q", "-b", "gh-pages", str(bare), str(other))
        (other / "CNAME").write_text("breakout.test\n")
        git(other, "add", "CNAME")
        git(other, "commit", "-q", "-m", "CNAME")
        git(other, "push", "-q", "origin", "gh-pages")

    with pytest.raises(PublishError) as err:
        project.publish(dest="", gh_pages=str(bare), before_switch=someone_else_pushes)

    assert str(err.value).startswith(f"pushing to {bare} failed: ")
    assert git(bare, "rev-parse", "gh-pages") == git(other, "rev-parse", "HEAD")


# --- user@host:path over rsync (a stand-in for ssh runs the remote side here) ---------------

FAKE_SSH = """#!/bin/sh
# Stands in for ssh: skip its options and the host name, run the command here.
while [ $# -gt 0 ]; do
  case "$1" in
    -l|-p) shift 2 ;;
    -*) shift ;;
    *) shift; break ;;
  esac
done
exec sh -c "$*"
"""


@pytest.fixture
def remote(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Project, str, Path]:
    """RSYNC_RSH set to a local stand-in for ssh; returns (project, user@host:path, that folder)."""
    ssh = tmp_path / "fake-ssh"
    ssh.write_text(FAKE_SSH)
    ssh.chmod(0o755)
    monkeypatch.setenv("RSYNC_RSH", str(ssh))
    folder = tmp_path / "remote" / "site"
    folder.parent.mkdir()
    return project, f"deploy@web.example.org:{folder}", folder


def test_remote_publish_then_update_touches_only_changed_files(
    remote: tuple[Project, str, Path],
) -> None:
    project, dest, folder = remote
    project.publish(dest=dest)
    assert compare_trees(project.staging / "site", folder) == []
    css_inode = (folder / "theme/css/breakout.css").stat().st_ino
    page_inode = (folder / "2011/police/index.html").stat().st_ino

    project.edit(POLICE, "Edited remotely.")
    before = snapshot(folder)
    dry = project.publish(dest=dest, dry_run=True)
    assert snapshot(folder) == before
    assert "2011/police/index.html" in dry.changes.changed

    result = project.publish(dest=dest)
    assert result.changes.changed == dry.changes.changed
    assert compare_trees(project.staging / "site", folder) == []
    assert (folder / "theme/css/breakout.css").stat().st_ino == css_inode
    assert (folder / "2011/police/index.html").stat().st_ino != page_inode
    assert not list(folder.rglob(".~tmp~"))  # rsync's --delay-updates folders are gone


def test_remote_removes_files_only_inside_the_destination(
    remote: tuple[Project, str, Path],
) -> None:
    project, dest, folder = remote
    neighbour = folder.parent / "keep-me.txt"
    neighbour.write_text("not part of the site")
    project.publish(dest=dest)
    (folder / "stale.html").write_text("old")
    result = project.publish(dest=dest)
    assert result.changes.removed == ["stale.html"]
    assert not (folder / "stale.html").exists()
    assert neighbour.read_text() == "not part of the site"


def test_remote_that_goes_away_mid_publish_is_reported(
    remote: tuple[Project, str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, dest, folder = remote
    project.publish(dest=dest)
    project.edit(POLICE, "Edited.")
    before = snapshot(folder)
    down = tmp_path / "down-ssh"
    down.write_text(
        "#!/bin/sh\necho 'ssh: connect to host web.example.org: Connection refused' >&2\nexit 255\n"
    )
    down.chmod(0o755)

    with pytest.raises(PublishError) as err:
        project.publish(dest=dest, before_deploy=lambda: monkeypatch.setenv("RSYNC_RSH", str(down)))

    assert str(err.value).startswith(f"rsync to {dest} failed (exit ")
    assert "Connection refused" in str(err.value)
    assert snapshot(folder) == before
