"""The one rule: a handle, alias, Mastodon or Bluesky form means one person wherever it is used.

A real build: each form is used in a write-up body, a `Session_leader`, a comment's `Handle`
and a comment body, and every one of them must end on the same person page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, build_site

PEOPLE = """\
[people.nick]
name = "Nick Keane"
twitter = "nickkeane"
mastodon = "nick@police.example"
bluesky = "nick.bsky.social"
aliases = ["nick_keane"]
"""
# Every way of writing Nick, and one person nobody registered (on Mastodon).
FORMS = {
    "nick": ["nickkeane", "NickKeane", "nick_keane", "nick@police.example", "Nick.bsky.social"],
    "ann_at_social.example": ["ann@social.example", "Ann@Social.Example"],
}


def _site(root: Path) -> Path:
    content = root / "content"
    (content / "writeups" / "2011").mkdir(parents=True)
    (content / "events.toml").write_text((FIXTURES / "minimal-site" / "events.toml").read_text())
    (content / "people.toml").write_text(PEOPLE)
    n = 0
    for forms in FORMS.values():
        for form in forms:
            n += 1
            slug = f"w{n}"
            (content / "writeups" / "2011" / f"{slug}.md").write_text(
                f"Title: Write-up {n}\nDate: 2011-01-{n + 1:02d}\nEvent: ukgovcamp-2011\n"
                f"Session: Session {n}\nSession_leader: @{form}\n\n"
                f"A session about policing with @{form} in the room.\n",
                encoding="utf-8",
            )
            folder = content / "comments" / slug
            folder.mkdir(parents=True)
            (folder / "001.md").write_text(
                f"Author: Someone\nHandle: @{form}\nDate: 2011-01-{n + 1:02d} 10:00\n\n"
                f"As @{form} said, it went well.\n",
                encoding="utf-8",
            )
    return content


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("one-rule")
    out = root / "output"
    build_site(_site(root), out)
    return out


def _person_links(out: Path, n: int) -> dict[str, str]:
    """Where each use of the form in write-up n and its comment links to."""
    page = _soup(out / "2011" / f"w{n}" / "index.html")
    body = page.find(class_="e-content")  # the write-up's own text, not its comments
    comment = page.find(id="comment-001")
    session = _soup(out / "events" / "ukgovcamp-2011" / f"session-{n}" / "index.html")
    led = session.find("dt", string="Led by").find_next("dd").find("a")
    return {
        "write-up body": body.find("a", class_="mention")["href"],
        "Session_leader": led["href"],
        "comment Handle": comment.find("a", class_="comment-author")["href"],
        "comment body": comment.find(class_="comment-body").find("a", class_="mention")["href"],
    }


def test_every_form_in_every_place_ends_on_the_same_person_page(built: Path) -> None:
    n = 0
    for slug, forms in FORMS.items():
        for form in forms:
            n += 1
            links = _person_links(built, n)
            assert links == dict.fromkeys(links, f"/people/{slug}/"), form


def test_the_person_page_counts_every_use_and_no_other_page_is_made(built: Path) -> None:
    people = sorted(p.parent.name for p in (built / "people").glob("*/index.html"))
    assert people == sorted(FORMS)
    for slug, forms in FORMS.items():
        meta = _soup(built / "people" / slug / "index.html").find("p", class_="meta").get_text()
        k = len(forms)
        assert " ".join(meta.split()) == (f"{k} write-ups · {k} sessions led · {k} comments"), slug


def test_is_named_is_the_one_place_that_lets_a_person_be_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the service saying no for one person, no page, list or link of the site names them."""
    from breakout_kernel.identity import Identity

    monkeypatch.setattr(Identity, "is_named", lambda self, slug: slug != "nick")
    out = tmp_path / "output"
    build_site(_site(tmp_path), out)
    assert sorted(p.parent.name for p in (out / "people").glob("*/index.html")) == [
        "ann_at_social.example"
    ]
    linked = [
        path.relative_to(out).as_posix()
        for path in out.rglob("*")
        if path.suffix in (".html", ".xml", ".json")
        and "/people/nick/" in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert linked == []
    # Not linked, and not written either: the erasure pass (issue 18) puts the neutral
    # wording in place of every form of them.
    page = (out / "2011" / "w1" / "index.html").read_text(encoding="utf-8")
    assert "@nickkeane" not in page
    assert "A session about policing with a participant in the room." in page
