"""The BREAKOUT_SUBSCRIBE settings dict: keys, defaults and checks (no Pelican import)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from breakout_kernel.settings import Option, is_type, validate_settings


def _output_path(*placeholders: str) -> Any:
    """A check for a relative output path using exactly these {placeholders} (or "" for off)."""

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if value == "":
            return True
        try:
            formatted = value.format(**{p: "x" for p in placeholders})
        except (KeyError, IndexError, ValueError):
            return False
        if any("{" + p + "}" not in value for p in placeholders):
            return False
        return not formatted.startswith("/") and ".." not in formatted.split("/")

    return check


def _url_or_empty(value: Any) -> bool:
    """ "" or an absolute http(s) URL."""
    return isinstance(value, str) and (
        value == "" or (value.startswith(("http://", "https://")) and len(value) > 8)
    )


SCHEMA = {
    # The licence of the open data (graph.json and the CSV files), e.g. "CC BY 4.0". Empty:
    # the data and the Follow page say that no licence is stated.
    "LICENCE": Option("", is_type(str), "the licence's name, e.g. 'CC BY 4.0'"),
    "LICENCE_URL": Option("", _url_or_empty, "an absolute http(s) URL of the licence text"),
    # iCalendar (RFC 5545): every dated event, and one file per dated event.
    "CALENDAR_SAVE_AS": Option(
        "events/calendar.ics", _output_path(), "a path inside the output, or '' (off)"
    ),
    "EVENT_CALENDAR_SAVE_AS": Option(
        "events/{slug}/event.ics", _output_path("slug"), "a path with {slug}, or '' (off)"
    ),
    # OPML 2.0: every feed, grouped; and one file per group ({group}: site, events, …).
    "OPML_SAVE_AS": Option("feeds/index.opml", _output_path(), "a path, or '' (off)"),
    "GROUP_OPML_SAVE_AS": Option(
        "feeds/{group}.opml", _output_path("group"), "a path with {group}, or '' (off)"
    ),
    # Open data: graph.json, schema.json and one CSV per table, in this folder.
    "DATA_PATH": Option("data", _output_path(), "a folder inside the output, or '' (off)"),
    # The page that explains feeds and lists them.
    "FOLLOW_URL": Option("follow/", is_type(str), "the Follow page's URL"),
    "FOLLOW_SAVE_AS": Option(
        "follow/index.html", _output_path(), "a path inside the output, or '' (off)"
    ),
}


def options(settings: Mapping[str, Any]) -> dict[str, Any]:
    """BREAKOUT_SUBSCRIBE merged over its defaults (bad values are logged at initialized)."""
    return validate_settings("BREAKOUT_SUBSCRIBE", settings.get("BREAKOUT_SUBSCRIBE"), SCHEMA)[0]
