"""A build leaves in its output exactly the files it wrote; a failed build leaves the old output.

Builds write into a fresh folder beside the output and swap it in when they succeed
(tools/build.py); the memo and the feeds carry unchanged files over from the live output.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import breakout_memo.glue as memo_glue
import pytest
from breakout_kernel import build as kernel_build
from breakout_kernel.errors import BuildFailed
from breakout_memo.stats import Stats
from conftest import FIXTURES, build_site

from tools.build import STAGING_MARK, OutputInTheWay, spare_folder, staging_folders
from tools.golden import compare_trees
from tools.removal import wait_until_removed

OFF = {"BREAKOUT_SEARCH": {"ENABLED": False}}
PCC = "2012/blc12-pcc/index.html"
POLICE = "2011/ukgc11-police/index.html"
OPEN_DATA = "2011/ukgc11-open-data/index.html"
FEED = "events/bluelightcamp-2012/rss.xml"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the memo fixture's content in tmp_path/content."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "memo-site", content)
    return content


def build(content: Path, output: Path) -> Stats:
    """Build with the cache beside the output; the memo's stats of the build."""
    build_site(content, output, cache=output.parent / "cache", **OFF)
    this = kernel_build.current()
    memo = memo_glue.current(this.settings) if this is not None else None
    assert memo is not None
    return memo.stats


def folders(tree: Path) -> list[str]:
    """Every folder under tree (empty ones too), relative."""
    return sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_dir())


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under folder: bytes and mtime."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_a_build_leaves_exactly_the_files_it_wrote(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(site, output)
    assert (output / PCC).is_file()
    # A renamed write-up, and a page an earlier build (say, a failed one) left behind.
    (site / "writeups" / "2012" / "blc12-pcc.md").rename(site / "writeups" / "2012" / "pcc.md")
    (output / "people" / "me").mkdir()
    (output / "people" / "me" / "index.html").write_text("stale", encoding="utf-8")
    beside = tmp_path / "notes.txt"
    beside.write_text("not the build's", encoding="utf-8")
    warm = build(site, output)
    assert warm.skipped > 0  # still a warm build
    assert not (output / PCC).exists()
    assert not (output / "people" / "me").exists()
    assert (output / "2012" / "pcc" / "index.html").is_file()
    cold = tmp_path / "cold"
    build_site(site, cold, cache=tmp_path / "cold-cache", **OFF)
    assert compare_trees(cold, output) == []
    # The live output's folders were made ahead (tools/skeleton.py); people/me was not used.
    assert folders(output) == folders(cold)
    assert beside.read_text(encoding="utf-8") == "not the build's"
    # The replaced output is emptied by a detached child (tools/removal.py); its folders
    # are kept beside the output for the next build, with no file but the staging mark.
    assert wait_until_removed(staging_folders(output)[1])
    spare = spare_folder(output)
    assert [p.relative_to(spare).as_posix() for p in spare.rglob("*") if not p.is_dir()] == [
        STAGING_MARK
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".output.breakout-spare",
        "cache",
        "cold",
        "cold-cache",
        "content",
        "notes.txt",
        "output",
    ]


def test_a_failed_build_leaves_the_previous_output_as_it_was(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(site, output)
    before = snapshot(output)
    police = site / "writeups" / "2011" / "ukgc11-police.md"
    police.write_text(
        police.read_text(encoding="utf-8").replace("Event: ukgovcamp-2011", "Event: ukgc-11"),
        encoding="utf-8",
    )
    new = site / "writeups" / "2012" / "blc12-new.md"
    new.write_text(
        "Title: New\nDate: 2012-05-01\nEvent: bluelightcamp-2012\nSession: New\n\nA new write-up.\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed):
        build(site, output)
    assert snapshot(output) == before
    assert not any(p.exists() for p in staging_folders(output))


def test_a_warm_rebuild_carries_unchanged_pages_over(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(site, output)
    inode = (output / OPEN_DATA).stat().st_ino
    feed_inode = (output / FEED).stat().st_ino
    police = site / "writeups" / "2011" / "ukgc11-police.md"
    police.write_text(
        police.read_text(encoding="utf-8").replace("- Listen more", "- Listen much more"),
        encoding="utf-8",
    )
    warm = build(site, output)
    assert warm.rendered_names == [POLICE]
    # The same file (a hard link into the new output), not a rendering of it.
    assert (output / OPEN_DATA).stat().st_ino == inode
    assert (output / FEED).stat().st_ino == feed_inode
    assert "Listen much more" in (output / POLICE).read_text(encoding="utf-8")


def test_a_folder_in_the_way_is_refused_not_removed(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    new, _old = staging_folders(output)
    new.mkdir()
    (new / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(OutputInTheWay, match="was not made by it"):
        build(site, output)
    assert (new / "mine.txt").read_text(encoding="utf-8") == "keep"
    assert not output.exists()


def test_an_unchanged_redirect_page_is_carried_over_and_a_spoilt_one_made_again(
    site: Path, tmp_path: Path
) -> None:
    """Session redirect pages are compared with the live ones, not written every build."""
    (site / "writeups" / "2012" / "blc12-long.md").write_text(
        "Title: Long\nDate: 2012-05-01\nEvent: bluelightcamp-2012\n"
        "Session: Should police and crime commissioner candidates use social media during "
        "the election campaign at all\n\nA write-up of a session with a long title.\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    build(site, output)
    redirects = [
        p
        for p in (output / "events" / "bluelightcamp-2012").rglob("index.html")
        if 'http-equiv="refresh"' in p.read_text(encoding="utf-8")
    ]
    assert len(redirects) == 1
    page = redirects[0]
    made = page.read_bytes()
    inode = page.stat().st_ino
    build(site, output)
    assert page.stat().st_ino == inode  # the live file, linked into the new output
    page.write_text("spoilt", encoding="utf-8")
    build(site, output)
    assert page.read_bytes() == made


def test_a_page_whose_name_was_a_folder_in_the_last_output_is_written(
    site: Path, tmp_path: Path
) -> None:
    # The last output had archives/index.html; now the archives page is the file `archives`.
    # The live output's folders are made in the fresh one ahead of the writers (skeleton),
    # so a folder named archives stands where the page goes until the writer removes it.
    output = tmp_path / "output"
    build(site, output)
    assert (output / "archives" / "index.html").is_file()
    moved = {**OFF, "ARCHIVES_SAVE_AS": "archives"}
    build_site(site, output, cache=tmp_path / "cache", **moved)
    assert (output / "archives").is_file()
    cold = tmp_path / "cold"
    build_site(site, cold, cache=tmp_path / "cold-cache", **moved)
    assert compare_trees(cold, output) == []
    assert folders(output) == folders(cold)


def test_a_rebuild_starts_from_the_spare_folders_and_leaves_none_empty(
    site: Path, tmp_path: Path
) -> None:
    # Build 3 starts from build 1's folders (the spare): the folder of a write-up renamed
    # in build 3 is there from the spare and from the live output, and must not stay.
    output = tmp_path / "output"
    build(site, output)
    build(site, output)
    spare = spare_folder(output)
    assert wait_until_removed(staging_folders(output)[1])
    assert (spare / Path(PCC).parent).is_dir()
    inode = spare.stat().st_ino
    (site / "writeups" / "2012" / "blc12-pcc.md").rename(site / "writeups" / "2012" / "pcc.md")
    warm = build(site, output)
    assert warm.skipped > 0
    assert output.stat().st_ino == inode  # the spare became the output
    assert not (output / Path(PCC).parent).exists()
    cold = tmp_path / "cold"
    build_site(site, cold, cache=tmp_path / "cold-cache", **OFF)
    assert compare_trees(cold, output) == []
    assert folders(output) == folders(cold)


def test_a_spare_is_not_taken_for_a_build_without_a_live_output(site: Path, tmp_path: Path) -> None:
    # No live output means no skeleton to clear the spare's unused folders: it waits.
    output = tmp_path / "output"
    spare = spare_folder(output)
    (spare / "people" / "gone").mkdir(parents=True)
    (spare / STAGING_MARK).touch()
    build(site, output)
    assert (spare / "people" / "gone").is_dir()
    assert not (output / "people" / "gone").exists()
