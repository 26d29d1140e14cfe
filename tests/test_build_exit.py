"""A build process leaves its objects to the operating system at exit, not to the collector."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT

SCRIPT = """
import atexit, gc, sys
from pathlib import Path
# Registered before the build's own handler, so it runs after it (atexit runs last-in first).
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count(), flush=True))
from tools.build import run_pelican
for n in (1, 2):
    run_pelican(Path(sys.argv[1]), path=Path(sys.argv[2]), output=Path(sys.argv[3]),
                cache=Path(sys.argv[4]), overrides={"BREAKOUT_SEARCH": {"ENABLED": False}})
    print(f"frozen after build {n}:", gc.get_freeze_count(), flush=True)
"""


def test_objects_are_frozen_at_exit_only(tmp_path: Path) -> None:
    # Between builds (livereload) the collector works as usual; at exit it skips what the
    # last build left, which Python's shutdown would otherwise walk in full collections.
    done = subprocess.run(
        [
            sys.executable, "-c", SCRIPT, str(ROOT / "pelicanconf.py"),
            str(FIXTURES / "golden-site"), str(tmp_path / "out"), str(tmp_path / "cache"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "plugins")])},
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("frozen")]
    assert lines[:2] == ["frozen after build 1: 0", "frozen after build 2: 0"]
    assert lines[2].startswith("frozen at exit: ") and int(lines[2].split(": ")[1]) > 10_000
