"""The URL and date rules feeds are checked by (RSS, Atom and JSON Feed alike)."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from urllib.parse import urlsplit

RFC822 = re.compile(
    r"^(?:(?P<wd>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}(?::\d{2})? "
    r"(?:UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[A-IK-Z]|[+-]\d{4})$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


def is_absolute_url(value: str | None) -> bool:
    """True for an http(s) URL with a host."""
    parts = urlsplit((value or "").strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_absolute_iri(value: str | None) -> bool:
    """True for any absolute IRI (a scheme, then something; no spaces)."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", (value or "").strip()))


def rfc822_problem(value: str | None) -> str | None:
    """Why value is not an RFC 822 date as RSS wants, or None."""
    text = (value or "").strip()
    m = RFC822.match(text)
    if not m:
        return f"'{text}' is not an RFC 822 date (e.g. 'Mon, 24 Jan 2011 09:30:00 +0000')"
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return f"'{text}' is not a real date"
    if m.group("wd") and parsed.strftime("%a") != m.group("wd"):
        return f"'{text}': the weekday does not match the date"
    return None


def rfc3339_problem(value: str | None) -> str | None:
    """Why value is not an RFC 3339 date-time as Atom wants, or None."""
    text = (value or "").strip()
    if not RFC3339.match(text):
        return f"'{text}' is not an RFC 3339 date-time (e.g. '2011-01-24T09:30:00+00:00')"
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return f"'{text}' is not a real date-time"
    return None
