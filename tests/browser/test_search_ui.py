"""Search in a real chromium: Pagefind finds people, hashtags and comment phrases, offline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser


def result_paths(opened: Any) -> list[str]:
    """The paths the rendered results link to, in order."""
    return opened.page.eval_on_selector_all(
        "#search-results a", "(links) => links.map((a) => new URL(a.href).pathname)"
    )


@pytest.fixture
def search(
    open_page: Callable[..., Any], site: Any, wait_for_search: Callable[[Any], None]
) -> Callable[[str], Any]:
    """Open /search/?q=<query> and wait for its results."""

    def run(query: str) -> Any:
        opened = open_page(site.url(f"/search/?q={quote(query)}"))
        wait_for_search(opened)
        return opened

    return run


def test_a_persons_name_finds_their_page(search: Callable[[str], Any]) -> None:
    """Searching 'Sasha Taylor' lists her person page."""
    opened = search("Sasha Taylor")
    assert "/people/sasha_taylor/" in result_paths(opened)
    assert opened.watch.problems() == []


def test_a_hashtag_finds_its_topic_and_write_up(search: Callable[[str], Any]) -> None:
    """Searching '#nhssms' lists the topic page and the write-up that used the hashtag."""
    opened = search("#nhssms")
    paths = result_paths(opened)
    assert "/topics/nhssms/" in paths
    assert "/2012/bluelightcamp-pccs/" in paths
    assert opened.watch.problems() == []


def test_a_phrase_from_a_comment_finds_its_write_up(search: Callable[[str], Any]) -> None:
    """An exact phrase from a comment finds the write-up it was posted under, with the match marked."""
    opened = search('"immediacy the internet"')
    # The session and the commenter's person page quote the comment too; the write-up must be there.
    assert "/2011/acpo-social-media/" in result_paths(opened)
    marked = opened.page.eval_on_selector_all(
        "#search-results mark", "(marks) => marks.map((m) => m.textContent.toLowerCase())"
    )
    assert "immediacy" in marked
    status = opened.page.text_content("#search-status") or ""
    assert f"{len(result_paths(opened))} result" in status
    assert opened.watch.problems() == []


def test_no_match_says_so(search: Callable[[str], Any]) -> None:
    """A word found nowhere gives an empty list and a status saying there are no results."""
    opened = search("xylophonequartz")
    assert result_paths(opened) == []
    assert (opened.page.text_content("#search-status") or "").startswith("No results")


def test_the_header_box_searches_from_any_page(
    open_page: Callable[..., Any], site: Any, wait_for_search: Callable[[Any], None]
) -> None:
    """Typing in the header box and pressing Enter opens the search page with the results."""
    opened = open_page(site.url("/2011/acpo-social-media/"), width=375)
    box = opened.page.locator("header form.search-box input[name=q]")
    box.fill("Sasha Taylor")
    with opened.page.expect_navigation():
        box.press("Enter")
    assert opened.page.url == site.url("/search/?q=Sasha+Taylor")
    wait_for_search(opened)
    assert opened.page.input_value("#search-q") == "Sasha Taylor"
    assert "/people/sasha_taylor/" in result_paths(opened)
    assert opened.watch.problems() == []


def test_without_javascript_the_page_explains_and_links(
    open_page: Callable[..., Any], site: Any
) -> None:
    """With JavaScript off the search page says why and offers the browsable indexes."""
    opened = open_page(site.url("/search/?q=police"), javascript=False)
    note = opened.page.locator(".search-noscript")
    assert note.is_visible()
    assert "needs JavaScript" in (note.text_content() or "")
    hrefs = note.locator("a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert hrefs == ["/events/", "/people/", "/topics/", "/archives/"]
    assert result_paths(opened) == []
    assert opened.watch.problems() == []
