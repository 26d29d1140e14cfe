"""The whole comment path in a real chromium: form, intake service, moderation, rebuild, thread."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import build_site
from intake_service.conftest import Built, Intake, start_intake

from .conftest import ROOT, Opened, Served, serve

pytestmark = pytest.mark.browser

FIXTURE = ROOT / "tests" / "fixtures" / "golden-site"
WRITEUP = "/2011/ukgc11-police/"
TIMEOUT = 60_000  # ms; the machine is shared


@dataclass
class Stack:
    """A built site served locally, its content, and the intake service its form posts to."""

    site: Served
    content: Path
    intake: Intake

    def rebuild(self) -> None:
        """Build the content again into the served folder, the form pointing at the service."""
        build_site(
            self.content,
            self.site.root,
            cache=self.site.root.parent / "cache",
            BREAKOUT_COMMENTS={"INTAKE_URL": self.intake.url},
        )


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    """Site server first (its URL is the service's allowed origin), then the service, then a build."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "output"
    out.mkdir()
    with serve(out) as site:
        built = Built(content, out)
        intake = start_intake(built, tmp_path / "queue", env={"BREAKOUT_SITE_URL": site.base_url})
        try:
            stack = Stack(site, content, intake)
            stack.rebuild()
            yield stack
        finally:
            intake.stop()


SENT = "Thank you: your comment was sent. It appears here once an editor approves it."


def fill(page: Any, name: str, text: str) -> None:
    """Fill in the form like a reader."""
    page.fill("#comment-name", name)
    page.fill("#comment-text", text)


def send(page: Any, name: str, text: str) -> None:
    """Fill in and send the form, then wait for the next page (no script, or its fallback)."""
    fill(page, name, text)
    with page.expect_navigation(timeout=TIMEOUT):
        page.click("#comment-form button[type=submit]")


def send_in_place(page: Any, name: str, text: str) -> str:
    """Fill in and send the form with its script; the answer it shows under the form."""
    fill(page, name, text)
    page.click("#comment-form button[type=submit]")
    status = page.locator("#comment-form-status")
    page.wait_for_function(
        "() => !['', 'Sending your comment…'].includes("
        "document.getElementById('comment-form-status').textContent)",
        timeout=TIMEOUT,
    )
    return str(status.inner_text())


def moderate_all(stack: Stack) -> None:
    """`invoke moderate --approve-all` into the test's content folder."""
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "moderate", "--approve-all",
         "--queue", str(stack.intake.queue), "--content", str(stack.content)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_reply_goes_from_the_form_to_its_thread(
    stack: Stack, open_page: Callable[..., Opened]
) -> None:
    opened = open_page(stack.site.url(WRITEUP))
    page = opened.page
    # With JavaScript on, Reply on Andy's comment chooses it and moves focus to the text.
    page.click('#comment-001 a.comment-reply[data-replyto="001"]')
    assert page.eval_on_selector("#comment-replyto", "el => el.value") == "001"
    assert page.evaluate("document.activeElement.id") == "comment-text"
    # A refused comment: the service's reason under the form, the text kept, no new page.
    links = "See http://a.example http://b.example www.c.example mailto:d@e.example"
    refused = send_in_place(page, "Browser Reader", links)
    assert refused == (
        "Your comment was not sent: Comment has 4 links; at most 3 are allowed. "
        "Your text is still in the form."
    )
    assert page.eval_on_selector("#comment-text", "el => el.value") == links
    assert page.get_attribute("#comment-form-status", "class") == (
        "comment-form-status intake-error"
    )
    # The script sent it in place: the page stays, the answer is read out under the form.
    assert send_in_place(page, "Browser Reader", "Replying in a *real* browser.") == SENT
    assert page.url == stack.site.url(WRITEUP)
    assert page.evaluate("document.activeElement.id") == "comment-form-status"
    # Shown as sent, no longer as refused: a box of its own, set off by the accent colour.
    assert page.get_attribute("#comment-form-status", "class") == (
        "comment-form-status comment-form-sent"
    )
    assert (
        page.eval_on_selector("#comment-form-status", "el => getComputedStyle(el).borderLeftStyle")
        == "solid"
    )
    # The text and the reply-to are cleared for the next comment; the name is kept.
    assert page.eval_on_selector("#comment-text", "el => el.value") == ""
    assert page.eval_on_selector("#comment-replyto", "el => el.value") == ""
    assert page.eval_on_selector("#comment-name", "el => el.value") == "Browser Reader"
    # The refusal was a 400 the browser reports; nothing else went wrong.
    assert opened.watch.problems() == [
        "console error: Failed to load resource: "
        "the server responded with a status of 400 (Bad Request)",
        f"failed request: 400 {stack.intake.url}/comments",
    ]

    # Without JavaScript: the reader picks the comment in "In reply to" themselves.
    plain = open_page(stack.site.url(WRITEUP), javascript=False).page
    plain.select_option("#comment-replyto", "002")
    send(
        plain,
        "<img src=x onerror=window.__xss=1>",
        "No script <script>window.__xss=1</script> here.",
    )
    assert plain.inner_text("h1") == "Thank you"
    assert plain.locator("#thanks-back").get_attribute("href") == "/"  # no script, home link

    moderate_all(stack)
    stack.rebuild()
    after = open_page(stack.site.url(WRITEUP))
    reply = after.page.locator(
        "#comment-001 > .comment-replies article.comment", has_text="Replying in a"
    )
    assert reply.count() == 1
    assert "Browser Reader" in reply.inner_text()
    assert reply.locator("em").inner_text() == "real"
    hostile = after.page.locator(
        "#comment-002 .comment-replies article.comment", has_text="No script"
    )
    assert hostile.count() == 1
    assert "<img src=x onerror=window.__xss=1>" in hostile.locator(".comment-author").inner_text()
    assert after.page.evaluate("window.__xss") is None
    assert after.watch.problems() == []


def test_without_the_services_answer_the_form_is_sent_as_without_script(
    stack: Stack, open_page: Callable[..., Opened]
) -> None:
    opened = open_page(stack.site.url(WRITEUP))
    page = opened.page
    asked: list[str] = []

    def no_json(route: Any) -> None:
        # As an older service or a proxy that drops the CORS header would: the script's
        # request fails; the form's own post goes through.
        asked.append(route.request.headers.get("accept", ""))
        if route.request.headers.get("accept") == "application/json":
            route.abort()
        else:
            route.continue_()

    page.route(f"{stack.intake.url}/comments", no_json)
    send(page, "Fallback Reader", "Sent the way a page without script sends it.")
    assert asked[0] == "application/json" and asked[1].startswith("text/html")
    assert len(asked) == 2  # once by the script, once by the form: not twice by either
    assert page.url.startswith(stack.site.url("/comments/thanks/"))
    assert page.inner_text("h1") == "Thank you"
    # On the thank-you page the script points the link back at the write-up.
    assert page.locator("#thanks-back").get_attribute("href") == "/2011/ukgc11-police/"
    assert [p.parent.name for p in stack.intake.queued()] == ["ukgc11-police"]
    # The failed request, as the browser reports it; nothing else went wrong.
    assert opened.watch.problems() == [
        "console error: Failed to load resource: net::ERR_FAILED",
        f"failed request: net::ERR_FAILED {stack.intake.url}/comments",
    ]
