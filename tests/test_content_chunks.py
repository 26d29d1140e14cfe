"""Pelican's Readers cache kept in chunks (breakout_content/chunks.py): a rebuild rewrites only
the chunks holding what it changed, and a chunk that cannot be loaded costs only a re-read."""

from __future__ import annotations

from pathlib import Path

from breakout_content.chunks import CHUNKS, SUFFIX, chunk_of, load_chunks, members, stale_chunks
from test_content_stamps import _opens_of, _pelican, built_copy

CACHE = "ArticlesGenerator-Readers"


def _names_in_two_chunks() -> tuple[str, str]:
    """Two file names whose entries live in different chunks."""
    first = "/site/writeups/a.md"
    other = next(
        f"/site/writeups/{n}.md" for n in range(100) if chunk_of(f"/site/writeups/{n}.md")
        != chunk_of(first)
    )  # fmt: skip
    return first, other


def test_the_chunks_to_write_are_those_not_loaded_changed_or_stored() -> None:
    a, b = _names_in_two_chunks()
    before = members({a: 1, b: 2})
    every = set(range(CHUNKS))
    assert stale_chunks(before, every, members({a: 1, b: 2}), set()) == set()
    assert stale_chunks(before, every, members({a: 3, b: 2}), {a}) == {chunk_of(a)}
    assert stale_chunks(before, every, members({a: 1}), set()) == {chunk_of(b)}  # b dropped
    assert stale_chunks({}, every, members({a: 1}), {a}) == {chunk_of(a)}  # a added
    missing = next(c for c in range(CHUNKS) if c not in (chunk_of(a), chunk_of(b)))
    assert stale_chunks(before, every - {missing}, members({a: 1, b: 2}), set()) == {missing}


def _chunk_files(cache: Path) -> dict[str, tuple[int, int]]:
    """Each chunk file of the Readers cache: (inode, mtime_ns)."""
    folder = cache / (CACHE + SUFFIX)
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.suffix == ".pickle"
    }


def test_a_rebuild_after_one_edit_rewrites_only_that_files_chunk(tmp_path: Path) -> None:
    content = built_copy(tmp_path, "memo-site")  # five write-ups
    cache = tmp_path / "cache"
    assert not (cache / CACHE).exists()  # Pelican's single file is not written
    before = _chunk_files(cache)
    assert len(before) == CHUNKS
    post = content / "writeups" / "2011" / "ukgc11-police.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nA sentence added.\n", encoding="utf-8")
    _pelican(content, tmp_path).run()
    after = _chunk_files(cache)
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {f"{chunk_of(str(post)):02d}.pickle"}
    out = tmp_path / "out" / "2011" / "ukgc11-police" / "index.html"
    page = out.read_text(encoding="utf-8")
    assert "A sentence added." in page
    entries, loaded = load_chunks(str(cache / CACHE) + SUFFIX, {})
    assert loaded == set(range(CHUNKS))
    assert entries.keys() == {str(p) for p in content.rglob("*.md") if "writeups" in p.parts}


def test_a_chunk_that_cannot_be_loaded_is_read_again_and_written_anew(tmp_path: Path) -> None:
    content = built_copy(tmp_path)
    cache = tmp_path / "cache"
    post = content / "writeups" / "2011" / "police.md"
    spoilt = cache / (CACHE + SUFFIX) / f"{chunk_of(str(post)):02d}.pickle"
    spoilt.write_bytes(b"not a pickle")
    assert _opens_of(post, _pelican(content, tmp_path).run) >= 1  # its entry was lost
    entries, loaded = load_chunks(str(cache / CACHE) + SUFFIX, {})
    assert loaded == set(range(CHUNKS)) and str(post) in entries
    assert _opens_of(post, _pelican(content, tmp_path).run) == 0


def test_with_load_content_cache_off_the_chunks_are_not_loaded(tmp_path: Path) -> None:
    content = built_copy(tmp_path)
    post = content / "writeups" / "2011" / "police.md"
    pelican = _pelican(content, tmp_path)
    pelican.settings["LOAD_CONTENT_CACHE"] = False
    assert _opens_of(post, pelican.run) == 2  # stamped and read, as on a cold build


def test_a_chunk_holds_no_copy_of_the_settings_and_loads_with_the_builds_own(
    tmp_path: Path,
) -> None:
    # Every Author and Tag holds the build's settings (200 KB pickled): copied into each
    # chunk, 16 copies were loaded on every rebuild (peak RSS 142 -> 160 MB at 2,000).
    content = built_copy(tmp_path, "memo-site")
    folder = tmp_path / "cache" / (CACHE + SUFFIX)
    for chunk in folder.glob("*.pickle"):
        assert b"MARKDOWN" not in chunk.read_bytes(), chunk.name
    settings = {"MARKER": object()}
    entries, _loaded = load_chunks(str(folder), settings)
    post = str(content / "writeups" / "2011" / "ukgc11-police.md")
    _stamp, (_html, metadata) = entries[post]
    assert metadata["tags"] and all(tag.settings is settings for tag in metadata["tags"])
    assert metadata["author"].settings is settings
