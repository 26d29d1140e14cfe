"""One Pelican build in a fresh process, so the runner can read its own peak RSS with wait4.

`python -m bench.child --conf C --path P --output O --cache K [--fresh-output] [--profile FILE]
[--result F]`; exits 0 on success, 1 if the build raised (the traceback and Pelican's log go
to stderr). --fresh-output builds as `invoke build` does (tools.build.run_pelican: into a fresh
folder beside the output, unchanged files hard-linked from the live one, swapped in at the
end); without it Pelican writes into the output folder in place, as vanilla Pelican does.
--result writes JSON splitting the cost between this Python process and the subprocesses it
ran (a plugin may run a tool such as Pagefind), which wait4 alone reports as one sum.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import time
import traceback
from collections.abc import Sequence


def build(conf: str, path: str, output: str, cache: str, fresh_output: bool = False) -> None:
    """Read the settings file with the folders overridden and run Pelican once."""
    from pelican import Pelican
    from pelican.settings import read_settings

    if fresh_output:
        from pathlib import Path

        from tools.build import run_pelican

        run_pelican(Path(conf), path=Path(path), output=Path(output), cache=Path(cache))
        return

    settings = read_settings(
        conf,
        override={
            "PATH": os.path.abspath(path),
            "OUTPUT_PATH": os.path.abspath(output),
            "CACHE_PATH": os.path.abspath(cache),
        },
    )
    os.makedirs(settings["OUTPUT_PATH"], exist_ok=True)
    Pelican(settings).run()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the build (under cProfile if asked), report failure by exit code."""
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    for name in ("--conf", "--path", "--output", "--cache"):
        parser.add_argument(name, required=True)
    parser.add_argument("--profile", help="write cProfile stats of the build to this file")
    parser.add_argument(
        "--fresh-output", action="store_true", help="build as invoke build does (tools.build)"
    )
    parser.add_argument("--result", help="write this process's and its subprocesses' usage here")
    args = parser.parse_args(argv)

    from pelican.log import init as init_logging

    # Warnings and errors only: the runner keeps this log and shows it if the build fails.
    init_logging(level=logging.WARNING)
    start = time.perf_counter()
    try:
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.runcall(
                build, args.conf, args.path, args.output, args.cache, args.fresh_output
            )
            profiler.dump_stats(args.profile)
        else:
            build(args.conf, args.path, args.output, args.cache, args.fresh_output)
    except Exception:  # any failure fails the benchmark; the runner prints this log
        traceback.print_exc()
        return 1
    if args.result:
        own = resource.getrusage(resource.RUSAGE_SELF)
        sub = resource.getrusage(resource.RUSAGE_CHILDREN)
        usage = {
            "build_seconds": time.perf_counter() - start,
            "self_cpu": own.ru_utime + own.ru_stime,
            "self_rss_kib": own.ru_maxrss,
            "sub_cpu": sub.ru_utime + sub.ru_stime,
            "sub_rss_kib": sub.ru_maxrss,
        }
        with open(args.result, "w", encoding="utf-8") as f:
            json.dump(usage, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
