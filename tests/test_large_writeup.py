"""A very large write-up can be published: `invoke check` reads its feeds, and the author is told (issue 15)."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import feedparser
import pytest
from breakout_feeds.model import FeedEntry, FeedMeta
from breakout_feeds.render import render_feed
from conftest import FIXTURES, build_site

from tools.feedcheck import check_feed_html, validate_feed_bytes

WHEN = dt.datetime(2011, 1, 23, tzinfo=dt.UTC)
META = FeedMeta(
    title="Big",
    description="d",
    link="http://x.example/",
    rss_url="http://x.example/rss.xml",
    atom_url="http://x.example/atom.xml",
    author="A",
)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_feed_check_reads_a_feed_with_an_11_mb_entry(kind: str, tmp_path: Path) -> None:
    # libxml2 refuses a text node over 10,000,000 bytes unless asked (XML_PARSE_HUGE).
    paragraph = '<p>Said <a class="mention" href="http://x.example/people/nick/">@nick</a>.</p>'
    html = paragraph * (11_000_000 // len(paragraph))
    entry = FeedEntry(
        id="tag:x,2011:big", title="Big", url="http://x.example/big/", published=WHEN,
        updated=WHEN, content_html=html, summary="Big.",
    )  # fmt: skip
    data = render_feed(META, [entry], kind)
    assert len(data) > 11_000_000
    assert validate_feed_bytes(data, "feeds/big.xml") == []
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / f"big.{kind}.xml").write_bytes(data)
    assert check_feed_html(tmp_path) == []


def test_a_large_writeup_is_warned_about_and_its_feeds_carry_its_summary(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal-site", site)
    body = "\n\n".join(
        f"Point {n}: @nickkeane said #police [see](https://x.example/{n})." for n in range(400)
    )
    (site / "writeups/2011/big.md").write_text(
        "Title: Big\nDate: 2011-01-24\nEvent: ukgovcamp-2011\nSession: S\n"
        f"Summary: Four hundred points.\n\n{body}\n",
        encoding="utf-8",
    )
    caplog.set_level(logging.WARNING)
    build_site(site, tmp_path / "out", BREAKOUT_FEEDS={"FULL_TEXT_LIMIT": 20_000})
    size = len((tmp_path / "out/2011/big/index.html").read_text(encoding="utf-8"))
    assert size > 20_000
    warned = [r.getMessage() for r in caplog.records if "unusually large" in r.getMessage()]
    assert len(warned) == 1
    assert warned[0].startswith("content/writeups/2011/big.md: unusually large (")
    assert warned[0].endswith(
        " characters of HTML; feeds carry a write-up's full text up to 20,000): its feed "
        "entries carry its summary and a link, its page the whole text. Split it if it covers "
        'several sessions, or raise BREAKOUT_FEEDS["FULL_TEXT_LIMIT"]'
    )
    for feed in ("feeds/all.atom.xml", "feeds/all.rss.xml", "people/nickkeane/atom.xml"):
        parsed = feedparser.parse((tmp_path / "out" / feed).read_bytes())
        big = next(e for e in parsed.entries if e.link.endswith("/2011/big/"))
        assert "content" not in big, feed
        assert big.summary == "Four hundred points."
        small = next(e for e in parsed.entries if e.link.endswith("/2011/police/"))
        assert "A short write-up" in small.get("content", [{"value": small.summary}])[0]["value"]


def test_the_link_check_reads_a_page_with_an_11_mb_paragraph() -> None:
    from tools.linkcheck import read_page

    text = b"x" * 11_000_000
    page = read_page(
        b'<html><body><p id="a">' + text + b'</p><a href="/people/nick/">n</a></body></html>'
    )
    assert (page.error, page.ids, page.links) == ("", {"a"}, ["/people/nick/"])
