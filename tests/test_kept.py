"""A site kept in memory (tools/kept.py, `invoke livereload`): each build's output is a cold build's.

Every test builds a KeptSite in this process (each build's writing half runs in a forked
child), edits its content, rebuilds it naming the changed files as the watcher does, and
compares the output with a cold build of the same content into a folder of its own.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, build_site, edit_file, kept_site

from tools.golden import compare_trees
from tools.kept import BuildFailed, kept_folder

OFF = {"BREAKOUT_SEARCH": {"ENABLED": False}}  # Pagefind: one test below keeps it on
POLICE = "writeups/2011/ukgc11-police.md"
OPEN_DATA = "writeups/2011/ukgc11-open-data.md"
POLICE_PAGE = "2011/ukgc11-police/index.html"


class Kept:
    """A copy of a fixture site built by one KeptSite, and cold builds of it to compare with."""

    def __init__(self, fixture: Path, tmp: Path, **overrides: Any) -> None:
        self.tmp = tmp
        self.content = tmp / "content"
        shutil.copytree(fixture, self.content)
        self.output = tmp / "output"
        self.overrides = {**OFF, **overrides}
        self.lines: list[str] = []
        self.site = kept_site(
            self.content, self.output, tmp / "cache", report=self.lines.append, **self.overrides
        )
        self.colds = 0

    def edit(self, rel: str, old: str, new: str) -> Path:
        """Replace text in a content file (its mtime moved on, as an editor's save does)."""
        edit_file(self.content / rel, old, new)
        return self.content / rel

    def cold_problems(self) -> list[str]:
        """Differences between the kept site's output and a cold build of its content now."""
        self.colds += 1
        fresh = self.tmp / f"cold{self.colds}"
        build_site(
            self.content, fresh, cache=self.tmp / f"cold{self.colds}-cache", **self.overrides
        )
        return compare_trees(fresh, self.output)


@pytest.fixture
def kept(tmp_path: Path) -> Iterator[Kept]:
    """The memo fixture, kept."""
    site = Kept(FIXTURES / "memo-site", tmp_path)
    yield site
    site.site.close()


def inode(path: Path) -> int:
    return path.stat().st_ino


def test_an_edit_to_text_is_written_alone_and_matches_a_cold_build(kept: Kept) -> None:
    assert kept.site.build() == "read"
    person = kept.output / "people" / "nickkeane" / "index.html"
    before = {p: inode(kept.output / p) for p in (POLICE_PAGE, "people/nickkeane/index.html")}
    edited = kept.edit(POLICE, "- Listen more", "- Listen much more")
    assert kept.site.build([edited]) == "written"
    assert "Listen much more" in (kept.output / POLICE_PAGE).read_text(encoding="utf-8")
    assert kept.cold_problems() == []
    # Carried over, not written again: a page that shows no edited text keeps its file.
    assert inode(person) == before["people/nickkeane/index.html"]
    assert inode(kept.output / POLICE_PAGE) != before[POLICE_PAGE]
    assert kept.lines[-1].endswith("(the edited write-ups read again)")


def test_edits_in_a_row_match_a_cold_build(kept: Kept) -> None:
    kept.site.build()
    first = kept.edit(POLICE, "- Listen more", "- Listen much more")
    assert kept.site.build([first]) == "written"
    # The summary-less write-up: its card on the home page shows its first words.
    second = kept.edit(OPEN_DATA, "No summary here", "Still no summary here")
    assert kept.site.build([second]) == "written"
    assert "Still no summary here" in (kept.output / "index.html").read_text(encoding="utf-8")
    # The first edit undone: the page goes back to what a cold build makes of it.
    again = kept.edit(POLICE, "- Listen much more", "- Listen more")
    assert kept.site.build([again]) == "written"
    assert kept.cold_problems() == []


def test_after_another_build_in_this_process_the_site_is_read_again(kept: Kept) -> None:
    kept.site.build()
    assert kept.cold_problems() == []  # an in-process build: the kernel's state is its now
    edited = kept.edit(POLICE, "- Listen more", "- Listen much more")
    assert kept.site.build([edited]) == "read"
    assert kept.cold_problems() == []


def test_this_process_keeps_what_it_read(kept: Kept) -> None:
    kept.site.build()
    read = kept.site.read
    assert read is not None
    article = read.writeups[str((kept.content / POLICE).resolve())]
    text = article._content
    kept.site.build([kept.edit(POLICE, "- Listen more", "- Listen much more")])
    # The child read the edit; this process's copy is still the text it read.
    assert kept.site.read is read
    assert article._content == text and "Listen much more" not in text


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        (POLICE, "Title: ", "Title: New: "),  # metadata
        (POLICE, "- Listen more", "- Listen to @newperson more"),  # a new mention
    ],
)
def test_an_edit_to_what_reading_finds_reads_the_site_again(
    kept: Kept, rel: str, old: str, new: str
) -> None:
    kept.site.build()
    assert kept.site.build([kept.edit(rel, old, new)]) == "read"
    assert kept.cold_problems() == []


def test_an_edit_to_a_sentence_naming_someone_is_written_and_quoted_on_their_page(
    kept: Kept,
) -> None:
    kept.site.build()
    person_page = kept.output / "people" / "nickkeane" / "index.html"
    assert "pitched a session called #police" in person_page.read_text(encoding="utf-8")
    edited = kept.edit(POLICE, "pitched a session called", "ran a session called")
    assert kept.site.build([edited]) == "written"
    assert "ran a session called #police" in person_page.read_text(encoding="utf-8")
    # And back: the page quoting it follows again (a carried page would keep the last one).
    kept.edit(POLICE, "ran a session called", "pitched a session called")
    assert kept.site.build([edited]) == "written"
    assert "pitched a session called #police" in person_page.read_text(encoding="utf-8")
    assert kept.cold_problems() == []  # a build in this process: the next one reads again


def test_a_new_name_given_in_a_sentence_reads_the_site_again(kept: Kept) -> None:
    kept.site.build()
    # "Nick Keane (Twitter @nickkeane)" teaches a name: the person page's own title.
    edited = kept.edit(POLICE, "Nick Keane (Twitter @nickkeane)", "Nicholas Keane (@nickkeane)")
    assert kept.site.build([edited]) == "read"
    assert kept.cold_problems() == []


def test_only_sentences_differ_takes_new_sentences_and_nothing_else() -> None:
    from breakout_kernel.change.hashing import READ_DIGESTS
    from breakout_kernel.identity import Mention, PersonRef

    from tools.kept import SENTENCE_KEYS, only_sentences_differ

    assert READ_DIGESTS in SENTENCE_KEYS  # the key the reader stamps its digests under
    nick = PersonRef("nickkeane", "twitter", "nickkeane", "nickkeane", False)
    sasha = PersonRef("sasha", "twitter", "sasha", "sasha", False)

    def meta(*mentions: Mention, title: str = "T") -> dict[str, Any]:
        return {"title": title, "mentions": list(mentions), READ_DIGESTS: (len(mentions),)}

    old = meta(Mention(nick, "Nick pitched it.", ""), Mention(sasha, "Sasha came.", ""))
    assert only_sentences_differ(
        old, meta(Mention(nick, "Nick ran it.", ""), Mention(sasha, "Sasha came.", ""))
    )
    for new in (
        meta(Mention(nick, "Nick ran it.", ""), title="U"),  # a title and one mention less
        meta(Mention(sasha, "Sasha came.", ""), Mention(nick, "Nick pitched it.", "")),  # order
        meta(Mention(nick, "Nick pitched it.", "Nick"), Mention(sasha, "Sasha came.", "")),
        {**old, "summary": "New"},  # another key
    ):
        assert not only_sentences_differ(old, new), new


def test_a_new_comment_or_a_deleted_writeup_reads_the_site_again(kept: Kept) -> None:
    kept.site.build()
    comment = kept.content / "comments" / "ukgc11-police" / "006.md"
    comment.write_text("Author: Jo Bloggs\nDate: 2011-01-26 10:00\n\nA late word.\n")
    assert kept.site.build([comment]) == "read"
    gone = kept.content / "writeups" / "2012" / "blc12-pcc-followup.md"
    gone.unlink()
    assert kept.site.build([gone]) == "read"
    assert kept.cold_problems() == []


def test_nothing_named_changed_is_written_again_as_it_was(kept: Kept) -> None:
    kept.site.build()
    assert kept.site.build([]) == "written"
    # A file that came and went since the reading (vim's 4913, a scratch copy) changes nothing.
    scratch = kept.content / "writeups" / "2011" / "4913"
    assert kept.site.build([scratch]) == "written"
    # Unknown changes (None): read everything again.
    assert kept.site.build(None) == "read"
    assert kept.cold_problems() == []


def test_a_failed_build_leaves_the_output_and_the_next_edit_mends_it(
    kept: Kept, capfd: pytest.CaptureFixture[str]
) -> None:
    kept.site.build()
    # The writing child logs the problem: to the standard error this process shares with it.
    shown = logging.StreamHandler()
    shown.setLevel(logging.ERROR)
    logging.getLogger().addHandler(shown)
    capfd.readouterr()
    page = (kept.output / POLICE_PAGE).read_bytes()
    path = kept.content / POLICE
    good = path.read_bytes()
    path.write_bytes(good.replace(b"- Listen more", b"- Listen \xff more"))
    try:
        with pytest.raises(BuildFailed, match=r"^1 problem found \(listed above\); fix them"):
            kept.site.build([path])
    finally:
        logging.getLogger().removeHandler(shown)
    # As `invoke build` words it.
    assert capfd.readouterr().err.splitlines() == [
        "content/writeups/2011/ukgc11-police.md:19: not valid UTF-8 (byte 0xff at column 10)"
    ]
    assert (kept.output / POLICE_PAGE).read_bytes() == page
    assert not (kept.tmp / ".output.breakout-new").exists()  # the fresh folder went
    path.write_bytes(good.replace(b"- Listen more", b"- Listen much more"))
    assert kept.site.build([path]) == "written"
    assert kept.cold_problems() == []


def test_people_who_opted_out_stay_erased_from_a_rewritten_writeup(tmp_path: Path) -> None:
    kept = Kept(FIXTURES / "optout-site", tmp_path)
    try:
        kept.site.build()
        edited = kept.edit(
            "writeups/2011/ukgc11-police.md", "from @nickkeane.", "from @nickkeane.\n\nA full room."
        )
        assert kept.site.build([edited]) == "written"
        page = (kept.output / POLICE_PAGE).read_text(encoding="utf-8")
        assert "A full room." in page
        for name in ("Robin Vale", "robinvale", "Robbie", "Robs"):
            assert name not in page
        # A sentence naming one of them beside someone else: written, and erased.
        edited = kept.edit(
            "writeups/2011/ukgc11-police.md", "pitched the session with", "led the session with"
        )
        assert kept.site.build([edited]) == "written"
        for page in kept.output.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            for name in ("Robin Vale", "robinvale", "Robbie", "Robs"):
                assert name not in text, page
        assert kept.cold_problems() == []
    finally:
        kept.site.close()


def test_the_search_index_follows_a_written_edit(tmp_path: Path) -> None:
    kept = Kept(FIXTURES / "memo-site", tmp_path, BREAKOUT_SEARCH={"ENABLED": True})
    try:
        kept.site.build()
        edited = kept.edit(POLICE, "- Listen more", "- Listen to zebracrossing more")
        assert kept.site.build([edited]) == "written"
        assert kept.cold_problems() == []
    finally:
        kept.site.close()


def test_close_removes_the_kept_files_and_a_stranger_in_their_place_is_refused(
    tmp_path: Path,
) -> None:
    kept = Kept(FIXTURES / "memo-site", tmp_path)
    kept.site.build()
    folder = tmp_path / ".output.breakout-kept"
    assert folder.is_dir()
    kept.site.close()
    assert not folder.exists()
    folder.mkdir()
    (folder / "mine.txt").write_text("not the build's")
    with pytest.raises(Exception, match="in the way"):
        kept.site.build()
    assert (folder / "mine.txt").exists()


def test_every_memoised_template_says_which_writeups_text_it_shows() -> None:
    import breakout_memo.glue as memo_glue

    # A kept build carries a page over unfingerprinted when it shows none of the edited text.
    assert set(memo_glue.PAGE_TEXTS) == set(memo_glue.PAGE_FINGERPRINTS)


def test_reading_again_frees_the_last_reading(kept: Kept) -> None:
    import weakref

    kept.site.build()
    assert kept.site.read is not None
    first = weakref.ref(kept.site.read.articles)  # the last reading's write-ups' generator
    kept.site.build(None)  # unknown changes: read everything again
    # The old reading is cyclic garbage that the collector's thresholds would leave for good
    # (and the next reading froze with the rest): 58 MiB a reading at 2,000 write-ups.
    assert first() is None


def test_a_carried_page_deleted_or_changed_in_the_output_is_made_again(kept: Kept) -> None:
    kept.site.build()
    assert kept.site.build([kept.edit(POLICE, "- Listen more", "- Listen much more")]) == "written"
    # Pages no edit touched, but the output's copies are gone or not the build's.
    (kept.output / "people" / "nickkeane" / "index.html").unlink()
    (kept.output / "archives" / "index.html").write_text("tampered", encoding="utf-8")
    assert kept.site.build([kept.edit(POLICE, "- Listen much more", "- Listen more")]) == "written"
    assert kept.cold_problems() == []


def test_an_edit_under_a_symlinked_folder_is_written_too(tmp_path: Path) -> None:
    # The write-ups of 2011 live elsewhere; the content folder links to them.
    kept = Kept(FIXTURES / "memo-site", tmp_path)
    elsewhere = tmp_path / "elsewhere-2011"
    shutil.move(str(kept.content / "writeups" / "2011"), elsewhere)
    (kept.content / "writeups" / "2011").symlink_to(elsewhere, target_is_directory=True)
    try:
        kept.site.build()
        kept.site.build([kept.edit(POLICE, "- Listen more", "- Listen much more")])
        edited = kept.edit(POLICE, "- Listen much more", "- Listen most")
        assert kept.site.build([elsewhere / "ukgc11-police.md"]) == "written"
        assert "Listen most" in (kept.output / POLICE_PAGE).read_text(encoding="utf-8")
        assert edited.resolve() == (elsewhere / "ukgc11-police.md").resolve()
        assert kept.cold_problems() == []
    finally:
        kept.site.close()


def test_a_new_static_link_reads_the_site_again(kept: Kept) -> None:
    # Outside STATIC_PATHS: Pelican copies it only because a write-up links to it.
    slides = kept.content / "files" / "slides.pdf"
    slides.parent.mkdir()
    slides.write_bytes(b"%PDF-1.4 slides")
    kept.site.build()
    assert not (kept.output / "files" / "slides.pdf").exists()
    edited = kept.edit(
        POLICE, "- Listen more", "- Listen more ([slides]({static}/files/slides.pdf))"
    )
    assert kept.site.build([edited]) == "read"
    assert (kept.output / "files" / "slides.pdf").read_bytes() == b"%PDF-1.4 slides"
    assert kept.cold_problems() == []


def test_after_invoke_clean_the_next_edit_reads_the_site_again(kept: Kept) -> None:
    kept.site.build()
    folder = kept_folder(kept.output)
    kept_files = sorted(p.name for p in folder.rglob("*") if p.is_file())
    assert kept_files, "the fixture keeps no file: this test would show nothing"
    # What `invoke clean` removes between two builds of a running livereload.
    for gone in (kept.output, kept.tmp / "cache", folder):
        shutil.rmtree(gone)
    edited = kept.edit(POLICE, "- Listen more", "- Listen much more")
    assert kept.site.build([edited]) == "read"
    assert kept.cold_problems() == []
