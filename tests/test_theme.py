"""Breakout theme: real builds of tests/fixtures/theme-site checked page by page.

Browser checks (axe-core, keyboard, overflow at 320 px) come with issue 9; these
tests read the built HTML and CSS.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from tests.conftest import FIXTURES, ROOT, build_site

SITE = FIXTURES / "theme-site"
CSS = ROOT / "theme" / "static" / "css" / "breakout.css"
PROD_URL = "https://breakout.example.org"


# ---------------------------------------------------------------- helpers


def read_meta(md: Path) -> dict[str, str]:
    """The `Key: value` block at the top of a fixture write-up, keys lower-cased."""
    meta: dict[str, str] = {}
    for line in md.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return meta


def writeups() -> list[tuple[Path, dict[str, str]]]:
    """(output path relative to the site, metadata) for each fixture write-up."""
    found = []
    for md in sorted((SITE / "writeups").rglob("*.md")):
        meta = read_meta(md)
        found.append((Path(meta["date"][:4]) / md.stem / "index.html", meta))
    return found


def code_scripts(page: BeautifulSoup) -> list:
    """Scripts that run code: everything but JSON-LD, which is data."""
    return [s for s in page.find_all("script") if s.get("type") != "application/ld+json"]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(tag: Tag | None) -> str:
    return " ".join(tag.get_text(" ").split()) if tag is not None else ""


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def facts(page: BeautifulSoup) -> dict[str, Tag]:
    """The write-up's event/session/leader block as {dt text: dd tag}."""
    dl = page.select_one("article.writeup dl.facts")
    assert dl is not None, "write-up has no facts block"
    return {text(dt): dt.find_next_sibling("dd") for dt in dl.find_all("dt")}


@pytest.fixture(scope="module")
def theme_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The theme fixture built once with the project's settings and plugins."""
    out = tmp_path_factory.mktemp("theme") / "output"
    build_site(SITE, out)
    return out


# ---------------------------------------------------------------- write-up pages


def test_every_writeup_page_has_title_date_and_event_block(theme_site: Path) -> None:
    events = {"ukgovcamp-2011": "UK GovCamp 2011", "localgovcamp-2012": "LocalGovCamp 2012"}
    assert len(writeups()) == 4
    for rel, meta in writeups():
        page = soup(theme_site / rel)
        assert text(page.find("h1")) == meta["title"], rel
        time = page.select_one("article.writeup header time[datetime]")
        assert time is not None and time["datetime"].startswith(meta["date"][:10]), rel
        block = facts(page)
        # The event's name once breakout_index links it; its slug before.
        assert text(block["Event"]) in (events[meta["event"]], meta["event"]), rel
        assert text(block["Session"]) == meta["session"], rel
        if "session_leader" in meta:
            for leader in meta["session_leader"].split(","):
                name = leader.strip()
                shown = text(block["Led by"])
                assert name in shown or name.lstrip("@").lower() in shown.lower().replace(
                    " ", ""
                ), rel
        else:
            assert "Led by" not in block, rel
        assert page.select_one("article.writeup .prose p") is not None, rel


def test_writeup_byline_shows_author_only_when_given(theme_site: Path) -> None:
    with_author = soup(theme_site / "2011/open-data-next/index.html")
    assert text(with_author.select_one(".byline .author")) == "Ada Hopper"
    without = soup(theme_site / "2011/open-data-next-notes/index.html")
    assert without.select_one(".byline .author") is None
    assert "By" not in text(without.select_one(".byline"))


def test_titles_are_escaped_as_text(theme_site: Path) -> None:
    raw = (theme_site / "2011/qa-and-you/index.html").read_text(encoding="utf-8")
    assert "<title>Q&amp;A: &lt;data&gt; &amp; you · Breakout</title>" in raw
    page = soup(theme_site / "2011/qa-and-you/index.html")
    assert text(page.find("h1")) == "Q&A: <data> & you"
    assert page.find("h1").find("data") is None  # the title did not become an element
    home = soup(theme_site / "index.html")
    assert "Q&A: <data> & you" in [text(h) for h in home.select(".writeup-card-title")]


def test_description_and_canonical_per_page(theme_site: Path) -> None:
    page = soup(theme_site / "2011/open-data-next/index.html")
    # Summary is Markdown ("**after**"): the description is its plain text.
    assert page.find("meta", attrs={"name": "description"})["content"] == (
        "A packed room asked what happens after the data is published."
    )
    assert page.find("link", rel="canonical")["href"] == "/2011/open-data-next/"
    home = soup(theme_site / "index.html")
    assert home.find("link", rel="canonical")["href"] == "/"
    assert home.find("meta", attrs={"name": "description"})["content"].startswith("Write-ups from")
    archives = soup(theme_site / "archives/index.html")
    assert archives.find("link", rel="canonical")["href"] == "/archives/"


def test_tables_scroll_in_a_focusable_wrapper(theme_site: Path) -> None:
    page = soup(theme_site / "2011/open-data-next/index.html")
    tables = page.select(".prose table")
    assert tables
    for table in tables:
        wrap = table.parent
        assert "table-wrap" in wrap.get("class", []) and wrap.get("tabindex") == "0"


# ---------------------------------------------------------------- lists


def test_home_lists_writeups_newest_first_with_event_and_excerpt(theme_site: Path) -> None:
    home = soup(theme_site / "index.html")
    cards = home.select("main ol.writeup-list > li > article.writeup-card")
    expected = sorted(writeups(), key=lambda w: w[1]["date"], reverse=True)
    assert [text(c.select_one(".writeup-card-title")) for c in cards] == [
        m["title"] for _, m in expected
    ]
    stamps = [c.select_one("time[datetime]")["datetime"] for c in cards]
    assert stamps == sorted(stamps, reverse=True)
    for card, (rel, meta) in zip(cards, expected, strict=True):
        link = card.select_one(".writeup-card-title a")
        assert link["href"] == "/" + rel.parent.as_posix() + "/"
        assert text(card.select_one(".writeup-event")) in (
            meta["event"],
            "UK GovCamp 2011",
            "LocalGovCamp 2012",
        )
        assert text(card.select_one(".writeup-session")) == "Session: " + meta["session"]
        excerpt = text(card.select_one(".excerpt"))
        if "summary" in meta:
            assert excerpt == meta["summary"].replace("**", "")
        else:  # Pelican's automatic summary: the body's first words
            assert excerpt.startswith("A question-and-answer session")


def test_archives_lists_all_writeups_by_year_newest_first(theme_site: Path) -> None:
    page = soup(theme_site / "archives/index.html")
    years = [text(h) for h in page.select("main section.archive-year > h2")]
    assert years == ["2012", "2011"]
    links = [a["href"] for a in page.select("main .archive-list > li > a")]
    assert sorted(links) == sorted("/" + rel.parent.as_posix() + "/" for rel, _ in writeups())
    in_2011 = [text(t) for t in page.select("section.archive-year")[1].select("time")]
    assert in_2011 == ["23 January 2011", "22 January 2011", "22 January 2011"]
    for year in years:  # the year index jumps to an existing heading
        assert page.select_one(f'.year-index a[href="#year-{year}"]') is not None
        assert page.find(id=f"year-{year}") is not None


def test_pagination_renders_a_pager(site_builder: Callable[..., Path]) -> None:
    out = site_builder(SITE, DEFAULT_PAGINATION=3)
    first, second = soup(out / "index.html"), soup(out / "page/2/index.html")
    assert len(first.select("main .writeup-card")) == 3
    assert len(second.select("main .writeup-card")) == 1
    pager = first.select_one("nav.pager[aria-label]")
    assert pager is not None and pager.select_one('a[rel="prev"]') is None
    assert pager.select_one('a[rel="next"]')["href"] == "/page/2/"
    assert "Page 1 of 2" in text(pager)
    back = second.select_one('nav.pager a[rel="prev"]')
    assert back["href"] == "/"  # page 1 is the home page, not /index.html
    assert second.select_one('nav.pager a[rel="next"]') is None
    assert text(second.find("h1")) == "Write-ups, page 2"
    assert second.find("link", rel="canonical")["href"] == "/page/2/"
    assert text(second.select_one(".writeup-card-title")) == "Open data: what comes next?"


# ---------------------------------------------------------------- 404 and absolute URLs


NOT_FOUND_TARGETS = ["/", "/events/", "/people/", "/topics/", "/archives/"]


def test_404_page_links_home_and_the_indexes(theme_site: Path) -> None:
    page = soup(theme_site / "404.html")
    assert text(page.find("h1")) == "Page not found"
    hrefs = [a["href"] for a in page.select("main a")]
    assert hrefs == NOT_FOUND_TARGETS
    assert page.find("link", rel="canonical") is None  # served at any path
    for tag in page.find_all(["a", "link"], href=True):  # nothing relative to the current path
        assert tag["href"].startswith(("/", "#", "https://")), tag


def test_production_urls_are_absolute(site_builder: Callable[..., Path]) -> None:
    out = site_builder(SITE, SITEURL=PROD_URL)
    page = soup(out / "404.html")
    assert [a["href"] for a in page.select("main a")] == [PROD_URL + t for t in NOT_FOUND_TARGETS]
    assert re.fullmatch(
        re.escape(PROD_URL) + r"/theme/css/breakout\.[0-9a-f]{12}\.css",
        page.find("link", rel="stylesheet")["href"],
    )
    article = soup(out / "2011/open-data-next/index.html")
    assert article.find("link", rel="canonical")["href"] == PROD_URL + "/2011/open-data-next/"
    assert article.select_one(".prose img")["src"] == PROD_URL + "/images/wide.svg"
    for a in article.select(".site-header a, .site-footer a"):
        assert a["href"].startswith(PROD_URL) or urlsplit(a["href"]).netloc == "getpelican.com", a


# ---------------------------------------------------------------- every page


def first_focusable(body: Tag) -> Tag | None:
    for tag in body.find_all(True):
        if tag.get("tabindex") == "-1":
            continue
        if (tag.name == "a" and tag.get("href")) or tag.name in (
            "button",
            "input",
            "select",
            "textarea",
        ):
            return tag
        if tag.get("tabindex") is not None:
            return tag
    return None


def test_every_page_has_the_accessible_skeleton(theme_site: Path) -> None:
    pages = html_pages(theme_site)
    assert len(pages) >= 8
    for path in pages:
        page = soup(path)
        where = path.relative_to(theme_site)
        assert page.html.get("lang") == "en", where
        assert page.find("meta", charset=True) is not None, where
        assert page.find("meta", attrs={"name": "viewport"}) is not None, where
        assert text(page.title), where
        assert len(page.find_all("h1")) == 1, where
        skip = first_focusable(page.body)
        assert skip is not None and "skip-link" in skip.get("class", []), where
        assert skip["href"].startswith("#") and page.find(id=skip["href"][1:]).name == "main", where
        for landmark in ("header", "nav", "main", "footer"):
            assert page.find(landmark) is not None, (where, landmark)
        assert len(page.find_all("main")) == 1, where
        assert all(nav.get("aria-label") for nav in page.find_all("nav")), where
        labels = [nav["aria-label"] for nav in page.find_all("nav")]
        assert len(labels) == len(set(labels)), where
        ids = [t["id"] for t in page.find_all(id=True)]
        assert len(ids) == len(set(ids)), (where, ids)
        levels = [int(h.name[1]) for h in page.find_all(re.compile(r"^h[1-6]$"))]
        assert levels[0] == 1, where
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (where, levels)  # no skipped heading level
        css = page.find("link", rel="stylesheet")["href"]
        assert re.fullmatch(r"/theme/css/breakout\.[0-9a-f]{12}\.css", css), where
        assert (theme_site / css.lstrip("/")).read_bytes() == CSS.read_bytes(), where


def test_no_scripts_and_no_other_hosts(theme_site: Path) -> None:
    for path in html_pages(theme_site):
        page = soup(path)
        where = path.relative_to(theme_site)
        if where.as_posix() != "search/index.html":  # the one page that needs JavaScript
            assert code_scripts(page) == [], where
        assert not page.find_all(attrs={"onload": True}) and not page.find_all(
            attrs={"onclick": True}
        )
        for tag in page.find_all(["link", "script", "img", "iframe", "source", "video", "audio"]):
            for attr in ("href", "src", "srcset"):
                if tag.get(attr):
                    assert urlsplit(tag[attr]).netloc == "", (where, tag)
    css = CSS.read_text(encoding="utf-8")
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)


def test_current_section_is_marked_in_the_site_nav(theme_site: Path) -> None:
    def current(rel: str) -> list[tuple[str, str]]:
        page = soup(theme_site / rel)
        return [(text(a), a["aria-current"]) for a in page.select("nav.site-nav a[aria-current]")]

    assert current("archives/index.html") == [("Archives", "page")]
    assert current("about/index.html") == [("About", "page")]
    assert current("2011/open-data-next/index.html") == []
    nav = [text(a) for a in soup(theme_site / "index.html").select("nav.site-nav a")]
    assert nav == ["Events", "People", "Topics", "Archives", "About"]


def test_output_is_deterministic(theme_site: Path, site_builder: Callable[..., Path]) -> None:
    again = site_builder(SITE)
    for path in html_pages(theme_site):
        rel = path.relative_to(theme_site)
        assert (again / rel).read_bytes() == path.read_bytes(), rel


# ---------------------------------------------------------------- CSS


def custom_properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", block))


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def colour_schemes() -> Iterator[tuple[str, dict[str, str]]]:
    css = CSS.read_text(encoding="utf-8")
    light = custom_properties(css[css.index(":root {") : css.index("}", css.index(":root {"))])
    dark_at = css.index("@media (prefers-color-scheme: dark)")
    dark_block = css[dark_at : css.index("}", css.index(":root {", dark_at))]
    yield "light", light
    yield "dark", {**light, **custom_properties(dark_block)}


def test_css_budget_and_required_features() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert CSS.stat().st_size < 20 * 1024
    assert "@media (prefers-color-scheme: dark)" in css
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*[23]px", css)
    assert re.search(r"outline-offset:\s*[1-9]", css)
    assert "overflow-wrap: anywhere" in css
    assert re.search(r"img[^{]*\{[^}]*max-width:\s*100%", css)
    assert "font-face" not in css  # system fonts only
    vocabulary = css[: css.index("*/")]
    for cls in (".page-header", ".lede", ".meta", ".entity-list", ".count", ".writeup-list",
                ".writeup-card", ".facts", ".tag-cloud", ".feed-link", ".mention", ".hashtag",
                ".event-tag", ".comment", ".pager", ".prevnext", ".visually-hidden"):  # fmt: skip
        assert cls in vocabulary, cls
        assert re.search(re.escape(cls) + r"\b[^{]*\{", css[len(vocabulary) :]), f"{cls} not styled"
    for weight in range(1, 6):
        assert f".tag-cloud .w{weight}" in css


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_colours_have_enough_contrast(scheme: str) -> None:
    colours = dict(colour_schemes())[scheme]
    assert {"bg", "surface", "fg", "muted", "accent", "border"} <= colours.keys()
    for fg in ("fg", "muted", "accent"):
        for bg in ("bg", "surface"):
            ratio = contrast(colours[fg], colours[bg])
            assert ratio >= 4.5, f"{scheme}: --{fg} on --{bg} is {ratio:.2f}:1"
    # The focus outline (accent) must stand out from the page: WCAG 1.4.11 asks 3:1.
    assert contrast(colours["accent"], colours["bg"]) >= 3


def test_writeup_page_weight(theme_site: Path) -> None:
    css_size = (theme_site / "theme/css/breakout.css").stat().st_size
    for rel, _ in writeups():
        assert (theme_site / rel).stat().st_size + css_size < 60 * 1024, rel


def test_launch_writeup_pages_fit_the_budget(launch_site: Path) -> None:
    css_size = (launch_site / "theme/css/breakout.css").stat().st_size
    pages = sorted(launch_site.glob("[0-9][0-9][0-9][0-9]/*/index.html"))
    assert pages
    for page in pages:
        assert page.stat().st_size + css_size < 60 * 1024, page.relative_to(launch_site)
        assert code_scripts(soup(page)) == [], page.relative_to(launch_site)


# ---------------------------------------------------------------- index objects


def test_index_objects_render_as_links(theme_site: Path) -> None:
    """With breakout_index and breakout_comments the write-up block and lists link out."""
    page = soup(theme_site / "2011/open-data-next/index.html")
    block = facts(page)
    assert block["Event"].a["href"] == "/events/ukgovcamp-2011/"
    assert text(block["Event"]) == "UK GovCamp 2011"
    assert block["Session"].a["href"].startswith("/events/ukgovcamp-2011/")
    assert text(block["Session"]) == "Open data: what next?"
    leaders = block["Led by"].select("ul.inline-list > li")
    assert [text(li) for li in leaders] == ["Nick Keane", "Jane Doe"]
    assert leaders[0].a["href"] == "/people/nickkeane/"

    sections = {text(s.h2): s for s in page.select("article.writeup section.related")}
    people = sections["People in this write-up"].select("ul.entity-list a")
    assert people and all(a["href"].startswith("/people/") for a in people)
    topics = sections["Topics"].select("ul.entity-list a")
    assert [(text(a), a["href"]) for a in topics] == [
        ("open data", "/topics/open-data/"),
        ("transparency", "/topics/transparency/"),
    ]
    same = sections["Other write-ups of this session"]
    assert [a["href"] for a in same.select(".writeup-card-title a")] == [
        "/2011/open-data-next-notes/"
    ]
    assert same.select_one("h3.writeup-card-title") is not None  # under the h2

    # Within the event, by date: open-data-next, qa-and-you, open-data-next-notes.
    prevnext = page.select_one("article.writeup nav.prevnext")
    assert prevnext["aria-label"]
    assert prevnext.select_one('a[rel="prev"]') is None
    assert prevnext.select_one('a[rel="next"]')["href"] == "/2011/qa-and-you/"
    middle = soup(theme_site / "2011/qa-and-you/index.html").select_one("nav.prevnext")
    assert middle.select_one('a[rel="prev"]')["href"] == "/2011/open-data-next/"
    assert middle.select_one('a[rel="next"]')["href"] == "/2011/open-data-next-notes/"

    # The comments partial is included inside the write-up, after the prev/next nav.
    comments = page.select_one("article.writeup #comments")
    assert comments is not None and len(comments.select(".comment")) == 2
    assert comments.find_previous_sibling("nav") is prevnext

    home = soup(theme_site / "index.html")
    cards = {text(c.select_one(".writeup-card-title")): c for c in home.select(".writeup-card")}
    card = cards["Open data: what comes next?"]
    assert card.select_one(".writeup-event a")["href"] == "/events/ukgovcamp-2011/"
    assert text(card.select_one(".comment-count")) == "2 comments"
    assert cards["Notes from the open data session"].select_one(".comment-count") is None
    archives = soup(theme_site / "archives/index.html")
    assert "/events/localgovcamp-2012/" in [a["href"] for a in archives.select("main .meta a")]


@pytest.fixture
def only_listed_plugins() -> Iterator[None]:
    """Detach every Pelican signal receiver for one build, then restore them.

    Pelican's signals are process-wide: receivers that earlier builds in this test
    process connected would otherwise run in a build whose PLUGINS omit them.
    """
    import weakref

    from blinker import NamedSignal
    from pelican.plugins import signals

    saved: dict[NamedSignal, list] = {}
    for name in dir(signals):
        sig = getattr(signals, name)
        if isinstance(sig, NamedSignal):
            refs = list(sig.receivers.values())
            saved[sig] = [r() if isinstance(r, weakref.ref) else r for r in refs]
            for receiver in saved[sig]:
                if receiver is not None:
                    sig.disconnect(receiver)
    yield
    for sig, receivers in saved.items():
        for receiver in receivers:
            if receiver is not None:
                sig.connect(receiver)


@pytest.mark.usefixtures("only_listed_plugins")
def test_theme_works_without_the_index_plugins(site_builder: Callable[..., Path]) -> None:
    """Only breakout_content: the theme falls back to the plain metadata strings."""
    out = site_builder(SITE, PLUGINS=["breakout_content"])
    page = soup(out / "2011/open-data-next/index.html")
    block = facts(page)
    assert text(block["Event"]) == "ukgovcamp-2011" and block["Event"].a is None
    assert text(block["Session"]) == "Open data: what next?" and block["Session"].a is None
    assert text(block["Led by"]) == "@nickkeane, Jane Doe"
    sections = {text(s.h2): s for s in page.select("article.writeup section.related")}
    assert list(sections) == ["Topics"]  # tags as text; no people, no same-session list
    assert [text(li) for li in sections["Topics"].select("li")] == ["open data", "transparency"]
    assert sections["Topics"].a is None
    assert page.select_one("nav.prevnext") is None and page.select_one("#comments") is None
    card = soup(out / "index.html").select(".writeup-card")[-1]
    assert text(card.select_one(".writeup-event")) == "ukgovcamp-2011"
    assert card.select_one(".comment-count") is None
