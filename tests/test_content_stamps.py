"""Each source file is stamped for Pelican's content cache once per build, and a rebuild sees edits."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path

from conftest import FIXTURES, ROOT
from pelican import Pelican

from tools.build import detach_unlisted_plugins, load_settings

_opened: Counter[str] | None = None


def _count_opens(event: str, args: tuple[object, ...]) -> None:
    """Audit hook: count opens of files while a test listens (hooks cannot be removed)."""
    if _opened is not None and event == "open" and isinstance(args[0], str):
        _opened[args[0]] += 1


sys.addaudithook(_count_opens)


def _pelican(content: Path, tmp: Path) -> Pelican:
    settings = load_settings(
        ROOT / "pelicanconf.py", path=content, output=tmp / "out", cache=tmp / "cache"
    )
    detach_unlisted_plugins(settings)
    assert settings["CHECK_MODIFIED_METHOD"] == "md5"  # a stamp reads the whole file
    return Pelican(settings)


def test_a_cold_build_reads_each_writeup_twice_not_five_times(tmp_path: Path) -> None:
    global _opened
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal-site", content)
    post = str(content / "writeups" / "2011" / "police.md")
    pelican = _pelican(content, tmp_path)
    _opened = Counter()
    try:
        pelican.run()
        opened = _opened[post]
    finally:
        _opened = None
    # One stamp and one read: Pelican's Readers cache stamps a file when it looks and
    # again when it stores (its generator cache too, which breakout_memo turns off).
    assert opened == 2


def test_one_pelican_run_again_sees_an_edit(tmp_path: Path) -> None:
    # As autoreload does: the same Pelican object runs again after an edit, so a stamp
    # kept from the first run would serve the stale cached reading.
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal-site", content)
    pelican = _pelican(content, tmp_path)
    pelican.run()
    post = content / "writeups" / "2011" / "police.md"
    post.write_text(post.read_text() + "\nAn added sentence.\n")
    pelican.run()
    assert "An added sentence." in (tmp_path / "out" / "2011" / "police" / "index.html").read_text()


def _cached_paths(cache: Path) -> set[str]:
    """The source paths Pelican's Readers cache holds an entry for."""
    import pickle

    with open(cache / "ArticlesGenerator-Readers", "rb") as f:
        return set(pickle.load(f))


def test_the_content_cache_drops_files_no_longer_read(tmp_path: Path) -> None:
    # Pelican keys the cache by absolute path and never drops an entry: a renamed
    # write-up, or the site moved to another folder, would stay in it for good.
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal-site", content)
    _pelican(content, tmp_path).run()
    post = content / "writeups" / "2011" / "police.md"
    assert str(post) in _cached_paths(tmp_path / "cache")
    renamed = post.with_name("police-renamed.md")
    post.rename(renamed)
    _pelican(content, tmp_path).run()
    after = _cached_paths(tmp_path / "cache")
    assert str(renamed) in after and str(post) not in after
    moved = tmp_path / "moved"
    content.rename(moved)
    _pelican(moved, tmp_path).run()
    assert _cached_paths(tmp_path / "cache") == {
        str(p) for p in moved.rglob("*.md") if "writeups" in p.parts
    }
