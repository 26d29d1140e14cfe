"""Run the Pagefind binary over a built site (no Pelican import: callable from anywhere)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from breakout_kernel.change.hashing import parts_digest
from breakout_kernel.change.manifest import carry_over
from breakout_kernel.change.stamp import files_part, library_versions, tree_files

BUNDLE_DIR = "pagefind"  # Pagefind's default bundle folder; search.html loads it from here
STATE_VERSION = 1  # bump when what the state file records changes


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


def input_digest(site: Path, command: list[str]) -> str:
    """Digest of everything Pagefind reads: each HTML page's path and bytes, its version, its command.

    Pagefind indexes only .html files, so CSS, feeds and images cannot change the index.
    """
    bundle = str(site / BUNDLE_DIR) + os.sep
    pages = [(r, p) for r, p in tree_files([str(site)], (".html",)) if not p.startswith(bundle)]
    versions = library_versions(["pagefind", "pagefind-bin"])
    return parts_digest(STATE_VERSION, files_part(pages).hex(), command, sorted(versions.items()))


def bundle_listing(bundle: Path) -> list[list[object]]:
    """[relative path, size] of every file in a bundle, sorted: enough to see one was altered."""
    return sorted(
        [p.relative_to(bundle).as_posix(), p.stat().st_size]
        for p in bundle.rglob("*")
        if p.is_file()
    )


@dataclass(frozen=True)
class IndexRun:
    """What index_site did: the bundle folder and whether Pagefind ran (False: reused)."""

    bundle: Path
    ran: bool


def _read_state(state_file: Path) -> dict[str, object]:
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or cut short: index again
        return {}
    return state if isinstance(state, dict) else {}


def _carry_bundle(source: Path, bundle: Path) -> bool:
    """Hard-link (or copy) every file of the live output's bundle into this build's folder."""
    return all(
        carry_over(str(f), str(bundle / f.relative_to(source)))
        for f in sorted(source.rglob("*"))
        if f.is_file()
    )


def index_site(
    site: Path, state_file: Path, exe: Path | None = None, live: Path | None = None
) -> IndexRun:
    """Index `site` with Pagefind unless its HTML is byte-identical to the last indexed build.

    The previous bundle is kept only if the state file (kept in the build's cache) records
    the same input digest and the bundle on disk still holds exactly the files it wrote;
    Pagefind's output is deterministic, so a reused bundle equals a fresh one. live: the
    live output when the build writes into a fresh folder (tools/build.py); the kept bundle
    is carried over from there.
    """
    site = Path(site)
    bundle = site / BUNDLE_DIR
    source = Path(live) / BUNDLE_DIR if live else bundle
    digest = input_digest(site, pagefind_command(exe or find_pagefind(), site))
    state = _read_state(state_file)
    if (
        state.get("digest") == digest
        and source.is_dir()
        and state.get("bundle") == bundle_listing(source)
        and (source == bundle or _carry_bundle(source, bundle))
    ):
        return IndexRun(bundle, ran=False)
    # No state while Pagefind runs: a failed run must not leave a claim that the bundle is fresh.
    state_file.unlink(missing_ok=True)
    build_index(site, exe)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = state_file.with_name(f"{state_file.name}.{os.getpid()}.tmp")
    data = {"digest": digest, "bundle": bundle_listing(bundle)}
    tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, state_file)
    return IndexRun(bundle, ran=True)
