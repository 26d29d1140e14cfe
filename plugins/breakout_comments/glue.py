"""Pelican receivers for breakout_comments: read comment files once, attach threads to articles."""

from __future__ import annotations

import logging
import os
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from breakout_kernel import build, data, errors, readahead, source
from breakout_kernel.change.hashing import file_state
from breakout_kernel.change.manifest import carry_if_same
from breakout_kernel.identity import Identity, for_site
from breakout_kernel.settings import Option, is_type, positive_int
from breakout_text import api
from pelican.utils import strftime

from .assemble import Assembly, assemble
from .cache import RenderCache, Signature, ThreadCache, ThreadKey, make_stamp
from .intake import CommentForm, ManifestEntry, form_action, manifest_json
from .model import Comment, Problem, Rendered
from .parse import COMMENT_EXTENSIONS, parse_comment_file
from .render import BodyRenderer
from .scan import find_comment_files

log = logging.getLogger("breakout.comments")

SCHEMA = {
    "PATH": Option("comments", is_type(str), "a folder name inside PATH, e.g. 'comments'"),
    "CACHE": Option(True, is_type(bool), "True or False (keep rendered comments between builds)"),
    "INTAKE_URL": Option(
        "",
        lambda v: v == "" or (isinstance(v, str) and v.startswith(("http://", "https://"))),
        "the comment intake service's URL, e.g. 'http://127.0.0.1:8001', or '' for no form",
    ),
    "MANIFEST": Option(
        "intake.json",
        lambda v: v is None or (isinstance(v, str) and v.endswith(".json") and ".." not in v),
        "a .json path inside OUTPUT_PATH for the intake service, or None",
    ),
    "MAX_LENGTH": Option(5000, positive_int, "the most characters a comment may have"),
    "MAX_LINKS": Option(3, is_type(int), "the most links a comment may hold (0 or more)"),
}
CACHE_FILE = "breakout-comments.pickle"
THREADS_FILE = "breakout-comment-threads.pickle"
# Settings that change a rendered comment (links, dates, Markdown); the data files and the
# Breakout's code are hashed as well (see stamp()).
STAMP_SETTINGS = (
    "SITEURL", "PERSON_URL", "TOPIC_URL", "EVENT_URL", "TIMEZONE", "MARKDOWN",
    "BREAKOUT_TEXT", "BREAKOUT_COMMENTS", "BREAKOUT_OPTOUT",
)  # fmt: skip


def on_initialized(pelican: Any) -> None:
    """Validate BREAKOUT_COMMENTS before anything is read."""
    if not _options(pelican.settings)["INTAKE_URL"]:
        log.warning(
            "BREAKOUT_COMMENTS['INTAKE_URL'] is empty (BREAKOUT_INTAKE_URL unset?): "
            "write-ups get no comment form"
        )


def _options(settings: dict[str, Any]) -> dict[str, Any]:
    """The validated BREAKOUT_COMMENTS of this build."""
    return build.options(settings, "BREAKOUT_COMMENTS", SCHEMA)


def markdown_factory(settings: dict[str, Any]) -> Callable[[], Any]:
    """The text engine's Markdown: comment bodies link @handles and #hashtags as write-ups do."""
    return lambda: api.new_markdown(settings)


def _writeups(generator: Any) -> list[Any]:
    """Every write-up comments may belong to: published, hidden, then drafts (originals first)."""
    return list(chain(generator.articles, generator.hidden_articles, generator.drafts))


def _translations(generator: Any) -> list[Any]:
    """Translations of write-ups: they show the comments of their original."""
    return list(
        chain(generator.translations, generator.hidden_translations, generator.drafts_translations)
    )


def _unreadable_slugs(settings: dict[str, Any], known: set[str]) -> dict[str, str]:
    """Stems (and paths) of write-up files that produced no article (their read failed)."""
    found: dict[str, str] = {}
    for sub in settings.get("ARTICLE_PATHS", []):
        for folder, _dirs, files in os.walk(os.path.join(settings["PATH"], sub)):
            for name in files:
                stem, ext = os.path.splitext(name)
                if ext in COMMENT_EXTENSIONS and stem not in known:
                    found[stem] = os.path.join(folder, name)
    return found


def stamp(settings: dict[str, Any]) -> str:
    """What, besides a comment file's own bytes, its cached rendering depends on."""
    return make_stamp(settings, STAMP_SETTINGS, data.data_paths(settings))


def read_all(
    files: list[tuple[str, Signature]], settings: dict[str, Any], cache: RenderCache
) -> list[Rendered]:
    """Parse and render every comment file (path, signature), reusing the cache for unchanged ones.

    With more than one worker, the files the cache does not hold are read ahead in forked
    worker processes (breakout_kernel.readahead), each one's messages replayed in order.
    """
    tz = zoneinfo.ZoneInfo(settings.get("TIMEZONE") or "UTC")
    renderer = BodyRenderer(markdown_factory(settings))

    def render(path: str) -> Rendered:
        text = source.read_text(path)  # strict: a bad byte fails the build, named
        return renderer.render(*parse_comment_file(text, path, tz))

    found = [cache.get(path, sig) for path, sig in files]
    todo = [path for (path, _sig), hit in zip(files, found, strict=True) if hit is None]
    # The Markdown instance is made once, before the fork: every worker shares it.
    pool = readahead.start(settings, todo, render, prepare=renderer.prepare)
    out: list[Rendered] = []
    try:
        for (path, sig), hit in zip(files, found, strict=True):
            if hit is None:
                try:
                    hit = pool.take(path) if pool is not None else None
                    if hit is None:
                        hit = render(path)
                except errors.ContentError:
                    continue
                cache.put(path, sig, hit)
            out.append(hit)
    finally:
        readahead.finish(pool)
    return out


def report(problems: Iterable[Problem]) -> None:
    """Log every problem, file by file, line by line."""
    for p in sorted(problems, key=lambda p: (p.path, p.line or 0)):
        (errors.report if p.error else errors.warn)(p.path, p.line, p.message)


def _attach(
    article: Any, roots: list[Comment], flat: list[Comment], form: CommentForm | None = None
) -> None:
    """Set the contract attributes on one article."""
    # Pelican set article.comments to the 'Comments:' metadata string; the metadata dict keeps it.
    article.comments_closed = str(article.metadata.get("comments", "")).strip().lower() == "closed"
    article.comments = roots
    article.comment_list = flat
    article.comment_count = sum(1 for c in flat if not c.removed)
    article.comment_form = None if article.comments_closed else form


def _form(article: Any, options: dict[str, Any]) -> CommentForm | None:
    """The comment form of a published write-up when there is an intake service; else None."""
    action = form_action(options["INTAKE_URL"])
    if not action or article.status != "published":
        return None  # drafts and hidden write-ups take no comments from readers
    return CommentForm(action, article.slug, options["MAX_LENGTH"], options["MAX_LINKS"])


# strftime directives that read only the date: a format made of these alone gives the
# same text for every comment of a day, so it is formatted once per day, not per comment.
_DATE_ONLY = frozenset("aAbBdjmuUVwWxyYGg%")
_DIRECTIVE = re.compile(r"%-?(.)")


class Decorator:
    """Fills in what needs the article and settings: url, person page, formatted date."""

    def __init__(self, settings: dict[str, Any], identity: Identity) -> None:
        """Take this build's identity service and URL and date settings."""
        self.identity = identity
        self.person_url: str = settings["PERSON_URL"]
        self.date_format: str = settings["DEFAULT_DATE_FORMAT"]
        self.by_day = set(_DIRECTIVE.findall(self.date_format)) <= _DATE_ONLY
        # Memos for this build: authors and days repeat across the site's comments.
        self.persons: dict[tuple[str, str], tuple[str, str]] = {}
        self.dates: dict[Any, str] = {}

    def thread(self, article: Any, flat: list[Comment]) -> None:
        """Decorate the comments of one article's thread."""
        base = article.url  # a property that formats ARTICLE_URL: once per article
        for comment in flat:
            comment.article = article
            comment.url = f"{base}#{comment.anchor}"
            if not comment.removed:
                comment.person, comment.person_url = self._person(comment.author, comment.handle)
            if comment.date is not None:
                key = comment.date.date() if self.by_day else comment.date
                text = self.dates.get(key)
                if text is None:
                    text = self.dates[key] = strftime(comment.date, self.date_format)
                comment.locale_date = text

    def _person(self, author: str, handle: str) -> tuple[str, str]:
        """Person slug and page of a comment's author ("" when none), memoised."""
        key = (author, handle)
        found = self.persons.get(key)
        if found is None:
            slug = self.identity.comment_author(author, handle)
            found = self.persons[key] = (slug, self.person_url.format(slug=slug) if slug else "")
        return found


def newest_first(comments: list[Comment]) -> list[Comment]:
    """Dated comments newest first, then undated ones in the order given (stable)."""
    return sorted(comments, key=lambda c: (c.date is None, -c.date.timestamp() if c.date else 0.0))


def _assembly(
    settings: dict[str, Any],
    options: dict[str, Any],
    paths: list[str],
    slugs: tuple[set[str], set[str], set[str]],
) -> Assembly:
    """This build's threads and problems: the last build's when nothing they came from changed.

    `slugs`: the write-ups' slugs, the unreadable ones and those not to mention (assemble()).
    """
    files = [(path, file_state(path)) for path in paths]
    known, unreadable, quiet = slugs
    key: ThreadKey = (tuple(files), *(tuple(sorted(s)) for s in (known, unreadable, quiet)))
    use_cache = options["CACHE"] and settings.get("CACHE_CONTENT", False)
    load = bool(use_cache and settings.get("LOAD_CONTENT_CACHE", True))
    cache_path, mark = settings["CACHE_PATH"], stamp(settings)
    threads = ThreadCache(os.path.join(cache_path, THREADS_FILE), mark)
    if load and (saved := threads.get(key)) is not None:
        return saved  # no comment file added, edited, moved or removed; no slug changed
    cache = RenderCache(os.path.join(cache_path, CACHE_FILE), mark, load=load)
    rendered = read_all(files, settings, cache)
    assembly = assemble(rendered, known, unreadable=unreadable, quiet=quiet)
    if use_cache:
        cache.save(set(paths))
        if len(rendered) == len(files):
            # Not when a file could not be read: its error must be reported by every build.
            threads.save(key, assembly)
    return assembly


def on_article_generator_finalized(generator: Any) -> None:
    """Read all comment files, report problems, thread them and attach them to write-ups."""
    settings = generator.settings
    options = _options(settings)
    root = os.path.join(settings["PATH"], options["PATH"])
    paths, problems = find_comment_files(root)

    writeups = _writeups(generator)
    by_slug: dict[str, Any] = {}
    for article in writeups:
        first = by_slug.setdefault(article.slug, article)
        if first is not article and os.path.isdir(os.path.join(root, article.slug)):
            other = errors.location(first.source_path, None, _base(settings))
            message = (
                f"slug '{article.slug}' is also the slug of {other}, so comments/{article.slug}/ "
                "cannot tell them apart; give one a different Slug"
            )
            problems.append(Problem(article.source_path, None, message))
    unreadable = _unreadable_slugs(settings, set(by_slug))
    quiet = {slug for slug, path in unreadable.items() if errors.followed(path)}
    assembly = _assembly(settings, options, paths, (set(by_slug), set(unreadable), quiet))
    report([*problems, *assembly.problems])

    decorate = Decorator(settings, for_site(settings))
    shown: list[Comment] = []
    drafts = {id(a) for a in generator.drafts}
    for article in writeups:
        thread = assembly.threads.get(article.slug) if by_slug[article.slug] is article else None
        roots, flat = (thread.roots, thread.flat) if thread else ([], [])
        decorate.thread(article, flat)
        owner = by_slug[article.slug] is article  # a second write-up with the slug gets no form
        _attach(article, roots, flat, _form(article, options) if owner else None)
        if id(article) not in drafts:
            # A draft's comments stay on the draft: person and topic pages must not link to it.
            shown.extend(c for c in flat if not c.removed)
    for translation in _translations(generator):
        original = by_slug.get(translation.slug)
        if original is None:
            _attach(translation, [], [])
        else:
            _attach(translation, original.comments, original.comment_list)
    generator.context["breakout_comments"] = newest_first(shown)
    current = build.current(settings)
    if current is not None:
        current.part(IntakeManifest).text = _manifest(generator.articles, settings, options)


@dataclass
class IntakeManifest:
    """This build's intake manifest, made with the threads and written once the build succeeded."""

    text: str | None = None


def _manifest(articles: list[Any], settings: dict[str, Any], options: dict[str, Any]) -> str:
    """The intake service's manifest for this build's published write-ups."""
    entries = [
        ManifestEntry(
            slug=a.slug,
            url=a.url,
            title=a.title,
            open=a.comment_form is not None,
            comments=tuple(c.id for c in a.comment_list if not c.removed),
        )
        for a in articles
    ]
    return manifest_json(
        entries,
        timezone=settings.get("TIMEZONE") or "UTC",
        thanks_url=settings.get("THANKS_URL", ""),
        max_length=options["MAX_LENGTH"],
        max_links=options["MAX_LINKS"],
    )


def on_finalized(pelican: Any) -> None:
    """Write the intake manifest once the build has succeeded (a failed build raised before)."""
    name = _options(pelican.settings)["MANIFEST"]
    current = build.current(pelican.settings)
    text = current.part(IntakeManifest).text if current is not None else None
    if not name or text is None:
        return
    path = os.path.join(pelican.settings["OUTPUT_PATH"], name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # Unchanged since the live output's (builds write into a fresh folder): carried over,
    # so a warm build rewrites nothing.
    live = pelican.settings.get("LIVE_OUTPUT_PATH") or pelican.settings["OUTPUT_PATH"]
    if carry_if_same(live, name, path, text.encode("utf-8")):
        return
    # Replaced whole (the service may read it at any moment): temporary file, then rename.
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _base(settings: dict[str, Any]) -> str:
    """Folder that reported paths are relative to (as breakout_kernel.errors shows them)."""
    return os.path.dirname(os.path.abspath(settings["PATH"]))
