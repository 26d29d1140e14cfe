"""`invoke new`: scaffold a write-up with its metadata filled in (never overwrites)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from unidecode import unidecode

PLACEHOLDER = (
    "Write up the session here: who pitched it, what was said, who said it "
    "(@handles link to people, #hashtags to topics), and what happens next."
)


class ScaffoldError(ValueError):
    """The write-up was not created; the message says why."""


def slugify_title(title: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Café & Police!" → "cafe-police")."""
    ascii_title = unidecode(title).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")


def _one_line(name: str, value: str) -> str:
    """A metadata value must stay on one line of the meta block."""
    value = value.strip()
    if "\n" in value or "\r" in value:
        raise ScaffoldError(f"{name} must be one line")
    return value


def known_events(content_dir: Path) -> dict[str, str]:
    """{slug: name} of the events in content/events.toml."""
    from breakout_kernel.data import parse_events

    events = parse_events(str(content_dir / "events.toml"))
    return {slug: record.name for slug, record in sorted(events.items())}


def render_writeup(
    title: str, *, slug: str, event: str, session: str, leader: str, today: dt.date
) -> str:
    """The text of a new write-up: the meta block, then a placeholder body."""
    lines = [
        f"Title: {title}",
        f"Date: {today.isoformat()}",
        f"Event: {event}",
        f"Session: {session}",
        f"Session_leader: {leader}",
        "Tags:",
        "Summary:",
        f"Id: tag:breakout,{today.isoformat()}:{slug}",
        "",
        PLACEHOLDER,
        "",
    ]
    return "\n".join(lines)


def new_writeup(
    content_dir: Path | str,
    title: str,
    *,
    event: str = "",
    session: str = "",
    leader: str = "",
    today: dt.date | None = None,
) -> Path:
    """Create content/writeups/<year>/<slug>.md for today; ScaffoldError if it exists or is invalid."""
    content_dir = Path(content_dir)
    today = today or dt.date.today()
    title = _one_line("the title", title)
    if title.startswith("-"):
        # invoke takes `invoke new --help` as the title "--help": say what was meant.
        raise ScaffoldError(
            f"the title {title!r} looks like an option: give the title first"
            ' (invoke new "Title" --event SLUG), or see invoke --help new'
        )
    event = _one_line("--event", event)
    session = _one_line("--session", session) or title
    leader = _one_line("--leader", leader)
    slug = slugify_title(title)
    if not slug:
        raise ScaffoldError(
            f"cannot make a file name from the title {title!r}; use letters or digits"
        )
    events = known_events(content_dir)
    listing = ", ".join(events) if events else f"none yet: add one to {content_dir / 'events.toml'}"
    if not event:
        raise ScaffoldError(f"--event is required (known events: {listing})")
    if event not in events:
        raise ScaffoldError(f"unknown event '{event}' (known events: {listing})")
    path = content_dir / "writeups" / str(today.year) / f"{slug}.md"
    text = render_writeup(
        title, slug=slug, event=event, session=session, leader=leader, today=today
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "x" mode: creating and checking for an existing file is one step.
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise ScaffoldError(
            f"{path} already exists; not overwriting it (choose another title)"
        ) from None
    return path
