"""breakout_feeds.text: XML-safe text, HTML to text, absolute URLs in fragments."""

from __future__ import annotations

import pytest
from breakout_feeds.text import (
    absolute_html,
    absolute_srcset,
    html_to_text,
    truncate_words,
    xml_safe,
)
from bs4 import BeautifulSoup

BASE = "https://site.example/2011/fish/"

FORBIDDEN = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]] + [
    "\ud800",  # lone high surrogate
    "\udfff",  # lone low surrogate
    "\ufffe",
    "\uffff",
    "\x85",  # C1 control (discouraged, never prose)
    "\U0010ffff",
]


@pytest.mark.parametrize("char", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_xml_safe_removes_each_forbidden_character(char: str) -> None:
    assert xml_safe(f"a{char}b") == "ab"


def test_xml_safe_keeps_what_xml_allows() -> None:
    text = "tab\there\nnew line\rcr é 🎉 “quotes” \u00a0 \ufffd"
    assert xml_safe(text) == text


def test_html_to_text_decodes_entities_and_drops_tags() -> None:
    assert html_to_text("Fish &amp; <em>chips</em>\x0b  now") == "Fish & chips now"


def test_html_to_text_drops_controls_hidden_in_character_references() -> None:
    assert html_to_text("a&#1;b&#x0B;c") == "abc"


def test_truncate_words_marks_a_cut() -> None:
    assert truncate_words("one two three", 2) == "one two …"
    assert truncate_words(" one  two ", 2) == "one two"


def _attrs(html: str, tag: str, attr: str) -> list[str]:
    return [t[attr] for t in BeautifulSoup(html, "html.parser").find_all(tag) if t.has_attr(attr)]


def test_absolute_html_rewrites_links_images_and_media() -> None:
    html = absolute_html(
        '<a href="../second/">s</a><a href="/about/">a</a><a href="#notes">n</a>'
        '<img src="img/a.png"><video poster="p.jpg" src="v.mp4"></video>'
        '<a href="mailto:z@example.org">m</a><a href="https://other.example/x">o</a>'
        '<img src="//cdn.example/c.png">',
        BASE,
    )
    assert _attrs(html, "a", "href") == [
        "https://site.example/2011/second/",
        "https://site.example/about/",
        "https://site.example/2011/fish/#notes",
        "mailto:z@example.org",
        "https://other.example/x",
    ]
    assert _attrs(html, "img", "src") == [
        "https://site.example/2011/fish/img/a.png",
        "https://cdn.example/c.png",
    ]
    assert _attrs(html, "video", "poster") == ["https://site.example/2011/fish/p.jpg"]
    assert _attrs(html, "video", "src") == ["https://site.example/2011/fish/v.mp4"]


def test_absolute_srcset_keeps_descriptors_and_handles_commas() -> None:
    assert absolute_srcset(BASE, "a.png 1x, /b.png 2x") == (
        "https://site.example/2011/fish/a.png 1x, https://site.example/b.png 2x"
    )
    # A comma right after a URL ends it; inside a URL (data: URIs) it belongs to the URL.
    assert absolute_srcset(BASE, "a.png, b.png 640w") == (
        "https://site.example/2011/fish/a.png, https://site.example/2011/fish/b.png 640w"
    )
    assert absolute_srcset(BASE, "data:image/png;base64,AA== 1x,c.png 2x") == (
        "data:image/png;base64,AA== 1x, https://site.example/2011/fish/c.png 2x"
    )


def test_absolute_html_rewrites_srcset_inside_picture() -> None:
    html = absolute_html('<picture><source srcset="s.webp 1x"><img src="s.png"></picture>', BASE)
    assert _attrs(html, "source", "srcset") == ["https://site.example/2011/fish/s.webp 1x"]


def test_absolute_html_leaves_an_unparseable_url_alone() -> None:
    html = absolute_html('<a href="http://[broken">x</a>', BASE)
    assert _attrs(html, "a", "href") == ["http://[broken"]


def test_absolute_html_output_has_no_forbidden_characters() -> None:
    html = absolute_html('<p title="a\x01b">x\x0by &#1; z</p>', BASE)
    assert xml_safe(html) == html
    assert "x" in html and "z" in html
