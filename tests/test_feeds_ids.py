"""breakout_feeds.ids: the id rule, the ledger, and check_ids."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from breakout_feeds.ids import (
    WriteupId,
    check_ids,
    comment_id,
    derived_id,
    format_ledger,
    parse_ledger,
    read_meta,
    record_ids,
    resolve_id,
    scan_writeups,
    valid_id,
)

DAY = dt.date(2011, 1, 24)


def test_derived_id_is_a_tag_uri_of_date_and_source_path() -> None:
    assert derived_id("breakout", DAY, "writeups/2011/fish.md") == (
        "tag:breakout,2011-01-24:writeups/2011/fish"
    )
    # Characters a tag URI cannot hold are percent-encoded, so the id stays valid.
    assert derived_id("example.org", DAY, "writeups/2011/café au lait.md") == (
        "tag:example.org,2011-01-24:writeups/2011/caf%C3%A9%20au%20lait"
    )


def test_comment_id_extends_the_writeup_id() -> None:
    assert (
        comment_id("tag:breakout,2011-01-24:fish", "001")
        == "tag:breakout,2011-01-24:fish#comment-001"
    )


def test_valid_id_wants_an_absolute_uri_without_spaces_or_fragment() -> None:
    assert valid_id("tag:breakout,2011-01-24:fish")
    assert valid_id("https://site.example/2011/fish/")
    assert not valid_id("fish")
    assert not valid_id("tag:breakout,2011-01-24:two words")
    assert not valid_id("tag:breakout,2011-01-24:fish#x")


def test_resolve_prefers_metadata_then_ledger_then_derivation() -> None:
    ledger = {"writeups/2011/fish.md": "tag:breakout,2011-01-20:writeups/2011/fish"}
    explicit = resolve_id("writeups/2011/fish.md", " tag:x,2011-01-01:f ", DAY, ledger, "breakout")
    assert (explicit.id, explicit.origin) == ("tag:x,2011-01-01:f", "metadata")
    # Re-dated (DAY differs from the recorded 2011-01-20): the ledger keeps the old id.
    recorded = resolve_id("writeups/2011/fish.md", "", DAY, ledger, "breakout")
    assert (recorded.id, recorded.origin) == (ledger["writeups/2011/fish.md"], "ledger")
    fresh = resolve_id("writeups/2011/new.md", "", DAY, ledger, "breakout")
    assert (fresh.id, fresh.origin) == ("tag:breakout,2011-01-24:writeups/2011/new", "derived")


def test_ledger_round_trips_sorted_and_awkward_paths_survive() -> None:
    ledger = {"writeups/b.md": "tag:a,2011-01-01:b", 'writeups/"q" é.md': "tag:a,2011-01-01:q"}
    text = format_ledger(ledger)
    assert parse_ledger(text) == (ledger, [])
    assert text.index('"writeups/\\"q\\" é.md"') < text.index('"writeups/b.md"')
    assert format_ledger(parse_ledger(text)[0]) == text


def test_bad_ledgers_are_reported() -> None:
    assert parse_ledger("[ids\n")[1][0].startswith("not valid TOML")
    _, problems = parse_ledger('[ids]\n"a.md" = "not an id"\n[other]\n')
    assert any("a.md" in p for p in problems)
    assert any("other" in p for p in problems)


def test_record_ids_adds_but_never_changes() -> None:
    ledger = {"a.md": "tag:x,2011-01-01:a"}
    current = [
        WriteupId("a.md", "tag:x,2012-01-01:a", "metadata"),
        WriteupId("b.md", "tag:x,2011-01-01:b", "derived"),
    ]
    assert record_ids(ledger, current) == {
        "a.md": "tag:x,2011-01-01:a",
        "b.md": "tag:x,2011-01-01:b",
    }


def test_check_ids_passes_when_everything_is_recorded_and_unchanged() -> None:
    ledger = {"a.md": "tag:x,2011-01-01:a", "b.md": "tag:x,2011-01-01:b"}
    current = [
        WriteupId("a.md", "tag:x,2011-01-01:a", "metadata"),
        WriteupId("b.md", "tag:x,2011-01-01:b", "ledger"),
    ]
    assert check_ids(ledger, current, ["tag:x,2011-01-01:a", "tag:x,2011-01-01:a#comment-1"]) == []


def test_check_ids_fails_when_an_id_line_is_edited() -> None:
    ledger = {"a.md": "tag:x,2011-01-01:a"}
    [problem] = check_ids(ledger, [WriteupId("a.md", "tag:x,2011-02-02:a", "metadata", 7)])
    assert problem.startswith("content/a.md:7: feed id changed from tag:x,2011-01-01:a")
    assert "Id: tag:x,2011-01-01:a" in problem


def test_check_ids_fails_for_an_unrecorded_derived_id_but_not_for_an_explicit_one() -> None:
    current = [
        WriteupId("a.md", "tag:x,2011-01-01:a", "derived"),
        WriteupId("b.md", "tag:x,2011-01-01:b", "metadata"),
    ]
    [problem] = check_ids({}, current)
    assert problem.startswith("content/a.md: has no Id:") and "invoke feed-ids" in problem


def test_check_ids_fails_when_a_published_writeup_vanishes_unless_it_moved_with_its_id() -> None:
    ledger = {"old.md": "tag:x,2011-01-01:old"}
    [problem] = check_ids(ledger, [])
    assert "old.md was published with id tag:x,2011-01-01:old but is gone" in problem
    moved = [WriteupId("new.md", "tag:x,2011-01-01:old", "metadata")]
    assert check_ids(ledger, moved) == []


def test_check_ids_fails_on_a_shared_id() -> None:
    current = [
        WriteupId("a.md", "tag:x,2011-01-01:a", "metadata"),
        WriteupId("b.md", "tag:x,2011-01-01:a", "metadata"),
    ]
    problems = check_ids({}, current)
    assert problems == [
        "content/b.md: feed id tag:x,2011-01-01:a is already the id of content/a.md; ids must be unique"
    ]


def test_check_ids_fails_on_a_built_id_no_writeup_has() -> None:
    current = [WriteupId("a.md", "tag:x,2011-01-01:a", "metadata")]
    [problem] = check_ids(
        {"a.md": "tag:x,2011-01-01:a"}, current, ["tag:x,2011-01-01:stale#comment-1"]
    )
    assert "tag:x,2011-01-01:stale#comment-1 is not the id of any published write-up" in problem


def test_read_meta_reads_the_leading_block_with_lines() -> None:
    text = "Title: T\nDate: 2011-01-24 09:30\nId: tag:x,2011-01-24:t\n\nBody: not meta\n"
    assert read_meta(text) == {
        "title": ("T", 1),
        "date": ("2011-01-24 09:30", 2),
        "id": ("tag:x,2011-01-24:t", 3),
    }
    assert read_meta("---\nTitle: Y\n---\nBody")["title"] == ("Y", 2)


def test_scan_writeups_reads_published_sources_only(tmp_path: Path) -> None:
    folder = tmp_path / "writeups" / "2011"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("Title: A\nDate: 2011-01-24 09:30\n\nBody\n")
    (folder / "b.md").write_text("Title: B\nDate: 2011-01-25\nId: tag:x,2011-01-25:b\n\nBody\n")
    (folder / "c.md").write_text("Title: C\nDate: 2011-01-26\nStatus: draft\n\nBody\n")
    (folder / "d.md").write_text("Title: D\n\nNo date\n")
    (folder / ".hidden.md").write_text("Title: H\nDate: 2011-01-26\n\nBody\n")
    found, problems = scan_writeups(tmp_path, ["writeups"], {}, "breakout")
    assert found == [
        WriteupId("writeups/2011/a.md", "tag:breakout,2011-01-24:writeups/2011/a", "derived"),
        WriteupId("writeups/2011/b.md", "tag:x,2011-01-25:b", "metadata", 3),
    ]
    assert problems == ["writeups/2011/d.md: no Id: and no YYYY-MM-DD Date to derive one from"]


def test_read_meta_is_not_fooled_by_a_vertical_tab_in_a_value() -> None:
    # Python's splitlines() breaks at \x0b; Python-Markdown (and so Pelican) does not.
    meta = read_meta("Title: Fish\x0bchips\nDate: 2011-01-24\nId: tag:x,2011-01-24:f\n\nBody")
    assert meta["id"] == ("tag:x,2011-01-24:f", 3)
