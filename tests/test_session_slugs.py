"""Session pages have short, stable slugs; the addresses of the earlier rule redirect to them."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

OLD = (
    "events/bluelightcamp-2012/should-police-crime-commissioner-candidates-use-social-media-sm-"
    "during-the-elect-8c373cf6/index.html"
)
NEW = "/events/bluelightcamp-2012/police-crime-commissioner-candidates-use/"
REFRESH = 'http-equiv="refresh"'


def is_redirect(path: Path) -> bool:
    """A redirect page (meta refresh), not a page of the site."""
    return path.suffix == ".html" and REFRESH in path.read_text(encoding="utf-8")


def test_the_long_session_title_has_a_short_page(launch_site: Path) -> None:
    page = BeautifulSoup((launch_site / NEW.strip("/") / "index.html").read_text(), "html.parser")
    assert (
        page.select_one("main h1")
        .get_text(strip=True)
        .startswith("Should Police & Crime Commissioner candidates use social media")
    )
    event = (launch_site / "events" / "bluelightcamp-2012" / "index.html").read_text()
    assert f'href="{NEW}"' in event


def test_the_old_session_address_redirects_to_the_new_one(launch_site: Path) -> None:
    old = launch_site / OLD
    assert is_redirect(old)
    page = BeautifulSoup(old.read_text(encoding="utf-8"), "html.parser")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={NEW}"
    assert page.find("link", rel="canonical")["href"] == NEW
    assert page.find("a")["href"] == NEW
    assert "data-pagefind-body" not in old.read_text(encoding="utf-8")


def test_the_host_files_send_the_old_session_address_on(launch_site: Path) -> None:
    """`_redirects` and the nginx map list it beside content/redirects.toml's, with a 301."""
    old = "/" + OLD.removesuffix("index.html")
    netlify = (launch_site / "_redirects").read_text(encoding="utf-8").splitlines()
    assert f"{old} {NEW} 301" in netlify
    assert netlify == sorted(netlify)  # one list, by old path
    nginx = (launch_site / "redirects.nginx.map").read_text(encoding="utf-8")
    assert f'"{old}" "{NEW}";' in nginx.splitlines()


def test_no_page_path_component_is_over_60_characters(launch_site: Path) -> None:
    for path in launch_site.rglob("*"):
        if path.is_file() and not is_redirect(path):
            rel = path.relative_to(launch_site)
            assert all(len(part) <= 60 for part in rel.parts), rel
