"""breakout_index.quotes: the sentence a person page quotes, cut, and quoted anew after an edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from breakout_index.quotes import quote, requote
from breakout_kernel.identity import Mention, PersonRef


def test_quote_joins_spaces_and_cuts_at_a_word() -> None:
    assert quote("Nick  pitched\nit.", 300) == "Nick pitched it."
    assert quote("Nick pitched a session, on policing", 24) == "Nick pitched a session…"


@dataclass(eq=False)
class FakePerson:
    slug: str
    mentioned_in: list[tuple[Any, str]] = field(default_factory=list)


@dataclass(eq=False)
class FakeArticle:
    metadata: dict[str, Any]
    people: list[FakePerson]


def ref(slug: str) -> PersonRef:
    return PersonRef(slug, "twitter", slug, slug, False)


def test_requote_gives_each_person_the_first_sentence_naming_them_now() -> None:
    nick, sasha = FakePerson("nick"), FakePerson("sasha")
    other = FakeArticle({"mentions": []}, [])
    article = FakeArticle({"mentions": []}, [nick, sasha])
    nick.mentioned_in = [(other, "Elsewhere."), (article, "Nick pitched it.")]
    sasha.mentioned_in = [(article, "Sasha came.")]
    article.metadata["mentions"] = [
        Mention(ref("nick"), "Nick ran it.", ""),
        Mention(ref("sasha"), "Sasha came.", ""),
        Mention(ref("nick"), "Nick again.", ""),  # not the first: not quoted
        Mention(ref("unknown"), "Nobody with a page.", ""),
    ]
    requote([article], 300)
    assert nick.mentioned_in == [(other, "Elsewhere."), (article, "Nick ran it.")]
    assert sasha.mentioned_in == [(article, "Sasha came.")]
