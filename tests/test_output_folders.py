"""OutputFolders makes each output folder once and knows which ones its run made."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from breakout_kernel import build, collector, errors
from breakout_kernel.folders import OutputFolders, clear_empty_folder, write_if_changed


def test_a_folder_is_made_with_its_parents_and_known_as_made(tmp_path: Path) -> None:
    folders = OutputFolders()
    deep = str(tmp_path / "people" / "nick" / "feeds")
    assert folders.ensure(deep) is True
    assert os.path.isdir(deep)
    assert folders.made_here(deep) and folders.made_here(str(tmp_path / "people"))
    assert folders.ensure(deep) is True  # known: no second mkdir, still "made by this run"


def test_a_folder_already_there_is_found_not_made(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "index.html").write_text("kept")
    folders = OutputFolders()
    assert folders.ensure(str(tmp_path / "old")) is False
    assert not folders.made_here(str(tmp_path / "old"))  # it may hold files of earlier builds
    assert (tmp_path / "old" / "index.html").read_text() == "kept"


def test_a_file_in_the_way_is_an_error_as_with_makedirs(tmp_path: Path) -> None:
    (tmp_path / "feeds").write_text("not a folder")
    with pytest.raises(FileExistsError):
        OutputFolders().ensure(str(tmp_path / "feeds"))
    with pytest.raises(NotADirectoryError):
        OutputFolders().ensure(str(tmp_path / "feeds" / "people"))


def test_each_run_of_a_build_starts_knowing_no_folder(tmp_path: Path) -> None:
    # Pelican's autoreload runs one build again: last run's "made" folders hold files now.
    settings: dict[str, object] = {"PATH": str(tmp_path), "PLUGINS": []}
    build.start(settings)
    try:
        first = build.output_folders(settings)
        first.ensure(str(tmp_path / "out"))
        assert build.output_folders(settings) is first
        build.on_all_generators_finalized([SimpleNamespace(settings=settings)])
        again = build.output_folders(settings)
    finally:  # as finalized ends a build
        collector.restore()
        errors.stop()
    assert again is not first and not again.made_here(str(tmp_path / "out"))
    assert again.ensure(str(tmp_path / "out")) is False


def test_a_folder_of_empty_folders_gives_way_to_a_file(tmp_path: Path) -> None:
    # The last build wrote archives/index.html and feeds/all/atom.xml; this one writes files
    # named archives and feeds/all, and the folders made ahead of it are in the way.
    (tmp_path / "archives").mkdir()
    (tmp_path / "feeds" / "all" / "2011").mkdir(parents=True)
    assert clear_empty_folder(str(tmp_path / "archives")) is True
    assert write_if_changed(tmp_path, "feeds/all", b"<feed/>") is not None
    assert (tmp_path / "feeds" / "all").read_bytes() == b"<feed/>"
    assert not (tmp_path / "archives").exists()


def test_a_folder_holding_a_file_is_left_and_the_write_fails(tmp_path: Path) -> None:
    (tmp_path / "feeds" / "all" / "2011").mkdir(parents=True)
    (tmp_path / "feeds" / "all" / "2011" / "atom.xml").write_text("written by this build")
    assert clear_empty_folder(str(tmp_path / "feeds" / "all")) is False
    with pytest.raises(IsADirectoryError):
        write_if_changed(tmp_path, "feeds/all", b"<feed/>")
    assert (tmp_path / "feeds" / "all" / "2011" / "atom.xml").read_text() == "written by this build"
