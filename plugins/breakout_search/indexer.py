"""Run the Pagefind binary over a built site (no Pelican import: callable from anywhere)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

BUNDLE_DIR = "pagefind"  # Pagefind's default bundle folder; search.html loads it from here


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed: the build must not publish a site without its index."""


def find_pagefind() -> Path:
    """Locate the pagefind executable: $PAGEFIND_BINARY_PATH, the `pagefind[bin]` wheel, then PATH."""
    env = os.environ.get("PAGEFIND_BINARY_PATH")
    if env:
        return Path(env)
    try:
        from pagefind_bin import get_executable  # the binary shipped in the PyPI wheel

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("pagefind")
    if found:
        return Path(found)
    raise SearchIndexError(
        "pagefind is not installed: pip install 'pagefind[bin]' "
        "(or set BREAKOUT_SEARCH = {'ENABLED': False})"
    )


def pagefind_command(exe: Path, site: Path) -> list[str]:
    """The command line that indexes `site` into site/pagefind/, logging only errors."""
    return [str(exe), "--site", str(site), "--output-subdir", BUNDLE_DIR, "--silent"]


def build_index(site: Path, exe: Path | None = None) -> Path:
    """Replace site/pagefind/ with a fresh index of the site's HTML; return the bundle folder."""
    site = Path(site)
    bundle = site / BUNDLE_DIR
    # Pagefind names fragments by content hash, so a rerun over an old bundle would
    # leave stale fragments behind: start from nothing for a deterministic folder.
    if bundle.exists():
        shutil.rmtree(bundle)
    command = pagefind_command(exe or find_pagefind(), site)
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"pagefind could not run: {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise SearchIndexError(f"pagefind failed (exit {done.returncode}): {detail}")
    if not (bundle / "pagefind.js").is_file():
        raise SearchIndexError(f"pagefind wrote no {BUNDLE_DIR}/pagefind.js under {site}")
    return bundle
