"""Warm rebuilds rewrite only the calendars, OPML, data and feeds whose content changed.

A warm build into the same output after one edit must write exactly the expected files
(by mtime and breakout_subscribe's own record), and its tree must equal a cold build's.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import breakout_feeds.glue as feeds_glue
import breakout_subscribe.glue as subscribe_glue
import pytest
from conftest import FIXTURES, build_site

from tools.golden import compare_trees

OFF = {"BREAKOUT_SEARCH": {"ENABLED": False}}
POLICE_ID = "tag:breakout,2011-01-23:ukgc11-police"
NEW_OUTPUTS = ("*.ics", "*.opml", "*.json", "*.csv")


class Site:
    """The memo fixture, built again and again into one output and cache."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.content = tmp / "content"
        shutil.copytree(FIXTURES / "memo-site", self.content)
        self.output, self.cache = tmp / "output", tmp / "cache"

    def build(self) -> dict[str, int]:
        """Build; the mtimes of every file of the new outputs afterwards."""
        build_site(self.content, self.output, cache=self.cache, **OFF)
        return {
            p.relative_to(self.output).as_posix(): p.stat().st_mtime_ns
            for pattern in NEW_OUTPUTS
            for p in self.output.rglob(pattern)
            if "pagefind" not in p.parts
        } | {"follow/index.html": (self.output / "follow/index.html").stat().st_mtime_ns}

    def edit(self, rel: str, old: str, new: str) -> None:
        """Replace text in a content file and move its mtime on."""
        path = self.content / rel
        text = path.read_text("utf-8")
        assert old in text, (old, rel)
        path.write_text(text.replace(old, new, 1), "utf-8")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))

    def same_as_cold(self) -> list[str]:
        """Differences from a cold build of the content as it is now."""
        cold = self.tmp / "cold"
        shutil.rmtree(cold, ignore_errors=True)
        build_site(self.content, cold, cache=self.tmp / "cold-cache", **OFF)
        return compare_trees(cold, self.output)


def ids(site: Site, rel: str) -> list[str]:
    """Item ids of a JSON feed of the build (none for other JSON files)."""
    data = json.loads((site.output / rel).read_bytes())
    return [i["id"] for i in data.get("items", [])] if "version" in data else []


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """Files written since (new or with a new mtime)."""
    return {rel for rel, mtime in after.items() if before.get(rel) != mtime}


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)


def test_an_unchanged_rebuild_writes_nothing(site: Site) -> None:
    first = site.build()
    assert {"events/calendar.ics", "feeds/index.opml", "data/graph.json"} <= set(first)
    assert changed(first, site.build()) == set()
    assert subscribe_glue.last_stats().written == []
    assert feeds_glue.last_stats().rendered == []


def test_a_body_edit_rewrites_only_the_feeds_holding_the_writeup(site: Site) -> None:
    before = site.build()
    holding = {rel for rel in before if rel.endswith(".json") and POLICE_ID in ids(site, rel)}
    assert {"feeds/all.json", "topics/police/feed.json", "people/nickkeane/feed.json"} <= holding
    site.edit("writeups/2011/ukgc11-police.md", "- Listen more", "- Listen much more")
    after = site.build()
    assert subscribe_glue.last_stats().written == []
    assert changed(before, after) == holding
    assert site.same_as_cold() == []


def test_a_title_edit_rewrites_the_writeups_table_and_not_the_calendars(site: Site) -> None:
    before = site.build()
    site.edit("writeups/2011/ukgc11-police.md", "Title: The #police session", "Title: Policing")
    after = site.build()
    assert subscribe_glue.last_stats().written == ["data/graph.json", "data/writeups.csv"]
    written = changed(before, after)
    assert {"data/graph.json", "data/writeups.csv", "feeds/all.json"} <= written
    assert not {p for p in written if p.endswith((".ics", ".opml"))}
    assert site.same_as_cold() == []


def test_redating_an_event_rewrites_its_calendars_and_the_events_data(site: Site) -> None:
    before = site.build()
    shutil.copy(site.output / "follow/index.html", site.tmp / "cold-before-follow.html")
    site.edit("events.toml", "date = 2012-04-15", "date = 2012-04-14")
    after = site.build()
    # A data file is in the memo's global stamp: every page is rendered again (the Follow
    # page too); of the files made from data, only those showing the date change.
    files = ["data/events.csv", "data/graph.json", "events/bluelightcamp-2012/event.ics"]
    assert subscribe_glue.last_stats().written == [
        *files,
        "events/calendar.ics",
        "follow/index.html",
    ]
    assert (site.tmp / "output/follow/index.html").read_bytes() == (
        site.tmp / "cold-before-follow.html"
    ).read_bytes()
    assert {p for p in changed(before, after) if p.endswith((".ics", ".opml", ".csv"))} | {
        p for p in changed(before, after) if p.startswith("data/")
    } == {*files, "events/calendar.ics"}
    assert site.same_as_cold() == []


def test_a_new_comment_rewrites_the_counts_and_comment_feeds_only(site: Site) -> None:
    before = site.build()
    folder = site.content / "comments" / "ukgc11-police"
    (folder / "zz-new.md").write_text("Author: Somebody New\n\nA new comment.\n", "utf-8")
    after = site.build()
    assert "data/writeups.csv" in subscribe_glue.last_stats().written
    assert "data/graph.json" in subscribe_glue.last_stats().written
    written = changed(before, after)
    assert "feeds/comments.json" in written
    assert not {p for p in written if p.endswith((".ics", ".opml"))}
    assert site.same_as_cold() == []


def test_fingerprints_are_kept_and_a_deleted_or_edited_file_is_made_again(site: Site) -> None:
    first = site.build()
    manifest = json.loads((site.cache / "breakout_subscribe.json").read_text("utf-8"))
    made = {p for p in first if not p.endswith(("feed.json", "/all.json", "/comments.json"))}
    assert set(manifest["files"]) == made - {"follow/index.html"}
    (site.output / "data/graph.json").unlink()
    (site.output / "feeds/index.opml").write_text("edited", "utf-8")
    site.build()
    assert subscribe_glue.last_stats().written == ["data/graph.json", "feeds/index.opml"]
    assert site.same_as_cold() == []
