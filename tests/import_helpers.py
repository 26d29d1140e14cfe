"""Shared helpers of the importer's tests: a copy of the import site, a run of the command."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
SITE = FIXTURES / "site"
CONF = ROOT / "pelicanconf.py"


def new_site(folder: Path) -> Path:
    """A fresh copy of the import tests' content folder; returns its content/ path."""
    content = folder / "content"
    shutil.copytree(SITE, content)
    return content


def run(export: str | Path, content: Path, **options: object) -> tuple[int, str, str]:
    """Run the import command's main function; (exit status, stdout, stderr)."""
    from tools.importer.cli import main

    out, err = io.StringIO(), io.StringIO()
    path = export if isinstance(export, Path) else FIXTURES / export
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(path, content, conf=CONF, **options)  # type: ignore[arg-type]
    return status, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under a folder: its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
