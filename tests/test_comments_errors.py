"""Bad comment files fail the build with exact, file:line messages; nothing is dropped silently."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from breakout_kernel.errors import BuildFailed
from conftest import FIXTURES, build_site
from pelican.log import LimitFilter

SITE = FIXTURES / "comments-site"
PLUGINS = {"PLUGINS": ["breakout_content", "breakout_text", "breakout_comments"]}
C = "content/comments/ukgc11-police"
KNOWN_KEYS = "known keys: Author, Handle, Website, Date, Replyto, Status, Orphaned"


@pytest.fixture(autouse=True)
def fresh_warnings() -> None:
    """Let every build log its warnings: Pelican's LimitFilter drops a warning seen before in
    the process, so a second build's identical warning would vanish (reported to the lead)."""
    LimitFilter._raised_messages.clear()


def write(path: Path, text: str) -> None:
    """Write a file, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def comment_lines(lines: Callable[..., list[str]], level: int = logging.ERROR) -> list[str]:
    """Logged lines about comment files (the duplicate warning of the fixture left out)."""
    return [m for m in lines(level) if m.startswith("content/comments/") and "identical" not in m]


def test_bad_files_each_named_with_line_and_fix(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    write(site / "comments/ukgc11-police/020.md", "Handle: @someone\n\nWho wrote this?\n")
    write(site / "comments/ukgc11-police/021.md", "Author: A\nDate: 24 Jan 2011\n\nWhen?\n")
    write(site / "comments/ukgc11-police/022.md", "Author: A\nEmial: a@example.org\n\nHi\n")
    write(
        site / "comments/ukgc11-police/023.md", "Author: A\nDate: 2011-01-30\nReplyto: 099\n\nTo?\n"
    )
    write(site / "comments/stray.md", "Author: A\n\nWhich write-up?\n")
    with pytest.raises(BuildFailed, match="5 problems found"):
        build_site(site, tmp_path / "out", **PLUGINS)
    assert comment_lines(error_log) == [
        "content/comments/stray.md: a comment file must sit in the folder of its write-up: "
        "comments/<write-up slug>/<comment id>.md; move it there",
        f"{C}/020.md:1: missing 'Author:' (who wrote the comment; write 'Author: Anonymous' "
        "if nobody knows)",
        f"{C}/021.md:2: unparseable Date '24 Jan 2011' (use YYYY-MM-DD or YYYY-MM-DD HH:MM, "
        "or leave Date out if it is not known)",
        f"{C}/022.md:2: unknown metadata key 'Emial' ({KNOWN_KEYS})",
        f"{C}/023.md:3: Replyto '099' names no comment of 'ukgc11-police' "
        "(known: 001, 002, 003, 004, 005, 006, 007, 008, 009, 010, …)",
    ]


def test_renamed_writeup_orphans_no_comment_silently(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    old = site / "writeups/2011/ukgc11-police.md"
    old.rename(old.with_name("police-session.md"))
    with pytest.raises(BuildFailed, match="12 problems found"):
        build_site(site, tmp_path / "out", **PLUGINS)
    assert comment_lines(error_log) == [
        f"{C}/{n:03d}.md: no write-up has slug 'ukgc11-police': comments live in "
        "comments/<write-up slug>/, so rename the folder to the write-up's slug, or add "
        "'Orphaned: yes' to keep this comment out of pages"
        for n in range(1, 13)
    ]


def test_a_mistyped_folder_gets_a_suggestion(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    write(site / "comments/ukgc11-polise/001.md", "Author: A\n\nHi\n")
    with pytest.raises(BuildFailed, match="1 problem found"):
        build_site(site, tmp_path / "out", **PLUGINS)
    assert comment_lines(error_log) == [
        "content/comments/ukgc11-polise/001.md: no write-up has slug 'ukgc11-polise' (did you "
        "mean 'ukgc11-police'?): comments live in comments/<write-up slug>/, so rename the "
        "folder to the write-up's slug, or add 'Orphaned: yes' to keep this comment out of pages"
    ]


def test_orphaned_comments_are_warnings_and_kept_out_of_pages(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    write(site / "comments/gone-writeup/001.md", "Author: A\nOrphaned: yes\n\nLost its write-up.\n")
    write(
        site / "comments/gone-writeup/002.md",
        "Author: B\nDate: someday\nOrphaned: yes\n\nIts problems cannot break a page.\n",
    )
    write(site / "comments/ukgc11-police/030.md", "Author: C\nOrphaned: yes\n\nStill here.\n")
    write(site / "comments/ukgc11-police/031.md", "Author: D\nReplyto: 030\n\nAnswering it.\n")
    with pytest.raises(BuildFailed, match="1 problem found"):
        build_site(site, tmp_path / "out", **PLUGINS)
    assert comment_lines(error_log, logging.WARNING) == [
        "content/comments/gone-writeup/001.md:2: kept out of pages (Orphaned: yes): "
        "no write-up has slug 'gone-writeup'",
        "content/comments/gone-writeup/002.md:2: unparseable Date 'someday' (use YYYY-MM-DD or "
        "YYYY-MM-DD HH:MM, or leave Date out if it is not known)",
        "content/comments/gone-writeup/002.md:3: kept out of pages (Orphaned: yes): "
        "no write-up has slug 'gone-writeup'",
        f"{C}/030.md:2: marked 'Orphaned: yes' but write-up 'ukgc11-police' exists; it is kept "
        "out of the page: remove the Orphaned line to show it",
        f"{C}/031.md:2: Replyto '030' names a comment marked 'Orphaned: yes' (kept out of "
        "pages); mark this one 'Orphaned: yes' too, or remove the Replyto line",
    ]
    assert comment_lines(error_log) == [comment_lines(error_log, logging.WARNING)[-1]]
    html = (tmp_path / "out/2011/ukgc11-police/index.html").read_text()
    assert 'id="comment-030"' not in html and "Lost its write-up" not in html
    assert 'id="comment-031"' in html  # shown, as a top-level comment


def test_only_orphans_build_cleanly(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    write(site / "comments/gone-writeup/001.md", "Author: A\nOrphaned: yes\n\nLost.\n")
    build_site(site, tmp_path / "out", **PLUGINS)
    assert comment_lines(error_log) == []
    assert len(comment_lines(error_log, logging.WARNING)) == 1


def test_replyto_loop_is_an_error_but_both_comments_stay(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    write(site / "comments/ukgc11-police/040.md", "Author: A\nReplyto: 041\n\nOne.\n")
    write(site / "comments/ukgc11-police/041.md", "Author: B\nReplyto: 040\n\nTwo.\n")
    with pytest.raises(BuildFailed, match="1 problem found"):
        build_site(site, tmp_path / "out", **PLUGINS)
    assert comment_lines(error_log) == [
        f"{C}/040.md:2: Replyto '041' makes a loop (040 → 041 → 040); shown as a top-level "
        "comment: fix one of these Replyto lines"
    ]
    html = (tmp_path / "out/2011/ukgc11-police/index.html").read_text()
    assert 'id="comment-040"' in html and 'id="comment-041"' in html


def test_bad_settings_are_reported(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    with pytest.raises(BuildFailed):
        build_site(
            content_copy(SITE), tmp_path / "out", BREAKOUT_COMMENTS={"PATHS": "x"}, **PLUGINS
        )
    assert error_log() == [
        "pelicanconf: BREAKOUT_COMMENTS: unknown key 'PATHS' (did you mean 'PATH'?); "
        "known keys: CACHE, PATH"
    ]


def test_comments_of_an_unreadable_writeup_point_to_its_error(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    closed = site / "writeups/2011/closed-session.md"
    closed.write_text(closed.read_text().replace("Event: ukgovcamp-2011", "Event: ukgovcamp-2099"))
    with pytest.raises(BuildFailed, match="1 problem found"):
        build_site(site, tmp_path / "out", **PLUGINS)
    assert [m for m in error_log() if "closed-session" in m] == [
        "content/writeups/2011/closed-session.md:3: unknown event 'ukgovcamp-2099' "
        "(known: ukgovcamp-2011)"
    ]
    assert comment_lines(error_log, logging.WARNING) == [
        "content/comments/closed-session/001.md: write-up 'closed-session' could not be read "
        "(see its error): its comments are not shown"
    ]


def test_two_writeups_with_one_slug_cannot_share_comments(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    write(
        site / "writeups/2012/ukgc11-police.md",
        "Title: Again\nDate: 2012-01-21\nEvent: ukgovcamp-2011\nSession: S\n\nSame file name.\n",
    )
    with pytest.raises(BuildFailed, match="1 problem found"):
        build_site(site, tmp_path / "out", **PLUGINS)
    assert error_log() == [
        "content/writeups/2011/ukgc11-police.md: slug 'ukgc11-police' is also the slug of "
        "content/writeups/2012/ukgc11-police.md, so comments/ukgc11-police/ cannot tell them "
        "apart; give one a different Slug"
    ]


def test_files_that_are_not_comments_are_named(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    write(site / "comments/ukgc11-police/013.txt", "Author: A\n\nWrong extension.\n")
    write(site / "comments/ukgc11-police/.013.md.swp", "editor swap file\n")
    build_site(site, tmp_path / "out", **PLUGINS)
    assert comment_lines(error_log, logging.WARNING) == [
        f"{C}/013.txt: not a comment file (comments are .md files); it is ignored"
    ]
