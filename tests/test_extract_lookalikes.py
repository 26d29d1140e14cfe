"""Handles with lookalike or invisible characters are not cut short into another person (issue 15).

Inline golden strings: what the extractor finds (nothing) and what it reports instead.
"""

from __future__ import annotations

import pytest
from breakout_text.extract import Suspect, extract_mentions, suspect_mentions


@pytest.mark.parametrize(
    "text",
    [
        "thanks @nickke\u0430ne for this",  # Cyrillic а
        "thanks @nick\u200bkeane for this",  # zero width space
        "thanks @nick\u2060keane",  # word joiner
        "thanks @nickk\u0435\u0430ne",  # two Cyrillic letters
        "thanks @nickkean\u0435",  # lookalike last
        "thanks @nick\u00adkeane",  # soft hyphen
        "thanks @nickkeane\u0301",  # a combining accent
        "thanks @\uff4eickkeane",  # fullwidth n right after the sign: not a handle at all
    ],
)
def test_a_handle_with_a_lookalike_or_invisible_character_is_not_linked(text: str) -> None:
    assert extract_mentions(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@nickkeane, thanks", ["nickkeane"]),
        ("@nickkeane\u2019s session", ["nickkeane"]),  # an apostrophe ends it, as before
        ("@nickkeane\u2014then", ["nickkeane"]),  # a dash too
        ("\u3053\u3093\u306b\u3061\u306f@username\u3055\u3093", ["username"]),  # Japanese san
        ("@nickkeane\u00a0said", ["nickkeane"]),  # a no-break space is a space
    ],
)
def test_ordinary_ends_of_a_handle_still_link(text: str, expected: list[str]) -> None:
    assert extract_mentions(text) == expected


def test_suspects_say_the_character_and_a_guess() -> None:
    text = "thanks @nickke\u0430ne and @nick\u200bkeane and @\u0431\u043e\u0431 and @bob\u0301x."
    assert suspect_mentions(text) == [
        Suspect("nickke\u0430ne", 7, 17, "U+0430 CYRILLIC SMALL LETTER A", "nickkeane"),
        Suspect("nick\u200bkeane", 22, 33, "U+200B ZERO WIDTH SPACE", "nickkeane"),
        Suspect("bob\u0301x", 47, 53, "U+0301 COMBINING ACUTE ACCENT", "bobx"),
    ]  # @боб is a word in another script, not a handle gone wrong: not reported
    assert suspect_mentions("@nickkeane and @\u00e9mile") == []  # no lookalike, no report
    assert suspect_mentions("mail me@nickke\u0430ne") == []  # not after a boundary
    assert suspect_mentions("@nick\u0436") == [
        Suspect("nick\u0436", 0, 6, "U+0436 CYRILLIC SMALL LETTER ZHE", "")
    ]


def test_suspect_message() -> None:
    s = Suspect("nickke\u0430ne", 0, 10, "U+0430 CYRILLIC SMALL LETTER A", "nickkeane")
    assert s.message() == (
        "@nickke\u0430ne contains a character that is not allowed in a handle "
        "(U+0430 CYRILLIC SMALL LETTER A); did you mean @nickkeane?"
    )
    s = Suspect("nick\u0436", 0, 6, "U+0436 CYRILLIC SMALL LETTER ZHE", "")
    assert s.message() == (
        "@nick\u0436 contains a character that is not allowed in a handle "
        "(U+0436 CYRILLIC SMALL LETTER ZHE); write it in plain letters, digits and _"
    )
