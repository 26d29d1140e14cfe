"""The `invoke import` command: settings and events in, report out, an exit status."""

from __future__ import annotations

import sys
from pathlib import Path

from tools.importer.model import ImportFailed, Options
from tools.importer.run import run_import


def main(
    path: Path,
    content: Path,
    *,
    conf: Path,
    event: str = "",
    dry_run: bool = False,
    force: bool = False,
    format: str = "",
    media: bool = False,
) -> int:
    """Run one import and print its report; 0 on success, 1 on bad input (never a traceback)."""
    plugins = str(conf.resolve().parent / "plugins")
    if plugins not in sys.path:
        sys.path.insert(0, plugins)
    from breakout_kernel.data import parse_events

    from tools.build import load_settings
    from tools.check import site_addresses

    try:
        settings = load_settings(conf, path=content)
        events = parse_events(str(content / "events.toml"))
        options = Options(
            timezone=str(settings.get("TIMEZONE") or "UTC"),
            event=event,
            force=force,
            dry_run=dry_run,
            format=format,
            media=media,
            taken=site_addresses(settings),
        )
        report = run_import(path, content, options, events)
    except ImportFailed as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        print("import: nothing was written.", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"{path}: import failed: {exc}", file=sys.stderr)
        print("import: nothing was written.", file=sys.stderr)
        return 1
    for line in report.lines():
        print(line)
    return 0
