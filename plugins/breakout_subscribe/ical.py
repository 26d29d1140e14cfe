"""iCalendar (RFC 5545) files of the dated events, written with the icalendar library.

The library folds lines at 75 octets and ends them with CRLF, as the RFC requires. No
build time anywhere: DTSTAMP is the newest write-up of the event (else its first day),
so two builds give the same bytes and a calendar changes only when its events do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event

from .model import CalendarEvent

PRODID = "-//Breakout//Breakout event calendar//EN"


def vevent(item: CalendarEvent) -> Event:
    """One all-day VEVENT; DTEND is the day after the last day (RFC 5545 3.6.1)."""
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", item.stamp)
    event.add("dtstart", item.start)
    event.add("dtend", item.end + dt.timedelta(days=1))
    event.add("summary", item.name)
    if item.place:
        event.add("location", item.place)
    event.add("url", item.url)
    event.add("description", item.description)
    event.add("transp", "TRANSPARENT")  # an unconference day does not block a diary
    return event


def calendar(name: str, description: str, items: Iterable[CalendarEvent]) -> bytes:
    """A VCALENDAR of these events, as CRLF-terminated, folded UTF-8 bytes."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # Widely read names (Apple, Google, Thunderbird) for a subscribed calendar.
    cal.add("x-wr-calname", name)
    if description:
        cal.add("x-wr-caldesc", description)
    for item in items:
        cal.add_component(vevent(item))
    return cal.to_ical()
