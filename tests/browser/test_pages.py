"""Each kind of page in a real chromium at phone and desktop widths: clean load, layout, axe, keyboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PAGE_KINDS = [
    "home",
    "writeup",
    "person",
    "topic",
    "event",
    "session",
    "people",
    "topics",
    "events",
    "404",
    "search",
    "follow",
]
WIDTHS = (375, 1280)
BLOCKING_IMPACTS = ("serious", "critical")

# What the focused element is, and whether a sighted keyboard user can see where focus is.
FOCUS_INFO = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (el.dataset.kbSeen) return {wrapped: true};
  el.dataset.kbSeen = "1";
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = !!style.boxShadow && style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < innerHeight && box.left < innerWidth;
  const text = (el.textContent || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
  return {
    link: el.hasAttribute("data-kb") ? Number(el.getAttribute("data-kb")) : null,
    desc: `<${el.localName}> ${el.getAttribute("href") || el.id || el.name || ""} "${text}"`,
    skip: el.classList.contains("skip-link") && el.getAttribute("href") === "#main",
    ring: outline || shadow,
    onScreen,
  };
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_loads_cleanly(
    visit: Callable[..., Any], screenshot: Callable[..., Path], kind: str, width: int
) -> None:
    """No console error, failed request or request off 127.0.0.1; a screenshot is kept."""
    opened = visit(kind, width)
    screenshot(opened, f"{kind}-{width}")
    expected = 404 if kind == "404" else 200
    assert opened.status == expected
    allowed = f"404 {opened.page.url}" if kind == "404" else ""
    assert opened.watch.problems(allow_status=allowed) == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_nothing_overflows_horizontally(visit: Callable[..., Any], kind: str, width: int) -> None:
    """The page never scrolls sideways: document scrollWidth <= clientWidth."""
    page = visit(kind, width).page
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    culprits = page.evaluate(
        """(limit) => [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
          .slice(0, 8)
          .map((el) => `<${el.localName} class="${el.className}">`
            + ` right=${Math.round(el.getBoundingClientRect().right)}`)""",
        client,
    )
    assert scroll <= client, f"{scroll}px wide in a {client}px viewport: {culprits}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_axe_finds_no_serious_violation(
    visit: Callable[..., Any], axe_script: Path, kind: str, width: int
) -> None:
    """axe-core reports no serious or critical accessibility violation."""
    page = visit(kind, width).page
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
          .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" "))}))"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert blocking == []


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_keyboard_reaches_every_link_in_order(visit: Callable[..., Any], kind: str) -> None:
    """Tab from the top: skip link first, then every link in DOM order, each with a visible focus ring."""
    page = visit(kind, 1280).page
    links = page.evaluate(
        """() => { const all = [...document.querySelectorAll("a[href]")];
                   all.forEach((a, i) => a.setAttribute("data-kb", String(i)));
                   return all.map((a) => a.getAttribute("href")); }"""
    )
    stops = page.evaluate(
        "() => document.querySelectorAll('a[href], button, input, select, textarea, "
        "[tabindex], summary, iframe').length"
    )
    seen: list[dict[str, Any]] = []
    for _ in range(stops + 5):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_INFO)
        if info is None or info.get("wrapped"):
            break
        seen.append(info)
    assert seen, "Tab focused nothing"
    assert seen[0]["skip"], f"the first Tab landed on {seen[0]['desc']}, not the skip link"
    order = [s["link"] for s in seen if s["link"] is not None]
    missed = [links[i] for i in range(len(links)) if i not in order]
    assert missed == [], "links Tab never reached"
    assert order == list(range(len(links))), "links reached out of DOM order"
    unseen = [s["desc"] for s in seen if not (s["ring"] and s["onScreen"])]
    assert unseen == [], "focused without a visible focus ring"


@pytest.mark.parametrize("kind", ["home", "writeup"])
def test_skip_link_moves_focus_to_the_content(visit: Callable[..., Any], kind: str) -> None:
    """The skip link shows when focused and, followed, puts focus on <main>."""
    page = visit(kind, 1280).page
    page.keyboard.press("Tab")
    box = page.evaluate(
        "() => { const r = document.activeElement.getBoundingClientRect();"
        " return [r.width, r.height, r.top, r.left]; }"
    )
    width, height, top, left = box
    assert width > 1 and height > 1 and top >= 0 and left >= 0, "skip link not shown on focus"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    inside = page.evaluate("() => !!document.activeElement.closest('main')")
    assert inside, "Tab after the skip link left the main content"
