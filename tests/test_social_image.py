"""og:image: a default social image drawn from the site's name and colours; a write-up may name its own."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest
from breakout_kernel.errors import BuildFailed
from breakout_seo.card import Card, render_card
from bs4 import BeautifulSoup
from conftest import ROOT, build_site

SITEURL = "https://camp.example.org"
OFF = {"BREAKOUT_SEARCH": {"ENABLED": False}}
PNG = b"\x89PNG\r\n\x1a\n"


def meta(page: Path, key: str) -> str | None:
    """The content of a page's <meta property|name=key>."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data.startswith(PNG)
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the launch content with one write-up naming its own image."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "police.png").write_bytes(render_card(Card("Police session")))
    post = folder / "writeups" / "2011" / "ukgc11-police.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(
        text.replace(
            "\n\n", "\nImage: images/police.png\nImage_alt: The session's flip chart\n\n", 1
        ),
        encoding="utf-8",
    )
    return folder


def test_every_page_shares_the_default_image_and_a_write_up_its_own(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build_site(content, out, SITEURL=SITEURL, **OFF)
    card = (out / "social-card.png").read_bytes()
    assert png_size(card) == (1200, 630)
    pages = [p for p in out.rglob("index.html") if "http-equiv" not in p.read_text()]
    own = out / "2011" / "ukgc11-police" / "index.html"
    assert len(pages) > 20
    for page in pages:
        if page == own:
            continue
        assert meta(page, "og:image") == f"{SITEURL}/social-card.png", page
        assert meta(page, "og:image:alt") == "Breakout"
        assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(own, "og:image") == f"{SITEURL}/images/police.png"
    assert meta(own, "og:image:alt") == "The session's flip chart"
    assert meta(own, "twitter:image") == f"{SITEURL}/images/police.png"
    assert (out / "images" / "police.png").is_file()
    # Drawn from the settings: another name or colour is another image; the same, the same bytes.
    again = tmp_path / "again"
    build_site(content, again, SITEURL=SITEURL, SITENAME="Camp notes", **OFF)
    assert (again / "social-card.png").read_bytes() != card
    assert render_card(Card("Breakout", "x")) == render_card(Card("Breakout", "x"))
    assert render_card(Card("B", background="#123456")) != render_card(Card("B"))


def test_a_site_image_setting_replaces_the_generated_one(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(content, out, SITEURL=SITEURL, BREAKOUT_SEO={"IMAGE": "images/police.png"}, **OFF)
    assert not (out / "social-card.png").exists()
    assert meta(out / "index.html", "og:image") == f"{SITEURL}/images/police.png"


def test_an_image_that_is_not_there_is_an_error(
    content: Path, tmp_path: Path, error_log: object
) -> None:
    post = content / "writeups" / "2011" / "ukgc11-police.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("images/police.png", "images/polise.png"),
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed):
        build_site(content, tmp_path / "out", **OFF)
    line = next(
        n
        for n, text in enumerate(post.read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("Image:")
    )
    assert error_log() == [  # type: ignore[operator]
        f"content/writeups/2011/ukgc11-police.md:{line}: Image 'images/polise.png' is neither an "
        "http(s) URL nor a file in the content folder (put it in content/images/ and write "
        "Image: images/<file>)"
    ]
