"""The text engine inside real Markdown: what gets linked, what does not, and what is recorded."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from breakout_kernel.data import EventRecord, PersonRecord
from breakout_kernel.identity import Identity, Mention, PersonRef, TagRef
from breakout_text.api import new_markdown

from tools.build import load_settings

ROOT = Path(__file__).resolve().parent.parent

RESOLVER = Identity(
    people={
        "nickkeane": PersonRecord(
            "nickkeane",
            "Nick Keane",
            handles={"twitter": ("nickkeane",), "mastodon": ("nick@police.example",)},
            aliases=("nick_keane",),
        ),
        "sasha_taylor": PersonRecord(
            "sasha_taylor",
            "Sasha Taylor",
            handles={"twitter": ("sasha_taylor",), "bluesky": ("sasha.bsky.social",)},
        ),
    },
    events={
        "ukgovcamp-2011": EventRecord("ukgovcamp-2011", "UK GovCamp 2011", hashtags=("ukgc11",))
    },
    siteurl="https://b.example",
)

NICK = '<a class="mention" href="https://b.example/people/nickkeane/">'
SASHA = '<a class="mention" href="https://b.example/people/sasha_taylor/">'
POLICE = '<a class="hashtag" href="https://b.example/topics/police/">#police</a>'
UKGC = '<a class="hashtag event-tag" href="https://b.example/events/ukgovcamp-2011/">'


@pytest.fixture(scope="module")
def md() -> markdown.Markdown:
    """The project's Markdown settings (pelicanconf.py) plus the text engine."""
    return new_markdown(load_settings(ROOT / "pelicanconf.py"), RESOLVER)


def render(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)


@pytest.mark.parametrize(
    ("source", "html"),
    [
        pytest.param(
            "`@nickkeane #police` and @nickkeane",
            f"<p><code>@nickkeane #police</code> and {NICK}@nickkeane</a></p>",
            id="code span",
        ),
        pytest.param(
            "```\n@nickkeane #police\n```",
            "<pre><code>@nickkeane #police\n</code></pre>",
            id="fenced block",
        ),
        pytest.param(
            "Text:\n\n    @nickkeane #police\n",
            "<p>Text:</p>\n<pre><code>@nickkeane #police\n</code></pre>",
            id="indented block",
        ),
        pytest.param(
            "[@nickkeane #police](https://twitter.com/nickkeane)",
            '<p><a href="https://twitter.com/nickkeane">@nickkeane #police</a></p>',
            id="link text",
        ),
        pytest.param(
            "<https://example.org/#police>",
            '<p><a href="https://example.org/#police">https://example.org/#police</a></p>',
            id="autolink",
        ),
        pytest.param(
            "mail nick@example.com now",
            "<p>mail nick@example.com now</p>",
            id="e-mail",
        ),
        pytest.param(
            "see https://example.org/page#police and https://mastodon.social/@nick",
            "<p>see https://example.org/page#police and https://mastodon.social/@nick</p>",
            id="URL fragment and /@user",
        ),
        pytest.param(
            "#police are here\n#ukgc11 too",
            f"<p>{POLICE} are here\n{UKGC}#ukgc11</a> too</p>",
            id="line-start hashtags stay a paragraph",
        ),
        pytest.param(
            "para\n#police line\n####### seven",
            f"<p>para\n{POLICE} line\n####### seven</p>",
            id="a hashtag line inside a paragraph does not split it",
        ),
        pytest.param(
            "# Heading #police",
            f"<h1>Heading {POLICE}</h1>",
            id="heading with a space, hashtag inside",
        ),
        pytest.param(
            "#police\n\n## Two {: #anchor }",
            f'<p>{POLICE}</p>\n<h2 id="anchor">Two</h2>',
            id="attr_list id is not a hashtag",
        ),
        pytest.param(
            "- @nickkeane\n- #police and @Sasha_Taylor",
            f"<ul>\n<li>{NICK}@nickkeane</a></li>\n"
            f"<li>{POLICE} and {SASHA}@Sasha_Taylor</a></li>\n</ul>",
            id="list items",
        ),
        pytest.param(
            "> #police said @nick_keane",
            f"<blockquote>\n<p>{POLICE} said {NICK}@nick_keane</a></p>\n</blockquote>",
            id="blockquote and alias",
        ),
        pytest.param(
            "| who | what |\n|---|---|\n| @nickkeane | #police |",
            "<table>\n<thead>\n<tr>\n<th>who</th>\n<th>what</th>\n</tr>\n</thead>\n<tbody>\n"
            f"<tr>\n<td>{NICK}@nickkeane</a></td>\n<td>{POLICE}</td>\n</tr>\n</tbody>\n</table>",
            id="table cells",
        ),
        pytest.param(
            "*@nickkeane* and **#police**",
            f"<p><em>{NICK}@nickkeane</a></em> and <strong>{POLICE}</strong></p>",
            id="emphasis",
        ),
        pytest.param(
            "Thanks @hotelalpha9.",
            '<p>Thanks <a class="mention" href="https://b.example/people/hotelalpha9/">'
            "@hotelalpha9</a>.</p>",
            id="end of sentence",
        ),
        pytest.param(
            "@nick@police.example and @sasha.bsky.social.",
            f"<p>{NICK}@nick@police.example</a> and {SASHA}@sasha.bsky.social</a>.</p>",
            id="Mastodon and Bluesky",
        ),
        pytest.param(
            '<span title="@nickkeane #police">hi</span> <a href="/x">@sasha_taylor</a> @ok',
            '<p><span title="@nickkeane #police">hi</span> <a href="/x">@sasha_taylor</a> '
            '<a class="mention" href="https://b.example/people/ok/">@ok</a></p>',
            id="raw HTML attribute and raw link",
        ),
        pytest.param(
            "\\#police and #2011 and #café",
            '<p>#police and #2011 and <a class="hashtag" href="https://b.example/topics/café/">'
            "#café</a></p>",
            id="escaped, numeric and Unicode hashtags",
        ),
        pytest.param(
            "at #UKGC11 and ＃Police",
            f"<p>at {UKGC}#UKGC11</a> and "
            '<a class="hashtag" href="https://b.example/topics/police/">＃Police</a></p>',
            id="event hashtag and fullwidth sign",
        ),
    ],
)
def test_rendered(md: markdown.Markdown, source: str, html: str) -> None:
    """Golden HTML: only prose is linked, with the author's spelling kept."""
    assert render(md, source) == html


def test_findings_in_document_order(md: markdown.Markdown) -> None:
    """Findings follow the text, even around a nested list, with sentence and learned name."""
    render(
        md,
        "- Led by Nick Keane (Twitter @Nickkeane).\n"
        "    - nested #police\n\n"
        "    after the nested list, Andy Mabbett (@pigsonthewing) at #ukgc11\n",
    )
    assert md.breakout_metadata == {
        "mentions": [
            Mention(
                PersonRef("nickkeane", "twitter", "nickkeane", "Nickkeane", registered=True),
                sentence="Led by Nick Keane (Twitter @Nickkeane).",
                name_hint="Nick Keane",
            ),
            Mention(
                PersonRef("pigsonthewing", "twitter", "pigsonthewing", "pigsonthewing", False),
                sentence="after the nested list, Andy Mabbett (@pigsonthewing) at #ukgc11",
                name_hint="Andy Mabbett",
            ),
        ],
        "hashtags": [
            TagRef("police", "police", "topic", "police"),
            TagRef("ukgc11", "ukgc11", "event", "ukgovcamp-2011"),
        ],
    }


def test_federated_findings(md: markdown.Markdown) -> None:
    """Other networks' handles are recorded with their network and identity key."""
    render(md, "**Sasha Taylor** (@Sasha.bsky.social) and @ann@social.example")
    assert [
        (m.person.network, m.person.key, m.person.slug, m.name_hint)
        for m in md.breakout_metadata["mentions"]
    ] == [
        ("bluesky", "sasha.bsky.social", "sasha_taylor", "Sasha Taylor"),
        ("mastodon", "ann@social.example", "ann_at_social.example", ""),
    ]


def test_sentence_is_plain_text(md: markdown.Markdown) -> None:
    """The sentence drops markup and raw HTML but keeps code, link text and entities."""
    render(md, "See [the notes](/n) on `C#` &amp; <b>more</b> from @sasha_taylor. Next.")
    (mention,) = md.breakout_metadata["mentions"]
    assert mention.sentence == "See the notes on C# & more from @sasha_taylor."


def test_findings_share_strings_across_mentions(md: markdown.Markdown) -> None:
    """People named in one sentence share its string; a handle written twice is one string."""
    render(
        md, "Nick Keane (@nickkeane) met @sasha_taylor at #police. Then @nickkeane left #police."
    )
    first, second, third = md.breakout_metadata["mentions"]
    assert first.sentence == "Nick Keane (@nickkeane) met @sasha_taylor at #police."
    assert second.sentence is first.sentence
    assert third.sentence == "Then @nickkeane left #police."
    assert third.person is first.person  # one PersonRef per handle as written
    tags = md.breakout_metadata["hashtags"]
    assert tags[0].tag is tags[1].tag


def test_findings_reset(md: markdown.Markdown) -> None:
    """A new document starts with no findings, and reset() clears the last one's."""
    render(md, "@nickkeane #police")
    assert len(md.breakout_metadata["mentions"]) == 1
    md.reset()
    assert md.breakout_metadata == {"mentions": [], "hashtags": []}
    md.convert("@nickkeane")
    md.convert("nothing here")
    assert md.breakout_metadata == {"mentions": [], "hashtags": []}


def test_new_markdown_keeps_project_extensions_and_drops_meta() -> None:
    """Comments get extra and sane_lists like write-ups, but a body's first line stays text."""
    settings = load_settings(ROOT / "pelicanconf.py")
    settings["MARKDOWN"]["extensions"] = ["markdown.extensions.meta"]
    md = new_markdown(settings, RESOLVER)
    html = md.convert("Author: @nickkeane\n\nText[^1]\n\n[^1]: note")
    assert html.startswith(f"<p>Author: {NICK}@nickkeane</a></p>")
    assert 'class="footnote"' in html


def test_new_markdown_without_a_content_folder() -> None:
    """With no PATH there is no registry: handles still link to derived slugs."""
    md = new_markdown({})
    assert md.convert("hi @Bob") == '<p>hi <a class="mention" href="/people/bob/">@Bob</a></p>'


def test_linking_leaves_no_reference_cycles_behind(md: markdown.Markdown) -> None:
    """Parsed trees are freed by reference counting, not left to the cyclic collector."""
    import gc

    text = "A #police session.\n\n* with @nickkeane and *@nick_keane*\n* and #opendata\n"
    render(md, text)  # warm up: caches and lazy imports are not garbage
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(3):
            render(md, text)
        gc.collect()
        ours = [
            o
            for o in gc.garbage
            if "breakout_text" in getattr(getattr(o, "__code__", None), "co_filename", "")
            or type(o).__module__.startswith("xml.etree")
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert ours == []
