"""`invoke publish` refuses folders it must never build into, publish to or delete in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from tools.publish import PublishError, publish_site, unsafe_reason


def _never(site: Path) -> None:
    raise AssertionError("a refused publish must not even build")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project shaped like Breakout's (content/, theme/, plugins/), under git, tracked docs/."""
    project = tmp_path / "project"
    for name in ("content", "theme", "plugins", "docs"):
        (project / name).mkdir(parents=True)
    (project / "content" / "writeups").mkdir()
    (project / "docs" / "notes.md").write_text("tracked\n")
    _git(project, "init", "-q")
    _git(project, "add", "docs/notes.md")
    _git(project, "commit", "-q", "-m", "docs")
    return project


def refusal(root: Path, **kw: str) -> str:
    """The PublishError message publish_site gives (it must refuse before building)."""
    kw.setdefault("staging", str(root / "staging"))
    with pytest.raises(PublishError) as err:
        publish_site(
            root=root,
            conf=ROOT / "publishconf.py",
            content=FIXTURES / "publish-site",
            after_build=_never,
            echo=lambda line: None,
            **kw,
        )
    return str(err.value)


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (".", "the repository root"),
        ("content", "the content folder (content/)"),
        ("content/writeups", "inside the content folder (content/)"),
        ("theme", "the theme folder (theme/)"),
        ("plugins", "the plugins folder (plugins/)"),
        ("output", "the local build folder (output/)"),
        ("staging", "the staging folder"),
        ("staging/site", "inside the staging folder"),
        ("docs", "a folder holding files tracked by git"),
        ("..", "a folder that contains the repository"),
    ],
)
def test_refuses_project_folders_as_destination(root: Path, where: str, reason: str) -> None:
    dest = str(root / where) if where != "." else str(root)
    if where == "..":
        dest = str(root.parent)
    assert refusal(root, dest=dest) == f"refusing destination {dest}: it is {reason}"


def test_refuses_filesystem_root_and_home(root: Path) -> None:
    assert refusal(root, dest="/") == "refusing destination /: it is the filesystem root /"
    home = os.path.realpath(Path.home())
    assert refusal(root, dest=home) == f"refusing destination {home}: it is your home folder"


def test_sees_through_a_symlinked_path(root: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    dest = str(alias / "content")
    assert (
        refusal(root, dest=dest)
        == f"refusing destination {dest}: it is the content folder (content/)"
    )


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (".", "the repository root"),
        ("content", "the content folder (content/)"),
        ("theme", "the theme folder (theme/)"),
        ("output", "the local build folder (output/)"),
    ],
)
def test_refuses_project_folders_as_staging(
    root: Path, tmp_path: Path, where: str, reason: str
) -> None:
    staging = str(root / where) if where != "." else str(root)
    message = refusal(root, dest=str(tmp_path / "site"), staging=staging)
    assert message == f"refusing staging folder {staging}: it is {reason}"


def test_refuses_a_staging_folder_holding_foreign_files(root: Path, tmp_path: Path) -> None:
    staging = tmp_path / "mine"
    staging.mkdir()
    (staging / "thesis.tex").write_text("precious")
    message = refusal(root, dest=str(tmp_path / "site"), staging=str(staging))
    assert message == (
        f"the staging folder {staging} holds files Breakout did not put there; "
        "move them away or choose another staging folder"
    )
    assert (staging / "thesis.tex").read_text() == "precious"


@pytest.mark.parametrize(
    ("dest", "reason"),
    [
        ("web.example.org:", "the remote home folder"),
        ("deploy@web.example.org:~", "the remote home folder"),
        ("deploy@web.example.org:~/", "the remote home folder"),
        ("web.example.org:.", "the remote home folder"),
        ("web.example.org:/", "the remote filesystem root /"),
        ("web.example.org:/srv", "a top-level folder of the remote machine"),
        ("web.example.org:www/../..", "a path with '..' in it"),
    ],
)
def test_refuses_remote_paths_that_reach_too_far(root: Path, dest: str, reason: str) -> None:
    assert refusal(root, dest=dest) == f"refusing destination {dest}: it is {reason}"


@pytest.mark.parametrize(
    ("dest", "advice"),
    [
        (
            "u@h://srv",
            "'u@h' is not a URL scheme; for rsync over ssh write u@h:/srv "
            "(user@host: then the remote folder)",
        ),
        (
            "deploy@web.example.org://srv/www/site",
            "'deploy@web.example.org' is not a URL scheme; for rsync over ssh write "
            "deploy@web.example.org:/srv/www/site (user@host: then the remote folder)",
        ),
        (
            "ssh://deploy@web.example.org/srv/www/site",
            "for rsync over ssh write deploy@web.example.org:/srv/www/site",
        ),
        (
            "ssh://web.example.org:2222/srv/www/site",
            "for rsync over ssh write web.example.org:/srv/www/site "
            "(and give the port with RSYNC_RSH='ssh -p 2222')",
        ),
        (
            "rsync://web.example.org/site",
            "rsync daemons are not supported; for rsync over ssh write web.example.org:/site",
        ),
        ("s3://bucket/blog", "for object storage use --s3 s3://bucket/blog"),
        (
            "https://github.com/example/site.git",
            "for a git repository use --gh-pages https://github.com/example/site.git",
        ),
        ("file:///srv/www/site", "for a local folder write /srv/www/site"),
    ],
)
def test_refuses_a_dest_that_looks_like_a_url(root: Path, dest: str, advice: str) -> None:
    # Before: "u@h://srv" was taken as a relative local folder named "u@h:".
    assert refusal(root, dest=dest) == (
        f"refusing destination {dest}: --dest takes a local folder or user@host:path, "
        f"not a URL; {advice}"
    )
    assert not (root / "u@h:").exists()


def test_needs_exactly_one_destination(root: Path) -> None:
    assert refusal(root) == (
        "no destination: pass --dest PATH, --dest user@host:path, --gh-pages REPO or "
        "--s3 s3://bucket/prefix, or set BREAKOUT_DEST, BREAKOUT_GH_PAGES or BREAKOUT_S3 "
        "(e.g. in publish.local.env)"
    )
    assert refusal(root, dest="/srv/www/site", gh_pages="/srv/git/site.git") == (
        "2 destinations given (--dest /srv/www/site, --gh-pages /srv/git/site.git); choose one "
        "(check BREAKOUT_DEST, BREAKOUT_GH_PAGES and BREAKOUT_S3 in the environment and "
        "publish.local.env)"
    )
    assert refusal(root, dest="/srv/www/site", s3="s3://site/blog").startswith(
        "2 destinations given (--dest /srv/www/site, --s3 s3://site/blog); choose one"
    )
    assert refusal(root, dest="/srv/www/site", prefix="/") == (
        "--prefix goes with --s3 s3://bucket; there is no --s3 here"
    )


def test_refuses_the_default_branch_and_bad_branch_names(root: Path, tmp_path: Path) -> None:
    repo = tmp_path / "site.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(repo)], check=True)
    assert refusal(root, gh_pages=str(repo), branch="main") == (
        f"refusing to publish onto 'main', the default branch of {repo}: that would "
        "replace its files with the site; use a separate branch such as gh-pages"
    )
    assert (
        refusal(root, gh_pages=str(repo), branch="bad..name")
        == "'bad..name' is not a valid branch name"
    )


def test_unsafe_reason_allows_an_ordinary_folder(root: Path, tmp_path: Path) -> None:
    assert unsafe_reason(tmp_path / "www" / "site", root=root, staging=root / "staging") is None
    assert unsafe_reason(root / "public", root=root, staging=root / "staging") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dest", "/"], "publish: refusing destination /: it is the filesystem root /"),
        (
            ["--dest", "u@h://srv"],
            "publish: refusing destination u@h://srv: --dest takes a local folder or "
            "user@host:path, not a URL; 'u@h' is not a URL scheme; for rsync over ssh write "
            "u@h:/srv (user@host: then the remote folder)",
        ),
        (
            ["--s3", "s3://breakout-site"],
            "publish: s3://breakout-site names no prefix: publishing to the root of bucket "
            "breakout-site would delete every object there that the site does not have. Give "
            "s3://breakout-site/PREFIX, or --prefix / if the whole bucket is the site's",
        ),
        (
            ["--s3", "s3://breakout-site/www"],
            "publish: no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
            "AWS_ENDPOINT_URL for storage other than AWS) in the environment or publish.local.env",
        ),
        (
            ["--dest", str(ROOT / "content")],
            f"publish: refusing destination {ROOT / 'content'}: it is the content folder (content/)",
        ),
    ],
)
def test_invoke_publish_refuses_with_a_clear_message(args: list[str], message: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BREAKOUT_", "AWS_"))}
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "publish", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == message
