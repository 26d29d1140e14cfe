"""Pure comment logic (no Pelican): parsing, threading, duplicates, sanitising, person matching."""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import zoneinfo
from pathlib import Path

import markdown
import pytest
from breakout_comments.assemble import assemble
from breakout_comments.cache import CHUNK, RenderCache, ThreadCache, ThreadKey, make_stamp
from breakout_comments.glue import Decorator
from breakout_comments.intake import ManifestEntry, manifest_json
from breakout_comments.model import Comment, CommentSource, Problem, Rendered
from breakout_comments.parse import parse_comment_file, split_metadata
from breakout_comments.render import BodyRenderer, convert_plain, plain_paragraphs
from breakout_comments.sanitize import sanitize_html
from breakout_comments.scan import find_comment_files
from breakout_comments.thread import dedupe, thread
from breakout_kernel.data import EventRecord, PersonRecord
from breakout_kernel.identity import Identity
from breakout_text.api import new_markdown

from tools.build import load_settings

ROOT = Path(__file__).resolve().parent.parent
LONDON = zoneinfo.ZoneInfo("Europe/London")
P = "content/comments/ukgc11-police"


def parse(text: str, name: str = "003.md") -> tuple[CommentSource, list[str]]:
    """Parse a file text; problems as 'line: message' strings."""
    source, problems = parse_comment_file(text, f"{P}/{name}", LONDON)
    return source, [f"{p.line}: {p.message}" for p in problems]


def when(day: int, hour: int = 12) -> dt.datetime:
    """A date in January 2011, London time."""
    return dt.datetime(2011, 1, day, hour, tzinfo=LONDON)


def comment(cid: str, replyto: str = "", date: dt.datetime | None = None) -> Comment:
    """A bare Comment for threading tests."""
    return Comment(id=cid, article_slug="s", author="A", replyto=replyto, date=date)


# Parsing


def test_parse_reads_every_key_with_line_numbers() -> None:
    source, problems = parse(
        "Author: Andy  Mabbett\nHandle: @pigsonthewing\nWebsite: https://example.org/a\n"
        "Date: 2011-07-24 09:30\nReplyto: 001\nStatus: published\n\nHello *there*.\n"
    )
    assert problems == []
    assert (source.id, source.article_slug) == ("003", "ukgc11-police")
    assert source.author == "Andy Mabbett"
    assert source.handle == "pigsonthewing"
    assert source.website == "https://example.org/a"
    # A naive time is site time: July in London is BST, one hour ahead of UTC.
    assert source.date == dt.datetime(2011, 7, 24, 9, 30, tzinfo=LONDON)
    assert source.date.utcoffset() == dt.timedelta(hours=1)
    assert source.replyto == "001"
    assert source.body == "Hello *there*."
    assert source.lines == {
        "author": 1, "handle": 2, "website": 3, "date": 4, "replyto": 5, "status": 6,
    }  # fmt: skip


def test_metadata_block_ends_at_blank_line_so_body_keys_stay_text() -> None:
    entries, body = split_metadata("Author: A\n\nNote: this is body text\n")
    assert entries == [("Author", "A", 1)]
    assert body == "Note: this is body text"


def test_indented_line_continues_a_value() -> None:
    source, problems = parse("Author: Andy\n    Mabbett\n\nHi\n")
    assert (source.author, problems) == ("Andy Mabbett", [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Handle: @x\n\nHi\n",
            [
                "1: missing 'Author:' (who wrote the comment; write 'Author: Anonymous' if nobody knows)"
            ],
        ),
        (
            "Author:\n\nHi\n",
            [
                "1: missing 'Author:' (who wrote the comment; write 'Author: Anonymous' if nobody knows)"
            ],
        ),
        (
            "Author: A\nDate: 24/01/2011\n\nHi\n",
            [
                "2: unparseable Date '24/01/2011' (use YYYY-MM-DD or YYYY-MM-DD HH:MM, "
                "or leave Date out if it is not known)"
            ],
        ),
        (
            "Author: A\nDate: 2011-02-30\n\nHi\n",
            [
                "2: unparseable Date '2011-02-30' (use YYYY-MM-DD or YYYY-MM-DD HH:MM, "
                "or leave Date out if it is not known)"
            ],
        ),
        (
            "Author: A\nReply-to: 001\n\nHi\n",
            [
                "2: unknown metadata key 'Reply-to' (did you mean 'Replyto'? known keys: "
                "Author, Handle, Website, Date, Replyto, Status, Orphaned)"
            ],
        ),
        (
            "Author: A\nEmail: a@example.org\n\nHi\n",
            [
                "2: unknown metadata key 'Email' (known keys: "
                "Author, Handle, Website, Date, Replyto, Status, Orphaned)"
            ],
        ),
        (
            "Author: A\nAuthor: B\n\nHi\n",
            ["2: 'Author' is given twice (first on line 1); keep one"],
        ),
        (
            "Author: A\nStatus: draft\n\nHi\n",
            ["2: Status must be 'published' or 'removed', not 'draft'"],
        ),
        ("Author: A\nOrphaned: maybe\n\nHi\n", ["2: Orphaned must be 'yes' or 'no', not 'maybe'"]),
        (
            "Author: A\nHandle: not a handle\n\nHi\n",
            [
                "2: Handle 'not a handle' is not a handle "
                "(expected @name, @name@server or name.bsky.social)"
            ],
        ),
        (
            "Author: A\nReplyto: 003\n\nHi\n",
            ["2: Replyto '003' names this comment itself; remove the Replyto line"],
        ),
        (
            "Author: A\nDate: 2011-01-24\n",
            [
                "2: the comment has no text: write it after a blank line below the metadata, "
                "or set 'Status: removed'"
            ],
        ),
        (
            "Author: A\nWebsite: javascript:alert(1)\n\nHi\n",
            [
                "2: Website 'javascript:alert(1)' is not an http(s) URL; the author is shown without a link"
            ],
        ),
    ],
)
def test_parse_problems(text: str, expected: list[str]) -> None:
    assert parse(text)[1] == expected


def test_only_bad_website_is_a_warning() -> None:
    _, problems = parse_comment_file("Author: A\nWebsite: ftp://x.org\n\nHi\n", f"{P}/1.md", LONDON)
    assert [p.error for p in problems] == [False]
    _, problems = parse_comment_file("Author: A\nDate: soon\n\nHi\n", f"{P}/1.md", LONDON)
    assert [p.error for p in problems] == [True]


@pytest.mark.parametrize(
    "website",
    [
        'https://x.org/"onmouseover="alert(1)',
        "http:///nohost",
        "data:text/html,hi",
        "//x.org",
        "https://x .org",
    ],
)
def test_unsafe_websites_are_dropped(website: str) -> None:
    source, problems = parse(f"Author: A\nWebsite: {website}\n\nHi\n")
    assert source.website == ""
    assert len(problems) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Author: A\n\nThis comment has been removed by the author.\n",
        "Author: A\n\n  This comment has been\nremoved by the author.  \n",
        "Author: A\nStatus: removed\n\nWhatever it said.\n",
        "Author: A\nStatus: Removed\n",
    ],
)
def test_removed_comments_lose_their_text(text: str) -> None:
    source, problems = parse(text)
    assert (source.status, source.body, problems) == ("removed", "", [])


@pytest.mark.parametrize(
    "handle", ["@nick_keane", "nick", "@nick@police.example", "@nick.bsky.social"]
)
def test_handle_forms(handle: str) -> None:
    source, problems = parse(f"Author: A\nHandle: {handle}\n\nHi\n")
    assert (source.handle, problems) == (handle.lstrip("@"), [])


# Threading


def test_thread_nests_replies_to_replies_in_date_order_whatever_the_input_order() -> None:
    cs = [
        comment("004", "003", when(24, 12)),
        comment("003", "001", when(25)),
        comment("001", "", when(24, 9)),
        comment("012", "001", when(24, 10)),
        comment("002", "", when(23)),
        comment("011"),
        comment("007"),
    ]
    t = thread(cs)
    assert [c.id for c in t.roots] == ["002", "001", "007", "011"]
    assert [(c.id, c.depth) for c in t.flat] == [
        ("002", 0), ("001", 0), ("012", 1), ("003", 1), ("004", 2), ("007", 0), ("011", 0),
    ]  # fmt: skip
    by_id = {c.id: c for c in cs}
    assert [c.id for c in by_id["001"].replies] == ["012", "003"]
    assert [c.id for c in by_id["003"].replies] == ["004"]
    assert t.loops == []


def test_undated_ids_sort_as_numbers() -> None:
    t = thread([comment("10"), comment("9"), comment("a2"), comment("a10")])
    assert [c.id for c in t.flat] == ["9", "10", "a2", "a10"]


def test_thread_of_any_depth_needs_no_recursion() -> None:
    n = sys.getrecursionlimit() * 3
    cs = [comment(f"{i:05d}", f"{i - 1:05d}" if i else "") for i in range(n)]
    t = thread(list(reversed(cs)))
    assert len(t.roots) == 1
    assert [c.depth for c in t.flat] == list(range(n))


def test_replyto_loops_are_cut_and_kept() -> None:
    cs = [comment("001", "002"), comment("002", "001"), comment("003", "002"), comment("004")]
    t = thread(cs)
    assert [(c.id, c.depth) for c in t.flat] == [("001", 0), ("002", 1), ("003", 2), ("004", 0)]
    assert [(c.id, ids) for c, ids in t.loops] == [("001", ["001", "002", "001"])]


def test_a_comment_hanging_off_a_loop_is_not_mistaken_for_it() -> None:
    # 000 (earliest) replies into the loop 001 <-> 002; the loop is cut at 001, not at 000.
    cs = [comment("000", "001"), comment("001", "002"), comment("002", "001")]
    t = thread(cs)
    assert [(c.id, c.depth) for c in t.flat] == [("001", 0), ("000", 1), ("002", 1)]
    assert [(c.id, ids) for c, ids in t.loops] == [("001", ["001", "002", "001"])]


# Duplicates


def src(
    cid: str, author: str, body: str, date: dt.datetime | None = None, status: str = "published"
) -> CommentSource:
    """A parsed comment for duplicate tests."""
    return CommentSource(
        path=f"{P}/{cid}.md",
        id=cid,
        article_slug="s",
        author=author,
        body=body,
        date=date,
        status=status,
    )


def test_dedupe_keeps_the_earliest_of_same_author_same_text() -> None:
    kept, groups = dedupe(
        [
            src("005", "Anon", "Sir,  social media\n\nis good."),
            src("003", "Anon", "Sir, social media is good.", when(25)),
            src("004", "Anon", "Sir, social media is good.", when(24)),
            src("006", "Someone else", "Sir, social media is good."),
            src("007", "Anon", "Sir, social media is better."),
        ]
    )
    assert [s.id for s in kept] == ["004", "006", "007"]  # input order, minus the copies
    assert [(g.kept.id, [d.id for d in g.dropped]) for g in groups] == [("004", ["003", "005"])]


def test_removed_comments_are_never_collapsed() -> None:
    kept, groups = dedupe(
        [src("1", "A", "", status="removed"), src("2", "A", "", status="removed")]
    )
    assert ([s.id for s in kept], groups) == (["1", "2"], [])


# Assembly (cross-file checks) with tiny fakes


def rendered(cid: str, slug: str = "police", **kw: object) -> Rendered:
    """A rendered comment of write-up `slug`."""
    s = CommentSource(
        path=f"content/comments/{slug}/{cid}.md", id=cid, article_slug=slug, author="A", body=cid
    )
    for key, value in kw.items():
        setattr(s, key, value)
    s.lines = {"replyto": 2, "orphaned": 3}
    return Rendered(s, [], body_html=f"<p>{cid}</p>")


def messages(problems: list[Problem]) -> list[tuple[str, int | None, str, bool]]:
    """Problems as plain tuples."""
    return [(p.path.rsplit("/", 1)[1], p.line, p.message, p.error) for p in problems]


def test_assemble_reports_dangling_replyto_and_keeps_the_comment() -> None:
    out = assemble([rendered("001"), rendered("002"), rendered("003", replyto="009")], {"police"})
    assert messages(out.problems) == [
        ("003.md", 2, "Replyto '009' names no comment of 'police' (known: 001, 002)", True)
    ]
    assert [c.id for c in out.threads["police"].roots] == ["001", "002", "003"]


def test_assemble_collapses_duplicates_and_moves_their_replies() -> None:
    items = [
        rendered("001", body="same"),
        rendered("002", body="same"),
        rendered("003", replyto="002"),
    ]
    out = assemble(items, {"police"})
    (root,) = out.threads["police"].roots
    assert (root.id, root.duplicates, [r.id for r in root.replies]) == ("001", ["002"], ["003"])
    assert messages(out.problems) == [
        (
            "001.md",
            None,
            "2 identical comments by 'A' are shown once, as 001.md; collapsed 002.md "
            "(files kept; delete the copies to silence this)",
            False,
        )
    ]


def test_assemble_orphans_are_warnings_and_kept_out() -> None:
    items = [rendered("001", slug="gone", orphaned=True), rendered("002", slug="gone")]
    out = assemble(items, {"police"})
    assert messages(out.problems) == [
        ("001.md", 3, "kept out of pages (Orphaned: yes): no write-up has slug 'gone'", False),
        (
            "002.md",
            None,
            "no write-up has slug 'gone': comments live in comments/<write-up slug>/, so rename the "
            "folder to the write-up's slug, or add 'Orphaned: yes' to keep this comment out of pages",
            True,
        ),
    ]
    assert [s.id for s in out.kept_out] == ["001"]
    assert out.threads == {}


def test_assemble_missing_writeup_suggests_close_slug() -> None:
    out = assemble([rendered("001", slug="polise")], {"police", "other"})
    assert "no write-up has slug 'polise' (did you mean 'police'?)" in out.problems[0].message


# Sanitiser, rendering, people


def test_sanitizer_keeps_text_engine_links_and_strips_the_rest() -> None:
    html = (
        '<p><a class="mention" href="/people/nick/">@nick</a> '
        '<a class="hashtag evil" href="/topics/police/" onclick="x()" style="color:red">#police</a> '
        '<a class="event-tag" href="/events/ukgc11/">#ukgc11</a> <span class="x">t</span></p>'
    )
    assert sanitize_html(html) == (
        '<p><a class="mention" href="/people/nick/" rel="nofollow ugc noopener">@nick</a> '
        '<a class="hashtag" href="/topics/police/" rel="nofollow ugc noopener">#police</a> '
        '<a class="event-tag" href="/events/ukgc11/" rel="nofollow ugc noopener">#ukgc11</a> t</p>'
    )


@pytest.mark.parametrize(
    "href", ["java   script:alert(1)", "java\tscript:alert(1)", "https://x.org/a b", "JaVaScRiPt:x"]
)
def test_sanitizer_drops_hrefs_a_lenient_reader_could_run(href: str) -> None:
    assert sanitize_html(f'<a href="{href}">x</a>') == '<a rel="nofollow ugc noopener">x</a>'


def test_renderer_reuses_one_markdown_and_ignores_meta_extension() -> None:
    made: list[markdown.Markdown] = []

    def make() -> markdown.Markdown:
        """A Markdown with the meta extension, as Pelican's settings carry it."""
        made.append(markdown.Markdown(extensions=["markdown.extensions.meta"]))
        return made[-1]

    renderer = BodyRenderer(make)
    first = renderer.render(
        CommentSource("p", "1", "s", author="A", body="Note: stays\n\n<b>x</b>"), []
    )
    second = renderer.render(CommentSource("p", "2", "s", author="A", body="*two*"), [])
    removed = renderer.render(CommentSource("p", "3", "s", author="A", status="removed"), [])
    assert first.body_html == "<p>Note: stays</p>\n<p>x</p>"
    assert second.body_html == "<p><em>two</em></p>"
    assert removed.body_html == ""
    assert len(made) == 1


def test_comment_author_by_handle_then_by_case_insensitive_name() -> None:
    people = {
        "nick": PersonRecord("nick", "Nick Keane", handles={"twitter": ("NickKeane",)},
                             aliases=("nick_k",)),
        "a1": PersonRecord("a1", "Alex Smith"),
        "a2": PersonRecord("a2", "alex smith"),
    }  # fmt: skip
    identity = Identity(people, {})
    assert identity.comment_author("Someone", "nickkeane") == "nick"
    assert identity.comment_author("Someone", "@Nick_K") == "nick"
    assert identity.comment_author("  nick   KEANE ", "") == "nick"
    assert identity.comment_author("Alex Smith", "") == ""  # two share the name: neither
    # A handle nobody registered is a person of its own, whatever the name says.
    assert identity.comment_author("Nick Keane", "unknown") == "unknown"
    assert identity.comment_author("Nick Keane", "@nick@police.example") == (
        "nick_at_police.example"
    )


def test_cache_keeps_entries_only_for_the_same_stamp(tmp_path: Path) -> None:
    path = str(tmp_path / "c.pickle")
    item = rendered("001")
    cache = RenderCache(path, "stamp-1")
    cache.put("a.md", (1, 2), item)
    cache.save({"a.md"})
    assert RenderCache(path, "stamp-1").get("a.md", (1, 2)).body_html == "<p>001</p>"
    assert RenderCache(path, "stamp-1").get("a.md", (1, 3)) is None  # file changed
    assert RenderCache(path, "stamp-2").get("a.md", (1, 2)) is None  # settings changed


def test_cache_round_trips_every_entry_and_a_damaged_file_means_cold(tmp_path: Path) -> None:
    path = tmp_path / "c.pickle"
    cache = RenderCache(str(path), "stamp")
    count = 2 * CHUNK + 50  # the file holds several pickles, the last one short
    for i in range(count):
        cache.put(f"{i}.md", (i, i), rendered(f"{i:03}"))
    cache.save({f"{i}.md" for i in range(count)})
    again = RenderCache(str(path), "stamp")
    assert [again.get(f"{i}.md", (i, i)).body_html for i in range(count)] == [
        f"<p>{i:03}</p>" for i in range(count)
    ]
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert RenderCache(str(path), "stamp").entries == {}


def test_thread_cache_gives_the_saved_threads_only_for_the_same_key(tmp_path: Path) -> None:
    path = str(tmp_path / "t.pickle")
    items = [rendered(f"{i:03}", replyto="001" if i > 1 else "") for i in range(1, 4)]
    items += [rendered(f"{i:03}", slug=f"w{i}") for i in range(2 * CHUNK)]  # several pickles
    items.append(rendered("001", slug="gone"))
    slugs = {"police", *(f"w{i}" for i in range(2 * CHUNK))}
    key: ThreadKey = ((("a.md", (1, 2)),), tuple(sorted(slugs)), (), ())
    ThreadCache(path, "stamp").save(key, assemble(items, slugs))
    got = ThreadCache(path, "stamp").get(key)
    assert got is not None and set(got.threads) == slugs
    police = got.threads["police"]
    assert [(c.id, c.depth) for c in police.flat] == [("001", 0), ("002", 1), ("003", 1)]
    assert police.roots[0].replies == police.flat[1:]  # the same objects, as threaded
    assert [p.message[:27] for p in got.problems] == ["no write-up has slug 'gone'"]
    assert ThreadCache(path, "stamp").get((*key[:1], (), (), ())) is None  # slugs changed
    assert ThreadCache(path, "stamp").get(((("a.md", (1, 3)),), *key[1:])) is None  # edited
    assert ThreadCache(path, "other").get(key) is None  # settings changed
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])
    assert ThreadCache(path, "stamp").get(key) is None  # damaged: thread again


def test_stamp_ignores_object_identity_but_not_values(tmp_path: Path) -> None:
    class Ext:
        """Stands for a Markdown extension instance (its repr holds an address)."""

    people = tmp_path / "people.toml"
    people.write_text("[people.a]\n")
    one = {"MARKDOWN": {"extensions": [Ext(), "extra"]}, "SITEURL": ""}
    two = {"MARKDOWN": {"extensions": [Ext(), "extra"]}, "SITEURL": ""}
    keys = ["MARKDOWN", "SITEURL"]
    assert make_stamp(one, keys, [str(people)]) == make_stamp(two, keys, [str(people)])
    assert make_stamp(one, keys, [str(people)]) != make_stamp(
        {**one, "SITEURL": "/x"}, keys, [str(people)]
    )
    before = make_stamp(one, keys, [str(people)])
    people.write_text("[people.b]\n")
    assert make_stamp(one, keys, [str(people)]) != before


# The plain-prose fast path: comments Python-Markdown would only split into paragraphs
# skip its block and inline passes. Its HTML and findings must equal the full path's.

FAST_IDENTITY = Identity(
    people={
        "nickkeane": PersonRecord("nickkeane", "Nick Keane", handles={"twitter": ("nickkeane",)})
    },
    events={"ukgovcamp-2011": EventRecord("ukgovcamp-2011", "UK GovCamp", hashtags=("ukgc11",))},
    siteurl="https://b.example",
)
PLAIN = [
    "Thanks @nickkeane, see you at #ukgc11!",
    "One line.\nA second line of the same paragraph.\n\nA second paragraph.",
    "Three\n\n\n\nblank lines, then more (with brackets) and 'quotes'.",
    "Nick Keane (@nickkeane) said: it works. Dr. Who agreed; so did @sasha_taylor.",
    "Mail me at a@b.example or see http://x.example/a#b, 50% off £5 = cheap + fast.",
    "snake_case_words and @under_score handles stay text #open_data",
    "Unicode: café, naïve, 東京, — dashes “quotes” ＠nickkeane ＃police",
    "\u00a0Leading non-breaking space and trailing one\u00a0",
]
NOT_PLAIN = [
    "*emphasis*",
    "_emphasis_",
    "a __b__ c",
    "x _",
    "`code`",
    "a \\ b",
    "[link](http://x)",
    "<b>html</b>",
    "a & b",
    "1. a list",
    "2011. A year",
    "- item",
    "+ item",
    "# Heading",
    "> quote",
    "    code",
    " leading space",
    "trailing  \nspaces",
    "a\tb",
    "Term\n: definition",
    "a | b\n--- | ---\n1 | 2",
    "Title\n=====",
    "~~~\nfence\n~~~",
    "{: .class}",
    "x\r\ny",
]


@pytest.fixture(scope="module")
def text_md() -> markdown.Markdown:
    """The project's Markdown settings plus the text engine, meta left out (as for comments)."""
    md = new_markdown(load_settings(ROOT / "pelicanconf.py"), FAST_IDENTITY)
    assert BodyRenderer._plain_prose_is_paragraphs(md)
    return md


def both_ways(md: markdown.Markdown, text: str) -> tuple[tuple[str, dict], tuple[str, dict]]:
    """(html, findings) from md.convert and from convert_plain."""
    paragraphs = plain_paragraphs(text)
    assert paragraphs is not None
    md.reset()
    full = md.convert(text), dict(md.breakout_metadata)
    md.reset()
    fast = convert_plain(md, paragraphs), dict(md.breakout_metadata)
    return full, fast


@pytest.mark.parametrize("text", PLAIN)
def test_plain_prose_fast_path_gives_the_same_html_and_findings(
    text_md: markdown.Markdown, text: str
) -> None:
    full, fast = both_ways(text_md, text)
    assert fast == full


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_anything_markdown_could_read_takes_the_full_path(text: str) -> None:
    assert plain_paragraphs(text) is None


def test_fast_path_matches_on_random_prose(text_md: markdown.Markdown) -> None:
    # Seeded, so every run checks the same texts.
    rnd = random.Random(8)
    pieces = [
        *"abcXYZ09 ._-@#:;,!?'\"()/\n\u00a0é—",
        "@nickkeane", "#police", "@a_b", "#ukgc11", "@n@h.example", "a.bsky.social",
        "(Nick Keane)", "Dr. ", "e.g. ", "RT @x", "＠nick", "\n\n", "\n#x", "x=y", "＃tag",
    ]  # fmt: skip
    checked = 0
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 50))).strip("\n")
        if text and plain_paragraphs(text) is not None:
            full, fast = both_ways(text_md, text)
            assert fast == full, text
            checked += 1
    assert checked > 300


def test_an_extension_that_reads_plain_text_turns_the_fast_path_off() -> None:
    renderer = BodyRenderer(lambda: markdown.Markdown(extensions=["markdown.extensions.nl2br"]))
    result = renderer.render(CommentSource("p", "1", "s", author="A", body="one\ntwo"), [])
    assert renderer._fast is False
    assert result.body_html == "<p>one<br>\ntwo</p>"


def test_renderer_uses_the_fast_path_for_plain_prose(monkeypatch: pytest.MonkeyPatch) -> None:
    md = markdown.Markdown(extensions=["markdown.extensions.extra"])
    calls: list[str] = []
    real = md.convert
    monkeypatch.setattr(md, "convert", lambda text: calls.append(text) or real(text))
    renderer = BodyRenderer(lambda: md)
    plain = renderer.render(CommentSource("p", "1", "s", author="A", body="Just words."), [])
    marked = renderer.render(CommentSource("p", "2", "s", author="A", body="*Marked*"), [])
    assert (plain.body_html, marked.body_html) == ("<p>Just words.</p>", "<p><em>Marked</em></p>")
    assert calls == ["*Marked*"]


@pytest.mark.parametrize("count", [0, 1, 3])
def test_manifest_text_is_json_dumps_of_the_manifest(count: int) -> None:
    tricky = [
        ManifestEntry("b-writeup", "2011/b/", 'Quotes " and \\ and \n and \x01', True, ("10", "9")),
        ManifestEntry("a-writeup", "2011/a/", "Café – </script> ☃", False, ()),
        ManifestEntry("b-writeup", "2012/b/", "Same slug again: the last one counts", True, ("1",)),
    ][:count]
    text = manifest_json(
        tricky, timezone="Europe/London", thanks_url="t/", max_length=50, max_links=2
    )
    # The reference: the standard library's indenting encoder over the same manifest.
    data = {
        "version": 1,
        "timezone": "Europe/London",
        "thanks_url": "t/",
        "max_comment_chars": 50,
        "max_links": 2,
        "max_field_chars": 200,
        "writeups": {
            e.slug: {"url": e.url, "title": e.title, "open": e.open, "comments": sorted(e.comments)}
            for e in tricky
        },
    }
    assert text == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    ("date_format", "expected"),
    [
        ("%-d %B %Y", ["24 July 2011", "24 July 2011", "25 July 2011"]),
        ("%-d %b %Y, %H:%M", ["24 Jul 2011, 09:30", "24 Jul 2011, 21:05", "25 Jul 2011, 09:30"]),
    ],
)
def test_decorator_reuses_a_date_only_for_formats_that_read_only_the_date(
    date_format: str, expected: list[str]
) -> None:
    settings = {"PERSON_URL": "people/{slug}/", "DEFAULT_DATE_FORMAT": date_format}
    decorate = Decorator(settings, FAST_IDENTITY)
    london = zoneinfo.ZoneInfo("Europe/London")
    when = [dt.datetime(2011, 7, 24, 9, 30), dt.datetime(2011, 7, 24, 21, 5)]
    when.append(dt.datetime(2011, 7, 25, 9, 30))
    flat = [comment(f"00{i}", date=d.replace(tzinfo=london)) for i, d in enumerate(when)]
    flat[0].author, flat[1].handle = "Nick Keane", "nickkeane"  # one by name, one by handle
    flat[2].author = "Nick Keane"  # same name, no handle: the memo must not mix them up
    flat[2].handle = "someone_else"

    class Article:
        url = "2011/police/"

    decorate.thread(Article(), flat)
    assert [c.locale_date for c in flat] == expected
    assert [(c.person, c.person_url) for c in flat] == [
        ("nickkeane", "people/nickkeane/"),
        ("nickkeane", "people/nickkeane/"),
        ("someone_else", "people/someone_else/"),
    ]
    assert [c.url for c in flat] == [f"2011/police/#{c.anchor}" for c in flat]


def test_find_comment_files_keeps_order_and_reports_what_is_misplaced(tmp_path: Path) -> None:
    root = tmp_path / "comments"
    for name in ["b/10.md", "b/9.md", "a/2.MD", "a/.swp", "a/x.txt", "a/deep/3.md", ".hid/4.md"]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("Author: A\n\nHi\n", encoding="utf-8")
    (root / "top.md").write_text("Author: A\n\nHi\n", encoding="utf-8")
    (root / "c").symlink_to(root / "a")  # a linked folder is not entered (as os.walk)
    found, problems = find_comment_files(str(root))
    assert [p.removeprefix(f"{root}/") for p in found] == ["b/10.md", "b/9.md"]
    assert [(p.path.removeprefix(f"{root}/"), p.message[:30], p.error) for p in problems] == [
        ("top.md", "a comment file must sit in the", True),
        ("a/2.MD", "a comment's file name must end", True),
        ("a/x.txt", "not a comment file (comments a", False),
        ("a/deep/3.md", "a comment file must sit in the", True),
    ]
