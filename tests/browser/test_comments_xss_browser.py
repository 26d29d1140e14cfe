"""Hostile comments in a real chromium: every XSS vector is rendered and none of them runs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

TESTS = Path(__file__).resolve().parents[1]
SITE = TESTS / "fixtures" / "browser-xss"
# The comments engineer's vectors (dialog payloads), then this suite's (silent canary payloads).
VECTOR_FILES = [TESTS / "fixtures" / "comments-xss" / "vectors.txt", SITE / "vectors.txt"]
WRITEUP = "xss-target"
WRITEUP_PATH = f"/2011/{WRITEUP}/"
# Untrusted comment fields besides the body (a hostile Handle is a build error, so none here).
FIELD_VECTORS = [
    ("Author", "<img src=x onerror=window.__xss=1>"),
    ("Author", '"><script>window.__xss=1</script>'),
    ("Website", "javascript:window.__xss=1"),
    ("Website", 'https://x.example/" onmouseover="window.__xss=1'),
]
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)
# Events whose inline handlers a hostile attribute would use; each is fired at every element.
EVENTS = [
    "click", "dblclick", "mouseover", "mouseenter", "mouseout", "mousedown", "mouseup",
    "pointerover", "pointerenter", "pointerdown", "focus", "focusin", "blur", "input",
    "change", "toggle", "animationstart", "transitionend", "load", "error", "wheel",
]  # fmt: skip


def load_vectors(path: Path) -> list[str]:
    """Vectors of one file: one a line, \\n for a line break, '# ' lines and blank lines skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [v.replace("\\n", "\n") for v in lines if v.strip() and not v.startswith("# ")]


def all_vectors() -> list[str]:
    """Every body vector, from each vectors file that exists."""
    return [v for path in VECTOR_FILES if path.exists() for v in load_vectors(path)]


@dataclass
class XssSite:
    """The hostile fixture site, built and served."""

    served: Any
    comment_ids: list[str]


@pytest.fixture(scope="module")
def xss_site(
    tmp_path_factory: pytest.TempPathFactory,
    build_site: Callable[..., None],
    serve_site: Callable[[Path], Any],
) -> Iterator[XssSite]:
    """Build the fixture with one comment file per vector, with the project's settings."""
    root = tmp_path_factory.mktemp("browser-xss")
    content = root / "content"
    shutil.copytree(SITE, content, ignore=shutil.ignore_patterns("vectors.txt"))
    folder = content / "comments" / WRITEUP
    folder.mkdir(parents=True)
    ids = []
    for n, vector in enumerate(all_vectors(), start=1):
        ids.append(f"x{n:03d}")
        (folder / f"x{n:03d}.md").write_text(f"Author: Tester {n}\n\n{vector}\n", encoding="utf-8")
    for n, (key, value) in enumerate(FIELD_VECTORS, start=1):
        ids.append(f"f{n:03d}")
        author = "" if key == "Author" else "Author: Field tester\n"
        (folder / f"f{n:03d}.md").write_text(
            f"{author}{key}: {value}\n\nField vector {n}: xssfield.\n", encoding="utf-8"
        )
    out = root / "output"
    build_site(content, out)
    with serve_site(out) as served:
        yield XssSite(served, ids)


def fire_every_event(page: Any, selector: str) -> int:
    """Dispatch each of EVENTS at every element matching `selector`; the number fired."""
    return page.evaluate(
        """([selector, events]) => {
          // Keep clicks from navigating away; inline handlers would still run.
          window.addEventListener("click", (e) => e.preventDefault(), true);
          window.addEventListener("submit", (e) => e.preventDefault(), true);
          let n = 0;
          for (const el of document.querySelectorAll(selector)) {
            for (const type of events) {
              el.dispatchEvent(new Event(type, {bubbles: true, cancelable: true}));
              n++;
            }
          }
          return n;
        }""",
        [selector, EVENTS],
    )


def unsafe_attributes(page: Any, selector: str) -> tuple[list[Any], list[Any]]:
    """(on* attributes, javascript:/data:/vbscript: URLs) in the live DOM under `selector`."""
    attributes = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].flatMap((el) =>
             [...el.attributes].map((a) => [el.localName, a.name, a.value]))""",
        selector,
    )
    handlers = [a for a in attributes if a[1].lower().startswith("on")]
    control = "".join(map(chr, range(0x21)))
    urls = [
        a
        for a in attributes
        if a[1].lower() in {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}
        and DANGEROUS_SCHEME.match(re.sub(r"[\t\n\r]", "", a[2].strip(control)))
    ]
    return handlers, urls


def canary(page: Any) -> Any:
    """What the payloads would have set."""
    return page.evaluate("() => [typeof window.__xss, window.__xss === undefined]")


def test_there_are_at_least_30_vectors() -> None:
    """The suite throws enough at the page to mean something."""
    assert len(all_vectors()) >= 30


def test_every_vector_is_rendered_as_a_comment(
    xss_site: XssSite, open_page: Callable[..., Any]
) -> None:
    """Each comment file became a comment article on the write-up page."""
    opened = open_page(xss_site.served.url(WRITEUP_PATH))
    shown = opened.page.eval_on_selector_all(
        "#comments article.comment", "(els) => els.map((e) => e.id)"
    )
    missing = [i for i in xss_site.comment_ids if f"comment-{i}" not in shown]
    assert missing == []


def test_no_vector_runs_on_the_write_up(xss_site: XssSite, open_page: Callable[..., Any]) -> None:
    """Load, Tab through, and fire every event at every comment element: nothing runs."""
    opened = open_page(xss_site.served.url(WRITEUP_PATH))
    page = opened.page
    stops = page.evaluate("() => document.querySelectorAll('*').length")
    for _ in range(min(stops, 400)):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            break
    assert fire_every_event(page, "#comments *") > 0
    assert canary(page) == ["undefined", True]
    assert opened.watch.dialogs == []
    assert opened.watch.messages == []
    assert opened.watch.problems() == []


def test_no_handler_or_script_url_survives(
    xss_site: XssSite, open_page: Callable[..., Any]
) -> None:
    """The live DOM of the comments has no on* attribute and no javascript:/data: URL."""
    page = open_page(xss_site.served.url(WRITEUP_PATH)).page
    handlers, urls = unsafe_attributes(page, "#comments *")
    assert handlers == []
    assert urls == []
    # The one script without a type is the comment form's own file (theme/js/comments.js).
    scripts = page.evaluate(
        "() => document.querySelectorAll("
        "'#comments script, script:not([type]):not([src^=\"/theme/js/comments.\"])')"
    )
    assert scripts == {}


def test_search_excerpts_of_hostile_comments_stay_text(
    xss_site: XssSite, open_page: Callable[..., Any], wait_for_search: Callable[[Any], None]
) -> None:
    """Searching words of the hostile comments renders excerpts as text: nothing runs."""
    for query in ("onerror", "xssfield", "javascript"):
        opened = open_page(xss_site.served.url(f"/search/?q={quote(query)}"))
        wait_for_search(opened)
        page = opened.page
        assert page.eval_on_selector_all("#search-results li", "(els) => els.length") > 0, query
        tags = page.eval_on_selector_all(
            "#search-results *", "(els) => [...new Set(els.map((e) => e.localName))].sort()"
        )
        assert set(tags) <= {"li", "h2", "a", "p", "mark"}, query
        assert canary(page) == ["undefined", True]
        assert opened.watch.problems() == []
