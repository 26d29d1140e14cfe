"""The form's rules: which fields, what each may hold (pure; no I/O, no framework)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from breakout_comments.parse import HANDLE_RE, ID_RE, safe_website

from .manifest import Manifest

# The form's fields, in the order the form shows them; HONEYPOT must stay empty.
HONEYPOT = "leave_empty"
FIELDS = ("writeup", "replyto", "name", "handle", "website", "comment", HONEYPOT)
SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$")
LINK_RE = re.compile(r"(?i)(?:\b(?:https?|ftp)://|\bwww\.|\bmailto:)")
# Controls break the comment file's "Key: value" lines and e-mail headers; the comment
# body may keep newlines and tabs.
_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
_BODY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Rejection:
    """Why a post is refused: an HTTP status and a message for the reader (plain text)."""

    status: int
    reason: str


@dataclass(frozen=True)
class Submission:
    """A post that passed every rule, ready to become a comment file."""

    writeup: str
    replyto: str
    name: str
    handle: str
    website: str
    comment: str


def check_fields(pairs: Iterable[tuple[str, str]]) -> dict[str, str] | Rejection:
    """The form's fields as a dict; a Rejection for an unknown or repeated field."""
    out: dict[str, str] = {}
    for key, value in pairs:
        if key not in FIELDS:
            return Rejection(400, f"unknown field '{key}': the form sends only {', '.join(FIELDS)}")
        if key in out:
            return Rejection(400, f"field '{key}' was sent twice")
        out[key] = value
    return out


def is_spam_trap(fields: dict[str, str]) -> bool:
    """True when the field people never see (and bots fill in) has a value."""
    return bool(fields.get(HONEYPOT, "").strip())


def _line(fields: dict[str, str], key: str, label: str, limit: int) -> str | Rejection:
    """One single-line field, trimmed; a Rejection if too long or holding a line break/control."""
    value = unicodedata.normalize("NFC", fields.get(key, "")).strip()
    if len(value) > limit:
        return Rejection(400, f"{label} is too long ({len(value)} characters; at most {limit})")
    if _LINE_CONTROLS.search(value):
        return Rejection(400, f"{label} must be one line without control characters")
    return value


def validate(fields: dict[str, str], manifest: Manifest) -> Submission | Rejection:
    """Check a post against the form's rules and the limits the build wrote; the first problem wins."""
    slug = fields.get("writeup", "")
    if not SLUG_RE.match(slug):
        return Rejection(400, "the write-up field is not a write-up slug")
    writeup = manifest.writeups.get(slug)
    if writeup is None:
        return Rejection(404, f"there is no write-up '{slug}' on the site")
    if not writeup.open:
        return Rejection(403, f"comments on '{writeup.title}' are closed")
    replyto = fields.get("replyto", "").strip()
    if replyto and (not ID_RE.match(replyto) or replyto not in writeup.comments):
        return Rejection(400, f"there is no comment '{replyto}' on this write-up to reply to")

    values: dict[str, str] = {}
    for key, label in (("name", "Name"), ("handle", "Handle"), ("website", "Website")):
        value = _line(fields, key, label, manifest.max_field_chars)
        if isinstance(value, Rejection):
            return value
        values[key] = value
    if not values["name"]:
        return Rejection(400, "Name is required")
    if values["handle"] and not HANDLE_RE.match(values["handle"]):
        return Rejection(
            400,
            "Handle is not a handle the site knows "
            "(use @name, @name@server.example or name.bsky.social, or leave it empty)",
        )
    if values["website"] and not safe_website(values["website"]):
        return Rejection(400, "Website must be an http:// or https:// address (or left empty)")

    comment = fields.get("comment", "").replace("\r\n", "\n").replace("\r", "\n")
    comment = unicodedata.normalize("NFC", comment).strip()
    if not comment:
        return Rejection(400, "Comment is required")
    if len(comment) > manifest.max_comment_chars:
        return Rejection(
            400,
            f"Comment is too long ({len(comment)} characters; "
            f"at most {manifest.max_comment_chars})",
        )
    if _BODY_CONTROLS.search(comment):
        return Rejection(400, "Comment holds control characters")
    links = len(LINK_RE.findall(comment))
    if links > manifest.max_links:
        return Rejection(
            400, f"Comment has {links} links; at most {manifest.max_links} are allowed"
        )
    handle = values["handle"]
    if handle and not handle.startswith("@") and "." not in handle:
        handle = "@" + handle  # a bare Twitter-style name, as the comment file writes it
    return Submission(
        writeup=slug,
        replyto=replyto,
        name=values["name"],
        handle=handle,
        website=values["website"],
        comment=comment,
    )


def normalised_body(text: str) -> str:
    """The body as duplicate detection compares it: whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()
