"""`python3 -m tools.importer PATH [--content DIR] …`: the import command with a content folder
of your choice (the benchmark uses it; `invoke import` always writes into content/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.importer.cli import main

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python3 -m tools.importer", description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--event", default="")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--format", default="")
    parser.add_argument("--media", action="store_true")
    args = parser.parse_args()
    sys.exit(
        main(
            args.path,
            args.content,
            conf=ROOT / "pelicanconf.py",
            event=args.event,
            dry_run=args.dry_run,
            force=args.force,
            format=args.format,
            media=args.media,
        )
    )
