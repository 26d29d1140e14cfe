"""`invoke publish`: real builds, real checks, real rsync into local release folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, build_site, project_folder

from tools.golden import compare_trees
from tools.publish import (
    Changes,
    PublishError,
    PublishResult,
    locked,
    parse_itemize,
    publish_site,
)

SITEURL = "https://breakout.test"
POLICE = Path("writeups/2011/police.md")


class Project:
    """A throwaway project folder holding a copy of the publish fixture as its content."""

    def __init__(self, tmp: Path) -> None:
        self.root = tmp / "project"
        self.content = self.root / "content"
        shutil.copytree(FIXTURES / "publish-site", self.content)
        self.staging = self.root / "staging"
        self.www = tmp / "www"
        self.www.mkdir()
        self.dest = self.www / "site"
        self.echoed: list[str] = []

    def publish(self, **kw: Any) -> PublishResult:
        """publish_site with the real publishconf.py, the real checks and SITEURL set."""
        kw.setdefault("dest", str(self.dest))
        return publish_site(
            root=self.root,
            conf=ROOT / "publishconf.py",
            content=self.content,
            staging=self.staging,
            overrides={"SITEURL": SITEURL},
            echo=self.echoed.append,
            **kw,
        )

    def edit(self, rel: Path, extra: str) -> None:
        """Append a paragraph to a content file."""
        path = self.content / rel
        path.write_text(path.read_text() + f"\n{extra}\n")


def snapshot(folder: Path) -> dict[str, Any]:
    """Everything about a tree that a deploy could change: bytes, inodes, mtimes, link targets."""
    state: dict[str, Any] = {}
    for current, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(current, name)
            rel = path.relative_to(folder).as_posix()
            st = path.lstat()
            if path.is_symlink():
                state[rel] = ("link", os.readlink(path))
            elif path.is_file():
                state[rel] = ("file", path.read_bytes(), st.st_ino, st.st_mtime_ns)
            else:
                state[rel] = ("dir",)
    return state


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.fixture
def published(project: Project) -> Project:
    """A project already published once to its local destination."""
    project.publish()
    project.echoed.clear()
    return project


def test_first_publish_makes_a_release_and_points_the_destination_at_it(project: Project) -> None:
    result = project.publish()

    assert project.dest.is_symlink()
    assert os.readlink(project.dest) == "site.releases/000001"
    assert result.release == project.www / "site.releases" / "000001"
    # The live site is exactly the checked staging build, built with the production SITEURL.
    assert compare_trees(project.staging / "site", project.dest) == []
    page = (project.dest / "2011" / "police" / "index.html").read_text()
    assert f'href="{SITEURL}/' in page
    assert "Checks passed." in project.echoed
    assert project.echoed[-1].startswith(f"Published to {project.dest} (release 000001): add ")


def test_drafts_are_never_published(project: Project) -> None:
    """A draft is built under /drafts/ to review locally; no file of the published site has it."""
    (project.content / "writeups" / "2011" / "private-notes.md").write_text(
        "Title: Private notes\nDate: 2011-01-24\nEvent: ukgovcamp-2011\n"
        "Session: Police and social media\nStatus: draft\n\nPRIVATE-DRAFT-TEXT by @nickkeane\n",
        "utf-8",
    )
    (project.content / "comments" / "private-notes").mkdir(parents=True)
    (project.content / "comments" / "private-notes" / "001.md").write_text(
        "Author: Sam\nDate: 2011-02-01\n\nPRIVATE-DRAFT-COMMENT\n", "utf-8"
    )
    local = project.root / "local"
    build_site(project.content, local)
    assert "PRIVATE-DRAFT-TEXT" in (local / "drafts" / "private-notes" / "index.html").read_text()

    project.publish()
    assert not (project.dest / "drafts").exists()
    for path in project.dest.rglob("*"):
        if path.is_file() and path.suffix != ".png":
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "PRIVATE-DRAFT" not in text and "private-notes" not in text, path


def test_second_publish_changes_only_what_changed(published: Project) -> None:
    p = published
    first = p.www / "site.releases" / "000001"
    before = snapshot(first)

    p.edit(POLICE, "A late addition to the write-up.")
    result = p.publish()

    second = p.www / "site.releases" / "000002"
    assert os.readlink(p.dest) == "site.releases/000002"
    assert "2011/police/index.html" in result.changes.changed
    # Pagefind names its index shards by content hash, so an edit adds and removes a few
    # of those; nothing else may appear or disappear.
    moved = result.changes.added + result.changes.removed
    assert moved and all(path.startswith("pagefind/") for path in moved)
    assert "A late addition" in (p.dest / "2011/police/index.html").read_text()
    # Files whose bytes did not change are the very same files (hard links), not copies.
    for unchanged in ("theme/css/breakout.css", "2012/open-data/index.html", "about/index.html"):
        assert unchanged not in result.changes.changed
        assert (first / unchanged).stat().st_ino == (second / unchanged).stat().st_ino
    assert (first / "2011/police/index.html").stat().st_ino != (
        second / "2011/police/index.html"
    ).stat().st_ino
    # The previous release is kept, untouched, for rollback.
    assert snapshot(first) == before


def test_old_releases_are_pruned_keeping_the_previous_one(published: Project) -> None:
    p = published
    for n in (2, 3):
        p.edit(POLICE, f"Addition number {n}.")
        p.publish()
    releases = sorted(x.name for x in (p.www / "site.releases").iterdir())
    assert releases == [".lock", "000002", "000003"]
    assert os.readlink(p.dest) == "site.releases/000003"


def test_publishing_an_unchanged_site_switches_nothing(published: Project) -> None:
    before = snapshot(published.www)
    result = published.publish()
    assert result.changes.empty and result.release is None
    assert snapshot(published.www) == before
    assert published.echoed[-1] == f"{published.dest} already holds this site; nothing to publish."


def test_dry_run_lists_changes_and_touches_nothing(published: Project) -> None:
    p = published
    before = snapshot(p.www)
    p.edit(POLICE, "Edited.")
    (p.content / "pages" / "about.md").unlink()
    new = p.content / "writeups" / "2012" / "second.md"
    new.write_text(
        "Title: A second session\nDate: 2012-04-15\nEvent: bluelightcamp-2012\n"
        "Session: Radios\nId: tag:breakout,2012-04-15:second\n\nBody.\n"
    )

    result = p.publish(dry_run=True)

    assert snapshot(p.www) == before
    assert "2012/second/index.html" in result.changes.added
    assert "about/index.html" in result.changes.removed
    assert "2011/police/index.html" in result.changes.changed
    assert "theme/css/breakout.css" not in result.changes.changed
    assert "add 2012/second/index.html" in p.echoed
    assert "remove about/index.html" in p.echoed
    assert "change 2011/police/index.html" in p.echoed
    summary = result.changes.summary()
    assert p.echoed[-1] == f"Dry run for {p.dest}: {summary}; nothing was changed."
    n_add, n_change, n_remove = (
        len(x) for x in (result.changes.added, result.changes.changed, result.changes.removed)
    )
    assert summary == f"add {n_add} / change {n_change} / remove {n_remove}"


def test_dry_run_of_a_first_publish_lists_every_file_as_added(project: Project) -> None:
    result = project.publish(dry_run=True)
    assert not os.path.lexists(project.dest)
    assert not (project.www / "site.releases").exists()
    assert "index.html" in result.changes.added
    assert result.changes.changed == [] and result.changes.removed == []


# --- failures leave the live site exactly as it was ----------------------------------------


def _inject(rel: str, old: str, new: str) -> Callable[[Path], None]:
    """An after_build hook replacing text in one staged file (a fault the checks must catch)."""

    def hook(site: Path) -> None:
        path = site / rel
        text = path.read_text()
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1))

    return hook


def test_a_broken_internal_link_stops_the_publish(published: Project) -> None:
    p = published
    before = snapshot(p.www)
    p.edit(POLICE, "This edit must not go live.")
    hook = _inject("index.html", "</main>", f'<a href="{SITEURL}/nowhere/">x</a></main>')

    with pytest.raises(PublishError) as err:
        p.publish(after_build=hook)

    assert "index.html: broken link https://breakout.test/nowhere/" in p.echoed
    assert f"nothing was published and {p.dest} is unchanged" in str(err.value)
    assert snapshot(p.www) == before


def test_a_broken_anchor_stops_the_publish(published: Project) -> None:
    p = published
    before = snapshot(p.www)
    hook = _inject("2011/police/index.html", 'id="agreed"', 'id="renamed"')

    with pytest.raises(PublishError):
        p.publish(after_build=hook)

    assert f"2012/open-data/index.html: broken anchor {SITEURL}/2011/police/#agreed" in p.echoed
    assert snapshot(p.www) == before


def test_an_invalid_feed_stops_the_publish(published: Project) -> None:
    p = published
    before = snapshot(p.www)

    def break_feed(site: Path) -> None:
        feed = site / "feeds" / "all.atom.xml"
        feed.write_bytes(feed.read_bytes()[: len(feed.read_bytes()) // 2])

    with pytest.raises(PublishError):
        p.publish(after_build=break_feed)

    assert any(line.startswith("feeds/all.atom.xml") for line in p.echoed), p.echoed
    assert snapshot(p.www) == before


def test_a_missing_page_stops_the_publish(published: Project) -> None:
    p = published
    before = snapshot(p.www)

    with pytest.raises(PublishError):
        p.publish(after_build=lambda site: (site / "2012/open-data/index.html").unlink())

    assert (
        "content/writeups/2012/open-data.md: its page 2012/open-data/index.html is missing from the output"
        in p.echoed
    )
    assert snapshot(p.www) == before


def test_a_failed_build_publishes_nothing(published: Project) -> None:
    p = published
    before = snapshot(p.www)
    (p.content / "writeups/2011/bad.md").write_text("Title: No event\nDate: 2011-01-23\n\nBody.\n")

    with pytest.raises(PublishError) as err:
        p.publish()

    assert "the build failed" in str(err.value) and "nothing was published" in str(err.value)
    assert snapshot(p.www) == before


def test_invoke_publish_shows_what_failed_the_build(tmp_path: Path) -> None:
    """The task prints the build's problems by file and line before saying it published nothing."""
    project = project_folder(tmp_path, "publish-site")  # the real task, never this repository
    (project / "content/writeups/2011/bad.md").write_text(
        "Title: No event\nDate: 2011-01-23\nEvent: ukgc-11\nSession: S\n\nBody.\n"
    )
    (tmp_path / "www").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BREAKOUT_", "AWS_"))}
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "publish", "--dest", str(tmp_path / "www" / "site")],
        cwd=project, env={**env, "SITEURL": SITEURL}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    problems = [line for line in done.stderr.splitlines() if line.startswith("content/")]
    assert problems and problems[0].startswith(
        "content/writeups/2011/bad.md:3: unknown event 'ukgc-11' (known: "
    ), done.stderr
    assert done.stderr.strip().splitlines()[-1].endswith("nothing was published")
    assert list((tmp_path / "www").iterdir()) == []


def test_destination_removed_before_the_deploy_stops_it(published: Project) -> None:
    p = published
    releases = p.www / "site.releases"
    before = snapshot(releases)

    with pytest.raises(PublishError) as err:
        p.publish(before_deploy=lambda: p.dest.unlink())

    assert str(err.value) == (
        f"the destination {p.dest} changed or disappeared while the site was being built; "
        "nothing was deployed"
    )
    assert not os.path.lexists(p.dest)  # not silently re-created
    assert snapshot(releases) == before  # the earlier site is intact, no new release


def test_destination_vanishing_mid_deploy_stops_before_the_switch(published: Project) -> None:
    p = published
    p.edit(POLICE, "Edited.")
    before = snapshot(p.www)
    moved = p.www.with_name("www-elsewhere")

    def vanish(release: Path) -> None:
        # The new release is complete; now the whole destination folder goes away.
        p.www.rename(moved)

    with pytest.raises(PublishError) as err:
        p.publish(before_switch=vanish)

    assert str(err.value) == (
        f"the destination {p.dest} changed or disappeared during the publish; it was not "
        "switched, and whatever it showed before is untouched"
    )
    after = snapshot(moved)
    # Beside the new release (complete, never live) everything is byte for byte as before.
    assert {k: v for k, v in after.items() if not k.startswith("site.releases/000002")} == before
    assert after["site"] == ("link", "site.releases/000001")


def test_a_real_folder_at_the_destination_is_refused_with_how_to_migrate(project: Project) -> None:
    project.dest.mkdir()
    (project.dest / "index.html").write_text("the old site")
    before = snapshot(project.www)

    with pytest.raises(PublishError) as err:
        project.publish()

    message = str(err.value)
    assert message.startswith(f"{project.dest} is a real folder, not a symlink to a release.")
    assert snapshot(project.www) == before
    # Following the message's instructions adopts the old site as release 000001.
    command = message.split("run once:\n", 1)[1].split("\n", 1)[0].strip()
    subprocess.run(command, shell=True, check=True)
    project.publish()
    assert os.readlink(project.dest) == "site.releases/000002"
    assert (project.www / "site.releases/000001/index.html").read_text() == "the old site"


def test_a_symlink_pointing_elsewhere_is_refused(project: Project) -> None:
    other = project.www / "other"
    other.mkdir()
    project.dest.symlink_to(other)
    with pytest.raises(PublishError) as err:
        project.publish()
    assert str(err.value) == (
        f"{project.dest} is a symlink to {other}, not to a release in "
        f"{project.www / 'site.releases'}; refusing to replace it"
    )


def test_a_missing_parent_folder_is_refused(project: Project) -> None:
    dest = project.www / "no" / "site"
    with pytest.raises(PublishError) as err:
        project.publish(dest=str(dest))
    assert str(err.value) == f"the folder {dest.parent} that should hold site does not exist"
    assert not (project.www / "no").exists()


def test_parse_itemize_counts_files_by_content_only() -> None:
    output = "\n".join(
        [
            "created directory /srv/site",
            "cd+++++++++ 2024/",
            ">f+++++++++ 2024/new/index.html",
            ">fcs....... index.html",
            ">f..T...... touched-but-same-size.html",
            ".f...p..... perms-only.css",
            "cL+++++++++ latest",
            "*deleting   old/index.html",
            "*deleting   old/",
        ]
    )
    changes = parse_itemize(output)
    assert changes.added == ["2024/new/index.html", "latest"]
    assert changes.changed == ["index.html", "touched-but-same-size.html"]
    assert changes.removed == ["old/index.html"]


def test_change_lines_are_capped_per_kind() -> None:
    changes = Changes(added=[f"p{i}.html" for i in range(5)], removed=["gone.html"])
    assert changes.lines(limit=2) == [
        "add p0.html",
        "add p1.html",
        "add … and 3 more",
        "remove gone.html",
    ]
    assert changes.summary() == "add 5 / change 0 / remove 1"


def test_a_second_publish_at_the_same_time_is_refused(published: Project) -> None:
    before = snapshot(published.www)
    with locked(published.staging, "the staging folder"), pytest.raises(PublishError) as err:
        published.publish()
    assert str(err.value) == (
        f"another publish is using the staging folder {published.staging}; try again when it ends"
    )
    assert snapshot(published.www) == before
