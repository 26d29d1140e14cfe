"""`invoke check`: run every site check over a built output folder; one problem per line."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.linkcheck import check_links


@dataclass(frozen=True)
class CheckContext:
    """What a check may look at: the built folder, the settings it was built with, the sources."""

    output_dir: Path
    settings: Mapping[str, Any]
    content_dir: Path


Check = Callable[[CheckContext], list[str]]


def links(ctx: CheckContext) -> list[str]:
    """Every internal link and anchor resolves."""
    return check_links(ctx.output_dir, siteurl=str(ctx.settings.get("SITEURL") or ""))


def pages_present(ctx: CheckContext) -> list[str]:
    """Every write-up and page has its output page; the fixed index pages exist."""
    return missing_pages(ctx.output_dir, ctx.settings)


def _unavailable(what: str, exc: Exception) -> list[str]:
    # Not a silent skip: a missing check fails the run until it is wired in.
    return [f"(check) {what} is not available: {exc}"]


def feeds(ctx: CheckContext) -> list[str]:
    """Every feed parses and is valid (tools.feedcheck, owned by the feeds plugin)."""
    try:
        from tools.feedcheck import check_site_feeds
    except ImportError as exc:
        return _unavailable("the feed check tools.feedcheck.check_site_feeds", exc)
    return list(check_site_feeds(ctx.output_dir, ctx.settings))


def feed_html(ctx: CheckContext) -> list[str]:
    """No feed's HTML (descriptions, summaries, contents) holds script (tools.feedcheck)."""
    try:
        from tools.feedcheck import check_feed_html
    except ImportError as exc:
        return _unavailable("the feed HTML check tools.feedcheck.check_feed_html", exc)
    return list(check_feed_html(ctx.output_dir))


def feed_ids(ctx: CheckContext) -> list[str]:
    """Feed entry ids are unique and stable (tools.feedcheck)."""
    try:
        from tools.feedcheck import check_ids
    except ImportError as exc:
        return _unavailable("the feed id check tools.feedcheck.check_ids", exc)
    return list(check_ids(ctx.output_dir, ctx.settings))


def subscriptions(ctx: CheckContext) -> list[str]:
    """OPML, open data and calendar links resolve; graph.json fits its schema (tools.subscribecheck)."""
    try:
        from tools.subscribecheck import check_subscriptions
    except ImportError as exc:
        return _unavailable("the subscriptions check tools.subscribecheck", exc)
    return list(check_subscriptions(ctx.output_dir, ctx.settings))


def lint(ctx: CheckContext) -> list[str]:
    """Probable mistyped handles and topics (breakout_text.lint)."""
    try:
        from breakout_text.lint import lint_site
    except ImportError as exc:
        return _unavailable("the handle/topic lint breakout_text.lint.lint_site", exc)
    return list(lint_site(ctx.settings))


def redirects(ctx: CheckContext) -> list[str]:
    """Every old address in content/redirects.toml has its redirect page, landing on a page."""
    try:
        from breakout_redirects.core import parse_file, verify
    except ImportError as exc:
        return _unavailable("the redirect check breakout_redirects.core.verify", exc)
    source = ctx.content_dir / "redirects.toml"
    entries, problems = parse_file(source)
    shown = os.path.relpath(source) if not os.path.relpath(source).startswith("..") else source
    out = [f"{shown}:{line}: {message}" for line, message in problems]
    lines = {entry.old: entry.line for entry in entries}
    siteurl = str(ctx.settings.get("SITEURL") or "")
    # A redirect to a draft this build does not write is left out by the build (it warns).
    repo = ctx.content_dir.parent
    pages = content_pages(ctx.settings) if entries else iter(())  # reads every source's meta
    unwritten = {src for src, page in pages if page == ""}
    written = [
        e.old
        for e in entries
        if os.path.relpath(ctx.content_dir / e.target.lstrip("/"), repo).replace(os.sep, "/")
        not in unwritten
    ]
    for old, message in verify(ctx.output_dir, written, siteurl):
        out.append(f"{shown}:{lines.get(old)}: redirect {old}: {message}")
    return out


def unnamed(ctx: CheckContext) -> list[str]:
    """No output file names someone who opted out (people.toml optout = true)."""
    try:
        from breakout_text.erasure import erasure_of_site

        from tools.namecheck import find_leaks
    except ImportError as exc:
        return _unavailable("the opt-out check breakout_text.erasure", exc)
    erasure = erasure_of_site(ctx.settings)
    return find_leaks(ctx.output_dir, erasure) if erasure.active else []


def image_metadata(ctx: CheckContext) -> list[str]:
    """No image under content/'s static paths holds metadata, unless kept on purpose (tools.imagecheck)."""
    from tools.imagecheck import problems

    return problems(ctx.content_dir, ctx.settings)


DEFAULT_CHECKS: tuple[Check, ...] = (
    links,
    pages_present,
    feeds,
    feed_html,
    feed_ids,
    subscriptions,
    lint,
    unnamed,
    redirects,
    image_metadata,
)


def run_checks(
    output_dir: Path | str,
    *,
    conf: Path | str,
    content: Path | str,
    overrides: Mapping[str, Any] | None = None,
    checks: Sequence[Check] | None = None,
) -> list[str]:
    """Run the checks (all of DEFAULT_CHECKS unless given) over a build; [] means it passed."""
    from tools.build import load_settings

    output_dir = Path(output_dir)
    if not output_dir.is_dir():
        return [f"{output_dir}: no such folder (build the site first)"]
    settings = load_settings(Path(conf), path=Path(content), output=output_dir, overrides=overrides)
    ctx = CheckContext(output_dir=output_dir, settings=settings, content_dir=Path(content))
    problems: list[str] = []
    for check in DEFAULT_CHECKS if checks is None else checks:
        problems.extend(check(ctx))
    return problems


# --- "no page missing" -------------------------------------------------------------------

META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))
from breakout_kernel.source import MARKDOWN_EXTENSIONS as SOURCE_SUFFIXES  # noqa: E402


def read_meta(text: str) -> dict[str, str]:
    """The leading `Key: value` block of a Markdown source, keys lower-cased."""
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break
        m = META_LINE.match(line)
        if m:
            meta.setdefault(m.group("key").lower(), m.group("value").strip())
        elif not line.startswith((" ", "\t")):
            break
    return meta


class _Blank(dict):
    """Format mapping whose unknown keys become "" (so odd SAVE_AS patterns still format)."""

    def __missing__(self, key: str) -> str:
        return ""


def expected_save_as(
    meta: Mapping[str, str], stem: str, settings: Mapping[str, Any], kind: str
) -> str:
    """Where Pelican writes an article or page with this metadata ('' if it is not written)."""
    from pelican.utils import get_date, slugify

    status = meta.get("status", "published").lower()
    if kind == "article":
        pattern = settings["DRAFT_SAVE_AS"] if status == "draft" else settings["ARTICLE_SAVE_AS"]
    else:
        pattern = settings["DRAFT_PAGE_SAVE_AS"] if status == "draft" else settings["PAGE_SAVE_AS"]
    values: dict[str, Any] = _Blank(meta)
    source = (
        stem if settings.get("SLUGIFY_SOURCE", "title") == "basename" else meta.get("title", "")
    )
    values["slug"] = meta.get("slug") or slugify(
        source,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )
    if meta.get("date"):
        values["date"] = get_date(meta["date"].replace("_", " "))
    return pattern.format_map(values)


def _sources(content_dir: Path, subdirs: Iterable[str]) -> list[Path]:
    """Markdown sources under the given content subfolders, sorted; dot-files skipped."""
    found: list[Path] = []
    for sub in subdirs:
        folder = content_dir / sub
        if folder.is_dir():
            found.extend(
                p
                for p in folder.rglob("*")
                if p.suffix in SOURCE_SUFFIXES and not any(part.startswith(".") for part in p.parts)
            )
    return sorted(found)


def fixed_pages(settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(output file, what it is) for the pages every Breakout site has."""
    pages = [
        (settings.get("INDEX_SAVE_AS") or "index.html", "the home page"),
        (settings.get("ARCHIVES_SAVE_AS") or "archives.html", "the archives"),
        (settings.get("404_SAVE_AS") or "404.html", "the 404 page"),
        (settings.get("PEOPLE_SAVE_AS") or "people/index.html", "the people index"),
        (settings.get("TOPICS_SAVE_AS") or "topics/index.html", "the topics index"),
        (settings.get("EVENTS_SAVE_AS") or "events/index.html", "the events index"),
    ]
    return pages


def content_pages(settings: Mapping[str, Any]) -> Iterator[tuple[str, str | Exception]]:
    """(source as shown, its output file or why it cannot be worked out) of each write-up and page.

    The output file is "" for one the settings do not write (a draft under publishconf.py).
    """
    content_dir = Path(settings["PATH"])
    repo = content_dir.parent
    for kind, subdirs in (
        ("article", settings.get("ARTICLE_PATHS", [])),
        ("page", settings.get("PAGE_PATHS", [])),
    ):
        for src in _sources(content_dir, subdirs):
            shown = os.path.relpath(src, repo).replace(os.sep, "/")
            try:
                meta = read_meta(src.read_text(encoding="utf-8"))
                yield shown, expected_save_as(meta, src.stem, settings, kind)
            except (ValueError, OverflowError, UnicodeDecodeError) as exc:
                yield shown, exc


def site_addresses(settings: Mapping[str, Any]) -> dict[str, str]:
    """{output file: what it is} of the fixed pages and of every write-up and page written."""
    found = dict(fixed_pages(settings))
    for shown, save_as in content_pages(settings):
        if isinstance(save_as, str) and save_as:
            found.setdefault(save_as, shown)
    return found


def missing_pages(output_dir: Path, settings: Mapping[str, Any]) -> list[str]:
    """One line per write-up, page or fixed index whose output file is absent."""
    problems: list[str] = []
    for save_as, what in fixed_pages(settings):
        if not (output_dir / save_as).is_file():
            problems.append(f"{save_as}: missing ({what})")
    for shown, page in content_pages(settings):
        if isinstance(page, Exception):
            problems.append(f"{shown}: cannot work out its output page ({page})")
        elif page and not (output_dir / page).is_file():
            problems.append(f"{shown}: its page {page} is missing from the output")
    return problems
