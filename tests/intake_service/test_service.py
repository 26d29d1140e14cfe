"""The intake service over real HTTP: what it accepts, what it refuses, and what it writes."""

from __future__ import annotations

import datetime as dt
import socket
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from breakout_comments.parse import parse_comment_file

from .conftest import SITE, Built, Intake, comment

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def intake(run_intake: Callable[..., Intake]) -> Intake:
    """One service with a fresh queue and a generous rate limit."""
    return run_intake()


def only_file(service: Intake) -> Path:
    """The one queued comment file."""
    files = service.queued()
    assert len(files) == 1, files
    return files[0]


def test_an_accepted_comment_is_one_file_and_a_303_to_the_thanks_page(intake: Intake) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    response = intake.post(
        comment(
            replyto="001",
            name="Ann Reader",
            handle="@annreader",
            website="https://ann.example/",
            comment="Line one.\r\n\r\nLine *two*.",
        )
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{SITE}/comments/thanks/?writeup=2011/ukgc11-police/"
    path = only_file(intake)
    assert path.parent.name == "ukgc11-police"
    text = path.read_text(encoding="utf-8")
    source, problems = parse_comment_file(text, str(path), LONDON)
    assert problems == []
    assert (source.author, source.handle, source.website, source.replyto) == (
        "Ann Reader",
        "annreader",
        "https://ann.example/",
        "001",
    )
    assert source.body == "Line one.\n\nLine *two*."
    assert source.date is not None and before <= source.date <= dt.datetime.now(dt.UTC)
    # Only what the form asked for: no address, no headers, no other keys.
    assert "127.0.0.1" not in text
    assert [line.split(":")[0] for line in text.split("\n\n")[0].splitlines()] == [
        "Author",
        "Handle",
        "Website",
        "Date",
        "Replyto",
    ]


def test_a_bare_handle_is_written_as_a_handle(intake: Intake) -> None:
    assert intake.post(comment(handle="annreader")).status_code == 303
    assert "Handle: @annreader\n" in only_file(intake).read_text()


@pytest.mark.parametrize(
    ("fields", "status", "reason"),
    [
        ({"writeup": "no-such-writeup"}, 404, "there is no write-up"),
        ({"writeup": "blc12-pcc"}, 403, "are closed"),
        ({"replyto": "999"}, 400, "no comment '999'"),
        ({"replyto": "003"}, 400, "no comment '003'"),  # removed: nothing to reply to
        ({"name": "  "}, 400, "Name is required"),
        ({"comment": " \n "}, 400, "Comment is required"),
        ({"comment": "x" * 5001}, 400, "at most 5000"),
        ({"name": "n" * 201}, 400, "Name is too long"),
        ({"handle": "not a handle!"}, 400, "Handle is not a handle"),
        ({"website": "javascript:alert(1)"}, 400, "Website must be"),
        ({"website": 'https://x.example/"onmouseover=alert(1)'}, 400, "Website must be"),
        (
            {"comment": "http://a.example http://b.example www.c.example mailto:d@e.example"},
            400,
            "4 links",
        ),
        ({"comment": "bell \x07 inside"}, 400, "control characters"),
    ],
)
def test_each_rule_refuses_with_its_reason_and_writes_nothing(
    intake: Intake, fields: dict[str, str], status: int, reason: str
) -> None:
    response = intake.post(comment(**fields))
    assert response.status_code == status
    assert reason in response.text.replace("&#x27;", "'")
    assert intake.queued() == []


def test_fields_the_form_does_not_have_are_refused(intake: Intake) -> None:
    response = intake.post({**comment(), "email": "ann@example.org"})
    assert response.status_code == 400
    assert "unknown field &#x27;email&#x27;" in response.text
    twice = intake.post(
        content="name=a&name=b&writeup=ukgc11-police&comment=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert twice.status_code == 400 and "sent twice" in twice.text
    assert intake.queued() == []


def test_the_honeypot_refuses_and_touches_nothing(intake: Intake) -> None:
    response = intake.post(comment(leave_empty="http://spam.example"))
    assert response.status_code == 400
    assert "leave empty" in response.text
    assert not intake.queue.exists()  # not even the queue folder was made


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:8000.evil.example"},
        {"Origin": "", "Referer": "https://evil.example/2011/ukgc11-police/"},
        {"Origin": "", "Referer": "http://127.0.0.1:8000.evil.example/"},
    ],
)
def test_posts_from_elsewhere_are_refused(intake: Intake, headers: dict[str, str]) -> None:
    clean = {k: v for k, v in headers.items() if v}
    response = httpx.post(intake.url + "/comments", data=comment(), headers=clean, timeout=60)
    assert response.status_code == 403
    assert "did not come from the site" in response.text
    assert intake.queued() == []


def test_a_referer_on_the_site_is_enough_without_origin(intake: Intake) -> None:
    response = httpx.post(
        intake.url + "/comments",
        data=comment(),
        headers={"Referer": SITE + "/2011/ukgc11-police/"},
        timeout=60,
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    "fields",
    [
        {"writeup": "../../etc"},
        {"writeup": "ukgc11-police/../../etc"},
        {"writeup": "..%2F..%2Fetc"},
        {"writeup": "/etc/passwd"},
        {"writeup": "ukgc11-police\x00"},
        {"writeup": "."},
        {"replyto": "../001"},
        {"replyto": "001/../../x"},
        {"replyto": "..\\001"},
    ],
)
def test_path_traversal_through_slug_or_parent_is_refused(
    intake: Intake, tmp_path: Path, fields: dict[str, str]
) -> None:
    response = intake.post(comment(**fields))
    assert response.status_code in (400, 404)
    assert intake.queued() == []
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == []


@pytest.mark.parametrize(
    "name",
    [
        "Ann\r\nBcc: victim@example.org",
        "Ann\nReplyto: 001",
        "Ann\rStatus: removed",
        "Ann\u2028Handle: @x",
        "Ann\x00",
    ],
)
def test_line_breaks_in_single_line_fields_are_refused(intake: Intake, name: str) -> None:
    for field in ("name", "handle", "website"):
        response = intake.post(comment(**{field: name}))
        assert response.status_code == 400, field
    assert intake.queued() == []


def test_oversized_requests_are_refused_before_reading(intake: Intake) -> None:
    big = comment(comment="x" * 70_000)
    response = intake.post(big)
    assert response.status_code == 413
    # A body with no Content-Length (chunked) is cut off at the cap all the same.
    encoded = httpx.QueryParams(big).__str__().encode()

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(encoded), 4096):
            yield encoded[i : i + 4096]

    chunked = httpx.post(
        intake.url + "/comments",
        content=chunks(),
        headers={**{"Origin": SITE}, "Content-Type": "application/x-www-form-urlencoded"},
        timeout=60,
    )
    assert chunked.status_code == 413
    assert intake.queued() == []


def test_a_lying_content_length_is_refused(intake: Intake) -> None:
    """A raw request whose Content-Length is not a number never reaches the form rules."""
    host, port = intake.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(
            b"POST /comments HTTP/1.1\r\nHost: x\r\nOrigin: "
            + SITE.encode()
            + b"\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 99999999999999999999\r\n\r\nname=a"
        )
        answer = sock.recv(4096)
    assert answer.split(b"\r\n", 1)[0].split(b" ")[1] in (b"400", b"413")
    assert intake.queued() == []


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=xyz",
        "application/x-www-form-urlencoded; charset=latin-1",
        "",
    ],
)
def test_wrong_content_types_are_refused(intake: Intake, content_type: str) -> None:
    body = httpx.QueryParams(comment()).__str__()
    headers = {"Origin": SITE}
    if content_type:
        headers["Content-Type"] = content_type
    response = httpx.post(intake.url + "/comments", content=body, headers=headers, timeout=60)
    assert response.status_code == 415
    assert intake.queued() == []


@pytest.mark.parametrize(
    "body",
    [b"name=%ZZ&comment=x", b"name=\xff\xfe&comment=x", b"&&&=", b"name", b"a=1;b=2" * 10],
)
def test_malformed_bodies_are_refused(intake: Intake, body: bytes) -> None:
    response = httpx.post(
        intake.url + "/comments",
        content=body,
        headers={"Origin": SITE, "Content-Type": "application/x-www-form-urlencoded"},
        timeout=60,
    )
    assert response.status_code == 400
    assert intake.queued() == []


def test_only_post_on_comments(intake: Intake) -> None:
    assert httpx.get(intake.url + "/comments", timeout=60).status_code == 405
    assert httpx.get(intake.url + "/comments/../etc/passwd", timeout=60).status_code == 404


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>"><svg onload=alert(1)>'


def test_nothing_typed_is_reflected_unescaped(intake: Intake) -> None:
    """Every refusal page escapes the reason and the kept comment."""
    cases = [
        comment(writeup=XSS),
        comment(replyto=XSS, comment=XSS),
        comment(handle=XSS, comment=XSS),
        comment(website=XSS, comment=XSS),
        {**comment(comment=XSS), XSS: "1"},
    ]
    for data in cases:
        response = intake.post(data)
        assert 400 <= response.status_code < 500
        assert "<script>" not in response.text
        assert "<img" not in response.text and "<svg" not in response.text
    kept = intake.post(comment(replyto="999", comment=XSS))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in kept.text  # kept, escaped
    # And were escaping ever to fail, the page may load the site's stylesheet and no script.
    policy = kept.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src http://127.0.0.1:8000" in policy
    assert "script-src" not in policy and kept.headers["x-content-type-options"] == "nosniff"


def test_duplicate_bodies_are_refused_per_writeup(intake: Intake, built: Built) -> None:
    assert intake.post(comment(comment="Same   words here.")).status_code == 303
    again = intake.post(comment(name="Other", comment="same words\nhere."))
    assert again.status_code == 409
    # The same text on another write-up is a different comment.
    other = intake.post(comment(writeup="ukgc11-police-second-view", comment="Same words here."))
    assert other.status_code == 303
    # A published comment's body counts too.
    published = (built.content / "comments" / "ukgc11-police" / "002.md").read_text()
    assert intake.post(comment(comment=published.split("\n\n", 1)[1])).status_code == 409
    assert len(intake.queued()) == 2


def test_rate_limit_per_address(run_intake: Callable[..., Intake]) -> None:
    service = run_intake(env={"BREAKOUT_INTAKE_RATE": "2/minute"})
    statuses = [service.post(comment(comment=f"Reply number {i}.")).status_code for i in range(4)]
    assert statuses == [303, 303, 429, 429]
    refused = service.post(comment(comment="One more."))
    assert int(refused.headers["retry-after"]) >= 1
    assert "too many comments" in refused.text
    assert len(service.queued()) == 2


def test_without_a_manifest_the_service_says_503(
    run_intake: Callable[..., Intake], tmp_path: Path
) -> None:
    service = run_intake(env={"BREAKOUT_INTAKE_MANIFEST": str(tmp_path / "none.json")})
    assert httpx.get(service.url + "/health", timeout=60).status_code == 503
    response = service.post(comment())
    assert response.status_code == 503
    assert service.logged("build the site first"), service.log()


def test_invoke_intake_runs_the_service_on_loopback(run_intake: Callable[..., Intake]) -> None:
    service = run_intake(command=("-m", "invoke", "intake", "--port", "0"))
    assert service.url.startswith("http://127.0.0.1:")
    assert "Comment intake for http://127.0.0.1:8000: POST /comments on 127.0.0.1" in service.log()
    assert service.post(comment()).status_code == 303


JSON = {"Accept": "application/json"}  # what theme/static/js/comments.js sends


def test_the_forms_script_gets_json_only_the_site_can_read(intake: Intake) -> None:
    response = intake.post(comment(name="Ann Reader"), headers=JSON)
    assert response.status_code == 202
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "sent": True,
        "thanks": f"{SITE}/comments/thanks/?writeup=2011/ukgc11-police/",
    }
    # CORS: the site's pages may read the answer, no other origin's; nothing is cached.
    assert response.headers["access-control-allow-origin"] == SITE
    assert response.headers["vary"] == "Origin"
    assert response.headers["cache-control"] == "no-store"
    assert "Author: Ann Reader\n" in only_file(intake).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fields", "headers", "status", "reason"),
    [
        ({"name": " "}, {}, 400, "Name is required"),
        ({"leave_empty": "x"}, {}, 400, "the post filled in the field people are asked to leave empty"),
        ({}, {"Origin": "https://evil.example"}, 403, "the post did not come from the site's comment form"),
        (
            {"comment": "http://a.example http://b.example www.c.example mailto:d@e.example"},
            {},
            400,
            "Comment has 4 links; at most 3 are allowed",
        ),
    ],
)  # fmt: skip
def test_a_refusal_to_the_script_is_its_reason_in_json(
    intake: Intake, fields: dict[str, str], headers: dict[str, str], status: int, reason: str
) -> None:
    response = intake.post(comment(**fields), headers={**JSON, **headers})
    assert (response.status_code, response.json()) == (status, {"sent": False, "reason": reason})
    # Even a post from elsewhere gets the site's origin: that page's script cannot read it.
    assert response.headers["access-control-allow-origin"] == SITE
    assert intake.queued() == []


@pytest.mark.parametrize(
    ("accept", "json_answer"),
    [
        ("application/json", True),
        ("text/html, Application/JSON;q=0.9", True),
        ("application/jsonx", False),
        ("text/html,application/xhtml+xml,*/*;q=0.8", False),  # a browser's form post
    ],
)
def test_only_a_post_asking_for_json_gets_it(
    intake: Intake, accept: str, json_answer: bool
) -> None:
    response = intake.post(comment(), headers={"Accept": accept})
    assert response.status_code == (202 if json_answer else 303)
    assert ("access-control-allow-origin" in response.headers) is json_answer


def test_the_rate_limit_tells_the_script_when_to_try_again(
    run_intake: Callable[..., Intake],
) -> None:
    service = run_intake(env={"BREAKOUT_INTAKE_RATE": "1/minute"})
    assert service.post(comment(comment="First."), headers=JSON).status_code == 202
    refused = service.post(comment(comment="Second."), headers=JSON)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.json()["reason"].startswith("too many comments from your address (at most 1")
