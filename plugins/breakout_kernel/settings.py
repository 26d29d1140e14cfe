"""One validated settings dict per plugin: unknown keys and bad values are reported at start-up."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("breakout")


@dataclass(frozen=True)
class Option:
    """One key of a plugin settings dict: its default and how to check a value."""

    default: Any
    check: Callable[[Any], bool]
    expect: str  # what a good value looks like, for the message


def one_of(*choices: str) -> Callable[[Any], bool]:
    """Check that a value is one of the given strings."""
    return lambda v: v in choices


def is_type(*types: type) -> Callable[[Any], bool]:
    """Check that a value is an instance of one of the types (bool is not an int here)."""

    def check(v: Any) -> bool:
        if isinstance(v, bool) and bool not in types:
            return False
        return isinstance(v, types)

    return check


def positive_int(v: Any) -> bool:
    """Check that a value is an int of at least 1."""
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def validate_settings(
    name: str, given: Mapping[str, Any] | None, schema: Mapping[str, Option]
) -> tuple[dict[str, Any], list[str]]:
    """Merge a plugin dict over its defaults; return it with the problems found."""
    problems: list[str] = []
    merged = {key: opt.default for key, opt in schema.items()}
    if given is None:
        given = {}
    if not isinstance(given, Mapping):
        return merged, [f"{name} must be a dict, not {type(given).__name__}"]
    for key, value in given.items():
        if key not in schema:
            close = difflib.get_close_matches(str(key), list(schema), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            known = ", ".join(sorted(schema)) or "none"
            problems.append(f"{name}: unknown key '{key}'{hint}; known keys: {known}")
            continue
        opt = schema[key]
        if not opt.check(value):
            problems.append(f"{name}['{key}'] = {value!r} is not valid: expected {opt.expect}")
            continue
        merged[key] = value
    return merged, problems


def validated(
    settings: Mapping[str, Any], name: str, schema: Mapping[str, Option]
) -> dict[str, Any]:
    """Validate settings[name], log each problem as an error, and return the merged dict."""
    merged, problems = validate_settings(name, settings.get(name), schema)
    for problem in problems:
        log.error("pelicanconf: %s", problem)
    return merged
