"""breakout_assets: the theme's CSS and icon under content-hashed names, so a CDN may keep them a year."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from breakout_assets.glue import theme_folders
from breakout_assets.names import hashed_name, manifest
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT, build_site, connected

SITE = FIXTURES / "publish-site"


def test_hashed_name_is_the_sha256_prefix_before_the_extension() -> None:
    data = b"body { color: black }\n"
    digest = hashlib.sha256(data).hexdigest()[:12]
    assert hashed_name("css/breakout.css", data) == f"css/breakout.{digest}.css"
    assert hashed_name("favicon.svg", data) == f"favicon.{digest}.svg"
    assert hashed_name("LICENSE", data) == f"LICENSE.{digest}"
    assert hashed_name("css/breakout.css", data + b" ") != hashed_name("css/breakout.css", data)


def test_manifest_covers_every_theme_static_file(tmp_path: Path) -> None:
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "css" / "a.css").write_bytes(b"a")
    (tmp_path / "static" / "icon.svg").write_bytes(b"<svg/>")
    names = manifest([tmp_path / "static"])
    assert sorted(names) == ["css/a.css", "icon.svg"]
    assert names["css/a.css"] == hashed_name("css/a.css", b"a")


def _stylesheet(page: Path) -> str:
    return BeautifulSoup(page.read_text(), "html.parser").find("link", rel="stylesheet")["href"]


def test_pages_link_the_hashed_copy_and_a_css_edit_renames_it(
    tmp_path: Path, site_builder: Callable[..., Path]
) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    out = site_builder(SITE, THEME=str(theme))
    href = _stylesheet(out / "index.html")
    css = (theme / "static/css/breakout.css").read_bytes()
    assert href == "/theme/css/" + hashed_name("breakout.css", css)
    assert (out / href.lstrip("/")).read_bytes() == css
    assert (out / "theme/css/breakout.css").read_bytes() == css  # the plain name stays
    assert _stylesheet(out / "2011/police/index.html") == href

    (theme / "static/css/breakout.css").write_bytes(css + b"\n.new { color: red }\n")
    edited = site_builder(SITE, THEME=str(theme))
    new_href = _stylesheet(edited / "index.html")
    assert new_href != href
    assert (edited / new_href.lstrip("/")).read_bytes().endswith(b".new { color: red }\n")


def test_without_the_plugin_pages_link_the_plain_names(site_builder: Callable[..., Path]) -> None:
    out = site_builder(SITE, PLUGINS=["breakout_content", "breakout_text"])
    assert _stylesheet(out / "index.html") == "/theme/css/breakout.css"


def test_a_warm_build_after_a_css_edit_links_the_new_name(tmp_path: Path) -> None:
    from conftest import build_site

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build_site(SITE, out, cache=cache, THEME=str(theme))
    before = _stylesheet(out / "2011/police/index.html")
    css = theme / "static/css/breakout.css"
    css.write_bytes(css.read_bytes() + b"\n.warm { color: blue }\n")

    build_site(
        SITE, out, cache=cache, THEME=str(theme)
    )  # memoised pages must not keep the old name

    after = _stylesheet(out / "2011/police/index.html")
    assert after != before and after == _stylesheet(out / "index.html")
    assert (out / after.lstrip("/")).read_bytes() == css.read_bytes()


def test_theme_folders_are_the_ones_pelicans_copy_makes(tmp_path: Path) -> None:
    static = tmp_path / "static"
    for folder in ("css", "fonts/sub", ".sass-cache/x"):
        (static / folder).mkdir(parents=True)
    (static / "css" / "a.css").write_bytes(b"a")
    out = tmp_path / "out" / "theme"
    made = theme_folders([static], out, [".*"])
    assert made[0] == out and made.index(out / "fonts") < made.index(out / "fonts" / "sub")
    assert sorted(made) == [out, out / "css", out / "fonts", out / "fonts" / "sub"]
    assert theme_folders([tmp_path / ".hidden"], out, [".*"]) == [out]


def test_the_theme_folders_exist_before_any_page_is_written(tmp_path: Path) -> None:
    # Pelican's copy checks for each folder, then makes it: a warm build's skeleton child
    # making the same folder in between failed the build with "File exists".
    from pelican import signals

    seen: list[bool] = []

    def first_page(path: str, context: dict[str, Any] | None = None) -> None:
        if not seen and context is not None:
            theme = Path(context["OUTPUT_PATH"]) / "theme"
            seen.append(all((theme / rel).is_dir() for rel in (".", "css", "js")))

    with connected(signals.content_written, first_page):
        build_site(SITE, tmp_path / "out")
    assert seen == [True]
    assert sorted(p.name for p in (tmp_path / "out" / "theme").iterdir() if p.is_dir()) == sorted(
        p.name for p in (ROOT / "theme" / "static").iterdir() if p.is_dir()
    )
