"""The write-up allow-list keeps what authors write and drops what runs; the finder sees it all."""

from __future__ import annotations

import markdown
import pytest
from breakout_kernel import htmlsafety
from breakout_kernel.htmlsafety import sanitize_writeup, script_url, unsafe_markup
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from test_comments_xss import load_vectors

AUTHOR_MARKDOWN = """## Notes

| who | said |
|-----|------|
| Nick | yes |

Term
:   Definition

A claim[^1] and <abbr title="Police and Crime Commissioner">PCC</abbr>.

<figure><img src="/images/a.png" alt="A board" width="640" loading="lazy">
<figcaption>The board</figcaption></figure>

<details><summary>More</summary><p>Hidden <mark>text</mark>, <kbd>Ctrl</kbd>.</p></details>

<video controls="" src="/media/v.mp4"><track kind="captions" src="/media/v.vtt"></video>

[mail](mailto:a@example.org) [call](tel:+441234) [here](/2011/x/#top) [there](https://x.example/)

[^1]: A footnote.
"""


def _markdown(text: str) -> str:
    md = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html5")
    return md.convert(text)


def test_the_allow_list_keeps_what_authors_write() -> None:
    html = _markdown(AUTHOR_MARKDOWN)
    # The same document (references may be spelt otherwise: &#160; comes back as &nbsp;).
    assert BeautifulSoup(sanitize_writeup(html), "html.parser") == BeautifulSoup(
        html, "html.parser"
    )
    assert "<table>" in html and "<figure>" in html and 'class="footnote"' in html


def test_a_note_for_editors_is_not_published() -> None:
    """An HTML comment, a block or inside a paragraph, goes; the text around it stays."""
    html = _markdown(
        "<!-- Date: the seed gives no date; ask Sam -->\n\n"
        "Before <!-- check with Rob --> after.\n\n`<!-- code -->`"
    )
    assert "ask Sam" in html and "check with Rob" in html  # Markdown passes them through
    cleaned = sanitize_writeup(html)
    assert "ask Sam" not in cleaned and "check with Rob" not in cleaned and "<!--" not in cleaned
    assert BeautifulSoup(cleaned, "html.parser").get_text(" ").split() == [
        "Before", "after.", "<!--", "code", "-->"
    ]  # fmt: skip


def test_the_allow_list_drops_script_and_the_finder_saw_it_first() -> None:
    html = _markdown("\n\n".join(load_vectors()))
    assert unsafe_markup(html)
    cleaned = sanitize_writeup(html)
    assert unsafe_markup(cleaned) == []
    for gone in ("<script", "<iframe", "<svg", "<style", "<form", "<object", "<embed"):
        assert gone not in cleaned.lower()  # as text they would be &lt;script


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("javascript:alert(1)", True),
        (" \x01JaVaScRiPt:alert(1)", True),
        ("java\tscript:alert(1)", True),
        ("vbscript:msgbox(1)", True),
        ("data:text/html,<script>", True),
        ("data:image/svg+xml;base64,PHN2Zz4=", True),
        ("data:image/png;base64,iVBOR", False),
        ("https://x.example/javascript:", False),
        ("/people/nick/", False),
        ("mailto:a@example.org", False),
    ],
)
def test_script_urls_as_a_browser_reads_them(value: str, expected: bool) -> None:
    assert script_url(value) is expected


def test_the_finder_names_what_it_found() -> None:
    assert unsafe_markup(
        '<p onclick="x()">a</p><script>b</script><a href=" java&#115;cript:c">d</a>'
        "<p>a footnote&#8617; and open data: plain prose</p>"
    ) == [
        "an event handler onclick= on <p>",
        "a <script> element",
        "a script URL in href= on <a> (javascript:c)",
    ]


# Text built from the pieces the finder's pre-test looks for, with the characters that
# re.I folds to ASCII letters (İ ı ſ K) and other case pairs in between.
_PIECES = st.sampled_from(
    [
        "on", "ON", "oN", "click", "=", " ", "\n", "script", "ScRiPt", "data", "DATA", ":",
        "&", "#", "colon", "tab", "newline", '"', "'", ">", "<p ", "_", "x", "1", "é", "É",
        "\u0130", "\u0131", "\u017f", "\u212a", "\u24b6", "\u2160", "ß", "-",
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_the_fast_pre_test_answers_as_the_case_blind_pattern(text: str) -> None:
    # The lower-cased search must agree with the one re.I pattern it replaces, or a
    # fragment with script in it would skip the finder.
    assert htmlsafety._maybe_unsafe(text) is (htmlsafety._MAYBE.search(text) is not None)


def test_the_pre_test_still_sends_handlers_and_script_urls_to_the_finder() -> None:
    for text in (
        '<p ONCLICK = "x()">',
        '<a href="java&#115;cript:x">',
        "<img src=DaTa:text/html>",
        "<\u017fcript>",  # ſ: re.I reads it as s
        "a moon=1 and x.on\u212aey=2",  # the second is a handler: K folds to k
    ):
        assert htmlsafety._maybe_unsafe(text), text
    for text in ("moonlight=1", "<p>on the day, data was open</p>", "content=x"):
        assert not htmlsafety._maybe_unsafe(text), text
