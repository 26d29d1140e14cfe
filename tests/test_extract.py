"""The pure text engine: mentions, hashtags, identity keys, slugs, URLs, sentences and names."""

from __future__ import annotations

import unicodedata

import pytest
from breakout_kernel.handles import (
    handle_identity,
    handle_slug,
    profile_url,
    topic_key,
    topic_slug,
    unregistered_slug,
)
from breakout_text import _unicode_gen, unicode_tables
from breakout_text.extract import (
    Hashtag,
    Mention,
    extract_entities,
    extract_hashtags,
    extract_mentions,
    extract_mentions_with_indices,
    in_url,
    name_hint_at,
    sentence_at,
)

# ---------------------------------------------------------------- mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # trailing punctuation is not part of the handle
        ("@nickkeane's slides", ["nickkeane"]),
        ("hosted by (@demsoc) today", ["demsoc"]),
        ("thanks to @hotelalpha9.", ["hotelalpha9"]),
        ("Nick Keane (Twitter @nickkeane), NPIA", ["nickkeane"]),
        # an e-mail address is not a handle
        ("mail nick@example.com or nick.keane@police.uk", []),
        # fullwidth at-sign
        ("thanks ＠Nickkeane!", ["Nickkeane"]),
        # Mastodon and Bluesky handles are one handle each, not a handle plus a tail
        ("on Mastodon: @nick@police.example.", ["nick@police.example"]),
        ("Bluesky @sasha.bsky.social, too", ["sasha.bsky.social"]),
        ("custom domain @Nick.keane.example.org", ["Nick.keane.example.org"]),
        # a full stop then a capital is a missing space, not a Bluesky domain
        ("ask @bob.Then leave", ["bob"]),
        # inside a URL it is a path, not a mention
        ("see https://mastodon.social/@nick and example.org/@bob", []),
        ("(https://example.org/@bob) and @carol", ["carol"]),
        # a handle that ends badly is not read as a shorter one
        ("@aliceìnheiro", []),
        ("RT @a, RT:@b, x@c", ["a", "b"]),
    ],
)
def test_mentions(text: str, expected: list[str]) -> None:
    """Breakout's reading of handles in prose."""
    assert extract_mentions(text) == expected


def test_mention_forms_and_code_point_indices() -> None:
    """Indices count code points, so an astral emoji before a handle counts as one."""
    text = "😀 @bob and @nick@police.example & @sasha.bsky.social"
    assert extract_mentions_with_indices(text) == [
        Mention("bob", "bare", 2, 6),
        Mention("nick@police.example", "mastodon", 11, 31),
        Mention("sasha.bsky.social", "bluesky", 34, 52),
    ]


def test_strict_mode_is_twitter_text() -> None:
    """federated=False reads only Twitter's names (what twitter-text itself does)."""
    text = "@nick@police.example @sasha.bsky.social"
    assert extract_mentions(text, federated=False) == ["sasha"]


# ---------------------------------------------------------------- hashtags


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#2011 was a year", []),  # a hashtag needs a letter
        ("#2011camp and #café and #日本語", ["2011camp", "café", "日本語"]),
        ("fullwidth ＃police", ["police"]),
        ("page https://example.org/page#police and example.org/#x", []),  # URL fragment
        ("#https://example.org", []),
        ("C#, AT&T#x, a#b", []),
        ("#open_data, #Police.", ["open_data", "Police"]),
    ],
)
def test_hashtags(text: str, expected: list[str]) -> None:
    """Breakout's reading of hashtags in prose."""
    assert extract_hashtags(text) == expected


def test_entities_together() -> None:
    """Both kinds at once; nothing is found in a text without a sigil."""
    assert extract_entities("@a #b") == ([Mention("a", "bare", 0, 2)], [Hashtag("b", 3, 5)])
    assert extract_entities("no sigils here") == ([], [])


def test_in_url() -> None:
    """Only text inside a URL's path counts as inside it."""
    text = "see http://x.org/#frag then #tag"
    assert in_url(text, 16, 21)
    assert not in_url(text, 27, 31)


# ---------------------------------------------------------------- identity keys, slugs, URLs


@pytest.mark.parametrize(
    ("handle", "default", "expected"),
    [
        ("Nickkeane", "twitter", ("twitter", "nickkeane")),
        ("@NickKeane", "twitter", ("twitter", "nickkeane")),
        ("Nick@Police.Example", "twitter", ("mastodon", "nick@police.example")),
        ("Sasha.bsky.social", "twitter", ("bluesky", "sasha.bsky.social")),
        ("sasha", "bluesky", ("bluesky", "sasha.bsky.social")),
        ("nick", "mastodon", ("mastodon", "nick@social.example")),
    ],
)
def test_handle_identity(handle: str, default: str, expected: tuple[str, str]) -> None:
    """Handles are case-insensitive; the form says the network, else the default does."""
    got = handle_identity(handle, default_network=default, mastodon_host="Social.Example")
    assert got == expected


def test_unregistered_slugs_never_collide() -> None:
    """Twitter keeps the handle; Mastodon and Bluesky slugs hold a '.' a Twitter one cannot."""
    assert handle_slug("twitter", "nickkeane") == "nickkeane"
    assert handle_slug("mastodon", "nick@police.example") == "nick_at_police.example"
    assert handle_slug("bluesky", "nick.bsky.social") == "nick.bsky.social"
    # a bare handle equal to someone else's registry slug gets the network added
    assert unregistered_slug("twitter", "sasha", {"sasha", "nickkeane"}) == "sasha-twitter"
    assert unregistered_slug("twitter", "sasha", {"nickkeane"}) == "sasha"


def test_profile_urls() -> None:
    """One profile URL per network; a Mastodon handle needs its host."""
    assert profile_url("twitter", "@nickkeane") == "https://twitter.com/nickkeane"
    assert profile_url("mastodon", "nick@police.example") == "https://police.example/@nick"
    assert profile_url("bluesky", "nick.bsky.social") == "https://bsky.app/profile/nick.bsky.social"
    assert profile_url("mastodon", "nick") == ""


@pytest.mark.parametrize(
    ("texts", "key"),
    [
        (["#Police", "police", "POLICE", "ＰＯＬＩＣＥ"], "police"),
        (["Open Data", "open-data", "#open_data", " open  data "], "open-data"),
        (["#café"], "café"),
        (["#cafe"], "cafe"),
        (["#日本語"], "日本語"),
        (["#می\u200cخواهم"], "میخواهم"),  # ZWNJ is a joiner, not a separator
        (["++", "#"], ""),
    ],
)
def test_topic_keys(texts: list[str], key: str) -> None:
    """Tags entries and hashtags share one key; accents are kept, so café is not cafe."""
    assert {topic_key(t) for t in texts} == {key}
    assert {topic_slug(t) for t in texts} == {key}


# ---------------------------------------------------------------- sentences and names


def _around(text: str, handle: str) -> tuple[int, int]:
    start = text.index(handle)
    return start, start + len(handle)


@pytest.mark.parametrize(
    ("text", "handle", "sentence"),
    [
        (
            "First one. Then Dr. Who (@who) spoke\nfor ages! Last one.",
            "@who",
            "Then Dr. Who (@who) spoke for ages!",
        ),
        ("Intro.\n\n@bob led it\n\nNext block.", "@bob", "@bob led it"),
        ("Led by J. R. Hartley (@jr). Then tea.", "@jr", "Led by J. R. Hartley (@jr)."),
        ("Thanks @hotelalpha9. Next.", "@hotelalpha9", "Thanks @hotelalpha9."),
    ],
)
def test_sentence_at(text: str, handle: str, sentence: str) -> None:
    """The sentence around a mention: not cut at "Dr." or an initial, nor at a line break."""
    assert sentence_at(text, *_around(text, handle)) == sentence


@pytest.mark.parametrize(
    ("text", "handle", "name"),
    [
        ("led by Nick Keane (Twitter @nickkeane) today", "@nickkeane", "Nick Keane"),
        ("Sasha Taylor (@sasha_taylor) asked", "@sasha_taylor", "Sasha Taylor"),
        ("Andy Mabbett (@pigsonthewing) asked", "@pigsonthewing", "Andy Mabbett"),
        ("we met @pigsonthewing (Andy Mabbett) there", "@pigsonthewing", "Andy Mabbett"),
        ("Thanks Nick Keane (on Twitter: @nk)", "@nk", "Nick Keane"),
        ("NPIA's Nick Keane (@nk)", "@nk", "Nick Keane"),
        ("Ludwig van Beethoven (@lvb)", "@lvb", "Ludwig van Beethoven"),
        ("the session (@bob) ran late", "@bob", ""),
        ("Thanks (@bob)", "@bob", ""),
        ("@bob (NPIA) came", "@bob", ""),
        ("Nick Keane @nickkeane", "@nickkeane", ""),  # no brackets: not a naming
    ],
)
def test_name_hint_at(text: str, handle: str, name: str) -> None:
    """A name is learned from "Name (@handle)" and "@handle (Name)" only."""
    assert name_hint_at(text, *_around(text, handle)) == name


# ---------------------------------------------------------------- generated tables


@pytest.mark.skipif(
    unicodedata.unidata_version != unicode_tables.UNIDATA_VERSION,
    reason="this Python has another Unicode version: run python3 -m breakout_text._unicode_gen",
)
def test_unicode_tables_match_this_python() -> None:
    """unicode_tables.py is what the generator gives for this Python's Unicode data."""
    assert _unicode_gen.TARGET.read_text(encoding="utf-8") == _unicode_gen.render()
