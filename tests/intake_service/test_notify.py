"""The moderator's e-mail through a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from .conftest import Intake, comment


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content))
        )
        return "250 OK"


def free_port() -> int:
    """A port nothing listens on just now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> bool:
    """Poll until condition() holds (generous: the machine is shared)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_each_accepted_comment_mails_the_moderator(
    run_intake: Callable[..., Intake], smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    service = run_intake(
        env={
            "BREAKOUT_INTAKE_SMTP_HOST": "127.0.0.1",
            "BREAKOUT_INTAKE_SMTP_PORT": str(port),
            "BREAKOUT_INTAKE_SMTP_FROM": "intake@breakout.example",
            "BREAKOUT_INTAKE_SMTP_TO": "editor@breakout.example",
        }
    )
    response = service.post(comment(name="Ann Reader", replyto="001", comment="Nice *work*."))
    assert response.status_code == 303
    assert wait_for(lambda: len(inbox.messages) == 1)
    sender, recipients, msg = inbox.messages[0]
    assert (sender, recipients) == ("intake@breakout.example", ["editor@breakout.example"])
    assert msg["Subject"] == "[Breakout] Comment waiting: Ann Reader on The #police session"
    body = msg.get_payload(decode=True).decode()
    comment_id = service.queued()[0].stem
    assert "Nice *work*." in body
    assert "http://127.0.0.1:8000/2011/ukgc11-police/" in body
    assert f"python3 -m invoke moderate --approve {comment_id}" in body
    assert "In reply to: 001" in body
    assert "127.0.0.1:" not in body.replace("http://127.0.0.1:8000/", "")  # no client address
    # A refused post sends nothing.
    assert service.post(comment(writeup="blc12-pcc")).status_code == 403
    time.sleep(0.5)
    assert len(inbox.messages) == 1


def test_a_mail_failure_is_logged_and_the_comment_kept(run_intake: Callable[..., Intake]) -> None:
    service = run_intake(
        env={
            "BREAKOUT_INTAKE_SMTP_HOST": "127.0.0.1",
            "BREAKOUT_INTAKE_SMTP_PORT": str(free_port()),  # nothing listens there
            "BREAKOUT_INTAKE_SMTP_TO": "editor@breakout.example",
        }
    )
    assert service.post(comment(comment="Still here.")).status_code == 303
    assert wait_for(lambda: "not sent" in service.log())
    assert "the comment is queued all the same" in service.log()
    assert len(service.queued()) == 1
    assert "Still here." in service.queued()[0].read_text()


def test_smtp_without_a_moderator_address_is_refused_at_start(
    run_intake: Callable[..., Intake],
) -> None:
    with pytest.raises(AssertionError, match="BREAKOUT_INTAKE_SMTP_TO"):
        run_intake(env={"BREAKOUT_INTAKE_SMTP_HOST": "127.0.0.1"})
