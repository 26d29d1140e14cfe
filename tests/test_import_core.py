"""The importer's pure parts: HTML conversion, shortcodes, wpautop, mojibake, events."""

from __future__ import annotations

import pytest

from tools.importer.convert import html_to_markdown, unsafe_parts
from tools.importer.document import choose_event, slugify
from tools.importer.mojibake import repair
from tools.importer.shortcodes import wpautop

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&lt;img src=x onerror=alert(1)&gt;",
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    '<p>text {: onclick="alert(1)" }</p>',
    "[x]: javascript:alert(1)\n\n[x]",
    "<code>`</code><script>alert(1)</script>",
    "<pre>```\n<script>alert(1)</script>\n```</pre>",
    '<img alt="](javascript:alert(1))" src="http://e.org/a.png">',
    '<a href="http://e.org/" title="&quot; onmouseover=&quot;alert(1)">x</a>',
    "<object data=x></object><embed src=x><form action=x><input></form>",
    "<style>body{}</style><base href=javascript:>",
    "&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "*[HTML]: <script>alert(1)</script>",
]


@pytest.mark.parametrize("vector", XSS)
@pytest.mark.parametrize("wordpress", [True, False])
def test_no_vector_renders_to_anything_that_runs_script(vector: str, wordpress: bool) -> None:
    converted = html_to_markdown(f"Before. {vector} After.", wordpress=wordpress)
    assert unsafe_parts(converted.markdown) == []
    assert "Before." in converted.markdown and "After." in converted.markdown


def test_the_safety_check_itself_sees_script() -> None:
    # The check html_to_markdown ends with must be able to fail.
    assert unsafe_parts("<script>x</script>") == ["<script>"]
    assert unsafe_parts("[a](javascript:x)") == ["href='javascript:x'"]
    assert unsafe_parts("para\n{: onclick=x }") == ["onclick= on <p>"]


def test_twitter_links_become_handles_and_hashtags() -> None:
    html = (
        '<a href="https://twitter.com/nickkeane">@nickkeane</a> and '
        '<a href="http://twitter.com/#!/sasha_taylor">@sasha_taylor</a> at '
        '<a href="https://twitter.com/hashtag/ukgc11?src=hash">#ukgc11</a> and '
        '<a href="https://twitter.com/search?q=%23police">#police</a>; '
        '<a href="https://twitter.com/nickkeane">Nick</a> keeps his link.'
    )
    assert html_to_markdown(html, wordpress=False).markdown == (
        "@nickkeane and @sasha_taylor at #ukgc11 and #police; [Nick](https://twitter.com/nickkeane)"
        " keeps his link."
    )


def test_shortcodes_become_markdown_or_are_reported() -> None:
    notes: list[str] = []
    text = (
        '[caption id="a1" width="300"]<a href="http://e.org/i.jpg"><img src="http://e.org/i.jpg" '
        'alt="Grid"></a> The grid[/caption]\n\n[gallery ids="1,2"]\n\n'
        "[embed]https://youtu.be/x[/embed]\n\n[column]Kept[/column] [sic] [[caption]]"
    )
    md = html_to_markdown(
        text, wordpress=True, attachments={"1": "http://e.org/1.jpg"}, note=notes.append
    )
    assert md.markdown == (
        "![Grid](http://e.org/i.jpg)\n\n*The grid*\n\n![](http://e.org/1.jpg)\n\n"
        "<https://youtu.be/x>\n\nKept \\[sic\\] \\[caption\\]"
    )
    assert notes == [
        "unknown shortcode [column] removed (its text kept)",
        "[gallery] images not in the export: 2",
    ]


def test_wpautop_makes_paragraphs_and_keeps_pre_and_lists() -> None:
    text = "One\ntwo\n\nThree<ul>\n<li>a</li>\n</ul>\n<pre>x\n\ny</pre>"
    assert wpautop(text) == (
        "<p>One<br />\ntwo</p>\n\n<p>Three</p>\n\n<ul>\n\n<li>a</li>\n\n</ul>\n\n<pre>x\n\ny</pre>"
    )


def test_code_and_handles_survive_escaping() -> None:
    md = html_to_markdown(
        "<p>@first_last wrote <code>a_b * c</code> &amp; 2 &lt; 3 &amp;amp;</p>", wordpress=False
    ).markdown
    assert md == "@first_last wrote `a_b * c` & 2 < 3 &amp;amp;"


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("blasΓ©", "blasé"),
        ("πŸ™‚", "🙂"),
        ("πŸ˜‰", "😉"),
        ("donâ€™t", "don’t"),
        ("cafÃ©", "café"),
        ("Ï€Å¸â„¢â€š", "🙂"),
    ],
)
def test_mojibake_is_repaired(broken: str, fixed: str) -> None:
    assert repair(f"It was {broken} there.") == f"It was {fixed} there."


@pytest.mark.parametrize("clean", ["Γεια σου κόσμε", "ΑΘΗΝΑ", "naïve café – “quotes”", "🙂 fine"])
def test_real_text_is_left_alone(clean: str) -> None:
    assert repair(clean) == clean


def test_event_from_hashtag_tag_or_default_and_never_a_guess() -> None:
    tags = {"ukgc11": "ukgovcamp-2011", "blc12": "bluelightcamp-2012"}
    assert choose_event(["At #UKGC11 today"], [], tags, "").slug == "ukgovcamp-2011"
    assert choose_event(["nothing"], ["blc12"], tags, "").slug == "bluelightcamp-2012"
    assert choose_event(["nothing"], [], tags, "x").reason == "--event"
    both = choose_event(["#ukgc11 and #blc12"], [], tags, "x")
    assert both.slug == "" and both.reason.startswith("hashtags of more than one event")
    assert choose_event(["&#39;s"], [], {"39": "e"}, "").slug == ""  # an entity is not a hashtag


def test_slugs_from_encoded_post_names() -> None:
    assert slugify("caf%c3%a9-culture") == "cafe-culture"
    assert slugify("") == ""
