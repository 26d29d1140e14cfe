"""Opt-out (people.toml `optout = true`): the person is named nowhere in a real build.

The fixture site names Robin Vale (@robinvale, alias @RobinV, Mastodon
@robin@police.example, learnt name "Robbie Vale", redact "Robs") by handle, alias,
Mastodon form and learnt name; they lead a session, write a write-up and a comment,
and are mentioned in another comment.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from breakout_kernel.errors import BuildFailed
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT, build_site

from tools.check import run_checks, unnamed
from tools.golden import compare_trees

SITE = FIXTURES / "optout-site"
SITEURL = "https://camp.example.org"
POLICE = "2011/ukgc11-police/index.html"
FOLLOWUP = "2011/ukgc11-followup/index.html"
OFF = {"BREAKOUT_SEARCH": {"ENABLED": False}}
# Every way the fixture names them, lower-cased: "robin" is in all but the redact string.
THEIR_BYTES = (b"robin", b"robs")


def every_file_text(root: Path) -> dict[str, bytes]:
    """Each output file's bytes, lower-cased, gzip'd files (Pagefind's) decompressed."""
    found: dict[str, bytes] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        found[path.relative_to(root).as_posix()] = data.lower()
    return found


def comments_text(html_file: Path) -> str:
    """The comments section's text, up to the comment form (the form has its own tests)."""
    return prose(html_file, "#comments").split(" Leave a comment")[0]


def prose(html_file: Path, selector: str = ".e-content") -> str:
    """The text of one part of a page, whitespace collapsed."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    return " ".join(soup.select_one(selector).get_text(" ").split())


def set_optout(content: Path, value: bool) -> None:
    """Flip `optout` in the copy's people.toml (moving its mtime on, as an editor would)."""
    path = content / "people.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"optout = \w+", f"optout = {'true' if value else 'false'}", text)
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site built with an absolute SITEURL (so with sitemap.xml) and search."""
    out = tmp_path_factory.mktemp("optout") / "output"
    build_site(SITE, out, SITEURL=SITEURL)
    return out


def test_no_output_file_names_them(built: Path) -> None:
    files = every_file_text(built)
    assert "sitemap.xml" in files and any(
        "/fragment/" in n for n in files if n.startswith("pagefind/")
    )
    leaks = [(name, s) for name, data in files.items() for s in THEIR_BYTES if s in data]
    assert leaks == []
    # Not even @theirhandle@another.host, which the identity service takes for someone else.
    assert sorted(p.name for p in (built / "people").iterdir() if p.is_dir()) == ["nickkeane"]
    draft = built / "drafts/ukgc11-draft/index.html"  # drafts are erased too
    assert prose(draft, "h1") == "Notes for a participant"
    assert prose(draft) == "A draft that thanks a participant and a participant."


def test_the_pages_that_named_them_still_read_well(built: Path) -> None:
    assert prose(built / POLICE) == (
        "A participant pitched the session with @nickkeane . A participant said forces should "
        "answer questions on Twitter. Later a participant asked who moderates #police accounts, "
        "and a participant posted the slides. A participant thought it would take a year. "
        "See the slides and the notes from @nickkeane ."
    )
    assert prose(built / POLICE, ".session-facts") == (
        "Event UK GovCamp 2011 Session Police and social media Led by a participant Nick Keane"
    )
    assert prose(built / FOLLOWUP, ".byline") == "By a participant · 30 January 2011"
    soup = BeautifulSoup((built / FOLLOWUP).read_text(encoding="utf-8"), "html.parser")
    assert [a.get_text() for a in soup.select(".related a.p-category")] == ["opendata"]
    assert prose(built / FOLLOWUP) == (
        "A participant followed up with @nickkeane on #opendata . Nick Keane ( @nickkeane ) agreed."
    )
    assert comments_text(built / POLICE) == (
        "Comments (3) Anonymous 24 January 2011 Permalink to this comment by Anonymous "
        "Reply to this comment by Anonymous "
        "I stand by what I said, @nickkeane . Nick Keane @nickkeane 24 January 2011 Permalink "
        "to this comment by Nick Keane Reply to this comment by Nick Keane Good point from a "
        "participant; a participant was right about the year. Nick Keane @nickkeane 25 January "
        "2011 Permalink to this comment by Nick Keane Reply to this comment by Nick Keane "
        "Ask a participant too."
    )
    soup = BeautifulSoup((built / POLICE).read_text(encoding="utf-8"), "html.parser")
    first = soup.select_one("#comment-001 .comment-author")
    assert first.name == "span"  # no link to a page or their website
    # Only Nick Keane is a person: in the write-up's people, the people index and the session.
    assert [a.get_text() for a in soup.select(".related a.h-card")] == ["Nick Keane"]
    people = BeautifulSoup((built / "people/index.html").read_text(), "html.parser")
    assert [a["href"] for a in people.select("main a[href*='/people/']")] == [
        f"{SITEURL}/people/nickkeane/"
    ]
    # "Mentioned together" and counts leave them out: Nick was named with nobody else.
    nick = (built / "people/nickkeane/index.html").read_text(encoding="utf-8")
    assert "Mentioned together" not in nick and "a participant" in nick.lower()


def test_check_passes_on_the_erased_site_and_names_a_planted_leak(
    built: Path, tmp_path: Path
) -> None:
    conf, content = ROOT / "publishconf.py", SITE
    overrides: dict[str, Any] = {"SITEURL": SITEURL}
    assert run_checks(built, conf=conf, content=content, overrides=overrides) == []
    leaky = tmp_path / "leaky"
    shutil.copytree(built, leaky)
    about = leaky / "about/index.html"
    about.write_text(
        about.read_text().replace("</main>", "<p>Thanks, Robbie&nbsp;Vale.</p></main>")
    )
    fragment = next(
        f
        for f in sorted((leaky / "pagefind").glob("*/fragment/*"))
        if b"Nick Keane" in gzip.decompress(f.read_bytes())
    )
    data = gzip.decompress(fragment.read_bytes()).replace(b"Nick Keane", b"@RobinV", 1)
    fragment.write_bytes(gzip.compress(data))
    # A calendar folds its lines at 75 octets: a fold may fall inside a name.
    calendar = leaky / "events/ukgovcamp-2011/event.ics"
    data = calendar.read_bytes()
    assert b"(led by a participant)" in data
    calendar.write_bytes(data.replace(b"(led by a participant)", b"(led by Rob\r\n bie Vale)"))
    problems = run_checks(leaky, conf=conf, content=content, overrides=overrides, checks=[unnamed])
    note = "names someone who asked not to be named (optout = true in people.toml)"
    assert problems == [
        f"about/index.html: {note}: 'Robbie Vale'",
        f"events/ukgovcamp-2011/event.ics: {note}: 'Robbie Vale'",
        f"{fragment.relative_to(leaky).as_posix()}: {note}: '@RobinV'",
    ]


def test_hidden_comments_and_own_wording(tmp_path: Path) -> None:
    out = tmp_path / "out"
    options = {"WORDING": "someone", "COMMENTS": "hidden"}
    build_site(SITE, out, BREAKOUT_OPTOUT=options, **OFF)
    assert prose(out / POLICE).startswith("Someone pitched the session with @nickkeane . Someone")
    assert comments_text(out / POLICE) == (
        "Comments (2) This comment was removed. Permalink to removed comment 001 Nick Keane "
        "@nickkeane 24 January 2011 Permalink to this comment by Nick Keane Reply to this "
        "comment by Nick Keane Good point from someone; someone was right about the year. "
        "Nick Keane @nickkeane 25 January 2011 Permalink to this comment by Nick Keane "
        "Reply to this comment by Nick Keane Ask someone too."
    )
    feed = (out / "feeds/comments.rss.xml").read_text(encoding="utf-8")
    assert "I stand by what I said" not in feed and feed.count("<item>") == 2
    leaks = [n for n, d in every_file_text(out).items() if any(s in d for s in THEIR_BYTES)]
    assert leaks == []


def test_flipping_optout_back_names_them_again(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    set_optout(content, False)
    out = tmp_path / "out"
    build_site(content, out, **OFF)
    assert prose(out / POLICE).startswith(
        "@robinvale pitched the session with @nickkeane . Robbie Vale ( @robinvale ) said"
    )
    assert "Robs thought" in prose(out / POLICE)
    soup = BeautifulSoup((out / POLICE).read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("#comment-001 .comment-author")["href"] == "/people/robinvale/"
    assert soup.select_one(".comment-website")["href"] == "https://robinvale.example"
    assert (out / "people/robinvale/index.html").is_file()
    assert (out / "people/robinvale/rss.xml").is_file()
    assert "By Robin Vale" in prose(out / FOLLOWUP, ".byline")


def test_warm_build_equals_cold_after_each_flip(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    output, cache = tmp_path / "output", tmp_path / "cache"

    def cold_problems(n: int) -> list[str]:
        fresh = tmp_path / f"cold{n}"
        build_site(content, fresh, cache=tmp_path / f"cold{n}-cache", **OFF)
        return compare_trees(fresh, output)

    build_site(content, output, cache=cache, **OFF)
    for n, value in enumerate((False, True, False, True)):
        set_optout(content, value)
        build_site(content, output, cache=cache, **OFF)
        assert cold_problems(n) == [], f"after optout = {value}"
        assert (output / "people/robinvale").exists() is not value


def test_bad_optout_entries_are_reported(
    tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    people = content / "people.toml"
    text = people.read_text().replace("optout = true", 'optout = "yes"')
    text = text.replace('redact = ["Robs"]', "redact = [1]")
    people.write_text(text + '\n[people.other]\nname = "Other"\nredact = ["Oth"]\n')
    with pytest.raises(BuildFailed):
        build_site(content, tmp_path / "out", **OFF)
    lines = [line for line in error_log(logging.WARNING) if "people.toml" in line]
    assert lines == [
        "content/people.toml:14: [people.robinvale] 'optout' must be true or false (without quotes)",
        "content/people.toml:15: [people.robinvale] 'redact' must be a list of non-empty strings, "
        'e.g. redact = ["Sasha"]',
        "content/people.toml:19: [people.other] 'redact' is used only with optout = true; "
        "it has no effect here",
    ]


def test_bad_optout_settings_are_reported(
    tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    bad = {"WORDING": "", "COMMENTS": "gone", "HIDE": True}
    with pytest.raises(BuildFailed):
        build_site(SITE, tmp_path / "out", BREAKOUT_OPTOUT=bad, **OFF)
    assert [line for line in error_log() if "BREAKOUT_OPTOUT" in line] == [
        "pelicanconf: BREAKOUT_OPTOUT['WORDING'] = '' is not valid: expected a non-empty string "
        "such as 'a participant'",
        "pelicanconf: BREAKOUT_OPTOUT['COMMENTS'] = 'gone' is not valid: expected 'anonymous' "
        "or 'hidden'",
        "pelicanconf: BREAKOUT_OPTOUT: unknown key 'HIDE'; known keys: COMMENTS, COMMENT_AUTHOR, "
        "WORDING",
    ]
