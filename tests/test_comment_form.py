"""The comment form on built write-up pages, the thank-you page and the intake manifest."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES

from intake.validation import FIELDS

GOLDEN = FIXTURES / "golden-site"
OPEN = "2011/ukgc11-police/index.html"
CLOSED = "2012/blc12-pcc/index.html"


def page(out: Path, rel: str) -> BeautifulSoup:
    """One built page, parsed."""
    return BeautifulSoup((out / rel).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def built(site_builder: Callable[..., Path]) -> Path:
    """The golden fixture site built with the project's settings."""
    return site_builder(GOLDEN)


def test_an_open_writeup_has_the_form_posting_to_the_local_service(built: Path) -> None:
    doc = page(built, OPEN)
    form = doc.find("form", id="comment-form")
    assert form is not None
    assert (form["action"], form["method"]) == ("http://127.0.0.1:8001/comments", "post")
    names = [el["name"] for el in form.find_all(["input", "select", "textarea"])]
    assert sorted(names) == sorted(FIELDS)  # exactly what the service accepts
    assert form.find("input", attrs={"name": "writeup"})["value"] == "ukgc11-police"
    # Every visible control has its label; the honeypot is in a container CSS hides.
    for control in form.find_all(["input", "select", "textarea"]):
        if control.get("type") != "hidden":
            assert form.find("label", attrs={"for": control["id"]}), control
    trap = form.find("input", attrs={"name": "leave_empty"})
    assert "comment-form-trap" in trap.parent["class"] and trap["tabindex"] == "-1"
    assert form.find("input", attrs={"name": "name"}).has_attr("required")
    text = form.find("textarea", attrs={"name": "comment"})
    assert text.has_attr("required") and text["maxlength"] == "5000"
    hint = doc.find(id=text["aria-describedby"]).get_text()
    assert "5000 characters" in hint and "3 links" in hint
    assert "moderated" in form.get_text() and "never your e-mail or IP address" in form.get_text()


def test_reply_links_and_the_reply_choice_name_the_shown_comments(built: Path) -> None:
    doc = page(built, OPEN)
    shown = [
        a["id"].removeprefix("comment-")
        for a in doc.select("article.comment")
        if "comment-removed" not in a["class"]
    ]
    assert shown  # the fixture has comments, one of them removed
    options = [o["value"] for o in doc.select("#comment-replyto option")]
    assert options == ["", *shown]
    replies = [a["data-replyto"] for a in doc.select("a.comment-reply")]
    assert replies == shown
    assert all(a["href"] == "#comment-form" for a in doc.select("a.comment-reply"))
    removed = doc.select_one("article.comment-removed")
    assert removed is not None and removed.select("a.comment-reply") == []


def test_a_closed_writeup_has_no_form_and_no_reply_links(built: Path) -> None:
    doc = page(built, CLOSED)
    assert doc.find("form", id="comment-form") is None
    assert doc.select("a.comment-reply") == [] and doc.find("script", src=True) is None
    assert "Comments are closed." in doc.get_text()


def test_the_manifest_lists_writeups_openness_and_reply_targets(built: Path) -> None:
    manifest = json.loads((built / "intake.json").read_text(encoding="utf-8"))
    assert manifest["thanks_url"] == "comments/thanks/"
    assert manifest["timezone"] == "Europe/London"
    assert (manifest["max_comment_chars"], manifest["max_links"]) == (5000, 3)
    police = manifest["writeups"]["ukgc11-police"]
    doc = page(built, OPEN)
    assert police["comments"] == sorted(
        o["value"] for o in doc.select("#comment-replyto option")[1:]
    )
    assert police["open"] is True and police["url"] == "2011/ukgc11-police/"
    assert manifest["writeups"]["blc12-pcc"]["open"] is False


def test_the_thanks_page_is_built_unindexed(built: Path) -> None:
    doc = page(built, "comments/thanks/index.html")
    assert doc.find("h1").get_text() == "Thank you"
    assert "waits for moderation" in doc.get_text()
    assert doc.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert doc.find("a", id="thanks-back")["href"] == "/"


def test_no_intake_url_no_form_and_a_warning(
    site_builder: Callable[..., Path], error_log: Callable[..., list[str]]
) -> None:
    out = site_builder(GOLDEN, BREAKOUT_COMMENTS={"INTAKE_URL": ""})
    assert page(out, OPEN).find("form", id="comment-form") is None
    assert page(out, OPEN).select("a.comment-reply") == []
    assert any("write-ups get no comment form" in line for line in error_log(logging.WARNING))
    manifest = json.loads((out / "intake.json").read_text(encoding="utf-8"))
    assert manifest["writeups"]["ukgc11-police"]["open"] is False


def test_the_limits_come_from_the_settings(site_builder: Callable[..., Path]) -> None:
    out = site_builder(
        GOLDEN,
        BREAKOUT_COMMENTS={
            "INTAKE_URL": "https://talk.example/",
            "MAX_LENGTH": 1200,
            "MAX_LINKS": 1,
        },
    )
    form = page(out, OPEN).find("form", id="comment-form")
    assert form["action"] == "https://talk.example/comments"
    assert form.find("textarea")["maxlength"] == "1200"
    manifest = json.loads((out / "intake.json").read_text(encoding="utf-8"))
    assert (manifest["max_comment_chars"], manifest["max_links"]) == (1200, 1)


def test_production_builds_post_to_breakout_intake_url(
    site_builder: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BREAKOUT_INTAKE_URL", "https://comments.camp.example/")
    monkeypatch.setenv("SITEURL", "https://camp.example")
    out = site_builder(GOLDEN, conf="publishconf.py")
    form = page(out, OPEN).find("form", id="comment-form")
    assert form["action"] == "https://comments.camp.example/comments"
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "comments/thanks" not in sitemap


def test_bad_settings_are_reported(
    site_builder: Callable[..., Path], error_log: Callable[..., list[str]]
) -> None:
    with pytest.raises(Exception):  # noqa: B017 - the build fails; the message is what matters
        site_builder(GOLDEN, BREAKOUT_COMMENTS={"INTAKE_URL": "ftp://x", "MAX_LENGTH": 0})
    lines = error_log()
    assert any("BREAKOUT_COMMENTS['INTAKE_URL'] = 'ftp://x' is not valid" in line for line in lines)
    assert any("BREAKOUT_COMMENTS['MAX_LENGTH'] = 0 is not valid" in line for line in lines)


def test_a_failed_build_writes_no_manifest(
    site_builder: Callable[..., Path], content_copy: Callable[[Path], Path], tmp_path: Path
) -> None:
    content = content_copy(GOLDEN)
    (content / "comments" / "ukgc11-police" / "bad.md").write_text("Auhtor: x\n\nBody\n")
    with pytest.raises(Exception):  # noqa: B017
        site_builder(content)
    assert not list(tmp_path.glob("out*/intake.json"))
