"""Comments in real Pelican builds: threading, duplicates, removed, closed, counts, cache, drafts."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from breakout_comments import glue, render
from breakout_kernel.errors import BuildFailed
from bs4 import BeautifulSoup, Tag
from conftest import FIXTURES, build_site
from pelican import signals
from pelican.log import LimitFilter

SITE = FIXTURES / "comments-site"
POLICE = "2011/ukgc11-police/index.html"
HAS_TEXT_API = importlib.util.find_spec("breakout_text.api") is not None
# The plugins comments depend on; index and feeds (built in parallel) are tested by their owners.
PLUGINS = {"PLUGINS": ["breakout_content", "breakout_text", "breakout_comments"]}


@pytest.fixture(autouse=True)
def fresh_warnings() -> None:
    """Let every build log its warnings: Pelican's LimitFilter drops a warning seen before in
    the process, so a second build's identical warning would vanish (reported to the lead)."""
    LimitFilter._raised_messages.clear()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The comments fixture site, built once for the read-only tests of this module."""
    out = tmp_path_factory.mktemp("comments") / "out"
    build_site(SITE, out, **PLUGINS)
    return out


@pytest.fixture
def capture() -> Iterator[dict[str, Any]]:
    """Hold the articles generator of the next build (after every plugin has run)."""
    got: dict[str, Any] = {}

    def grab(generators: list[Any]) -> None:
        """Keep the articles generator."""
        got.update(gen=next(g for g in generators if hasattr(g, "drafts")))

    signals.all_generators_finalized.connect(grab)
    yield got
    signals.all_generators_finalized.disconnect(grab)


def page(out: Path, rel: str = POLICE) -> BeautifulSoup:
    """Parse one built page."""
    return BeautifulSoup((out / rel).read_text(encoding="utf-8"), "html.parser")


def comment_tree(soup: BeautifulSoup) -> list[tuple[str, int]]:
    """(id, nesting depth) of every comment article in document order."""
    section = soup.find(id="comments")
    assert isinstance(section, Tag)
    return [
        (a["id"].removeprefix("comment-"), len(a.find_parents("article", class_="comment")))
        for a in section.find_all("article", class_="comment")
    ]


def comment_warnings(lines: Callable[..., list[str]]) -> list[str]:
    """This plugin's warnings (they all name a comment file)."""
    return [m for m in lines(logging.WARNING) if m.startswith("content/comments/")]


def test_thread_is_nested_in_date_order(built: Path) -> None:
    # 002 is dated before 001; 012 before 003 under 001; 004 nests under 003 although it is
    # dated before its parent; undated 007 and 011 follow the dated roots by id.
    assert comment_tree(page(built)) == [
        ("002", 0), ("001", 0), ("012", 1), ("003", 1), ("004", 2),
        ("005", 0), ("006", 1), ("007", 0), ("010", 1), ("011", 0),
    ]  # fmt: skip


def test_each_comment_has_anchor_permalink_author_and_date(built: Path) -> None:
    soup = page(built)
    first = soup.find(id="comment-001")
    assert first.find("a", class_="comment-permalink")["href"] == "#comment-001"
    assert first.find("a", class_="comment-author")["href"] == "/people/pigsonthewing/"
    assert first.find("time")["datetime"] == "2011-01-24T09:30:00+00:00"
    assert first.find("time").get_text() == "24 January 2011"
    # Matched by name (no handle): Nick Keane is in the registry.
    assert (
        soup.find(id="comment-003").find("a", class_="comment-author")["href"]
        == "/people/nickkeane/"
    )
    # Not in the registry, with a website: the name links there, marked as user content.
    sam = soup.find(id="comment-002").find("a", class_="comment-author")
    assert (sam["href"], sam["rel"]) == (
        "https://sam.example.org/blog",
        ["nofollow", "ugc", "noopener"],
    )
    # Neither: plain text, and no <time> when the date is unknown.
    carol = soup.find(id="comment-011")
    assert carol.find(class_="comment-author").name == "span"
    assert carol.find("time") is None
    assert soup.find(id="comments-title").get_text() == "Comments (9)"
    assert soup.find(id="comments")["aria-labelledby"] == "comments-title"


def test_removed_comment_is_a_placeholder_that_keeps_its_replies(built: Path) -> None:
    removed = page(built).find(id="comment-005")
    assert "comment-removed" in removed["class"]
    assert (
        removed.find(class_="comment-placeholder")
        .get_text(" ", strip=True)
        .startswith("This comment was removed.")
    )
    assert "removed by the author" not in removed.get_text()
    assert removed.find("header", recursive=False) is None  # no author line of its own
    assert [a["id"] for a in removed.find_all("article")] == ["comment-006"]


def test_duplicates_shown_once_with_a_warning_naming_the_files(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    site = content_copy(SITE)
    build_site(site, tmp_path / "out", **PLUGINS)
    assert comment_warnings(error_log) == [
        "content/comments/ukgc11-police/007.md: 3 identical comments by 'Anonymous' are shown "
        "once, as 007.md; collapsed 008.md, 009.md (files kept; delete the copies to silence this)"
    ]
    soup = page(tmp_path / "out")
    ids = [i for i, _ in comment_tree(soup)]
    assert "008" not in ids and "009" not in ids
    # 010 answered the copy 008: it now hangs under the kept 007.
    assert [a["id"] for a in soup.find(id="comment-007").find_all("article")] == ["comment-010"]
    assert "posted 3 times" in soup.find(id="comment-007").get_text()
    assert (site / "comments/ukgc11-police/008.md").exists()
    assert (site / "comments/ukgc11-police/009.md").exists()


def test_closed_writeup_says_so_and_keeps_its_comments(built: Path) -> None:
    soup = page(built, "2011/closed-session/index.html")
    assert soup.find(class_="comments-closed").get_text() == "Comments are closed."
    assert comment_tree(soup) == [("001", 0)]
    assert page(built).find(class_="comments-closed") is None


def test_comment_counts_reach_the_index_page(built: Path) -> None:
    counts = [c.get_text() for c in page(built, "index.html").find_all(class_="comment-count")]
    assert counts == ["9 comments", "1 comment"]


def test_objects_follow_the_contract(
    capture: dict[str, Any], content_copy: Callable[[Path], Path], tmp_path: Path
) -> None:
    build_site(content_copy(SITE), tmp_path / "out", **PLUGINS)
    gen = capture["gen"]
    police = next(a for a in gen.articles if a.slug == "ukgc11-police")
    assert [c.id for c in police.comments] == ["002", "001", "005", "007", "011"]
    assert [c.id for c in police.comment_list] == [
        "002", "001", "012", "003", "004", "005", "006", "007", "010", "011",
    ]  # fmt: skip
    assert (police.comment_count, police.comments_closed) == (9, False)
    by_id = {c.id: c for c in police.comment_list}
    first = by_id["001"]
    assert (first.url, first.anchor, first.person, first.handle) == (
        "2011/ukgc11-police/#comment-001", "comment-001", "pigsonthewing", "pigsonthewing",
    )  # fmt: skip
    assert first.article is police
    assert (by_id["003"].person, by_id["002"].person) == ("nickkeane", "")
    assert by_id["007"].duplicates == ["008", "009"]
    assert [c.id for c in by_id["003"].replies] == ["004"]
    # Every shown (not removed) comment of the site, newest first; undated ones last.
    assert [(c.article_slug, c.id) for c in gen.context["breakout_comments"]] == [
        ("ukgc11-police", "006"), ("ukgc11-police", "003"), ("ukgc11-police", "004"),
        ("ukgc11-police", "012"), ("ukgc11-police", "001"), ("ukgc11-police", "002"),
        ("closed-session", "001"),
        ("ukgc11-police", "007"), ("ukgc11-police", "010"), ("ukgc11-police", "011"),
    ]  # fmt: skip
    closed = next(a for a in gen.articles if a.slug == "closed-session")
    assert (closed.comment_count, closed.comments_closed) == (1, True)


@pytest.mark.skipif(not HAS_TEXT_API, reason="TEXT-ENGINE: needs breakout_text.api (issue 3)")
def test_handles_and_hashtags_in_comments_are_linked_and_recorded(
    capture: dict[str, Any], content_copy: Callable[[Path], Path], tmp_path: Path
) -> None:
    build_site(content_copy(SITE), tmp_path / "out", **PLUGINS)
    body = page(tmp_path / "out").find(id="comment-001").find(class_="comment-body")
    assert body.find("a", class_="mention")["href"] == "/people/nickkeane/"
    assert body.find("a", class_="hashtag")["href"] == "/topics/police/"
    first = next(c for c in capture["gen"].context["breakout_comments"] if c.id == "001")
    assert [m.person.slug for m in first.mentions] == ["nickkeane"]
    assert [h.slug for h in first.hashtags] == ["police", "ukgovcamp-2011"]


def test_warm_build_renders_only_changed_comments(
    content_copy: Callable[[Path], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = content_copy(SITE)
    cache = tmp_path / "cache"
    rendered: list[str] = []
    real = render.BodyRenderer.render

    def counting(self: render.BodyRenderer, source: Any, problems: Any) -> Any:
        """Record which comment is rendered, then render it."""
        rendered.append(source.id)
        return real(self, source, problems)

    monkeypatch.setattr(render.BodyRenderer, "render", counting)
    # Counted in this process: a worker process reading ahead would render some unseen.
    monkeypatch.setenv("BREAKOUT_WORKERS", "1")
    build_site(site, tmp_path / "cold", cache=cache, **PLUGINS)
    assert len(rendered) == 13
    rendered.clear()
    build_site(site, tmp_path / "warm", cache=cache, **PLUGINS)
    assert rendered == []
    assert (tmp_path / "warm" / POLICE).read_bytes() == (tmp_path / "cold" / POLICE).read_bytes()
    (site / "comments/ukgc11-police/011.md").write_text("Author: Carol\n\nEdited since.\n")
    build_site(site, tmp_path / "edited", cache=cache, **PLUGINS)
    assert rendered == ["011"]
    assert (
        page(tmp_path / "edited")
        .find(id="comment-011")
        .find(class_="comment-body")
        .get_text(strip=True)
        == "Edited since."
    )


def test_warm_build_reuses_threads_only_while_comments_and_slugs_are_unchanged(
    content_copy: Callable[[Path], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error_log: Callable[..., list[str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    site = content_copy(SITE)
    threaded: list[int] = []
    real = glue.assemble

    def counting(*args: Any, **kwargs: Any) -> Any:
        """Count the builds that thread the comments, then thread them."""
        threaded.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(glue, "assemble", counting)

    def build(name: str, *, threads: int) -> Path:
        """Build into tmp_path/name with the shared cache; `threads`: did it thread (0 or 1)."""
        threaded.clear()
        build_site(site, tmp_path / name, cache=tmp_path / "cache", **PLUGINS)
        assert len(threaded) == threads
        return tmp_path / name

    def ids(out: Path, rel: str = POLICE) -> list[str]:
        """Ids of the comments shown on a page."""
        return [i for i, _depth in comment_tree(page(out, rel))]

    closed = "2011/closed-session/index.html"
    cold = build("cold", threads=1)
    warm = build("warm", threads=0)  # nothing changed: the last build's threads
    for rel in (POLICE, closed, "index.html"):
        assert (warm / rel).read_bytes() == (cold / rel).read_bytes()
    police = site / "comments/ukgc11-police"
    (police / "011.md").write_text("Author: Carol\n\nEdited since.\n", encoding="utf-8")
    edited = build("edited", threads=1)
    assert "Edited since." in page(edited).find(id="comment-011").get_text()
    (police / "013.md").write_text("Author: Erin\n\nAdded.\n", encoding="utf-8")
    assert "013" in ids(build("added", threads=1))
    (police / "012.md").unlink()
    assert "012" not in ids(build("removed", threads=1))
    (police / "002.md").rename(site / "comments/closed-session/002.md")
    moved = build("moved", threads=1)
    assert "002" not in ids(moved) and "002" in ids(moved, closed)
    build("again", threads=0)
    # A renamed write-up leaves its comments' folder behind: reported by every build.
    writeup = site / "writeups/2011/closed-session.md"
    writeup.rename(writeup.with_name("closed-again.md"))
    for name, threads in (("renamed", 1), ("renamed-again", 0)):
        caplog.clear()
        with pytest.raises(BuildFailed, match="2 problems found"):
            build(name, threads=threads)
        assert [m.split(":")[0] for m in error_log(logging.ERROR) if "no write-up" in m] == [
            "content/comments/closed-session/001.md",
            "content/comments/closed-session/002.md",
        ]
    (site / "comments/closed-session").rename(site / "comments/closed-again")
    assert ids(build("followed", threads=1), "2011/closed-again/index.html") == ["001", "002"]
    (site / "writeups/2011/closed-again.md").unlink()  # a removed write-up: the same
    with pytest.raises(BuildFailed, match="2 problems found"):
        build("gone", threads=1)


def test_draft_keeps_its_comments_off_the_site_lists(
    capture: dict[str, Any], content_copy: Callable[[Path], Path], tmp_path: Path
) -> None:
    site = content_copy(SITE)
    (site / "writeups/2011/draft-one.md").write_text(
        "Title: A draft\nDate: 2011-01-24\nEvent: ukgovcamp-2011\nSession: S\nStatus: draft\n\nDraft.\n"
    )
    (site / "comments/draft-one").mkdir()
    (site / "comments/draft-one/001.md").write_text(
        "Author: Sam\nDate: 2011-02-01\n\nOn a draft.\n"
    )
    # DEFAULT_METADATA: Pelican 4.12 writes drafts only when they have a category, and
    # pelicanconf turns category pages off (CATEGORY_SAVE_AS = "") — reported to the lead.
    build_site(site, tmp_path / "out", DEFAULT_METADATA={"category": "writeups"}, **PLUGINS)
    assert comment_tree(page(tmp_path / "out", "drafts/draft-one/index.html")) == [("001", 0)]
    gen = capture["gen"]
    assert gen.drafts[0].comment_count == 1
    assert "draft-one" not in {c.article_slug for c in gen.context["breakout_comments"]}


def test_with_every_plugin_of_the_site(
    content_copy: Callable[[Path], Path], tmp_path: Path, error_log: Callable[..., list[str]]
) -> None:
    """Integration: the project's full PLUGINS list builds the fixture and keeps the thread."""
    build_site(content_copy(SITE), tmp_path / "out")
    assert error_log() == []
    assert [i for i, _ in comment_tree(page(tmp_path / "out"))][:3] == ["002", "001", "012"]
