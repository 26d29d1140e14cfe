"""The service's pure parts with tiny inputs: rules, client address, file text, settings."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import zoneinfo

import pytest

from intake.manifest import ManifestError, parse
from intake.queue import comment_text, new_id
from intake.ratelimit import RateLimiter, client_address, limit_key
from intake.settings import SettingsError, from_environment
from intake.validation import Rejection, Submission, check_fields, validate

MANIFEST = {
    "version": 1,
    "timezone": "Europe/London",
    "thanks_url": "comments/thanks/",
    "max_comment_chars": 50,
    "max_links": 1,
    "max_field_chars": 20,
    "writeups": {
        "open-one": {"url": "2011/open-one/", "title": "Open", "open": True, "comments": ["001"]},
        "shut": {"url": "2011/shut/", "title": "Shut", "open": False, "comments": []},
    },
}
SITE = parse(json.dumps(MANIFEST), "test")


def post(**fields: str) -> dict[str, str]:
    """A valid post with `fields` changed."""
    return {"writeup": "open-one", "name": "Ann", "comment": "Hi.", **fields}


def test_a_valid_post_becomes_a_submission() -> None:
    got = validate(post(replyto="001", handle="ann", website="https://a.example"), SITE)
    assert got == Submission("open-one", "001", "Ann", "@ann", "https://a.example", "Hi.")


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"writeup": "shut"}, 403),
        ({"writeup": "gone"}, 404),
        ({"writeup": "../open-one"}, 400),
        ({"replyto": "002"}, 400),
        ({"name": "x" * 21}, 400),
        ({"comment": "y" * 51}, 400),
        ({"comment": "http://a.example and www.b.example"}, 400),
        ({"handle": "@"}, 400),
        ({"website": "http://"}, 400),
    ],
)
def test_each_rule_uses_the_manifest_limits(fields: dict[str, str], status: int) -> None:
    got = validate(post(**fields), SITE)
    assert isinstance(got, Rejection) and got.status == status


def test_fields_are_the_forms_and_given_once() -> None:
    assert check_fields([("name", "a"), ("comment", "b")]) == {"name": "a", "comment": "b"}
    assert check_fields([("name", "a"), ("name", "b")]) == Rejection(
        400, "field 'name' was sent twice"
    )
    assert isinstance(check_fields([("ip", "1")]), Rejection)


PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("127.0.0.1/32"))


@pytest.mark.parametrize(
    ("peer", "xff", "proxies", "client"),
    [
        ("192.0.2.1", "203.0.113.9", (), "192.0.2.1"),  # no trusted proxy: header ignored
        ("192.0.2.1", "203.0.113.9", PROXIES, "192.0.2.1"),  # peer is not a proxy
        ("127.0.0.1", "203.0.113.9", PROXIES, "203.0.113.9"),
        ("127.0.0.1", "1.2.3.4, 203.0.113.9", PROXIES, "203.0.113.9"),  # client's own hop
        ("127.0.0.1", "203.0.113.9, 10.1.1.1", PROXIES, "203.0.113.9"),  # two proxies
        ("127.0.0.1", "garbage, 203.0.113.9", PROXIES, "203.0.113.9"),
        ("127.0.0.1", "203.0.113.9, garbage", PROXIES, "127.0.0.1"),  # garbled last hop
        ("127.0.0.1", "", PROXIES, "127.0.0.1"),
    ],
)
def test_client_address(peer: str, xff: str, proxies: tuple, client: str) -> None:  # type: ignore[type-arg]
    assert client_address(peer, xff, proxies) == client


def test_ipv6_addresses_count_per_64() -> None:
    assert limit_key("2001:db8:1:2::1") == limit_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert limit_key("2001:db8:1:3::1") != limit_key("2001:db8:1:2::1")
    assert limit_key("::ffff:192.0.2.1") == "192.0.2.1"


def test_the_limiter_counts_per_key_and_only_allowed_posts() -> None:
    limiter = RateLimiter("2/minute")
    assert [limiter.hit("a") for _ in range(3)][:2] == [None, None]
    assert limiter.hit("a") is not None and limiter.hit("b") is None


def test_the_file_text_holds_only_the_form_and_the_date() -> None:
    tz = zoneinfo.ZoneInfo("Europe/London")
    date = dt.datetime(2026, 7, 1, 12, 30, 5, tzinfo=tz)
    sub = Submission("open-one", "001", "Ann", "@ann", "", "Hello\n\nthere")
    assert comment_text(sub, date) == (
        "Author: Ann\nHandle: @ann\nDate: 2026-07-01 12:30:05+01:00\nReplyto: 001\n\nHello\n\nthere\n"
    )
    assert new_id(date).startswith("20260701-113005-")  # UTC, so ids sort by arrival
    assert new_id(date) != new_id(date)


def test_a_manifest_that_is_not_one_is_named() -> None:
    with pytest.raises(ManifestError, match=r"x\.json: not a Breakout intake manifest"):
        parse('{"version": 1}', "x.json")
    with pytest.raises(ManifestError, match="manifest version 9"):
        parse('{"version": 9}', "x.json")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BREAKOUT_INTAKE_RATE": "lots"}, "BREAKOUT_INTAKE_RATE='lots'"),
        ({"BREAKOUT_INTAKE_TRUSTED_PROXIES": "proxy.local"}, "'proxy.local' is not an address"),
        ({"BREAKOUT_INTAKE_SMTP_PORT": "x"}, "BREAKOUT_INTAKE_SMTP_PORT='x'"),
        ({"BREAKOUT_SITE_URL": "camp.example"}, "BREAKOUT_SITE_URL='camp.example'"),
        ({"BREAKOUT_INTAKE_SMTP_HOST": "mail"}, "BREAKOUT_INTAKE_SMTP_TO"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        from_environment(env)


def test_settings_defaults_are_local() -> None:
    settings = from_environment({})
    assert settings.origin == "http://127.0.0.1:8000"
    assert settings.queue.name == "moderation" and settings.trusted_proxies == ()
    assert from_environment({"BREAKOUT_SITE_URL": "https://Camp.Example/blog/"}).origin == (
        "https://camp.example"
    )


@pytest.mark.parametrize(
    ("handle", "written"),
    [
        ("@ann_r", "@ann_r"),
        ("ann_r", "@ann_r"),
        ("@ann@social.example", "@ann@social.example"),
        ("ann.bsky.social", "ann.bsky.social"),
    ],
)
def test_every_handle_form_the_site_knows_is_accepted(handle: str, written: str) -> None:
    got = validate(post(handle=handle), SITE)
    assert isinstance(got, Submission) and got.handle == written


@pytest.mark.parametrize("handle", ["@", "a b", "@ann@", "ann@@x.example", "<b>", "@" + "a" * 31])
def test_anything_else_is_not_a_handle(handle: str) -> None:
    got = validate(post(handle=handle), SITE)
    assert isinstance(got, Rejection) and "Handle" in got.reason
