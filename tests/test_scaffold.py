"""`invoke new`: a scaffolded write-up has its metadata, builds, and never overwrites."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
from conftest import FIXTURES, project_folder

from tools.scaffold import ScaffoldError, new_writeup, slugify_title

TODAY = dt.date(2024, 3, 9)


@pytest.fixture
def content(content_copy: Callable[[Path], Path]) -> Path:
    return content_copy(FIXTURES / "publish-site")


def test_new_writeup_has_its_metadata_and_builds(
    content: Path, site_builder: Callable[..., Path]
) -> None:
    path = new_writeup(
        content,
        "The #police session: what's next?",
        event="ukgovcamp-2011",
        session="Police and social media",
        leader="@nickkeane",
        today=TODAY,
    )

    assert path == content / "writeups" / "2024" / "the-police-session-whats-next.md"
    assert path.read_text().splitlines()[:9] == [
        "Title: The #police session: what's next?",
        "Date: 2024-03-09",
        "Event: ukgovcamp-2011",
        "Session: Police and social media",
        "Session_leader: @nickkeane",
        "Tags:",
        "Summary:",
        "Id: tag:breakout,2024-03-09:the-police-session-whats-next",
        "",
    ]
    out = site_builder(content)
    page = out / "2024" / "the-police-session-whats-next" / "index.html"
    assert page.is_file()
    h1 = lxml.html.fromstring(page.read_bytes()).findtext(".//h1")
    assert h1 == "The #police session: what's next?"


def test_new_writeup_refuses_to_overwrite(content: Path) -> None:
    path = new_writeup(content, "Radios", event="bluelightcamp-2012", session="Radios", today=TODAY)
    path.write_text(path.read_text() + "\nThe author's own words.\n")
    before = path.read_text()

    with pytest.raises(ScaffoldError) as err:
        new_writeup(content, "Radios", event="bluelightcamp-2012", session="Radios", today=TODAY)

    assert str(err.value) == f"{path} already exists; not overwriting it (choose another title)"
    assert path.read_text() == before


def test_unknown_event_lists_the_known_ones(content: Path) -> None:
    with pytest.raises(ScaffoldError) as err:
        new_writeup(content, "Radios", event="ukgovcamp-2099", session="Radios", today=TODAY)
    assert str(err.value) == (
        "unknown event 'ukgovcamp-2099' (known events: bluelightcamp-2012, ukgovcamp-2011)"
    )
    assert not (content / "writeups" / "2024").exists()


def test_event_is_required(content: Path) -> None:
    with pytest.raises(ScaffoldError) as err:
        new_writeup(content, "Radios", session="Radios", today=TODAY)
    assert (
        str(err.value) == "--event is required (known events: bluelightcamp-2012, ukgovcamp-2011)"
    )


def test_session_defaults_to_the_title(content: Path) -> None:
    path = new_writeup(content, "Open radios", event="bluelightcamp-2012", today=TODAY)
    assert "Session: Open radios\n" in path.read_text()


def test_no_events_file_says_where_to_add_one(content: Path) -> None:
    (content / "events.toml").unlink()
    with pytest.raises(ScaffoldError) as err:
        new_writeup(content, "Radios", event="x", today=TODAY)
    assert str(err.value) == (
        f"unknown event 'x' (known events: none yet: add one to {content / 'events.toml'})"
    )


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Café & Police!", "cafe-police"),
        ("  Open   data -- for 999  ", "open-data-for-999"),
        ("Größe über Alles", "grosse-uber-alles"),
        ("Don't panic", "dont-panic"),
    ],
)
def test_slug_is_lower_case_ascii_with_hyphens(title: str, slug: str) -> None:
    assert slugify_title(title) == slug


def test_a_title_without_letters_is_refused(content: Path) -> None:
    with pytest.raises(ScaffoldError) as err:
        new_writeup(content, "!!!", event="ukgovcamp-2011", today=TODAY)
    assert str(err.value) == "cannot make a file name from the title '!!!'; use letters or digits"


def test_an_option_taken_for_the_title_is_refused_with_the_way_to_help(
    content: Path, tmp_path: Path
) -> None:
    """`invoke new --help` reaches the task as the title "--help": nothing is written."""
    before = sorted(content.rglob("*"))
    with pytest.raises(ScaffoldError) as err:
        new_writeup(content, "--help", event="ukgovcamp-2011", today=TODAY)
    assert str(err.value) == (
        "the title '--help' looks like an option: give the title first"
        ' (invoke new "Title" --event SLUG), or see invoke --help new'
    )
    assert sorted(content.rglob("*")) == before
    project = project_folder(tmp_path, "publish-site")  # the real task, never this repository
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "new", "--help", "--event", "ukgovcamp-2011"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr.strip()) == (1, f"new: {err.value}")
    assert not (project / "content" / "writeups" / str(dt.date.today().year)).exists()


def test_the_scaffold_leaves_other_writeups_alone(content: Path) -> None:
    before = {p: p.read_bytes() for p in content.rglob("*.md")}
    new_writeup(content, "Another", event="ukgovcamp-2011", today=TODAY)
    assert {p: p.read_bytes() for p in before} == before
    shutil.rmtree(content / "writeups" / "2024")
