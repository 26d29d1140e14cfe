"""Bad input from the adversarial pass (issue 15): exact transcripts of what the user sees.

Each test builds the minimal fixture site with one damaged file and compares every ERROR
(any logger, so Pelican's own lines count too) and the relevant warnings with the lines
the user must read.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from breakout_kernel.errors import BuildFailed
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT, build_site

MINIMAL = FIXTURES / "minimal-site"
WRITEUP = "Title: T\nDate: 2011-01-23\nEvent: ukgovcamp-2011\nSession: S\n\n"
PLUGINS = ["breakout_content", "breakout_text", "breakout_comments", "breakout_index"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A writable copy of the minimal fixture site's content folder."""
    dst = tmp_path / "content"
    shutil.copytree(MINIMAL, dst)
    return dst


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Callable[..., list[str]]:
    """The lines logged at a level (ERROR by default) by any logger, in order."""
    caplog.set_level(logging.WARNING)

    def lines(level: int = logging.ERROR) -> list[str]:
        return [r.getMessage() for r in caplog.records if r.levelno == level]

    return lines


def fails(site: Path, tmp_path: Path, problems: int = 1) -> None:
    """Build the site and expect it to fail with that many problems."""
    s = "s" if problems != 1 else ""
    with pytest.raises(BuildFailed, match=f"{problems} problem{s} found"):
        build_site(site, tmp_path / "out", PLUGINS=PLUGINS)


# --- item 4: invalid UTF-8 ------------------------------------------------------------


def test_invalid_utf8_in_a_writeup_names_line_column_and_byte(
    site: Path, tmp_path: Path, logged: Callable[..., list[str]]
) -> None:
    (site / "writeups/2011/bad.md").write_bytes(
        WRITEUP.encode() + "Nick Kéane \xff said".encode().replace(b"\xc3\xbf", b"\xff")
    )
    fails(site, tmp_path)
    assert logged() == ["content/writeups/2011/bad.md:6: not valid UTF-8 (byte 0xff at column 12)"]


def test_invalid_utf8_in_a_comment_fails_instead_of_replacing(
    site: Path, tmp_path: Path, logged: Callable[..., list[str]]
) -> None:
    folder = site / "comments/police"
    folder.mkdir(parents=True)
    (folder / "001.md").write_bytes(b"Author: Nick \xff Keane\n\nHello.\n")
    fails(site, tmp_path)
    assert logged() == [
        "content/comments/police/001.md:1: not valid UTF-8 (byte 0xff at column 14)"
    ]


@pytest.mark.parametrize(
    ("name", "raw", "line", "column"),
    [
        ("people.toml", b'[people.nickkeane]\nname = "Nick \xff Keane"\n', 2, 14),
        ("events.toml", b'[events.ukgovcamp-2011]\nname = "UK\xfe GovCamp"\n', 2, 11),
    ],
)
def test_invalid_utf8_in_a_data_file_fails(
    site: Path,
    tmp_path: Path,
    logged: Callable[..., list[str]],
    name: str,
    raw: bytes,
    line: int,
    column: int,
) -> None:
    (site / name).write_bytes(raw)
    with pytest.raises(BuildFailed):
        build_site(site, tmp_path / "out", PLUGINS=PLUGINS)
    byte = raw.split(b"\n")[line - 1][column - 1]
    first = f"content/{name}:{line}: not valid UTF-8 (byte 0x{byte:02x} at column {column})"
    assert logged()[0] == first
    assert not any("\ufffd" in m for m in logged(logging.WARNING) + logged())


# --- item 2: registry links and handles -------------------------------------------------

PEOPLE = """[people.nickkeane]
name = "Nick Keane"
twitter = "nickkeane"
mastodon = "{mastodon}"
bluesky = "{bluesky}"
links = ["https://example.org/nick", "{link}"]
"""


def test_registry_links_must_be_http_or_mailto_and_handles_must_parse(
    site: Path, tmp_path: Path, logged: Callable[..., list[str]]
) -> None:
    (site / "people.toml").write_text(
        PEOPLE.format(mastodon="nick", bluesky="nick_keane", link="javascript:alert(1)")
        + '\n[people.bob]\ntwitter = "bob keane"\nlinks = ["mailto:bob@example.org", '
        '"ftp://example.org/", " JavaScript:alert(1)"]\n',
        encoding="utf-8",
    )
    with (site / "events.toml").open("a", encoding="utf-8") as f:
        f.write('url = "data:text/html,<script>alert(1)</script>"\n')
    fails(site, tmp_path, problems=7)
    assert logged() == [
        "content/people.toml:4: [people.nickkeane] mastodon 'nick' is not a Mastodon handle "
        "(expected user@host, e.g. nick@police.example)",
        "content/people.toml:5: [people.nickkeane] bluesky 'nick_keane' is not a Bluesky handle "
        "(expected a domain name, e.g. nick.bsky.social)",
        "content/people.toml:6: [people.nickkeane] link 'javascript:alert(1)' is not an http(s) "
        "or mailto: URL (only those are linked)",
        "content/people.toml:9: [people.bob] twitter 'bob keane' is not a Twitter handle "
        "(expected up to 20 letters, digits or _, e.g. nickkeane)",
        "content/people.toml:10: [people.bob] link 'ftp://example.org/' is not an http(s) "
        "or mailto: URL (only those are linked)",
        "content/people.toml:10: [people.bob] link ' JavaScript:alert(1)' is not an http(s) "
        "or mailto: URL (only those are linked)",
        "content/events.toml:11: [events.bluelightcamp-2012] url "
        "'data:text/html,<script>alert(1)</script>' is not an http(s) URL (only those are linked)",
    ]


def test_good_registry_links_and_handles_build(site: Path, tmp_path: Path) -> None:
    (site / "people.toml").write_text(
        PEOPLE.format(
            mastodon="@nick@police.example", bluesky="nick.bsky.social", link="mailto:n@example.org"
        ),
        encoding="utf-8",
    )
    build_site(site, tmp_path / "out", PLUGINS=PLUGINS)
    page = (tmp_path / "out/people/nickkeane/index.html").read_text(encoding="utf-8")
    assert 'href="mailto:n@example.org"' in page


# --- item 6: lookalike and invisible characters in handles ------------------------------


def test_lookalike_handles_are_left_unlinked_and_reported(
    site: Path, tmp_path: Path, logged: Callable[..., list[str]]
) -> None:
    (site / "writeups/2011/looks.md").write_text(
        WRITEUP + "Thanks @nickke\u0430ne.\n\nAnd `@nickke\u0430ne` in code.\n\n"
        "Also @nick\u200bkeane and @nickkeane.\n",
        encoding="utf-8",
    )
    folder = site / "comments/looks"
    folder.mkdir(parents=True)
    (folder / "001.md").write_text(
        "Author: Anonymous\nDate: 2011-01-24\n\nHi @nickk\u0435ane!\n", encoding="utf-8"
    )
    build_site(site, tmp_path / "out", PLUGINS=PLUGINS)
    assert [m for m in logged(logging.WARNING) if "handle" in m] == [
        "content/writeups/2011/looks.md:6: @nickke\u0430ne contains a character that is not "
        "allowed in a handle (U+0430 CYRILLIC SMALL LETTER A); did you mean @nickkeane?",
        "content/writeups/2011/looks.md:10: @nick\u200bkeane contains a character that is not "
        "allowed in a handle (U+200B ZERO WIDTH SPACE); did you mean @nickkeane?",
        "content/comments/looks/001.md:4: @nickk\u0435ane contains a character that is not "
        "allowed in a handle (U+0435 CYRILLIC SMALL LETTER IE); did you mean @nickkeane?",
    ]
    out = tmp_path / "out"
    assert sorted(p.name for p in (out / "people").iterdir() if p.is_dir()) == ["nickkeane"]
    page = BeautifulSoup((out / "2011/looks/index.html").read_text(encoding="utf-8"), "html.parser")
    body = page.find(class_="e-content") or page
    assert [a["href"] for a in body.find_all("a", class_="mention")] == ["/people/nickkeane/"]


def test_invoke_check_reports_lookalike_handles(site: Path) -> None:
    from breakout_text.lint import lint_site

    from tools.build import load_settings

    (site / "writeups/2011/looks.md").write_text(
        WRITEUP + "Thanks @nickke\u0430ne.\n", encoding="utf-8"
    )
    settings = load_settings(ROOT / "pelicanconf.py", path=site, output=site.parent / "out")
    assert [line for line in lint_site(settings) if "looks.md" in line] == [
        "content/writeups/2011/looks.md:6: @nickke\u0430ne contains a character that is not "
        "allowed in a handle (U+0430 CYRILLIC SMALL LETTER A); did you mean @nickkeane?"
    ]


# --- item 7: an event hashtag that is also a topic ---------------------------------------


def test_an_event_hashtag_used_as_a_topic_is_reported_with_both_places(
    site: Path, tmp_path: Path, logged: Callable[..., list[str]]
) -> None:
    events = (site / "events.toml").read_text(encoding="utf-8")
    (site / "events.toml").write_text(
        events.replace('hashtags = ["ukgc11"]', 'hashtags = ["ukgc11", "police"]'),
        encoding="utf-8",
    )
    (site / "writeups/2012").mkdir()
    (site / "writeups/2012/blc.md").write_text(
        "Title: B\nDate: 2012-04-15\nEvent: bluelightcamp-2012\nSession: S\nTags: Police, pcc\n\n"
        "About #police.\n",
        encoding="utf-8",
    )
    build_site(site, tmp_path / "out", PLUGINS=PLUGINS)
    assert [m for m in logged(logging.WARNING) if "events.toml" in m] == [
        "content/events.toml:1: [events.ukgovcamp-2011] hashtag 'police' is also a topic "
        "(content/writeups/2012/blc.md:5: Tags: Police); the event wins: #police and "
        "Tags: police link to the event on every page. If it is a topic, remove it from "
        "the event's hashtags"
    ]
    assert not (tmp_path / "out/topics/police").exists()
    assert (tmp_path / "out/topics/pcc/index.html").is_file()


# --- item 5: write-up and comment file extensions ---------------------------------------


def test_markdown_files_in_any_case_are_read_or_fail_naming_the_file(
    site: Path, tmp_path: Path, logged: Callable[..., list[str]]
) -> None:
    body = WRITEUP + "Text.\n"
    (site / "writeups/2011/upper.MD").write_text(body, encoding="utf-8")
    (site / "writeups/2011/mixed.Markdown").write_text(body, encoding="utf-8")
    (site / "writeups/2011/short.mkd").write_text(body, encoding="utf-8")
    (site / "writeups/2011/long.mdown").write_text(body, encoding="utf-8")
    folder = site / "comments/police"
    folder.mkdir(parents=True)
    (folder / "001.MD").write_text("Author: A\n\nHi.\n", encoding="utf-8")
    (folder / "002.mkd").write_text("Author: B\n\nHello.\n", encoding="utf-8")
    fails(site, tmp_path, problems=3)
    assert logged() == [
        "content/writeups/2011/mixed.Markdown: a write-up's file name must end in lower-case "
        ".md, .markdown, .mkd or .mdown; rename it to mixed.markdown",
        "content/writeups/2011/upper.MD: a write-up's file name must end in lower-case "
        ".md, .markdown, .mkd or .mdown; rename it to upper.md",
        "content/comments/police/001.MD: a comment's file name must end in lower-case "
        ".md, .markdown, .mkd or .mdown; rename it to 001.md",
    ]


def test_mkd_and_mdown_write_ups_and_comments_are_read(site: Path, tmp_path: Path) -> None:
    (site / "writeups/2011/short.mkd").write_text(WRITEUP + "Text.\n", encoding="utf-8")
    folder = site / "comments/short"
    folder.mkdir(parents=True)
    (folder / "002.mdown").write_text("Author: B\n\nHello there.\n", encoding="utf-8")
    build_site(site, tmp_path / "out", PLUGINS=PLUGINS)
    page = (tmp_path / "out/2011/short/index.html").read_text(encoding="utf-8")
    assert "Hello there." in page


# --- item 10: a handle where a topic or a name belongs ------------------------------------


def test_a_handle_in_tags_or_a_comment_author_is_reported_with_what_to_write(
    site: Path, tmp_path: Path, logged: Callable[..., list[str]]
) -> None:
    (site / "writeups/2011/tagged.md").write_text(
        WRITEUP.replace("Session: S\n", "Session: S\nTags: police, @bianca_schmidt\n") + "Text.\n",
        encoding="utf-8",
    )
    folder = site / "comments/tagged"
    folder.mkdir(parents=True)
    (folder / "001.md").write_text("Author: @pigsonthewing\n\nHi.\n", encoding="utf-8")
    fails(site, tmp_path)
    assert logged() == [
        "content/writeups/2011/tagged.md:5: Tags entry '@bianca_schmidt' is a handle, not a "
        "topic: write topics without @, and name the person in the text (@bianca_schmidt) "
        "or in Session_leader",
    ]
    assert [m for m in logged(logging.WARNING) if "Author" in m] == [
        "content/comments/tagged/001.md:1: Author '@pigsonthewing' is a handle, not a name: "
        "write the name in Author and the handle as 'Handle: @pigsonthewing' "
        "(Author: Anonymous if nobody knows the name)"
    ]


# --- item 11: no message without a file, a line where known, and a reason -----------------


def test_pelicans_could_not_process_gets_the_file_line_and_reason(
    site: Path, tmp_path: Path, logged: Callable[..., list[str]]
) -> None:
    (site / "pages").mkdir()
    (site / "pages/about.html").write_bytes(
        b"<html><head><title>About</title></head>\n<body>caf\xe9</body></html>\n"
    )
    (site / "pages/broken.html").write_text(
        "<html><head><title>Broken</title><meta name=date content='2011-13-45'></head>"
        "<body>x</body></html>\n",
        encoding="utf-8",
    )
    fails(site, tmp_path, problems=2)
    assert sorted(logged()) == [  # Pelican reads pages in the file system's order
        "content/pages/about.html:2: not valid UTF-8 (byte 0xe9 at column 10)",
        "content/pages/broken.html: could not be read: ValueError: '2011-13-45' is not a valid "
        "date (Pelican gives the traceback with --debug)",
    ]


def test_an_unknown_top_level_key_in_a_data_file_has_its_line(
    site: Path, tmp_path: Path, logged: Callable[..., list[str]]
) -> None:
    with (site / "people.toml").open("a", encoding="utf-8") as f:
        f.write('\n[persons.bob]\nname = "Bob"\n')
    fails(site, tmp_path)
    assert logged() == [
        "content/people.toml:5: unknown top-level key 'persons' (expected only [people.<slug>] "
        "tables)"
    ]


def test_a_warm_build_repeats_the_readers_warnings(
    site: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (site / "writeups/2011/looks.md").write_text(
        WRITEUP + "Thanks @nickke\u0430ne.\n\n<p onclick=x()>Hi</p>\n", encoding="utf-8"
    )
    caplog.set_level(logging.WARNING)
    seen = []
    for n in (1, 2):  # the second build reads looks.md from Pelican's content cache
        caplog.clear()
        build_site(site, tmp_path / f"out{n}", cache=tmp_path / "cache", PLUGINS=PLUGINS)
        seen.append([r.getMessage() for r in caplog.records if "looks.md" in r.getMessage()])
    assert (
        seen[0]
        == seen[1]
        == [
            "content/writeups/2011/looks.md: removed from its text: an event handler onclick= on <p> "
            "(write-ups may not run script; see README, Writing)",
            "content/writeups/2011/looks.md:6: @nickke\u0430ne contains a character that is not "
            "allowed in a handle (U+0430 CYRILLIC SMALL LETTER A); did you mean @nickkeane?",
        ]
    )
