"""Pelican's list pages: tag, category and author pages skipped when their file name setting is
empty; period archives grouped in linear time, as Pelican groups them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from breakout_content.glue import list_period_archives_in_linear_time, skip_unwritten_taxonomies
from conftest import FIXTURES
from pelican.generators import ArticlesGenerator


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


class Dated:
    """A write-up as period archives see it: a date, compared by identity like Pelican's."""

    def __init__(self, when: dt.datetime) -> None:
        self.date = when


def test_period_archives_hold_the_same_writeups_in_the_same_order_as_pelicans() -> None:
    settings = {
        "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html",
        "YEAR_ARCHIVE_URL": "{date:%Y}/",
        "MONTH_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/index.html",
        "MONTH_ARCHIVE_URL": "{date:%Y}/{date:%m}/",
        "DAY_ARCHIVE_SAVE_AS": "",
        "DAY_ARCHIVE_URL": "",
    }
    # The generator's order (newest first by its own rule) is not the archives' date order.
    articles = [Dated(dt.datetime(2011 + i % 3, 1 + i % 4, 1 + i % 28)) for i in range(60)]
    dates = sorted(articles, key=attrgetter("date"), reverse=True)
    pelicans = partial(ArticlesGenerator._build_period_archives, None)
    expected = pelicans(dates, articles, settings)
    generator = SimpleNamespace(_build_period_archives=pelicans)
    list_period_archives_in_linear_time(generator)
    got = generator._build_period_archives(dates, articles, settings)
    assert got == expected
    years = got["year"]
    assert [a["period"] for a in years] == [(2013,), (2012,), (2011,)]
    assert [len(a["articles"]) for a in years] == [20, 20, 20]
    assert years[0]["articles"] == [a for a in articles if a.date.year == 2013]
    assert len(got["month"]) == 12 and "day" not in got
