"""An imported image without its metadata looks the same in a real chromium: turned the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import serve
from tests.test_imagemeta import exif, picture, saved
from tools.imagemeta import clean

pytestmark = pytest.mark.browser

FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def test_orientation_is_kept_as_the_browser_reads_it(
    tmp_path: Path, open_page: Callable[..., Any]
) -> None:
    images = []
    for name, suffix in FORMATS.items():
        for orientation in (1, 6):
            before = saved(picture(), name, exif=exif(orientation))
            stem = f"{name.lower()}-{orientation}"
            (tmp_path / f"{stem}-before{suffix}").write_bytes(before)
            (tmp_path / f"{stem}-after{suffix}").write_bytes(clean(before, suffix).data)
            images += [f"{stem}-before{suffix}", f"{stem}-after{suffix}"]
    tags = "".join(f'<img id="{n}" src="{n}" alt="">' for n in images)
    (tmp_path / "index.html").write_text(f"<!doctype html><title>t</title>{tags}", "utf-8")
    with serve(tmp_path) as served:
        opened = open_page(served.url("/"))
        sizes = opened.page.evaluate(
            "Object.fromEntries([...document.images].map(i => [i.id, [i.naturalWidth, i.naturalHeight]]))"
        )
    assert opened.watch.problems() == []
    for name, suffix in FORMATS.items():
        for orientation in (1, 6):
            stem = f"{name.lower()}-{orientation}"
            assert sizes[f"{stem}-after{suffix}"] == sizes[f"{stem}-before{suffix}"], stem
    # The case that could go wrong: chromium turns a JPEG or PNG by its EXIF orientation.
    assert sizes["jpeg-6-after.jpg"] == sizes["png-6-after.png"] == [20, 40]
    assert sizes["jpeg-1-after.jpg"] == [40, 20]
