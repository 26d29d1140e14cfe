"""A real Pelican build of tests/fixtures/text-site: every @handle and #hashtag links to its page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from breakout_kernel.errors import BuildFailed
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "tests" / "fixtures" / "text-site"


def prose_links(output: Path, page: str) -> list[tuple[str, str, str]]:
    """(class, href, text) of every link in a write-up's prose."""
    soup = BeautifulSoup((output / page / "index.html").read_text(encoding="utf-8"), "html.parser")
    prose = soup.select_one("div.prose")
    assert prose is not None
    return [(" ".join(a.get("class") or []), a["href"], a.get_text()) for a in prose.find_all("a")]


def test_writeup_links_every_handle_and_hashtag(site_builder: Callable[..., Path]) -> None:
    """Registry people (any network, alias, case), unknown people, topics and the event."""
    out = site_builder(SITE)
    assert prose_links(out, "2011/police-and-social-media") == [
        ("hashtag", "/topics/police/", "#police"),
        ("hashtag event-tag", "/events/ukgovcamp-2011/", "#ukgc11"),
        ("mention", "/people/nickkeane/", "@Nickkeane"),
        ("mention", "/people/nickkeane/", "@nick_keane"),
        ("mention", "/people/sasha_taylor/", "@sasha_taylor"),
        ("mention", "/people/nickkeane/", "@nick@police.example"),
        ("mention", "/people/sasha_taylor/", "@sasha.bsky.social"),
        ("mention", "/people/pigsonthewing/", "@pigsonthewing"),
        ("hashtag", "/topics/opendata/", "#OpenData"),
        # not ours: the author's link, kept as written
        ("", "https://example.org/sasha", "@sasha_taylor"),
    ]
    assert prose_links(out, "2011/open-data") == [
        ("hashtag", "/topics/opendata/", "#opendata"),
        ("hashtag event-tag", "/events/ukgovcamp-2011/", "#UKGC11"),
        ("mention", "/people/sashataylor/", "@SashaTaylor"),
        ("mention", "/people/hotelalpha9/", "@hotelalpha9"),
    ]
    html = (out / "2011/police-and-social-media/index.html").read_text(encoding="utf-8")
    assert "<h1>What we covered</h1>" in html  # `# Heading` is still a heading
    assert "<code>@nickkeane #police\n</code>" in html


def test_each_build_uses_its_own_registry_and_settings(
    site_builder: Callable[..., Path], content_copy: Callable[[Path], Path]
) -> None:
    """A second in-process build sees its own people.toml and BREAKOUT_TEXT, not the first's."""
    site_builder(SITE)
    content = content_copy(SITE)
    people = content / "people.toml"
    people.write_text(
        people.read_text(encoding="utf-8").replace(
            'bluesky = "sasha.bsky.social"',
            'bluesky = "sasha.bsky.social"\naliases = ["SashaTaylor"]',
        ),
        encoding="utf-8",
    )
    out = site_builder(content, BREAKOUT_TEXT={"DEFAULT_NETWORK": "bluesky"})
    assert prose_links(out, "2011/open-data")[2:] == [
        ("mention", "/people/sasha_taylor/", "@SashaTaylor"),
        ("mention", "/people/hotelalpha9.bsky.social/", "@hotelalpha9"),
    ]


def test_bad_settings_fail_the_build(
    site_builder: Callable[..., Path], error_log: Callable[[], list[str]]
) -> None:
    """An unknown network is reported and the build fails."""
    with pytest.raises(BuildFailed):
        site_builder(SITE, BREAKOUT_TEXT={"DEFAULT_NETWORK": "myspace"})
    assert (
        "pelicanconf: BREAKOUT_TEXT['DEFAULT_NETWORK'] = 'myspace' is not valid: "
        "expected 'twitter', 'mastodon' or 'bluesky'"
    ) in error_log()


def test_a_handle_of_two_people_fails_the_build(
    site_builder: Callable[..., Path],
    content_copy: Callable[[Path], Path],
    error_log: Callable[[], list[str]],
) -> None:
    """The same handle in two registry entries is reported at the second entry's line."""
    content = content_copy(SITE)
    people = content / "people.toml"
    people.write_text(
        people.read_text(encoding="utf-8") + '\n[people.impostor]\naliases = ["NickKeane"]\n',
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed):
        site_builder(content)
    assert error_log() == [
        "content/people.toml:15: handle @NickKeane is given for both [people.nickkeane] "
        "and [people.impostor]"
    ]
