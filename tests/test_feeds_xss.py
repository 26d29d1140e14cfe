"""No feed carries markup that runs script: the comment XSS vectors, in real builds, read by feedparser.

Every vector goes into a comment file, and all of them into one write-up's body and Summary
(authors are trusted, but their HTML still goes through the write-up allow-list). Every
HTML-bearing element of every feed (RSS description and content:encoded, Atom summary and
content of type html) is parsed as HTML and must hold no script element, event handler or
script URL; `invoke check`'s feed-HTML check must agree, and name the feed and entry when not.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import feedparser
import pytest
from breakout_kernel.htmlsafety import script_url
from bs4 import BeautifulSoup
from conftest import FIXTURES, build_site
from test_comments_xss import FIELD_VECTORS, _Collect, load_vectors

SITE = FIXTURES / "comments-site"
PLUGINS = {
    "PLUGINS": [
        "breakout_content",
        "breakout_text",
        "breakout_comments",
        "breakout_feeds",
        "breakout_index",
    ]
}
HTML_TYPES = ("text/html", "application/xhtml+xml")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The comments site with every vector as a comment and in a write-up; built once."""
    root = tmp_path_factory.mktemp("feedxss")
    site = root / "content"
    shutil.copytree(SITE, site)
    vectors = load_vectors()
    folder = site / "comments" / "ukgc11-police"
    for n, vector in enumerate(vectors, start=1):
        (folder / f"x{n:03d}.md").write_text(f"Author: Tester {n}\n\n{vector}\n", encoding="utf-8")
    for n, (key, value) in enumerate(FIELD_VECTORS, start=1):
        author = "" if key == "Author" else "Author: Field tester\n"
        (folder / f"f{n:03d}.md").write_text(
            f"{author}{key}: {value}\n\nField vector {n}.\n", encoding="utf-8"
        )
    (folder / "t001.md").write_text(
        "Author: Typist\n\nI typed &lt;img src=x onerror=alert(1)&gt; as text.\n", encoding="utf-8"
    )
    body = "\n\n".join(vectors)
    (site / "writeups" / "2011" / "vectors.md").write_text(
        "Title: Every vector in a write-up\nDate: 2011-01-24\nEvent: ukgovcamp-2011\n"
        "Session: Vectors\nTags: police\n"
        "Summary: Shown as text: &lt;svg onload=alert(1)&gt; and <img src=x onerror=alert(1)>\n"
        f"\nWith @nickkeane and #police.\n\n{body}\n",
        encoding="utf-8",
    )
    feeds = {"MAX_ITEMS": 500}  # every comment in the comments feeds
    handler = _Collect()
    logging.getLogger("breakout").addHandler(handler)
    try:
        build_site(site, root / "out", BREAKOUT_FEEDS=feeds, **PLUGINS)
    finally:
        logging.getLogger("breakout").removeHandler(handler)
    (root / "out" / "warnings.log").write_text("\n".join(handler.messages), encoding="utf-8")
    return root / "out"


def test_the_author_is_told_what_was_removed_from_a_writeup(out: Path) -> None:
    lines = (out / "warnings.log").read_text(encoding="utf-8").splitlines()
    removed = [line for line in lines if "removed from" in line]
    assert len(removed) == 2
    assert removed[0].startswith(
        "content/writeups/2011/vectors.md: removed from its text: a <script> element; "
        "an event handler onerror= on <img>; an event handler onload= on <svg>; "
    )
    assert "; a script URL in href= on <a> (javascript:alert(1));" in removed[0]
    assert removed[0].endswith("(write-ups may not run script; see README, Writing)")
    assert removed[1] == (
        "content/writeups/2011/vectors.md: removed from its Summary: an event handler onerror= "
        "on <img> (write-ups may not run script; see README, Writing)"
    )


def _feeds(out: Path) -> list[Path]:
    found = sorted(p for p in out.rglob("*.xml") if p.name != "sitemap.xml")
    assert len(found) >= 8  # site, comments, per-write-up comments, people, topics, events
    return found


def _dangers(fragment: str) -> list[str]:
    """What an HTML parser finds in a fragment that could run script."""
    found = []
    for tag in BeautifulSoup(fragment, "html.parser").find_all(True):
        if tag.name == "script":
            found.append("script")
        for attr, value in tag.attrs.items():
            if attr.lower().startswith("on"):
                found.append(f"{tag.name} {attr}")
            elif isinstance(value, str) and script_url(value):
                found.append(f"{tag.name} {attr}={value}")
    return found


def _html_values(parsed: feedparser.FeedParserDict) -> list[tuple[str, str]]:
    """(where, HTML) for every HTML-typed value feedparser found, feed and entries."""
    values = []
    detail = parsed.feed.get("subtitle_detail")
    if detail and detail.type in HTML_TYPES:
        values.append(("feed subtitle", detail.value))
    for entry in parsed.entries:
        details = [entry.get("summary_detail"), *entry.get("content", [])]
        values += [(entry.id, d.value) for d in details if d and d.type in HTML_TYPES]
    return values


def test_no_feed_carries_script_for_a_feed_reader(out: Path) -> None:
    bad = []
    for path in _feeds(out):
        # sanitize_html=False: read the feed as a reader that trusts it would.
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        for where, value in _html_values(parsed):
            bad += [(path.relative_to(out).as_posix(), where, d) for d in _dangers(value)]
    assert bad == []


def test_comment_text_that_shows_markup_reads_as_that_text(out: Path) -> None:
    parsed = feedparser.parse(
        (out / "2011/ukgc11-police/comments.rss.xml").read_bytes(), sanitize_html=False
    )
    shown = {}
    for entry in parsed.entries:
        assert entry.summary_detail.type == "text/html"
        shown[entry.id.rsplit("-", 1)[1]] = BeautifulSoup(entry.summary, "html.parser").get_text()
    assert shown["t001"] == "I typed <img src=x onerror=alert(1)> as text."
    assert shown[f"x{len(load_vectors()):03d}"] == "<script>alert(1)</script> in code is only text"


def test_writeup_summary_text_stays_text_and_its_markup_is_cleaned(out: Path) -> None:
    parsed = feedparser.parse((out / "feeds/all.atom.xml").read_bytes(), sanitize_html=False)
    entry = next(e for e in parsed.entries if e.link.endswith("/2011/vectors/"))
    assert BeautifulSoup(entry.summary, "html.parser").get_text() == (
        "Shown as text: <svg onload=alert(1)> and"
    )
    content = BeautifulSoup(entry.content[0].value, "html.parser")
    assert content.find("a", class_="mention").get_text() == "@nickkeane"
    assert [i["src"] for i in content.find_all("img")][:1] == [
        "http://127.0.0.1:8000/2011/vectors/x"
    ]


def test_the_check_passes_the_built_feeds(out: Path) -> None:
    from tools.feedcheck import check_feed_html

    assert check_feed_html(out) == []


def test_the_check_names_feed_entry_and_what_it_found(tmp_path: Path) -> None:
    from tools.feedcheck import check_feed_html

    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "comments.rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<link>http://x.example/</link><description>d</description>"
        "<item><guid>tag:x,2011:a#comment-1</guid>"
        "<description>&lt;svg onload=alert(1)&gt;</description></item>"
        "<item><guid>tag:x,2011:a#comment-2</guid><description>fine &amp;lt;b&amp;gt;"
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    (tmp_path / "people" / "x").mkdir(parents=True)
    (tmp_path / "people" / "x" / "atom.xml").write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>tag:x,2011:f</id>'
        '<entry><id>tag:x,2011:a</id><summary type="text">&lt;script&gt;</summary>'
        '<content type="html">&lt;a href=" java&amp;#115;cript:alert(1)"&gt;x&lt;/a&gt;'
        "&lt;script&gt;alert(1)&lt;/script&gt;</content></entry></feed>",
        encoding="utf-8",
    )
    assert check_feed_html(tmp_path) == [
        "feeds/comments.rss.xml: item 1 (tag:x,2011:a#comment-1): <description> holds "
        "an event handler onload= on <svg>",
        "people/x/atom.xml: entry 1 (tag:x,2011:a): <content> holds a script URL in href= on "
        "<a> (javascript:alert(1))",
        "people/x/atom.xml: entry 1 (tag:x,2011:a): <content> holds a <script> element",
    ]


def test_invoke_check_runs_the_feed_html_check() -> None:
    from tools import check

    assert check.feed_html in check.DEFAULT_CHECKS
