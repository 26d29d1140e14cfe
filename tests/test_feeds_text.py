"""breakout_feeds.text: XML-safe text, HTML to text, absolute URLs in fragments."""

from __future__ import annotations

import random
from urllib.parse import urljoin

import pytest
from breakout_feeds.text import (
    _NOT_XML,
    _join,
    absolute_html,
    absolute_srcset,
    fragment_text,
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


def test_html_to_text_keeps_an_ampersand_that_starts_no_reference() -> None:
    # HTML5's rules: BeautifulSoup's parser dropped the "&" at the end ("Q&A" gave "QA").
    assert html_to_text("Ask us: Q&A") == "Ask us: Q&A"
    assert html_to_text("AT&T &amp; R&D &foo; &copy 2011") == "AT&T & R&D &foo; © 2011"


def test_html_to_text_skips_comments_and_code_but_keeps_cdata() -> None:
    html = (
        "a<!-- note --><script>x()</script><style>p{}</style><![CDATA[b<c]]>d<template>t</template>"
    )
    assert html_to_text(html) == "ab<cd"


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


def test_xml_safe_agrees_with_the_one_pattern_on_mixed_text() -> None:
    """The ASCII/BMP/astral fast paths remove exactly what the single pattern does."""
    pool = [chr(c) for c in [*range(0x00, 0xA0), 0xD800, 0xDFFF, 0xFDD0, 0xFDEF, 0xFDF0]]
    pool += ["\ufffd", "\ufffe", "\uffff", "é", "🎉", "\U0001fffe", "\U0010ffff", "\U0010fffd"]
    rng = random.Random(8)
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 8)))
        assert xml_safe(text) == _NOT_XML.sub("", text), repr(text)


def test_html_to_text_of_plain_text_only_cleans_and_collapses() -> None:
    assert html_to_text("  Fish\x0b and\n chips  ") == "Fish and chips"


def test_absolute_html_changes_only_the_url_attributes() -> None:
    """The page's markup is kept byte for byte (void tags, quotes, entities, case)."""
    html = (
        "<p>One<br>two&nbsp;&amp; <a HREF='../x/' title=\"a > b\">x</a>\n"
        '<img alt="" src=img/y.png></p><hr>'
    )
    assert absolute_html(html, BASE) == (
        '<p>One<br>two&nbsp;&amp; <a HREF="https://site.example/2011/x/" title="a > b">x</a>\n'
        '<img alt="" src="https://site.example/2011/fish/img/y.png"></p><hr>'
    )


def test_absolute_html_keeps_an_absolute_url_as_written() -> None:
    html = '<a href="https://other.example/?a=1&amp;b=2">o</a>'
    assert absolute_html(html, BASE) == html


def test_absolute_html_escapes_what_it_rewrites() -> None:
    html = absolute_html('<a href="?a=1&amp;b=&quot;2&quot;">q</a>', BASE)
    assert html == '<a href="https://site.example/2011/fish/?a=1&amp;b=&quot;2&quot;">q</a>'
    assert _attrs(html, "a", "href") == ['https://site.example/2011/fish/?a=1&b="2"']


def test_absolute_html_leaves_comments_scripts_and_styles_alone() -> None:
    html = (
        '<!-- <a href="c"> --><script src="s.js">var a = "<a href=\'x\'>";</script>'
        '<style>a[href="y"] {}</style><a href="z">z</a>'
    )
    assert absolute_html(html, BASE) == (
        '<!-- <a href="c"> --><script src="https://site.example/2011/fish/s.js">'
        'var a = "<a href=\'x\'>";</script><style>a[href="y"] {}</style>'
        '<a href="https://site.example/2011/fish/z">z</a>'
    )


def test_absolute_html_reads_attributes_as_html_does() -> None:
    html = absolute_html("<a data-href=\"x\" href=y/>t</a><a title='it\"s' href='w'>", BASE)
    assert _attrs(html, "a", "data-href") == ["x"]
    assert _attrs(html, "a", "href") == [
        "https://site.example/2011/fish/y/",
        "https://site.example/2011/fish/w",
    ]
    assert absolute_html('<a href="x">unclosed <a href="y', BASE).startswith(
        '<a href="https://site.example/2011/fish/x">unclosed'
    )


def test_absolute_html_drops_references_to_forbidden_characters_only() -> None:
    html = absolute_html("<p>a&#1;b&#x0B;c&#xD800;d&#xFFFE;e &#233; &#128; &amp;#1;</p>", BASE)
    assert html == "<p>abcde &#233; &#128; &amp;#1;</p>"


def test_join_agrees_with_urljoin() -> None:
    """The cached root-relative and absolute paths resolve exactly as urljoin does."""
    bases = [
        BASE,
        "http://127.0.0.1:8000/people/x/",
        "HTTPS://S.example/a/b;p?q#f",
        "http://[::1]/a/",
    ]
    parts = [
        "/",
        "//",
        "http://",
        "https://h",
        "mailto:",
        "x",
        "..",
        ".",
        "?q",
        "#f",
        ";p",
        " ",
        "[",
    ]
    rng = random.Random(4)
    for _ in range(3000):
        url = "".join(rng.choice(parts) for _ in range(rng.randint(1, 4)))
        base = rng.choice(bases)
        try:
            want = urljoin(base, url.strip())
        except ValueError:
            want = url.strip()
        assert _join(base, url) == want, (base, url)


@pytest.mark.parametrize(
    "html",
    [
        "<p>Fish &amp; <em>chips</em></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
        '<p>See <a class="mention" href="/people/x/">@x</a>, <code>a &lt; b</code>&nbsp;ok</p>',
        "<p>a<!-- hidden --><script>var x = 1;</script><style>p {}</style>b &#233; &#1;</p>",
        "<p>3 < 4 and <a title='x > y' href=z>link</a></p>",
    ],
)
def test_fragment_text_agrees_with_html_to_text(html: str) -> None:
    assert fragment_text(html) == html_to_text(html)


def test_absolute_html_keeps_a_broken_tag_as_written() -> None:
    """A tag cut by the end of the text or an unclosed quote ends where html.parser ends it."""
    assert absolute_html('<a href="x">y</a> <a href="z', BASE) == (
        '<a href="https://site.example/2011/fish/x">y</a> <a href="z'
    )
    broken = '<b title="never closed <a href="x">'
    assert absolute_html(broken, BASE) == broken
    many = "<a href=x>" + "<b " * 3000  # each '<' must not rescan to the end
    assert absolute_html(many, BASE) == '<a href="https://site.example/2011/fish/x">' + "<b " * 3000
