"""`SITEURL=… invoke preview` builds with publishconf.py: absolute URLs and a sitemap."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_preview_takes_siteurl_from_the_environment(tmp_path: Path) -> None:
    out = tmp_path / "preview"
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "preview", "--output", str(out)],
        cwd=ROOT,
        env={**os.environ, "SITEURL": "https://camp.example.org"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    page = (out / "2011" / "ukgc11-police" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://camp.example.org/2011/ukgc11-police/">' in page
    assert 'href="https://camp.example.org/people/nickkeane/"' in page
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://camp.example.org/2011/ukgc11-police/</loc>" in sitemap
    feed = (out / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "https://camp.example.org/2011/ukgc11-police/" in feed and "127.0.0.1" not in feed
