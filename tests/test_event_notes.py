"""Editors' notes in events.toml stay off the site; readers see the provenance written for them."""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path

from conftest import ROOT

EVENTS = tomllib.loads((ROOT / "content" / "events.toml").read_text(encoding="utf-8"))["events"]
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".js"}


def test_no_built_file_prints_an_editors_note_or_names_a_source(launch_site: Path) -> None:
    notes = [event["note"] for event in EVENTS.values() if event.get("note")]
    assert notes
    for path in launch_site.rglob("*"):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        text = html.unescape(path.read_text(encoding="utf-8", errors="replace"))
        for note in notes:
            assert note not in text, f"{path}: shows the editors' note {note[:40]!r}"
        assert not re.search(r"\bseed 0\d\d\b", text, re.I), f"{path} names a source file"


def test_event_pages_show_the_readers_provenance(launch_site: Path) -> None:
    for slug, event in EVENTS.items():
        page = (launch_site / "events" / slug / "index.html").read_text(encoding="utf-8")
        assert html.escape(event["provenance"], quote=False) in page, slug
