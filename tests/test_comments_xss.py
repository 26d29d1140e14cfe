"""Untrusted comments cannot inject script: every vector goes through a comment FILE and a real build."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import FIXTURES, build_site
from pelican.log import LimitFilter

SITE = FIXTURES / "comments-site"
VECTORS_FILE = FIXTURES / "comments-xss" / "vectors.txt"
PLUGINS = {"PLUGINS": ["breakout_content", "breakout_text", "breakout_comments"]}
FORBIDDEN_TAGS = [
    "script", "style", "iframe", "object", "embed", "svg", "math", "form", "meta", "base",
    "img", "input", "button", "link", "video", "source", "textarea", "template", "noscript",
    "body", "details", "isindex", "frame", "frameset", "applet",
]  # fmt: skip
URL_ATTRS = {
    "href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "background", "poster",
}  # fmt: skip
C0_AND_SPACE = "".join(map(chr, range(0x21)))
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# Untrusted fields besides the body: (key, value) pairs put in a comment's metadata.
FIELD_VECTORS = [
    ("Author", "<script>alert(1)</script>"),
    ("Author", '"><img src=x onerror=alert(1)>'),
    ("Author", "Eve' onmouseover='alert(1)"),
    ("Website", "javascript:alert(1)"),
    ("Website", 'https://x.example/"onmouseover="alert(1)'),
    ("Website", "data:text/html,<script>alert(1)</script>"),
    ("Website", "JaVaScRiPt:alert(1)"),
]


def load_vectors(path: Path = VECTORS_FILE) -> list[str]:
    """The body vectors: one a line, \\n for a line break, '# ' lines and blank lines skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [v.replace("\\n", "\n") for v in lines if v.strip() and not v.startswith("# ")]


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Build the comments site with one comment file per vector; return output and warnings."""
    LimitFilter._raised_messages.clear()  # Pelican drops warnings it has seen in this process
    root = tmp_path_factory.mktemp("xss")
    site = root / "content"
    shutil.copytree(SITE, site)
    folder = site / "comments" / "ukgc11-police"
    for n, vector in enumerate(load_vectors(), start=1):
        (folder / f"x{n:03d}.md").write_text(f"Author: Tester {n}\n\n{vector}\n", encoding="utf-8")
    for n, (key, value) in enumerate(FIELD_VECTORS, start=1):
        author = "" if key == "Author" else "Author: Field tester\n"
        (folder / f"f{n:03d}.md").write_text(
            f"{author}{key}: {value}\n\nField vector {n}.\n", encoding="utf-8"
        )
    handler = _Collect()
    logging.getLogger("breakout").addHandler(handler)
    try:
        build_site(site, root / "out", **PLUGINS)
    finally:
        logging.getLogger("breakout").removeHandler(handler)
    return root / "out", handler.messages


class _Collect(logging.Handler):
    """Keeps the warnings of the module's one build (caplog is per test)."""

    def __init__(self) -> None:
        """Collect WARNING and above."""
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message."""
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def soup(xss_site: tuple[Path, list[str]]) -> BeautifulSoup:
    """The built write-up page holding all the vectors."""
    out, _ = xss_site
    return BeautifulSoup(
        (out / "2011/ukgc11-police/index.html").read_text(encoding="utf-8"), "html.parser"
    )


@pytest.fixture(scope="module")
def section(soup: BeautifulSoup) -> Tag:
    """The comments section of that page, without the comment form (the theme's, not theirs)."""
    found = soup.find(id="comments")
    assert isinstance(found, Tag)
    found = BeautifulSoup(str(found), "html.parser").find(id="comments")
    assert isinstance(found, Tag)
    form = found.find("form", id="comment-form")
    if form is not None:
        form.decompose()
    return found


def test_there_are_at_least_30_vectors_and_each_became_a_comment(section: Tag) -> None:
    vectors = load_vectors()
    assert len(vectors) >= 30
    ids = {a["id"] for a in section.find_all("article", class_="comment")}
    expected = {f"comment-x{n:03d}" for n in range(1, len(vectors) + 1)}
    expected |= {f"comment-f{n:03d}" for n in range(1, len(FIELD_VECTORS) + 1)}
    assert expected <= ids


def test_no_dangerous_elements_in_comments(section: Tag) -> None:
    found = sorted({t.name for t in section.find_all(FORBIDDEN_TAGS)})
    assert found == []
    assert "<script" not in str(section).lower()


def test_no_event_handler_attributes_anywhere_on_the_page(soup: BeautifulSoup) -> None:
    bad = [(t.name, a) for t in soup.find_all(True) for a in t.attrs if a.lower().startswith("on")]
    assert bad == []


def test_no_style_attributes_in_comments(section: Tag) -> None:
    assert [t.name for t in section.find_all(style=True)] == []


def test_every_url_is_http_https_mailto_or_relative(section: Tag) -> None:
    bad = []
    for tag in section.find_all(True):
        for attr, value in tag.attrs.items():
            if attr.lower() not in URL_ATTRS:
                continue
            # As the URL standard: trim C0 controls and spaces, then drop tabs and newlines.
            squeezed = re.sub(r"[\t\n\r]", "", str(value).strip(C0_AND_SPACE)).lower()
            m = SCHEME.match(squeezed)
            if m and m.group(1) not in ("http", "https", "mailto"):
                bad.append((tag.name, attr, value))
    assert bad == []
    values = " ".join(str(v) for t in section.find_all(True) for v in t.attrs.values())
    assert "javascript" not in re.sub(r"\s", "", values).lower()


def test_only_text_engine_classes_survive_in_bodies(section: Tag) -> None:
    classes = {
        c
        for body in section.find_all(class_="comment-body")
        for t in body.find_all(class_=True)
        for c in t["class"]
    }
    assert classes <= {"mention", "hashtag", "event-tag"}
    n = next(i for i, v in enumerate(load_vectors(), start=1) if "@spoofed mention" in v)
    spoofed = section.find(id=f"comment-x{n:03d}").find("a", class_="mention")
    assert spoofed is not None and not spoofed.has_attr("href")


def test_untrusted_fields_are_escaped_or_dropped(
    section: Tag, xss_site: tuple[Path, list[str]]
) -> None:
    authors = [
        section.find(id=f"comment-f{n:03d}").find(class_="comment-author") for n in (1, 2, 3)
    ]
    assert [a.get_text() for a in authors] == [v for k, v in FIELD_VECTORS if k == "Author"]
    assert all(a.name == "span" for a in authors)
    for n in range(4, len(FIELD_VECTORS) + 1):
        author = section.find(id=f"comment-f{n:03d}").find(class_="comment-author")
        assert (author.name, author.get_text()) == ("span", "Field tester")
    _, warnings = xss_site
    assert sorted(w for w in warnings if "Website" in w) == [
        f"content/comments/ukgc11-police/f{n:03d}.md:2: Website '{v}' is not an http(s) URL; "
        "the author is shown without a link"
        for n, (k, v) in enumerate(FIELD_VECTORS, start=1)
        if k == "Website"
    ]


def test_harmless_text_survives_as_text(section: Tag) -> None:
    last = section.find(id=f"comment-x{len(load_vectors()):03d}")
    assert last.find("code").get_text() == "<script>alert(1)</script>"
    assert (
        last.find(class_="comment-body").get_text(" ", strip=True).endswith("in code is only text")
    )


def test_vectors_file_keeps_its_literal_tab() -> None:
    assert any("java\tscript:" in v for v in load_vectors())
