"""`invoke check`'s opt-out check: no file of a built site names someone who asked not to be named.

Every file is searched, whatever its type: HTML, feeds, sitemap, JSON, text, calendars
(unfolded: a fold may fall inside a name) and the search index (Pagefind's fragments and
index files are gzip'd: they are decompressed first). Entities and JSON escapes are
decoded too, so "O&#x27;Brien" counts as "O'Brien".
"""

from __future__ import annotations

import contextlib
import gzip
import html
import re
import zlib
from pathlib import Path
from typing import Any

_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
# iCalendar (RFC 5545): a line folds every 75 octets, even inside a name or a UTF-8
# character, and TEXT values escape backslash, comma, semicolon and newline.
_ICS_FOLD = re.compile(rb"\r?\n[ \t]")
_ICS_ESCAPE = re.compile(r"\\([\\;,nN])")


def readable(data: bytes) -> str:
    """A file's bytes as text to search: gzip'd data decompressed, calendars unfolded, escapes decoded."""
    if data[:2] == b"\x1f\x8b":
        # Not really gzip: search the bytes as they are.
        with contextlib.suppress(OSError, EOFError, zlib.error):
            data = gzip.decompress(data)
    if data.startswith(b"BEGIN:VCALENDAR"):
        text = _ICS_FOLD.sub(b"", data).decode("utf-8", errors="replace")
        return _ICS_ESCAPE.sub(lambda m: " " if m[1] in "nN" else m[1], text)
    text = data.decode("utf-8", errors="replace")
    if "&" not in text and "\\u" not in text:
        return text
    decoded = html.unescape(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
    return text if decoded == text else f"{text}\n{decoded}"


def find_leaks(output_dir: Path, erasure: Any) -> list[str]:
    """One line per output file that names someone who opted out, with the strings found."""
    problems: list[str] = []
    root = Path(output_dir)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        found = erasure.leaks(readable(path.read_bytes()))
        if found:
            shown = ", ".join(repr(s) for s in found)
            problems.append(
                f"{path.relative_to(root).as_posix()}: names someone who asked not to be named "
                f"(optout = true in people.toml): {shown}"
            )
    return problems
