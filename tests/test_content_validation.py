"""Bad write-ups fail the build with file:line messages; good ones build; caches stay honest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from breakout_content.glue import freeze_urls
from breakout_content.reader import BreakoutMarkdownReader, valid_date
from breakout_kernel.errors import BuildFailed
from breakout_text import glue as text_glue
from conftest import FIXTURES, ROOT, build_site
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import SafeDatetime, get_date

from tools.build import load_settings

MINIMAL = FIXTURES / "minimal-site"


def write(path: Path, text: str) -> Path:
    """Write a file, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A writable copy of the minimal fixture site's content folder."""
    dst = tmp_path / "content"
    shutil.copytree(MINIMAL, dst)
    return dst


def test_minimal_site_builds(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(site, out)
    page = (out / "2011" / "police" / "index.html").read_text()
    assert "The police session" in page


def test_broken_date_fails_naming_file_and_line(site: Path, tmp_path: Path, error_log) -> None:
    write(
        site / "writeups/2011/bad-date.md",
        "Title: Bad date\nDate: 2011-13-45\nEvent: ukgovcamp-2011\nSession: S\n\nBody\n",
    )
    with pytest.raises(BuildFailed, match="1 problem found"):
        build_site(site, tmp_path / "out")
    assert error_log() == [
        "content/writeups/2011/bad-date.md:2: unparseable date '2011-13-45' "
        "(use YYYY-MM-DD or YYYY-MM-DD HH:MM)"
    ]


def test_missing_title_fails(site: Path, tmp_path: Path, error_log) -> None:
    write(
        site / "writeups/2011/untitled.md",
        "Date: 2011-01-23\nEvent: ukgovcamp-2011\nSession: S\n\nBody\n",
    )
    with pytest.raises(BuildFailed):
        build_site(site, tmp_path / "out")
    assert error_log() == [
        "content/writeups/2011/untitled.md:1: missing required metadata 'Title:'"
    ]


def test_all_problems_logged_then_one_failure(site: Path, tmp_path: Path, error_log) -> None:
    write(
        site / "writeups/2011/many.md",
        "Title: Many\nDate: 2011-01-23\nEvent: ukgc-11\nSesion: typo\nSession: S\n\nBody\n",
    )
    write(
        site / "writeups/2012/other.md",
        "Title: Other\nDate: yesterday\nEvent: bluelightcamp-2012\nSession: S\n\nBody\n",
    )
    with pytest.raises(BuildFailed, match="3 problems found"):
        build_site(site, tmp_path / "out")
    assert sorted(error_log()) == [
        "content/writeups/2011/many.md:3: unknown event 'ukgc-11' (known: bluelightcamp-2012, ukgovcamp-2011)",
        "content/writeups/2011/many.md:4: unknown metadata key 'Sesion' (did you mean 'Session'?)",
        "content/writeups/2012/other.md:2: unparseable date 'yesterday' (use YYYY-MM-DD or YYYY-MM-DD HH:MM)",
    ]


def test_pages_need_no_event(site: Path, tmp_path: Path) -> None:
    write(site / "pages/about.md", "Title: About\n\nAbout this site.\n")
    out = tmp_path / "out"
    build_site(site, out)
    assert "About this site." in (out / "about" / "index.html").read_text()


def test_bad_comments_value(site: Path, tmp_path: Path, error_log) -> None:
    text = (
        (site / "writeups/2011/police.md")
        .read_text()
        .replace("Tags: police", "Tags: police\nComments: shut")
    )
    write(site / "writeups/2011/police.md", text)
    with pytest.raises(BuildFailed):
        build_site(site, tmp_path / "out")
    assert error_log() == [
        "content/writeups/2011/police.md:7: Comments must be 'open' or 'closed', not 'shut'"
    ]


def test_unknown_plugin_setting_reported(site: Path, tmp_path: Path, error_log) -> None:
    with pytest.raises(BuildFailed):
        build_site(site, tmp_path / "out", BREAKOUT_CONTENT={"FAIL_ON_ERROR": True})
    assert error_log() == [
        "pelicanconf: BREAKOUT_CONTENT: unknown key 'FAIL_ON_ERROR' (did you mean "
        "'FAIL_ON_ERRORS'?); known keys: FAIL_ON_ERRORS"
    ]


def test_bad_events_file_reported_with_line(site: Path, tmp_path: Path, error_log) -> None:
    with (site / "events.toml").open("a") as f:
        f.write('\n[events.policing-2]\nname = "Policing 2.0"\ndate = "Monday"\nplace = "?"\n')
    with pytest.raises(BuildFailed):
        build_site(site, tmp_path / "out")
    assert error_log() == [
        "content/events.toml:14: [events.policing-2] 'date' must be a TOML date such as 2011-01-22"
    ]


def test_cache_is_not_trusted_after_data_files_change(
    site: Path, tmp_path: Path, error_log
) -> None:
    """A cached write-up is re-checked when events.toml changes under it."""
    cache = tmp_path / "cache"
    build_site(site, tmp_path / "out1", cache=cache)
    events = (site / "events.toml").read_text()
    (site / "events.toml").write_text(
        events.replace("[events.ukgovcamp-2011]", "[events.ukgovcamp-2011b]")
    )
    with pytest.raises(BuildFailed):
        build_site(site, tmp_path / "out2", cache=cache)
    assert error_log() == [
        "content/writeups/2011/police.md:3: unknown event 'ukgovcamp-2011' "
        "(known: bluelightcamp-2012, ukgovcamp-2011b)"
    ]


def test_pelican_command_line_exits_non_zero(site: Path, tmp_path: Path) -> None:
    write(
        site / "writeups/2011/bad.md",
        "Title: Bad\nDate: 2011-02-30\nEvent: ukgovcamp-2011\nSession: S\n\nBody\n",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(site), "-s", str(ROOT / "pelicanconf.py"),
         "-o", str(tmp_path / "out"), "--cache-path", str(tmp_path / "cache")],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "COLUMNS": "400"},
    )  # fmt: skip
    assert result.returncode != 0
    combined = " ".join((result.stdout + result.stderr).split())
    assert "content/writeups/2011/bad.md:2: unparseable date '2011-02-30'" in combined
    assert "1 problem found" in combined


# One Markdown instance per reader (reset between files) must read like a fresh one each time.

STATEFUL = (
    "Title: Stateful\nDate: 2011-01-23\nEvent: ukgovcamp-2011\nSession: S\nTags: Open Data\n"
    "Summary: With @nickkeane at #ukgc11\n\n"
    "The NPIA[^1] and @nickkeane (Nick Keane) on #police, in HTML.\n\n"
    "*[NPIA]: National Policing Improvement Agency\n[^1]: A footnote.\n"
)
PLAIN = (
    "Title: Plain\nDate: 2011-01-24 10:30\nEvent: ukgovcamp-2011\nSession: T\n\n"
    "NPIA again, no notes, no Tags; @someone_else said so in HTML.\n\n"
    "*[HTML]: Hyper Text Markup Language\n"
)


def reader_settings(site: Path) -> dict:
    """The project's settings for this content folder, with the text engine in MARKDOWN."""
    settings = load_settings(ROOT / "pelicanconf.py", path=site)
    text_glue.on_initialized(SimpleNamespace(settings=settings))
    return settings


def test_one_reader_reads_each_file_as_a_fresh_one_would(site: Path) -> None:
    files = [
        write(site / "writeups/2011/stateful.md", STATEFUL),
        write(site / "writeups/2011/plain.md", PLAIN),
    ]
    order = [*files, *files]  # back and forth: nothing may leak from one file to the next
    shared = BreakoutMarkdownReader(reader_settings(site))
    together = [shared.read(str(path)) for path in order]
    apart = [BreakoutMarkdownReader(reader_settings(site)).read(str(path)) for path in order]
    assert together == apart
    (stateful, meta), (plain, plain_meta) = together[:2]
    assert 'class="footnote"' in stateful and "<abbr" in stateful
    assert 'class="footnote"' not in plain and "National" not in plain
    assert "Hyper Text" in plain and "Hyper Text" not in stateful
    assert "tags" not in plain_meta and "summary" not in plain_meta
    assert [m.person.handle for m in meta["mentions"]] == ["nickkeane", "nickkeane"]
    assert [m.person.handle for m in plain_meta["mentions"]] == ["someone_else"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2011-01-22", True),
        ("2011-01-22 09:30", True),
        ("2011-01-22T09:30:15", True),
        ("22 January 2011", True),  # not ISO: Pelican's get_date decides
        ("2011-13-45", False),
        ("2011-02-30", False),
        ("yesterday", False),
    ],
)
def test_valid_date_agrees_with_pelican(value: str, ok: bool) -> None:
    assert valid_date(value) is ok
    try:
        get_date(value)
        pelican_ok = True
    except ValueError:
        pelican_ok = False
    assert pelican_ok is ok


def test_urls_are_worked_out_once_and_stay_the_same() -> None:
    settings = {
        **DEFAULT_CONFIG,
        "ARTICLE_URL": "{date:%Y}/{slug}/",
        "ARTICLE_SAVE_AS": "{date:%Y}/{slug}/index.html",
        "PATH": "/site/content",
    }
    metadata = {"title": "T", "date": SafeDatetime(2011, 1, 22), "slug": "s"}
    article = Article("<p>x</p>", dict(metadata), settings=settings)
    custom = Article(
        "<p>y</p>",
        {**metadata, "slug": "t", "url": "custom/", "save_as": "custom/index.html"},
        settings=settings,
    )
    freeze_urls([article, custom])
    assert (article.override_url, article.url) == ("2011/s/", "2011/s/")
    assert (article.override_save_as, article.save_as) == ("2011/s/index.html",) * 2
    assert (custom.url, custom.save_as) == ("custom/", "custom/index.html")  # the file's own
    settings["ARTICLE_URL"] = "changed/{slug}/"
    settings["ARTICLE_SAVE_AS"] = "changed/{slug}.html"
    assert (article.url, article.save_as) == ("2011/s/", "2011/s/index.html")  # not recomputed


@pytest.mark.parametrize(
    "value", ["2019-08-18 20:48", "2011-01-22", "2012-07-01T14:00", "2012-07-01 14:00:05"]
)
def test_iso_dates_are_read_as_pelican_reads_them(value: str) -> None:
    reader = BreakoutMarkdownReader(dict(DEFAULT_CONFIG))
    for name in ("date", "modified"):
        got = reader.process_metadata(name, value)
        assert got == get_date(value) and type(got) is SafeDatetime
    # Other spellings still go through Pelican's own parser.
    assert reader.process_metadata("date", "18 August 2019") == get_date("18 August 2019")


def test_hidden_files_are_neither_read_nor_published(
    content_copy: Callable[[Path], Path], tmp_path: Path
) -> None:
    content = content_copy(MINIMAL)
    police = (content / "writeups" / "2011" / "police.md").read_text(encoding="utf-8")
    # An editor's swap file and a hidden copy of a write-up: Pelican would read the .md.
    write(content / "writeups" / "2011" / ".police.md.swp", "not Markdown \x00")
    write(content / "writeups" / "2011" / ".police-copy.md", police)
    (content / "images" / ".thumbs").mkdir(parents=True)
    (content / "images" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    (content / "images" / ".DS_Store").write_bytes(b"Bud1 names of every file here")
    (content / "images" / ".thumbs" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    out = tmp_path / "out"
    build_site(content, out, BREAKOUT_SEARCH={"ENABLED": False})
    assert (out / "images" / "photo.jpg").is_file()
    published = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    assert [p for p in published if "/." in f"/{p}"] == []
    assert not any("police-copy" in p for p in published)
