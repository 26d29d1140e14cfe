"""How many processes a build may use: one owner for the number every parallel stage reads."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

log = logging.getLogger("breakout")

SETTING = "BREAKOUT_WORKERS"  # pelicanconf: a whole number >= 1, or 0/None for every core
ENV = "BREAKOUT_WORKERS"  # the environment wins: `invoke build --workers N`, tests, CI


def machine_cores() -> int:
    """Cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def parse_workers(value: Any, where: str) -> tuple[int | None, str | None]:
    """(count, None) for a good value (None meaning every core), else (None, the problem)."""
    if value is None or value == "" or value == 0 or value == "0":
        return None, None
    if isinstance(value, bool):
        return (
            None,
            f"{where} = {value!r} is not valid: expected a whole number >= 1 (0: every core)",
        )
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = -1
    if count < 0 or (isinstance(value, float) and not value.is_integer()):
        return (
            None,
            f"{where} = {value!r} is not valid: expected a whole number >= 1 (0: every core)",
        )
    return (count or None), None


def worker_count(settings: Mapping[str, Any] | None = None) -> int:
    """The number of processes to use: $BREAKOUT_WORKERS, else the setting, else every core.

    A bad value is logged as an error (the build then fails once at its end) and one
    worker is used, so the build still reports every other problem.
    """
    for value, where in (
        (os.environ.get(ENV), f"${ENV}"),
        ((settings or {}).get(SETTING), f"pelicanconf: {SETTING}"),
    ):
        if value is None or value == "":
            continue
        count, problem = parse_workers(value, where)
        if problem:
            log.error("%s", problem)
            return 1
        return count if count is not None else machine_cores()
    return machine_cores()
