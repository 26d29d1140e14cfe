"""The code is ruff-clean (lint and format), so CI enforces `invoke lint`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ruff from this interpreter's environment over the repository."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_check_passes() -> None:
    result = ruff("check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


# Rooms of one job (guide: a module over 500 lines or a function over 80 usually holds two).
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
GENERATED = {"plugins/breakout_text/unicode_tables.py"}  # Unicode tables, written by a script
SCRATCH = ("bench/out/",)  # the benchmark's scratch folder (ignored by git)


def _sources() -> list[Path]:
    return sorted(
        p
        for folder in ("plugins", "tools", "bench")
        for p in (ROOT / folder).rglob("*.py")
        if p.relative_to(ROOT).as_posix() not in GENERATED
        and not p.relative_to(ROOT).as_posix().startswith(SCRATCH)
    )


def test_the_limits_cover_the_benchmark() -> None:
    """bench/ is held to the same limits as plugins/ and tools/ (its runner and corpus were split)."""
    rels = {p.relative_to(ROOT).as_posix() for p in _sources()}
    assert {"bench/runner.py", "bench/corpus.py", "bench/comparison.py"} <= rels


def test_no_module_over_500_lines_and_no_function_over_80() -> None:
    too_big: list[str] = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        if text.count("\n") > MAX_MODULE_LINES:
            too_big.append(f"{rel}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_big.append(f"{rel}:{node.lineno}: {node.name}() has {length} lines")
    assert too_big == []
