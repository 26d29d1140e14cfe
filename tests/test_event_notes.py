"""Editors' notes in events.toml stay off the site; readers see the provenance written for them."""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path

from conftest import ROOT

EVENTS = tomllib.loads((ROOT / "content" / "events.toml").read_text(encoding="utf-8"))["events"]
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".js", ".ics", ".csv", ".opml"}


def published_text(path: Path) -> str:
    """A built file's text as a reader's program sees it: calendars unfolded and unescaped."""
    data = path.read_bytes()
    if path.suffix == ".ics":
        # RFC 5545: a line folds at 75 octets (even inside a UTF-8 character); TEXT escapes.
        data = re.sub(rb"\r\n[ \t]", b"", data)
        text = data.decode("utf-8", errors="replace")
        return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], text)
    return html.unescape(data.decode("utf-8", errors="replace"))


def test_no_built_file_prints_an_editors_note_or_names_a_source(launch_site: Path) -> None:
    notes = [event["note"] for event in EVENTS.values() if event.get("note")]
    assert notes
    for path in launch_site.rglob("*"):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        text = published_text(path)
        for note in notes:
            assert note not in text, f"{path}: shows the editors' note {note[:40]!r}"
        assert not re.search(r"\bseed 0\d\d\b", text, re.I), f"{path} names a source file"


def test_event_pages_show_the_readers_provenance(launch_site: Path) -> None:
    for slug, event in EVENTS.items():
        page = (launch_site / "events" / slug / "index.html").read_text(encoding="utf-8")
        assert html.escape(event["provenance"], quote=False) in page, slug
