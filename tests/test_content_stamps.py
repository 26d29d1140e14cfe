"""Each source file is stamped for Pelican's content cache once per build, and a rebuild sees edits."""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable
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


def built_copy(tmp: Path, fixture: str = "minimal-site") -> Path:
    """A copy of a fixture's content in tmp/content, built once (cache in tmp/cache)."""
    content = tmp / "content"
    shutil.copytree(FIXTURES / fixture, content)
    _pelican(content, tmp).run()
    return content


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
    from breakout_content.chunks import SUFFIX, load_chunks

    entries, _loaded = load_chunks(str(cache / "ArticlesGenerator-Readers") + SUFFIX, {})
    return set(entries)


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


def _opens_of(path: Path, run: Callable[[], object]) -> int:
    """How many times run() opens path."""
    global _opened
    _opened = Counter()
    try:
        run()
        return _opened[str(path)]
    finally:
        _opened = None


def test_a_rebuild_hashes_only_files_whose_stat_moved(tmp_path: Path) -> None:
    # The md5 stamp read and hashed every write-up on every build just to find it
    # unchanged; the last build's hash serves while size, mtime, ctime and inode hold.
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal-site", content)
    _pelican(content, tmp_path).run()
    post = content / "writeups" / "2011" / "police.md"
    assert _opens_of(post, _pelican(content, tmp_path).run) == 0
    # Touched, same bytes (as a git checkout does): hashed again, and still cached.
    os.utime(post)
    assert _opens_of(post, _pelican(content, tmp_path).run) == 1
    assert _opens_of(post, _pelican(content, tmp_path).run) == 0


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path) -> None:
    # Same length, and the old mtime put back (cp -p, touch -d): only the ctime moved.
    content = built_copy(tmp_path)
    post = content / "writeups" / "2011" / "police.md"
    before = post.stat()
    text = post.read_text(encoding="utf-8")
    word = next(w for w in text.split() if w.isalpha() and len(w) >= 6 and w.islower())
    post.write_text(text.replace(word, word[::-1].upper(), 1), encoding="utf-8")
    os.utime(post, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert post.stat().st_size == before.st_size
    _pelican(content, tmp_path).run()
    page = (tmp_path / "out" / "2011" / "police" / "index.html").read_text(encoding="utf-8")
    assert word[::-1].upper() in page
