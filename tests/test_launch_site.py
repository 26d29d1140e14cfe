"""The built launch site: the seeds' people, topics and comments all arrive, and no dump debris."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT
from test_launch_content import CHROME as SOURCE_CHROME
from test_launch_content import CHROME_PATTERNS, MOJIBAKE

# The theme itself says "Comments are closed." under a closed write-up; the rest is debris.
CHROME = tuple(p for p in SOURCE_CHROME if p != "Comments are closed")

# Every @handle and #hashtag written in the seeds' prose, with the page each must link to
# (read off ../shared/seeds by hand; the registry maps @Nickkeane and @SashaTayler).
SEED_LINKS = {
    "2011/ukgc11-police": {
        "@nickkeane": "people/nickkeane/",
        "@pigsonthewing": "people/pigsonthewing/",
        "@davidallengreen": "people/davidallengreen/",
        "@sasha_taylor": "people/sasha_taylor/",
        "@amandaneylon": "people/amandaneylon/",
        "@HughFlouch": "people/hughflouch/",
        "#police": "topics/police/",
        "#ukgc11": "events/ukgovcamp-2011/",
    },
    "2011/ukgc11-pcc-democracy": {
        "@demsoc": "people/demsoc/",
        "@Nickkeane": "people/nickkeane/",
        "@SashaTayler": "people/sasha_taylor/",
    },
    "2010/policing-2-0": {"@hotelalpha9": "people/hotelalpha9/"},
    "2012/bluelightcamp-pccs": {
        "@sasha_taylor": "people/sasha_taylor/",
        "#nhssms": "topics/nhssms/",
    },
}


def page(site: Path, path: str) -> BeautifulSoup:
    """Parse one built page."""
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_no_chrome_or_mojibake_on_any_page(launch_site: Path) -> None:
    pages = sorted(launch_site.rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        text = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ")
        for phrase in CHROME + MOJIBAKE:
            assert phrase not in text, f"{path.relative_to(launch_site)}: {phrase!r}"
        for pattern in CHROME_PATTERNS:
            assert not pattern.search(text), f"{path.relative_to(launch_site)}: {pattern.pattern}"


def test_the_editors_notes_are_not_published(launch_site: Path) -> None:
    """The launch write-ups' `<!-- Date: … -->` notes stay in content/: no page or feed has one."""
    sources = sorted((ROOT / "content" / "writeups").rglob("*.md"))
    noted = [p for p in sources if "<!-- Date: the seed gives no date" in p.read_text("utf-8")]
    assert len(noted) >= 3
    published = [p for p in launch_site.rglob("*") if p.suffix in {".html", ".xml", ".json"}]
    assert len(published) > 100
    for path in published:
        # Any form: a page's source, a feed's escaped HTML, JSON Feed's content_html.
        assert "the seed gives no" not in path.read_text(encoding="utf-8"), path


def test_repaired_characters_reach_the_page(launch_site: Path) -> None:
    hug = page(launch_site, "2010/ukgc10-localgov-group-hug").get_text(" ")
    assert "🙂" in hug and "😉" in hug and "blasé" in hug


@pytest.mark.parametrize("writeup", sorted(SEED_LINKS))
def test_every_seed_handle_and_hashtag_is_linked(launch_site: Path, writeup: str) -> None:
    body = page(launch_site, writeup).select_one(".e-content")
    links = {a.get_text(): a["href"] for a in body.select("a.mention, a.hashtag")}
    for text, target in SEED_LINKS[writeup].items():
        assert links.get(text) == "/" + target, f"{writeup}: {text}"
        assert (launch_site / target / "index.html").exists()


def test_every_seed_comment_is_on_its_writeup(launch_site: Path) -> None:
    shown = {
        "2011/ukgc11-police": ["001", "002"],
        "2012/bluelightcamp-pccs": ["001"],
        # 003, 005, 006 and 007 are one comment posted four times: shown once, as 003.
        "2011/acpo-social-media": ["001", "002", "003", "004", "008"],
        "2010/ukgc10-localgov-group-hug": ["001", "002"],
    }
    for writeup, ids in shown.items():
        comments = page(launch_site, writeup).select("#comments article.comment")
        assert [c["id"] for c in comments] == [f"comment-{i}" for i in ids], writeup
    acpo = page(launch_site, "2011/acpo-social-media")
    assert "posted 4 times, shown once" in acpo.select_one("#comment-003").get_text(" ")
    assert "This comment was removed." in acpo.select_one("#comment-002").get_text(" ")
    # The reply to Michele nests under her comment.
    hug = page(launch_site, "2010/ukgc10-localgov-group-hug")
    assert hug.select_one("#comment-001 .comment-replies #comment-002") is not None
    assert "Comments are closed." in hug.get_text(" ")
