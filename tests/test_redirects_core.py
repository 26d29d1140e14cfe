"""breakout_redirects' pure core: paths, pages, the host files, verification."""

from __future__ import annotations

from pathlib import Path

import pytest
from breakout_redirects.core import (
    Redirect,
    clean_old,
    page_file,
    parse_file,
    render,
    verify,
    write,
)


@pytest.mark.parametrize(
    ("old", "page"),
    [
        ("/2011/01/23/x/", "2011/01/23/x/index.html"),
        ("/2010/01/hug.html", "2010/01/hug.html"),
        ("/feeds/posts/default", "feeds/posts/default/index.html"),
        ("/café/", "café/index.html"),
    ],
)
def test_page_file(old: str, page: str) -> None:
    assert page_file(old) == page


@pytest.mark.parametrize("bad", ["", "/", "/../etc/", "/a/../../b", "/?p=1", "/a#b", "a\\b"])
def test_unusable_old_paths_are_refused(bad: str) -> None:
    assert clean_old(bad) is None


def test_render_gives_pages_and_host_files_from_any_pairs() -> None:
    files = render([Redirect("/b/", "/new-b/"), Redirect("/a.html", 'https://x.org/"q"')])
    assert sorted(files) == ["_redirects", "a.html", "b/index.html", "redirects.nginx.map"]
    assert files["_redirects"] == '/a.html https://x.org/"q" 301\n/b/ /new-b/ 301\n'
    assert files["redirects.nginx.map"].splitlines()[2:] == [
        '"/a.html" "https://x.org/\\"q\\"";',
        '"/b/" "/new-b/";',
    ]
    assert (
        '<meta http-equiv="refresh" content="0; url=https://x.org/&quot;q&quot;">'
        in files["a.html"]
    )
    assert render([]) == {}


def test_redirects_paged_elsewhere_are_in_the_host_files_only() -> None:
    """`also`: no page of its own; listed in order; an own redirect for the same path wins."""
    files = render(
        [Redirect("/b/", "/mine/")],
        also=[Redirect("/a/", "/session/"), Redirect("/b/", "/theirs/")],
    )
    assert sorted(files) == ["_redirects", "b/index.html", "redirects.nginx.map"]
    assert files["_redirects"] == "/a/ /session/ 301\n/b/ /mine/ 301\n"
    assert files["redirects.nginx.map"].splitlines()[2:] == [
        '"/a/" "/session/";',
        '"/b/" "/mine/";',
    ]
    assert sorted(render([], also=[Redirect("/a/", "/s/")])) == [
        "_redirects",
        "redirects.nginx.map",
    ]


def test_write_never_replaces_a_page_of_the_site(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b/index.html").write_text("<!DOCTYPE html><p>A real page</p>")
    files = render([Redirect("/b/", "/new/"), Redirect("/c/", "/new/")])
    assert write(tmp_path, files) == ["b/index.html"]
    assert "A real page" in (tmp_path / "b/index.html").read_text()
    assert (tmp_path / "c/index.html").is_file()
    assert write(tmp_path, files) == ["b/index.html"]  # its own pages it rewrites freely


def test_verify_follows_each_redirect(tmp_path: Path) -> None:
    write(
        tmp_path,
        render([Redirect("/old/", "/new/"), Redirect("/gone/", "https://site.org/nowhere/")]),
    )
    (tmp_path / "new").mkdir()
    (tmp_path / "new/index.html").write_text("x")
    assert verify(tmp_path, ["/old/", "/gone/", "/never/"], "https://site.org") == [
        ("/gone/", "lands on https://site.org/nowhere/, which is not a page of the built site"),
        ("/never/", "no redirect page at never/index.html"),
    ]


def test_parse_file_names_lines(tmp_path: Path) -> None:
    path = tmp_path / "redirects.toml"
    path.write_text('# head\n"/a/" = "pages/a.md"\n"/../x" = "y"\n"/b/" = ""\n')
    entries, problems = parse_file(path)
    assert [(e.old, e.target, e.line) for e in entries] == [("/a/", "pages/a.md", 2)]
    assert problems == [
        (3, "'/../x' is not a path of the site (start from /; no .., ?, #)"),
        (4, "'/b/' needs a target: a content file or a path of the site"),
    ]
