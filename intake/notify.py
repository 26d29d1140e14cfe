"""E-mail to the moderator for each accepted comment; a failure is logged, the comment stays queued."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from .settings import Smtp
from .validation import Submission

log = logging.getLogger("breakout.intake")


def message(
    smtp: Smtp, sub: Submission, comment_id: str, title: str, page_url: str
) -> EmailMessage:
    """The notification: who wrote on which write-up, the text, and how to moderate it."""
    msg = EmailMessage()
    # Name and title are single-line by validation; EmailMessage refuses line breaks as well.
    msg["Subject"] = f"[Breakout] Comment waiting: {sub.name} on {title}"
    msg["From"] = smtp.sender
    msg["To"] = smtp.to
    lines = [
        f"{sub.name} commented on {title}",
        page_url,
        "",
        f"Handle: {sub.handle or '-'}",
        f"Website: {sub.website or '-'}",
        f"In reply to: {sub.replyto or '-'}",
        "",
        sub.comment,
        "",
        f"Approve:  python3 -m invoke moderate --approve {comment_id}",
        f"Reject:   python3 -m invoke moderate --reject {comment_id}",
    ]
    msg.set_content("\n".join(lines))
    return msg


def send(smtp: Smtp, msg: EmailMessage) -> bool:
    """Send one message; False (after logging why) if the server could not be reached or refused."""
    if not smtp.host:
        return False
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password)
            client.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        log.error(
            "notification for %s not sent (%s: %s); the comment is queued all the same",
            msg["Subject"],
            type(exc).__name__,
            exc,
        )
        return False
    return True
