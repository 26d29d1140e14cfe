"""Search in a real chromium: Pagefind finds people, hashtags and comment phrases, offline."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from test_search import fragments

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


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


def result_links(opened: Any) -> dict[str, tuple[str, str]]:
    """Each result's path -> (its link's #fragment, its meta line)."""
    found = opened.page.eval_on_selector_all(
        "#search-results > li",
        """(items) => items.map((li) => {
            const url = new URL(li.querySelector('a').href);
            return [url.pathname, url.hash, li.querySelector('.meta')?.textContent || ''];
        })""",
    )
    return {path: (fragment, meta) for path, fragment, meta in found}


def test_a_match_only_in_a_comment_links_to_that_comment(
    search: Callable[[str], Any], site: Any
) -> None:
    """A write-up found by a comment's words links to that comment; one found in its text, to the top."""
    page = BeautifulSoup(
        (site.root / "2011" / "acpo-social-media" / "index.html").read_text("utf-8"), "html.parser"
    )
    holder = next(
        c for c in page.select("article.comment") if "immediacy the internet" in c.get_text(" ")
    )
    fragment, meta = result_links(search('"immediacy the internet"'))["/2011/acpo-social-media/"]
    assert fragment == f"#{holder['id']}"
    assert meta.endswith(" · in a comment")
    # Words of the write-up itself (its first paragraph): the page, no comment named.
    first = page.select_one(".e-content p").get_text(" ", strip=True).split()[:4]
    opened = search('"' + " ".join(first) + '"')
    fragment, meta = result_links(opened)["/2011/acpo-social-media/"]
    assert (fragment, "in a comment" in meta) == ("", False)
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


WRITEUP = re.compile(r"^/\d{4}/[^/]+/$")
FURNITURE = re.compile(
    r"Follow by feed|RSS · Atom|\d+ write-ups? ·|\d+ comments?\b|Comments \(\d+\)"
)


@pytest.fixture(scope="module")
def stepped(
    build_site: Callable[..., None],
    serve_site: Callable[[Path], Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    """The launch site built with two results per step, so 'Show more' has work to do, and
    about four pages per search shard, so the results come from many merged shards."""
    out = tmp_path_factory.mktemp("stepped") / "output"
    build_site(ROOT / "content", out, BREAKOUT_SEARCH={"RESULTS_PER_STEP": 2, "SHARD_PAGES": 4})
    with serve_site(out) as served:
        yield served


def all_results(opened: Any) -> list[dict[str, str]]:
    """Press 'Show more results' until every result is listed; each result's path, kind and text."""
    page = opened.page
    while page.is_visible("#search-more"):
        before = page.locator("#search-results > li").count()
        page.click("#search-more")
        page.wait_for_function(
            f"() => document.querySelectorAll('#search-results > li').length > {before}"
        )
    return page.eval_on_selector_all(
        "#search-results > li",
        """(items) => items.map((li) => ({
            path: new URL(li.querySelector('a').href).pathname,
            meta: li.querySelector('.meta')?.textContent || '',
            text: li.textContent,
        }))""",
    )


def test_write_ups_rank_above_index_pages_and_every_result_is_reachable(
    open_page: Callable[..., Any], stepped: Any, wait_for_search: Callable[[Any], None]
) -> None:
    opened = open_page(stepped.url("/search/?q=police"))
    wait_for_search(opened)
    assert opened.page.locator("#search-results > li").count() == 2  # one step at first
    results = all_results(opened)
    total = int((opened.page.text_content("#search-status") or "").split(" result")[0])
    assert total == len(results) > 2
    assert not opened.page.is_visible("#search-more")
    kinds = [bool(WRITEUP.match(r["path"])) for r in results]
    assert kinds == sorted(kinds, reverse=True), "every write-up before every index page"
    assert kinds.count(True) >= 5 and "/topics/police/" in [r["path"] for r in results]
    for result in results:
        assert not FURNITURE.search(result["text"]), result
        if WRITEUP.match(result["path"]):
            assert result["meta"].startswith("Write-up · ")
    assert opened.watch.problems() == []


def test_only_pages_readers_search_for_are_indexed(search: Callable[[str], Any]) -> None:
    opened = search("LocalGov group hug")
    paths = result_paths(opened)
    assert "/2010/ukgc10-localgov-group-hug/" in paths
    # Session, year, archive and redirect pages only list what is indexed where it lives.
    assert all(WRITEUP.match(p) or p.split("/")[1] in ("people", "topics", "events") for p in paths)
    assert not any(p.count("/") > 3 for p in paths), paths


WORD = "Zanzibarquokka"  # found nowhere in the launch content


@pytest.fixture(scope="module")
def word_everywhere(
    build_site: Callable[..., None],
    serve_site: Callable[[Path], Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    """The launch content with WORD in every write-up, person affiliation and event provenance,
    built in shards of about four pages."""
    base = tmp_path_factory.mktemp("word")
    content, out = base / "content", base / "output"
    shutil.copytree(ROOT / "content", content)
    for writeup in sorted((content / "writeups").rglob("*.md")):
        writeup.write_text(writeup.read_text(encoding="utf-8") + f"\n{WORD}.\n", "utf-8")
    for name, field in (("people.toml", "affiliation"), ("events.toml", "provenance")):
        data = (content / name).read_text(encoding="utf-8")
        (content / name).write_text(data.replace(f'{field} = "', f'{field} = "{WORD}, '), "utf-8")
    build_site(content, out, BREAKOUT_SEARCH={"RESULTS_PER_STEP": 2, "SHARD_PAGES": 4})
    with serve_site(out) as served:
        yield served


def test_a_word_in_pages_of_many_shards_finds_them_all(
    open_page: Callable[..., Any], word_everywhere: Any, wait_for_search: Callable[[Any], None]
) -> None:
    """Every page holding the word is listed, from whichever shard indexes it, each once, and
    write-ups first, even from shards that hold no write-up."""
    indexed = fragments(word_everywhere.root)
    holding = {u: f["shard"] for u, f in indexed.items() if WORD.lower() in f["content"].lower()}
    assert len(set(holding.values())) >= 3, "the word's pages should span several shards"
    with_writeups = {f["shard"] for u, f in indexed.items() if WRITEUP.match(u)}
    others = {u for u in holding if not WRITEUP.match(u)}
    assert {holding[u] for u in others} - with_writeups, "a shard with no write-up should match"
    opened = open_page(word_everywhere.url(f"/search/?q={WORD}"))
    wait_for_search(opened)
    paths = [r["path"] for r in all_results(opened)]
    assert sorted(paths) == sorted(holding)
    kinds = [bool(WRITEUP.match(p)) for p in paths]
    assert kinds == sorted(kinds, reverse=True), "every write-up before every other page"
    status = opened.page.text_content("#search-status") or ""
    assert status.startswith(f"{len(holding)} results for")
    assert opened.watch.problems() == []
