"""Pelican's tag, category and author pages: skipped when their file name setting is empty."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from breakout_content.glue import skip_unwritten_taxonomies
from conftest import FIXTURES


class Generator:
    """A generator-like object recording which of its taxonomy methods ran."""

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.ran: list[str] = []

    def generate_tags(self, write: Any) -> None:
        self.ran.append("tags")

    def generate_categories(self, write: Any) -> None:
        self.ran.append("categories")

    def generate_authors(self, write: Any) -> None:
        self.ran.append("authors")


def _run_all(gen: Generator) -> list[str]:
    for method in ("generate_tags", "generate_categories", "generate_authors"):
        getattr(gen, method)(SimpleNamespace())
    return gen.ran


def test_only_taxonomies_with_an_empty_file_name_are_skipped() -> None:
    gen = Generator(TAG_SAVE_AS="", CATEGORY_SAVE_AS="category/{slug}.html", AUTHOR_SAVE_AS=False)
    skip_unwritten_taxonomies(gen)
    assert _run_all(gen) == ["categories"]


def test_every_taxonomy_runs_when_each_names_its_files() -> None:
    gen = Generator(
        TAG_SAVE_AS="tag/{slug}.html",
        CATEGORY_SAVE_AS="category/{slug}.html",
        AUTHOR_SAVE_AS="author/{slug}.html",
    )
    skip_unwritten_taxonomies(gen)
    assert _run_all(gen) == ["tags", "categories", "authors"]


def test_a_site_that_names_tag_pages_still_gets_them(
    site_builder: Callable[..., Path],
) -> None:
    out = site_builder(FIXTURES / "minimal-site", TAG_SAVE_AS="tag/{slug}/index.html")
    page = out / "tag" / "police" / "index.html"
    assert page.is_file(), sorted(p.name for p in out.iterdir())
    assert "The police session" in page.read_text(encoding="utf-8")
    assert not (out / "author").exists()  # AUTHOR_SAVE_AS stays empty
