"""What a user sees when content is bad: exact console transcripts of `invoke build`'s build.

One error per line as `file:line: message`, whatever the terminal width; a data file that
fails to load is reported once, without the errors that only follow from it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT

BUILD = (
    "import sys; from pathlib import Path; from tasks import _build; "
    "_build(Path(sys.argv[1]), Path('output'), cache=Path('cache'), path=Path('content'))"
)


def site(tmp_path: Path) -> Path:
    """A copy of the golden fixture as tmp_path/content."""
    shutil.copytree(FIXTURES / "golden-site", tmp_path / "content")
    return tmp_path / "content"


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build_transcript(
    folder: Path,
    columns: int = 40,
    *,
    env: dict[str, str] | None = None,
    script: str = BUILD,
    args: tuple[str, ...] = (),
) -> list[str]:
    """The console lines of a build of folder/content as tasks.py runs it, in a narrow terminal.

    env adds environment variables; script (given pelicanconf.py and args) replaces the build.
    """
    env = {
        **os.environ,
        "COLUMNS": str(columns),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "plugins")]),
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "pelicanconf.py"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    return (done.stdout + done.stderr).splitlines()


FOLDER_TODO = (
    "comments live in comments/<write-up slug>/, so rename the folder to the write-up's "
    "slug, or add 'Orphaned: yes' to keep this comment out of pages"
)


def test_an_unreadable_events_file_is_reported_once(tmp_path: Path) -> None:
    content = site(tmp_path)
    edit(content / "events.toml", "date = 2011-01-22", "date = 2011-13-45")
    (content / "comments" / "ukgc11-police").rename(content / "comments" / "ukgc11-polce")
    assert build_transcript(tmp_path) == [
        "content/events.toml:3: not valid TOML: Expected newline or end of document after a "
        "statement (at line 3, column 12)",
        # The write-ups it leaves without events fail without a word of their own, but a
        # misnamed folder is still named, with the nearest slug of the unreadable write-ups.
        *(
            f"content/comments/ukgc11-polce/00{n}.md: no write-up has slug 'ukgc11-polce' "
            f"(did you mean 'ukgc11-police'?): {FOLDER_TODO}"
            for n in range(1, 6)
        ),
        "Build failed: 6 problems found (listed above); fix them and build again",
    ]


def test_a_rejected_event_hides_only_the_errors_it_causes(tmp_path: Path) -> None:
    content = site(tmp_path)
    edit(content / "events.toml", "date = 2011-01-22", 'date = "22 January 2011"')
    edit(content / "writeups" / "2012" / "blc12-pcc.md", "bluelightcamp-2012", "bluelightcamp-2013")
    assert build_transcript(tmp_path, columns=20) == [
        "content/events.toml:3: [events.ukgovcamp-2011] 'date' must be a TOML date such as "
        "2011-01-22",
        "content/writeups/2012/blc12-pcc.md:4: unknown event 'bluelightcamp-2013' (known: "
        "bluelightcamp-2012)",
        "Build failed: 2 problems found (listed above); fix them and build again",
    ]


def test_warnings_are_plain_lines_too(tmp_path: Path) -> None:
    content = site(tmp_path)
    edit(content / "writeups" / "2012" / "blc12-pcc.md", "Event: ", "Evnt: ")
    lines = build_transcript(tmp_path, columns=30)
    assert lines == [
        "content/writeups/2012/blc12-pcc.md:1: missing required metadata 'Event:'",
        "content/writeups/2012/blc12-pcc.md:4: unknown metadata key 'Evnt' (did you mean 'Event'?)",
        "content/comments/ukgc11-police/004.md: warning: 2 identical comments by 'Sam' are shown "
        "once, as 004.md; collapsed 005.md (files kept; delete the copies to silence this)",
        "Build failed: 2 problems found (listed above); fix them and build again",
    ]
