"""WXR 1.1, a Blogger backup and a Google Takeout feed.atom imported into one site and built."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import build_site
from import_helpers import CONF, new_site, run

EXPORTS = ("wordpress-1.1.xml", "blogger.xml", "blogger-takeout.atom")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("formats")
    content = new_site(folder)
    reports = {}
    for export in EXPORTS:
        status, out, err = run(export, content)
        assert status == 0, err
        reports[export] = out
    output = folder / "output"
    build_site(content, output, BREAKOUT_SEARCH={"ENABLED": False})
    return content, output, reports


def soup(output: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((output / rel).read_text(encoding="utf-8"), "html.parser")


def thread(output: Path, rel: str) -> list[tuple[str, int, bool]]:
    """(id, depth, removed?) of each comment of a page, in page order."""
    section = soup(output, rel).find(id="comments")
    assert isinstance(section, Tag)
    return [
        (
            a["id"].removeprefix("comment-"),
            len(a.find_parents("article", class_="comment")),
            a.find(class_="comment-placeholder") is not None,
        )
        for a in section.find_all("article", class_="comment")
    ]


def meta(content: Path, rel: str) -> dict[str, str]:
    head = (content / rel).read_text().split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines())


def test_reports_count_what_is_not_content(site: tuple[Path, Path, dict[str, str]]) -> None:
    reports = site[2]
    assert "2 write-ups (1 drafts), 1 pages, 3 comments" in reports["blogger.xml"]
    assert "Not imported: 2 settings entries, 1 template entries" in reports["blogger.xml"]
    assert "Not imported: 1 spam comments" in reports["blogger-takeout.atom"]
    assert "Not imported: 1 pingbacks and trackbacks" in reports["wordpress-1.1.xml"]


def test_dates_are_converted_to_the_site_time_zone(site: tuple[Path, Path, dict[str, str]]) -> None:
    content = site[0]
    # 21:15 at UTC-8 on 26 January is 05:15 in London (GMT) the next day.
    assert (
        meta(content, "writeups/2010/local-government-group-hug.md")["Date"] == "2010-01-27 05:15"
    )
    # 19:00 UTC on 17 April is 20:00 in London (BST).
    assert meta(content, "writeups/2012/pccs-blc12.md")["Date"] == "2012-04-17 20:00"


def test_wxr_1_1_post_event_structure_and_thread(site: tuple[Path, Path, dict[str, str]]) -> None:
    content, output, _ = site
    assert meta(content, "writeups/2012/pccs-blc12.md")["Event"] == "bluelightcamp-2012"
    assert meta(content, "writeups/2012/pccs-blc12.md")["Title"] == "PCCs & the #blc12 crowd"
    page = soup(output, "2012/pccs-blc12/index.html").find("article", class_="writeup")
    assert isinstance(page, Tag)
    assert page.find("blockquote").get_text(strip=True) == "Be reasonable about risk."
    assert [li.get_text() for li in page.find("ol").find_all("li")] == ["Mandate", "Panels"]
    assert page.find("a", string="about")["href"] == "http://bluelights.example.com/blog/about/"
    assert thread(output, "2012/pccs-blc12/index.html") == [("3", 0, False), ("4", 1, False)]
    assert meta(content, "writeups/2012/pending-review.md")["Status"] == "draft"


def test_blogger_posts_pages_drafts_and_removed_comments(
    site: tuple[Path, Path, dict[str, str]],
) -> None:
    content, output, _ = site
    post = "2010/local-government-group-hug/index.html"
    assert meta(content, "writeups/2010/local-government-group-hug.md")["Event"] == "ukgovcamp-2010"
    assert thread(output, post) == [("7001", 0, False), ("7002", 1, False), ("7003", 0, True)]
    assert (output / "about-me/index.html").is_file()
    assert (output / "drafts/unfinished-ukgc10-thoughts/index.html").is_file()
    assert "DRAFT-POST-TEXT" not in (output / "feeds/all.atom.xml").read_text()
    assert "TEMPLATE-TEXT" not in "".join(p.read_text() for p in content.rglob("*.md"))


def test_takeout_threads_and_drafts(site: tuple[Path, Path, dict[str, str]]) -> None:
    content, output, _ = site
    assert thread(output, "2011/notes-from-ukgc11/index.html") == [
        ("301", 0, False),
        ("302", 1, False),
    ]
    assert meta(content, "writeups/2011/private-draft.md")["Status"] == "draft"
    assert "TAKEOUT-SPAM-TEXT" not in "".join(p.read_text() for p in content.rglob("*.md"))


def test_blogger_addresses_and_feeds_redirect(site: tuple[Path, Path, dict[str, str]]) -> None:
    content, output, _ = site
    old = soup(output, "2010/01/local-government-group-hug.html")
    assert old.find("link", rel="canonical")["href"] == "/2010/local-government-group-hug/"
    assert soup(output, "p/about-me.html").find("link", rel="canonical")["href"] == "/about-me/"
    feed = soup(output, "feeds/posts/default/index.html")
    assert feed.find("link", rel="canonical")["href"] == "/feeds/all.atom.xml"
    assert (output / "blog/feed/index.html").is_file()  # WordPress under /blog: its feed too
    from tools.check import links, redirects, run_checks

    assert run_checks(output, conf=CONF, content=content, checks=[links, redirects]) == []
