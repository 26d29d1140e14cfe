"""Hostile HTML in an imported export, in a real chromium: every vector is imported into a
post and into comments, built, and nothing of it runs."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_comments_xss_browser import (
    all_vectors,
    canary,
    fire_every_event,
    unsafe_attributes,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "tests" / "fixtures" / "import" / "site"
POST_PATH = "/2011/hostile-post/"


def cdata(text: str) -> str:
    """Text as CDATA, even when it holds the CDATA end marker."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def export(vectors: list[str]) -> str:
    """A WXR 1.2 export: one post holding every vector, and one comment per vector."""
    comments = "".join(
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id>"
        f"<wp:comment_author>{cdata(f'Tester {n}')}</wp:comment_author>"
        f"<wp:comment_date_gmt>2011-01-23 12:{n % 60:02d}:00</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(v)}</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
        "<wp:comment_parent>0</wp:comment_parent></wp:comment>\n"
        for n, v in enumerate(vectors, start=1)
    )
    body = "Hostile post for #ukgc11.\n\n" + "\n\n".join(vectors)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
        "<channel><title>x</title><link>https://old.example.org</link>\n"
        f"<item><title>{cdata('Hostile <b onmouseover=window.__xss=1>post</b>')}</title>"
        "<link>https://old.example.org/2011/01/23/hostile-post/</link>"
        f"<content:encoded>{cdata(body)}</content:encoded>"
        "<wp:post_id>1</wp:post_id><wp:post_date_gmt>2011-01-23 10:00:00</wp:post_date_gmt>"
        "<wp:post_name>hostile-post</wp:post_name><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type>\n{comments}</item></channel></rss>\n"
    )


@pytest.fixture(scope="module")
def hostile(
    tmp_path_factory: pytest.TempPathFactory,
    build_site: Callable[..., None],
    serve_site: Callable[[Path], Any],
) -> Iterator[Any]:
    """The import site with the hostile export imported, built and served."""
    from tools.importer.cli import main

    root = tmp_path_factory.mktemp("import-xss")
    content = root / "content"
    shutil.copytree(SITE, content)
    path = root / "hostile.xml"
    path.write_text(export(all_vectors()), encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(path, content, conf=ROOT / "pelicanconf.py") == 0
    out = root / "output"
    build_site(content, out)
    with serve_site(out) as served:
        yield served


def test_nothing_imported_runs_in_the_browser(hostile: Any, open_page: Callable[..., Any]) -> None:
    """Load the page, fire every event at every element of the post and its comments."""
    opened = open_page(hostile.url(POST_PATH))
    page = opened.page
    assert opened.status == 200
    assert (
        page.evaluate("() => document.querySelectorAll('#comments article.comment').length") >= 30
    )
    assert fire_every_event(page, "main *") > 0
    assert canary(page) == ["undefined", True]
    assert opened.watch.dialogs == []
    assert not [m for m in opened.watch.messages if "xss-ran" in m]
    assert unsafe_attributes(page, "main *") == ([], [])
    assert page.evaluate("() => document.querySelectorAll('main script, main iframe').length") == 0


def test_the_old_address_redirects_in_the_browser(
    hostile: Any, open_page: Callable[..., Any]
) -> None:
    """A reader following an old permalink lands on the imported write-up."""
    opened = open_page(hostile.url("/2011/01/23/hostile-post/"))
    opened.page.wait_for_url(re.compile(re.escape(POST_PATH) + "$"), timeout=30000)
    assert opened.page.locator("h1").first.inner_text().startswith("Hostile")
