"""breakout_memo in real builds: a warm build skips current pages and still writes what a cold build writes.

Every scenario edits the content (or output, theme, settings) between a cold and a warm
build into the same output folder, then compares the warm tree with a cold build of the
edited content into a fresh folder.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import breakout_content.stamps as content_stamps
import breakout_index.fingerprints as index_fingerprints
import breakout_memo.glue as memo_glue
import pytest
from breakout_kernel import build as kernel_build
from breakout_kernel.change.hashing import READ_DIGESTS, digest, metadata_token, stable, stamp_read
from breakout_kernel.errors import BuildFailed
from breakout_memo.stats import Stats
from conftest import FIXTURES, ROOT, build_site, edit_file

from tools.golden import compare_trees

MEMO_SITE = FIXTURES / "memo-site"
OFF = {"BREAKOUT_SEARCH": {"ENABLED": False}}  # Pagefind is tested on its own

POLICE = "2011/ukgc11-police/index.html"
SECOND = "2011/ukgc11-police-second-view/index.html"
OPEN_DATA = "2011/ukgc11-open-data/index.html"
PCC = "2012/blc12-pcc/index.html"
FOLLOWUP = "2012/blc12-pcc-followup/index.html"


def last_memo() -> Any:
    """The memo of the last build in this process (None: the memo was off)."""
    this = kernel_build.current()
    return memo_glue.current(this.settings) if this is not None else None


class Site:
    """A copy of the memo fixture with one output and one cache folder, built again and again."""

    def __init__(self, tmp: Path, **overrides: Any) -> None:
        self.tmp = tmp
        self.content = tmp / "content"
        shutil.copytree(MEMO_SITE, self.content)
        self.output = tmp / "output"
        self.cache = tmp / "cache"
        self.overrides = {**OFF, **overrides}
        self.colds = 0

    def build(self, **overrides: Any) -> Stats:
        """Build into the site's output with its cache; the memo's stats of this build."""
        build_site(self.content, self.output, cache=self.cache, **{**self.overrides, **overrides})
        memo = last_memo()
        assert memo is not None, "breakout_memo was not active"
        return memo.stats

    def cold_problems(self, *, ignore_extra: bool = False, **overrides: Any) -> list[str]:
        """Differences between the site's output and a cold build of its content now."""
        self.colds += 1
        fresh = self.tmp / f"cold{self.colds}"
        build_site(
            self.content, fresh, cache=self.tmp / f"cold{self.colds}-cache",
            **{**self.overrides, **overrides},
        )  # fmt: skip
        problems = compare_trees(fresh, self.output)
        if ignore_extra:  # pages left behind by a moved page: Pelican never deletes output
            problems = [p for p in problems if not p.startswith("extra ")]
        return problems

    def edit(self, rel: str, old: str, new: str) -> None:
        """Replace text in a content file (and move its mtime on, as an editor would)."""
        edit_file(self.content / rel, old, new)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A fresh copy of the memo fixture."""
    return Site(tmp_path)


def test_unchanged_site_renders_no_page_again(site: Site) -> None:
    cold = site.build()
    assert cold.skipped == 0 and cold.rendered > 20 and cold.unstable == 0
    warm = site.build()
    assert warm.rendered == 0
    assert warm.skipped == cold.rendered
    assert (site.cache / "breakout-memo.json").is_file()
    assert site.cold_problems() == []


def test_body_edit_renders_only_that_writeup(site: Site) -> None:
    site.build()
    site.edit("writeups/2011/ukgc11-police.md", "- Listen more", "- Listen much more")
    warm = site.build()
    assert warm.rendered_names == [POLICE]
    assert site.cold_problems() == []


def test_title_edit_renders_every_page_showing_the_title(site: Site) -> None:
    site.build()
    site.edit("writeups/2011/ukgc11-police.md", "Title: The #police session", "Title: Policing")
    warm = site.build()
    rendered = set(warm.rendered_names)
    # Its own page, its session mate (card and prev link), the lists and index pages naming it.
    for name in (
        POLICE,
        SECOND,
        "index.html",
        "archives/index.html",
        "people/nickkeane/index.html",
        "topics/police/index.html",
        "events/ukgovcamp-2011/index.html",
        "events/ukgovcamp-2011/police-and-social-media/index.html",
    ):
        assert name in rendered
    # Pages that never show it are left alone.
    for name in (PCC, FOLLOWUP, "topics/pcc/index.html", "events/index.html"):
        assert name not in rendered
    assert site.cold_problems() == []


def test_new_comment_renders_its_writeup_and_the_commenters_page(site: Site) -> None:
    site.build()
    folder = site.content / "comments" / "ukgc11-police-second-view"
    (folder / "002.md").write_text(
        "Author: Sasha Taylor\nHandle: @sasha_taylor\nDate: 2011-01-25 08:00\n\nAgreed, #police.\n",
        encoding="utf-8",
    )
    warm = site.build()
    rendered = set(warm.rendered_names)
    assert {SECOND, "people/sasha_taylor/index.html", "topics/police/index.html"} <= rendered
    assert PCC not in rendered
    assert site.cold_problems() == []


def test_date_edit_reorders_neighbours(site: Site) -> None:
    site.build()
    # The second view becomes the newest write-up of the event: prev/next and lists reorder.
    site.edit("writeups/2011/ukgc11-police-second-view.md", "Date: 2011-01-24", "Date: 2011-01-27")
    site.build()
    assert site.cold_problems() == []


def test_moved_link_target_renders_the_pages_linking_to_it(site: Site) -> None:
    site.build()
    # Its URL moves to 2012/…: both write-ups linking to it with {filename} must follow.
    site.edit("writeups/2011/ukgc11-police.md", "Date: 2011-01-23 10:00", "Date: 2012-01-23 10:00")
    warm = site.build()
    assert {SECOND, OPEN_DATA} <= set(warm.rendered_names)
    assert site.cold_problems(ignore_extra=True) == []


def test_summaryless_writeup_card_follows_its_text(site: Site) -> None:
    site.build()
    site.edit("writeups/2011/ukgc11-open-data.md", "No summary here", "Still no summary here")
    warm = site.build()
    assert {OPEN_DATA, "index.html"} <= set(warm.rendered_names)
    assert site.cold_problems() == []


def test_deleted_or_changed_output_is_rendered_again(site: Site) -> None:
    site.build()
    (site.output / PCC).unlink()
    (site.output / "people" / "jon" / "index.html").write_text("tampered", encoding="utf-8")
    warm = site.build()
    assert set(warm.rendered_names) == {PCC, "people/jon/index.html"}
    assert site.cold_problems() == []


def test_theme_change_renders_everything(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    site = Site(tmp_path / "site", THEME=str(theme))
    cold = site.build()
    base = theme / "templates" / "base.html"
    base.write_text(
        base.read_text().replace("No trackers, nothing from other hosts.", "No trackers.")
    )
    warm = site.build()
    assert warm.skipped == 0 and warm.rendered == cold.rendered
    assert site.cold_problems() == []


def test_settings_change_renders_everything(site: Site) -> None:
    cold = site.build()
    warm = site.build(SITESUBTITLE="Other words")
    assert warm.skipped == 0 and warm.rendered == cold.rendered
    assert site.cold_problems(SITESUBTITLE="Other words") == []


def test_data_file_change_renders_everything(site: Site) -> None:
    site.build()
    site.edit("people.toml", 'affiliation = "NPIA"', 'affiliation = "College of Policing"')
    warm = site.build()
    assert warm.skipped == 0
    assert site.cold_problems() == []


def test_menu_change_renders_everything(site: Site) -> None:
    cold = site.build()
    # Static pages are on every page's menu (DISPLAY_PAGES_ON_MENU).
    site.edit("pages/about.md", "Title: About", "Title: About Breakout")
    warm = site.build()
    assert warm.skipped == 0 and warm.rendered == cold.rendered
    assert site.cold_problems() == []


def test_paginated_home_pages_are_skipped_one_by_one(site: Site) -> None:
    site.overrides["DEFAULT_PAGINATION"] = 2
    site.build()
    # Newest first: [follow-up, pcc], [open data, second view], [police].
    site.edit("writeups/2011/ukgc11-police.md", "Title: The #police session", "Title: Policing")
    warm = site.build()
    rendered = set(warm.rendered_names)
    assert "page/3/index.html" in rendered
    assert "index.html" not in rendered and "page/2/index.html" not in rendered
    assert site.cold_problems() == []


def test_relative_urls(site: Site) -> None:
    site.overrides["RELATIVE_URLS"] = True
    site.build()
    site.edit("writeups/2011/ukgc11-police.md", "Title: The #police session", "Title: Policing")
    site.build()
    assert site.cold_problems() == []


def test_sitemap_lists_skipped_pages(site: Site) -> None:
    site.overrides["SITEURL"] = "https://example.org"
    site.build()
    sitemap = (site.output / "sitemap.xml").read_bytes()
    assert sitemap.count(b"<url>") > 20
    warm = site.build()
    assert warm.rendered == 0
    assert (site.output / "sitemap.xml").read_bytes() == sitemap
    assert site.cold_problems() == []


def test_off_without_content_cache_or_when_disabled(tmp_path: Path) -> None:
    site = Site(tmp_path)
    build_site(site.content, site.output, cache=site.cache, CACHE_CONTENT=False, **OFF)
    assert last_memo() is None
    assert not (site.cache / "breakout-memo.json").exists()
    site.build()
    build_site(site.content, site.output, cache=site.cache, BREAKOUT_MEMO={"ENABLED": False}, **OFF)
    assert last_memo() is None


def test_compiled_templates_are_cached(site: Site) -> None:
    site.build()
    folders = list(site.cache.glob("jinja-*"))
    assert len(folders) == 1 and any(folders[0].iterdir())


def test_verify_passes_after_edits(site: Site) -> None:
    # VERIFY is a setting, so it must be on for the build that writes the manifest too.
    site.overrides["BREAKOUT_MEMO"] = {"VERIFY": True}
    site.build()
    site.edit("writeups/2011/ukgc11-police.md", "Title: The #police session", "Title: Policing")
    site.edit("comments/ukgc11-police/002.md", "Glad you liked it.", "Glad you liked it!")
    warm = site.build()
    assert warm.skipped == 0 and warm.stale == 0
    assert site.cold_problems() == []


def _blind(monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    """Fingerprints that see nothing: every page of that kind always looks current."""
    if target == "article":
        monkeypatch.setitem(memo_glue.PAGE_FINGERPRINTS, "article.html", lambda local, t: "same")
    else:
        monkeypatch.setitem(index_fingerprints.PAGE_TOKENS, "person", lambda person, t: ())


BLIND = [("article", PCC), ("person", "people/sasha_taylor/index.html")]
EDIT = ("writeups/2012/blc12-pcc.md", "by Sasha (@sasha_taylor)", "by Sasha T (@sasha_taylor)")


@pytest.mark.parametrize(("target", "page"), BLIND)
def test_a_blind_fingerprint_keeps_a_stale_page(
    site: Site, monkeypatch: pytest.MonkeyPatch, target: str, page: str
) -> None:
    # What VERIFY is for: the warm==cold checks above do catch a fingerprint missing a change.
    _blind(monkeypatch, target)
    site.build()
    site.edit(*EDIT)
    site.build()
    assert any(page in p for p in site.cold_problems())


@pytest.mark.parametrize(("target", "page"), BLIND)
def test_verify_reports_a_fingerprint_that_misses_a_change(
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
    error_log: Callable[..., list[str]],
    target: str,
    page: str,
) -> None:
    _blind(monkeypatch, target)
    site.overrides["BREAKOUT_MEMO"] = {"VERIFY": True}
    site.build()
    site.edit(*EDIT)
    before = {p: p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    # The build renders the page anyway, says which one, and fails...
    with pytest.raises(BuildFailed):
        site.build()
    assert any(re.search(re.escape(page) + ".*fingerprint", line) for line in error_log())
    # ...leaving the previous output as it was.
    assert {p: p.read_bytes() for p in site.output.rglob("*") if p.is_file()} == before


def test_bad_settings_are_reported(site: Site, error_log: Callable[..., list[str]]) -> None:
    with pytest.raises(BuildFailed):
        site.build(BREAKOUT_MEMO={"MANIFEST": "../memo.json", "SKIP": True})
    lines = error_log()
    assert any("BREAKOUT_MEMO['MANIFEST']" in line for line in lines)
    assert any("BREAKOUT_MEMO: unknown key 'SKIP'" in line for line in lines)


@pytest.mark.parametrize("layer", ["reader", "generator"])
def test_sources_are_hashed_only_for_a_cache_in_use(tmp_path: Path, layer: str) -> None:
    """Pelican's generator-level cache gets no file stamps when it is off; edits still show."""
    from pelican import signals

    content = tmp_path / "content"
    shutil.copytree(MEMO_SITE, content)
    police = content / "writeups" / "2011" / "ukgc11-police.md"
    seen: list[Any] = []

    def spy(generator: Any) -> None:
        seen.append(generator._filestamp_func)

    def build(output: str) -> None:
        cache = tmp_path / f"{output}-cache"
        build_site(content, tmp_path / output, cache=cache, CONTENT_CACHING_LAYER=layer, **OFF)

    signals.article_generator_finalized.connect(spy)
    try:
        build("out")
        police.write_text(
            police.read_text(encoding="utf-8").replace("Listen more", "Hear more"),
            encoding="utf-8",
        )
        build("out")
    finally:
        signals.article_generator_finalized.disconnect(spy)
    assert (seen[-1] is content_stamps.no_stamp) == (layer == "reader")
    page = (tmp_path / "out" / "2011" / "ukgc11-police" / "index.html").read_text(encoding="utf-8")
    assert "Hear more" in page  # the warm build saw the edit (the reader's own stamps work)
    build("cold")
    assert compare_trees(tmp_path / "cold", tmp_path / "out") == []


def test_findings_digests_stamped_by_the_reader_still_hold_when_pages_render(site: Site) -> None:
    """The page fingerprint trusts the reader's digests of the findings: nothing may alter them."""
    from pelican import signals

    checked: list[tuple[str, int]] = []

    def check(generator: Any, **_: Any) -> None:
        for article in generator.articles:
            stamped = dict(article.metadata[READ_DIGESTS])
            assert set(stamped) >= {"mentions", "hashtags"}
            for key, stamp in stamped.items():
                value = article.metadata[key]
                assert stamp == digest(stable(value)), f"{article.source_path}: {key} changed"
                checked.append((key, len(value)))

    signals.article_writer_finalized.connect(check)
    try:
        site.build()  # read afresh
        site.build()  # from the reader cache
    finally:
        signals.article_writer_finalized.disconnect(check)
    assert any(key == "mentions" and n > 0 for key, n in checked)


def test_metadata_token_stands_stamped_values_for_their_digests() -> None:
    """Same metadata, same token; a change to a stamped or an unstamped value changes it."""
    from breakout_text.extract import Hashtag

    def stamped(tags: list[Any], title: str) -> dict[str, Any]:
        metadata = {"title": title, "hashtags": tags}
        stamp_read(metadata, ["hashtags"])
        return metadata

    one = [Hashtag("police", 0, 7)]
    base = metadata_token(stamped(one, "A"))
    assert base == metadata_token(stamped([Hashtag("police", 0, 7)], "A"))
    assert base != metadata_token(stamped(one, "B"))
    assert base != metadata_token(stamped([Hashtag("police", 1, 8)], "A"))
    assert base != metadata_token(stamped([], "A"))
    plain = {"title": "A", READ_DIGESTS: "an author's own value"}  # not a stamp: all of it
    assert metadata_token(plain) == stable(plain)
    assert metadata_token({"title": "A"}) == stable({"title": "A"})
