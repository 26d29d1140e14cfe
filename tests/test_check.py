"""`invoke check`: links and anchors, pages present, pluggable checks; over real folders."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from tools import check
from tools.build import load_settings
from tools.check import CheckContext, missing_pages, run_checks
from tools.linkcheck import check_links, read_page

SITEURL = "https://breakout.test"


def write(folder: Path, pages: dict[str, str]) -> Path:
    """Write {relative path: body} as HTML pages (plus any non-HTML files) into folder."""
    for rel, body in pages.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".html"):
            body = f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>"
        path.write_text(body)
    return folder


def test_every_kind_of_internal_link_that_resolves_passes(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": (
                '<a href="2011/police/">rel dir</a><a href="/2011/police/">root dir</a>'
                f'<a href="{SITEURL}/2011/police/">absolute</a><a href="//breakout.test/about/">proto</a>'
                '<a href="/people">folder without slash</a><a href="2011/police/index.html">file</a>'
                '<a href="/2011/police/?page=2">query</a><a href="#top">top</a><a href="#">empty</a>'
                '<a href="#intro">own anchor</a><h2 id="intro">Intro</h2>'
                '<a href="/2011/police/#agreed">anchor</a><a href="/2011/police/#old-name">a name</a>'
                '<link rel="stylesheet" href="/theme/css/site.css"><script src="theme/app.js"></script>'
                '<img src="/images/a%20b.png" srcset="/images/a%20b.png 1x, images/big.png 2x" alt="">'
                '<form action="/about/"></form><a href="https://elsewhere.example/x">external</a>'
                '<a href="mailto:someone@example.org">mail</a><a href="/feeds/all.atom.xml#x">feed</a>'
            ),
            "2011/police/index.html": (
                '<h2 id="agreed">Agreed</h2><a name="old-name"></a><a href="../../">home</a>'
                '<a href="../../about/">up and over</a><a href=".">self</a>'
            ),
            "about/index.html": "<p>About</p>",
            "people/index.html": "<p>People</p>",
            "theme/css/site.css": "body{}",
            "theme/app.js": "",
            "images/a b.png": "png",
            "images/big.png": "png",
            "feeds/all.atom.xml": "<feed/>",
        },
    )
    assert check_links(site, siteurl=SITEURL) == []


def test_broken_links_and_anchors_are_reported_one_line_each(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": (
                '<a href="/nowhere/">a</a><a href="/nowhere/">same again</a>'
                f'<a href="{SITEURL}/2011/gone/">b</a><a href="/2011/police/#nope">c</a>'
                '<a href="#missing">d</a><img src="/images/x.png" alt="">'
                '<link rel="alternate" href="/feeds/none.xml"><form action="/search/"></form>'
            ),
            "2011/police/index.html": '<a href="../../../../etc/passwd">clamped</a><p id="x">x</p>',
        },
    )
    assert check_links(site, siteurl=SITEURL) == [
        "2011/police/index.html: broken link ../../../../etc/passwd",
        "index.html: broken link /nowhere/",
        f"index.html: broken link {SITEURL}/2011/gone/",
        "index.html: broken anchor /2011/police/#nope",
        "index.html: broken anchor #missing",
        "index.html: broken link /images/x.png",
        "index.html: broken link /feeds/none.xml",
        "index.html: broken link /search/",
    ]


def test_siteurl_with_a_path_prefix(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": (
                '<a href="/blog/about/">inside</a><a href="https://host.test/blog/about/">abs</a>'
                '<a href="/about/">outside the site path</a><a href="https://host.test/other/">other app</a>'
            ),
            "about/index.html": "",
        },
    )
    assert check_links(site, siteurl="https://host.test/blog") == [
        "index.html: broken link /about/"
    ]


def test_absolute_links_to_the_site_count_only_with_siteurl(tmp_path: Path) -> None:
    site = write(tmp_path, {"index.html": f'<a href="{SITEURL}/gone/">x</a>'})
    assert check_links(site) == []
    assert check_links(site, siteurl=SITEURL) == [f"index.html: broken link {SITEURL}/gone/"]


def test_an_empty_page_is_reported(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("")
    assert check_links(tmp_path) == ["index.html: empty HTML file"]


def test_read_page_collects_ids_and_links_in_one_pass() -> None:
    page = read_page(
        b'<html><body><p id="a">x</p><a name="b" href="/x/">y</a><!-- c -->'
        b'<source srcset="/s.webp 1x, /t.webp 2x"><base href="/base/"></body></html>'
    )
    assert page.ids == {"a", "b"}
    assert page.links == ["/x/", "/s.webp", "/t.webp"]
    assert page.base == "/base/"


# --- no page missing ---------------------------------------------------------------------


@pytest.fixture
def publish_content(content_copy: Callable[[Path], Path]) -> Path:
    return content_copy(FIXTURES / "publish-site")


def test_missing_pages_names_the_source_and_the_page(
    publish_content: Path, site_builder: Callable[..., Path]
) -> None:
    out = site_builder(publish_content)
    settings = load_settings(ROOT / "pelicanconf.py", path=publish_content, output=out)
    assert missing_pages(out, settings) == []

    (out / "2012" / "open-data" / "index.html").unlink()
    (out / "about" / "index.html").unlink()
    (out / "people" / "index.html").unlink()
    (out / "404.html").unlink()
    assert missing_pages(out, settings) == [
        "404.html: missing (the 404 page)",
        "people/index.html: missing (the people index)",
        "content/writeups/2012/open-data.md: its page 2012/open-data/index.html is missing from the output",
        "content/pages/about.md: its page about/index.html is missing from the output",
    ]


def test_missing_pages_follows_slug_and_draft_metadata(
    publish_content: Path, tmp_path: Path
) -> None:
    (publish_content / "writeups" / "2011" / "renamed.md").write_text(
        "Title: T\nDate: 2011-05-01 10:00\nSlug: other-name\nEvent: ukgovcamp-2011\nSession: S\n\nx\n"
    )
    (publish_content / "writeups" / "2011" / "wip.md").write_text(
        "Title: T\nDate: 2011-05-01\nStatus: draft\nEvent: ukgovcamp-2011\nSession: S\n\nx\n"
    )
    settings = load_settings(ROOT / "pelicanconf.py", path=publish_content, output=tmp_path)
    lines = missing_pages(tmp_path, settings)
    assert (
        "content/writeups/2011/renamed.md: its page 2011/other-name/index.html is missing from the output"
        in lines
    )
    assert (
        "content/writeups/2011/wip.md: its page drafts/wip/index.html is missing from the output"
        in lines
    )


# --- run_checks --------------------------------------------------------------------------


def test_run_checks_runs_the_given_checks_in_order(publish_content: Path, tmp_path: Path) -> None:
    seen: list[str] = []

    def first(ctx: CheckContext) -> list[str]:
        seen.append(str(ctx.settings["SITEURL"]))
        return ["a.html: first"]

    def second(ctx: CheckContext) -> list[str]:
        seen.append(ctx.output_dir.name)
        return ["b.html: second"]

    tmp_path.joinpath("out").mkdir()
    problems = run_checks(
        tmp_path / "out",
        conf=ROOT / "publishconf.py",
        content=publish_content,
        overrides={"SITEURL": SITEURL},
        checks=[first, second],
    )
    assert problems == ["a.html: first", "b.html: second"]
    assert seen == [SITEURL, "out"]


def test_default_checks_are_the_real_ones() -> None:
    assert (
        check.links,
        check.pages_present,
        check.feeds,
        check.feed_html,
        check.feed_ids,
        check.subscriptions,
        check.lint,
        check.unnamed,
        check.redirects,
        check.image_metadata,
    ) == check.DEFAULT_CHECKS


def test_a_check_that_cannot_be_imported_fails_loudly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "tools.feedcheck", None)
    monkeypatch.setitem(sys.modules, "breakout_text.lint", None)
    ctx = CheckContext(output_dir=tmp_path, settings={}, content_dir=tmp_path)
    assert check.feeds(ctx)[0].startswith(
        "(check) the feed check tools.feedcheck.check_site_feeds is not available: "
    )
    assert check.lint(ctx)[0].startswith(
        "(check) the handle/topic lint breakout_text.lint.lint_site is not available: "
    )


def test_a_missing_output_folder_is_one_problem(tmp_path: Path) -> None:
    assert run_checks(tmp_path / "nope", conf=ROOT / "pelicanconf.py", content=tmp_path) == [
        f"{tmp_path / 'nope'}: no such folder (build the site first)"
    ]


def test_a_real_build_passes_every_check(
    publish_content: Path, site_builder: Callable[..., Path]
) -> None:
    out = site_builder(publish_content, SITEURL=SITEURL)
    problems = run_checks(
        out, conf=ROOT / "pelicanconf.py", content=publish_content, overrides={"SITEURL": SITEURL}
    )
    assert problems == []
