"""The fresh-output build's two helper processes: the folder maker and the detached remover.

tools/skeleton.py makes the live output's folders in the fresh one ahead of the writers;
tools/removal.py removes the replaced output after the build has returned. Both are real
child processes here; the builds that use them are in tests/test_fresh_output.py.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, build_site

from tools import removal, skeleton
from tools.build import STAGING_MARK, spare_folder, staging_folders
from tools.kept import kept_folder

OFF = {"BREAKOUT_SEARCH": {"ENABLED": False}}


def tree(root: Path, files: list[str], folders: list[str] = ()) -> Path:  # type: ignore[assignment]
    """Make root with these files (text "x") and these empty folders."""
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    for name in folders:
        (root / name).mkdir(parents=True, exist_ok=True)
    return root


def relative_folders(root: Path) -> list[str]:
    """Every folder under root, relative and sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())


def test_copy_folders_makes_the_folders_that_hold_something_parents_first(tmp_path: Path) -> None:
    source = tree(tmp_path / "live", ["a/b/index.html", "d/index.html", "top.html"], ["c", "a/e"])
    target = tmp_path / "new"
    (target / "d").mkdir(parents=True)  # a writer got there first
    made = skeleton.copy_folders(str(source), str(target))
    assert made == [str(target / "a"), str(target / "a" / "b")]
    assert relative_folders(target) == ["a", "a/b", "d"]  # no empty c or a/e, no files
    assert not (target / "top.html").exists()


def test_finish_removes_the_folders_the_build_left_empty(tmp_path: Path) -> None:
    source = tree(
        tmp_path / "live", ["people/ann/index.html", "people/bob/index.html", "x/y/z.html"]
    )
    target = tmp_path / "new"
    target.mkdir()
    ahead = skeleton.start(source, target)
    assert ahead is not None
    deadline = time.monotonic() + 30
    while not (target / "people" / "ann").is_dir():  # the child works on its own
        assert time.monotonic() < deadline
        time.sleep(0.01)
    (target / "people" / "ann" / "index.html").write_text("new", encoding="utf-8")
    ahead.finish()
    assert relative_folders(target) == ["people", "people/ann"]
    assert (target / "people" / "ann" / "index.html").read_text(encoding="utf-8") == "new"


def test_no_skeleton_without_a_live_output(tmp_path: Path) -> None:
    assert skeleton.start(tmp_path / "missing", tmp_path / "new") is None


def test_abandon_stops_the_child(tmp_path: Path) -> None:
    source = tree(tmp_path / "live", [f"p/{n}/index.html" for n in range(300)])
    target = tmp_path / "new"
    target.mkdir()
    ahead = skeleton.start(source, target)
    assert ahead is not None
    ahead.abandon()
    shutil.rmtree(target)  # as a failed build does; nothing recreates it afterwards
    time.sleep(0.1)
    assert not target.exists()


def test_remove_later_renames_at_once_and_a_detached_child_removes(tmp_path: Path) -> None:
    old = tree(tmp_path / ".output.breakout-old", ["a/index.html", "b/c/index.html"])
    (old / STAGING_MARK).touch()
    moved = removal.remove_later(old, STAGING_MARK)
    assert not old.exists()  # the name is free for the next build at once
    assert moved.parent == tmp_path and moved.name.startswith(".output.breakout-old.")
    assert removal.wait_until_removed(old, timeout=30)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_with_a_spare_the_child_keeps_the_folders_and_removes_every_file(tmp_path: Path) -> None:
    old = tree(tmp_path / ".output.breakout-old", ["a/index.html", "b/c/index.html"], ["d"])
    (old / STAGING_MARK).touch()
    (tmp_path / "elsewhere.html").write_text("x", encoding="utf-8")
    (old / "b" / "link").symlink_to(tmp_path / "elsewhere.html")
    (old / "b" / "folder-link").symlink_to(old / "a", target_is_directory=True)
    spare = tmp_path / ".output.breakout-spare"
    removal.remove_later(old, STAGING_MARK, spare)
    assert removal.wait_until_removed(old, timeout=30)
    assert relative_folders(spare) == ["a", "b", "b/c", "d"]
    assert sorted(p.name for p in spare.rglob("*") if not p.is_dir()) == [STAGING_MARK]
    assert (tmp_path / "elsewhere.html").read_text(encoding="utf-8") == "x"  # not followed


def test_with_a_spare_already_there_the_child_removes_the_whole_tree(tmp_path: Path) -> None:
    old = tree(tmp_path / ".output.breakout-old", ["a/index.html"])
    (old / STAGING_MARK).touch()
    spare = tree(tmp_path / ".output.breakout-spare", [], ["kept"])
    removal.remove_later(old, STAGING_MARK, spare)
    assert removal.wait_until_removed(old, timeout=30)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.breakout-spare"]
    assert relative_folders(spare) == ["kept"]


def test_a_file_the_remover_cannot_remove_keeps_the_tree_from_becoming_the_spare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A spare must hold no file: the next build would publish it.
    old = tree(tmp_path / ".output.breakout-old.1-2", ["a/index.html", "b/stuck.html"])
    (old / STAGING_MARK).touch()
    spare = tmp_path / ".output.breakout-spare"
    unlink = os.unlink

    def refuse_stuck(path: str, *args: object, **kwargs: object) -> None:
        if str(path).endswith("stuck.html"):
            raise PermissionError(1, "Operation not permitted", str(path))
        unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", refuse_stuck)
    removal.remove_tree(str(old), STAGING_MARK, str(spare))
    assert not spare.exists()
    assert [p.relative_to(old).as_posix() for p in old.rglob("*") if p.is_file()] == [
        "b/stuck.html"
    ]


def test_finish_after_a_spare_removes_its_folders_the_build_left_empty(tmp_path: Path) -> None:
    source = tree(tmp_path / "live", ["people/ann/index.html", "people/bob/index.html"])
    target = tree(tmp_path / "new", [], ["people/ann", "people/gone/feed", "2011/old"])
    ahead = skeleton.start(source, target, spare=True)
    assert ahead is not None
    (target / "people" / "ann" / "index.html").write_text("new", encoding="utf-8")
    ahead.finish()
    assert relative_folders(target) == ["people", "people/ann"]


def test_leftovers_of_a_dead_remover_are_removed_others_left_alone(tmp_path: Path) -> None:
    old = tmp_path / ".output.breakout-old"
    dead = tree(tmp_path / ".output.breakout-old.1-2", ["a/index.html"])
    (dead / STAGING_MARK).touch()
    busy = tree(tmp_path / ".output.breakout-old.3-4", ["a/index.html"])
    (busy / STAGING_MARK).touch()
    foreign = tree(tmp_path / ".output.breakout-old.notes", ["mine.txt"])  # no mark: not ours
    fd = os.open(busy / STAGING_MARK, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a remover at work holds it
    try:
        assert removal.being_removed(busy, STAGING_MARK)
        assert not removal.being_removed(dead, STAGING_MARK)
        removal.remove_leftovers(old, STAGING_MARK)
        deadline = time.monotonic() + 30
        while dead.exists():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.2)  # a remover started for the busy one would have gone to work by now
        assert (busy / "a" / "index.html").is_file()
    finally:
        os.close(fd)
    assert (foreign / "mine.txt").read_text(encoding="utf-8") == "x"
    assert removal.leftovers(old) == [busy, foreign]


def test_a_build_removes_what_a_killed_remover_left(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "memo-site", content)
    output = tmp_path / "output"
    build_site(content, output, **OFF)
    _new, old = staging_folders(output)
    left = tree(old.with_name(old.name + ".99-1"), ["2011/index.html"])
    (left / STAGING_MARK).touch()
    build_site(content, output, **OFF)
    assert removal.wait_until_removed(old, timeout=30)
    assert (output / "index.html").is_file()


def test_invoke_clean_removes_what_a_killed_remover_or_livereload_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tasks

    output, cache = tmp_path / "output", tmp_path / "cache"
    monkeypatch.setattr(tasks, "OUTPUT", output)
    monkeypatch.setattr(tasks, "CACHE", cache)
    tree(output, ["index.html"])
    _new, old = staging_folders(output)
    left = tree(old.with_name(old.name + ".7-8"), ["a/index.html"])
    (left / STAGING_MARK).touch()
    spare = tree(spare_folder(output), [], ["a/b"])
    (spare / STAGING_MARK).touch()
    kept = tree(kept_folder(output), ["_redirects"])  # a killed `invoke livereload`'s
    (kept / STAGING_MARK).touch()
    tasks.clean.body(None)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert capsys.readouterr().out == ""


def test_git_ignores_what_builds_keep_beside_output() -> None:
    import subprocess

    root = FIXTURES.parent.parent
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    output = root / "output"
    new, old = staging_folders(output)
    names = [
        new,
        old,
        old.with_name(old.name + ".12-34"),
        spare_folder(output),
        kept_folder(output),
    ]
    for folder in names:
        rel = str(folder.relative_to(root))
        ignored = subprocess.run(["git", "check-ignore", "-q", rel], cwd=root, check=False)
        assert ignored.returncode == 0, f"{rel} is not in .gitignore"
