"""`invoke check`'s text lint: probable mistyped handles and topic spellings, as exact transcripts."""

from __future__ import annotations

from pathlib import Path

from breakout_kernel.data import EventRecord, PersonRecord
from breakout_kernel.identity import Identity
from breakout_text.lint import Occurrence, edit_distance, lint_findings, lint_site, prose_only

from tools.build import load_settings

ROOT = Path(__file__).resolve().parent.parent
LINT_SITE = ROOT / "tests" / "fixtures" / "text-lint"


def test_lint_findings_transcript() -> None:
    """The issue's example line, once per file, and nothing for known or far-off handles."""
    resolver = Identity(
        {
            "sasha_taylor": PersonRecord(
                "sasha_taylor", "Sasha Taylor", handles={"twitter": ("sasha_taylor",)}
            )
        },
        {},
    )
    occurrences = [
        Occurrence("content/writeups/2011/x.md", 30, "SashaTayler", "mention"),
        Occurrence("content/writeups/2011/x.md", 12, "SashaTayler", "mention"),
        Occurrence("content/writeups/2011/x.md", 14, "Sasha_Taylor", "mention"),  # known
        Occurrence("content/writeups/2011/x.md", 15, "someone_else", "mention"),  # not close
        Occurrence("content/writeups/2011/a.md", 3, "sashataylor", "mention"),
    ]
    assert lint_findings(occurrences, resolver) == [
        "content/writeups/2011/a.md:3: @sashataylor looks like @sasha_taylor; if so add to "
        'content/people.toml: [people.sasha_taylor] aliases = ["sashataylor"]',
        "content/writeups/2011/x.md:12: @SashaTayler looks like @sasha_taylor; if so add to "
        'content/people.toml: [people.sasha_taylor] aliases = ["SashaTayler"]',
    ]


def test_topic_spellings_transcript() -> None:
    """Case, punctuation and plural variants are reported against the spelling used most."""
    occurrences = [
        Occurrence("content/writeups/2011/a.md", 2, "Police", "hashtag"),
        Occurrence("content/writeups/2011/a.md", 6, "open data", "tag"),
        Occurrence("content/writeups/2011/a.md", 9, "OpenData", "hashtag"),
        Occurrence("content/writeups/2011/b.md", 1, "police", "tag"),
        Occurrence("content/writeups/2011/b.md", 4, "Policies", "hashtag"),
        Occurrence("content/writeups/2011/b.md", 5, "policy", "tag"),
        Occurrence("content/writeups/2011/c.md", 1, "police", "hashtag"),
        Occurrence("content/writeups/2011/c.md", 3, "ukgc11", "hashtag"),  # an event's
        Occurrence("content/writeups/2011/c.md", 4, "UKGC11", "hashtag"),
    ]
    resolver = Identity(
        {},
        {"ukgovcamp-2011": EventRecord("ukgovcamp-2011", "UK GovCamp 2011", hashtags=("ukgc11",))},
    )
    assert lint_findings(occurrences, resolver) == [
        "content/writeups/2011/a.md:2: topic #Police differs from "
        '"police" (content/writeups/2011/b.md:1) only by case; use one spelling',
        'content/writeups/2011/a.md:9: topic #OpenData differs from "open data" '
        "(content/writeups/2011/a.md:6) only by punctuation; use one spelling",
        'content/writeups/2011/b.md:5: topic "policy" differs from #Policies '
        "(content/writeups/2011/b.md:4) only by plural; use one spelling",
    ]


def test_lint_site_transcript() -> None:
    """The fixture site's write-ups and comments, linted: file and line of each finding."""
    settings = load_settings(ROOT / "pelicanconf.py", path=LINT_SITE)
    p = "text-lint"
    fix = f"if so add to {p}/people.toml:"
    assert lint_site(settings) == [
        f"{p}/comments/a/001.md:2: @sasha_tayler looks like @sasha_taylor; {fix} "
        '[people.sasha_taylor] aliases = ["sasha_tayler"]',
        f"{p}/writeups/2011/a.md:5: @NickKean looks like @nickkeane; {fix} "
        '[people.nickkeane] aliases = ["nick_keane", "NickKean"]',
        f"{p}/writeups/2011/a.md:8: @SashaTayler looks like @sasha_taylor; {fix} "
        '[people.sasha_taylor] aliases = ["SashaTayler"]',
        f'{p}/writeups/2011/a.md:11: topic #OpenData differs from "open data" '
        f"({p}/writeups/2011/a.md:6) only by punctuation; use one spelling",
        f"{p}/writeups/2011/a.md:11: topic #police differs from #Police "
        f"({p}/comments/a/001.md:5) only by case; use one spelling",
        f"{p}/writeups/2011/b.md:10: @SashaTayler looks like @sasha_taylor; {fix} "
        '[people.sasha_taylor] aliases = ["SashaTayler"]',
        f"{p}/writeups/2011/b.md:10: @sashataylor looks like @sasha_taylor; {fix} "
        '[people.sasha_taylor] aliases = ["sashataylor"]',
        f"{p}/writeups/2011/b.md:10: topic #hackday differs from #hackdays "
        f"({p}/writeups/2011/a.md:12) only by plural; use one spelling",
        f'{p}/writeups/2011/b.md:10: topic #open_data differs from "open data" '
        f"({p}/writeups/2011/a.md:6) only by punctuation; use one spelling",
    ]


def test_edit_distance() -> None:
    """Insertions, deletions, substitutions and neighbour swaps each cost one."""
    assert edit_distance("sashataylor", "sashatayler") == 1
    assert edit_distance("nickkeane", "nickkaene") == 1
    assert edit_distance("nickkeen", "nickkeane") == 2
    assert edit_distance("", "abc") == 3


def test_prose_only_blanks_code_and_link_targets() -> None:
    """Where a finding is looked for: code, comments and link targets are blanked, lines kept."""
    body = "a `@x` [@y](http://z/@w)\n```\n@c\n```\n@d <!-- @e -->"
    blank = " " * len("](http://z/@w)")
    assert prose_only(body) == f"a      [@y{blank}\n   \n  \n   \n@d " + " " * len("<!-- @e -->")
