"""Page weight and scripts on the launch build: small write-ups, one small CSS file, no JS but
search and the comment form's one small deferred file (everything works without it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

PAGE_BUDGET = 60 * 1024  # a write-up's HTML + CSS, uncompressed
CSS_BUDGET = 20 * 1024
SEARCH_PAGE = "search/index.html"
# Progressive enhancement of the comment form (Reply links, sending in place) and the
# thank-you page's link.
COMMENTS_JS = re.compile(r"^/theme/js/comments\.[0-9a-f]{12}\.js$")  # breakout_assets' name
COMMENTS_JS_BUDGET = 4 * 1024
DATA_SCRIPT_TYPES = {"application/ld+json"}  # data, never run


def soup(path: Path) -> BeautifulSoup:
    """Parse one built page."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def stylesheets(site: Path, page: Path) -> list[Path]:
    """The local files a page links as stylesheets (root-relative hrefs, as the theme writes)."""
    links = soup(page).find_all("link", rel="stylesheet")
    return [site / str(link["href"]).lstrip("/") for link in links]


def writeups(site: Path) -> list[Path]:
    """The built write-up pages."""
    found = sorted(site.glob("[0-9][0-9][0-9][0-9]/*/index.html"))
    assert found, "no write-ups in the launch build"
    return found


def test_writeup_pages_fit_the_budget(launch_site: Path) -> None:
    """Each write-up's HTML plus its CSS is under 60 KB before compression."""
    for page in writeups(launch_site):
        total = page.stat().st_size + sum(
            css.stat().st_size for css in stylesheets(launch_site, page)
        )
        assert total < PAGE_BUDGET, f"{page.relative_to(launch_site)}: {total} bytes"


def test_the_css_is_one_small_file(launch_site: Path) -> None:
    """Every page links the same single stylesheet, and it is under 20 KB."""
    used = set()
    for page in sorted(launch_site.rglob("*.html")):
        if "pagefind" in page.relative_to(launch_site).parts:
            continue
        if 'http-equiv="refresh"' in page.read_text(encoding="utf-8"):
            continue  # a redirect page at a session's old address, not a page of the site
        sheets = stylesheets(launch_site, page)
        assert len(sheets) == 1, f"{page.relative_to(launch_site)} links {len(sheets)} stylesheets"
        used.update(sheets)
    assert len(used) == 1
    css = used.pop()
    assert css.is_file() and css.stat().st_size < CSS_BUDGET, css


def test_the_comment_script_is_small(launch_site: Path) -> None:
    """The comment form's script is one small file."""
    script = launch_site / "theme" / "js" / "comments.js"
    assert script.stat().st_size < COMMENTS_JS_BUDGET


@pytest.mark.parametrize("kind", ["script", "handler"])
def test_no_page_but_search_runs_javascript(launch_site: Path, kind: str) -> None:
    """No <script src> and no executable script anywhere but the search page; no on* handlers."""
    for page in sorted(launch_site.rglob("*.html")):
        rel = page.relative_to(launch_site).as_posix()
        if rel.startswith("pagefind/"):
            continue
        doc = soup(page)
        if kind == "script":
            runnable = [
                s for s in doc.find_all("script") if s.get("type", "") not in DATA_SCRIPT_TYPES
            ]
            if rel == SEARCH_PAGE:
                assert all(not s.get("src") for s in runnable), rel
                assert runnable, "the search page needs its script"
            elif doc.find("form", id="comment-form") or rel == "comments/thanks/index.html":
                assert [
                    (bool(COMMENTS_JS.match(s.get("src", ""))), s.has_attr("defer"), s.string)
                    for s in runnable
                ] == [(True, True, None)], rel
            else:
                assert runnable == [], rel
        else:
            handlers = [
                (tag.name, attr)
                for tag in doc.find_all(True)
                for attr in tag.attrs
                if attr.lower().startswith("on")
            ]
            assert handlers == [], rel
