"""Pelican glue for breakout_index: settings, the index generator, article attributes, page writing."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from breakout_kernel import build
from breakout_kernel.change.manifest import carry_if_same, carry_over
from breakout_kernel.data import load_site_data
from breakout_kernel.identity import for_site
from breakout_kernel.settings import Option, is_type, positive_int
from breakout_kernel.writing import local_context
from breakout_memo.glue import Memo
from breakout_memo.glue import current as current_memo
from breakout_redirects.core import Redirect, redirect_page
from breakout_redirects.glue import add_paged_elsewhere, claimed_by_toml
from breakout_text.optout import optout_options
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url, sanitised_join

from .core import DEFAULTS, build_index
from .entities import Entity, SiteIndex
from .entries import install_memos
from .fingerprints import page_fingerprint
from .quotes import requote
from .redirects import old_path, session_redirects


def _strings(value: Any) -> bool:
    """A list or tuple of strings."""
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


SCHEMA = {
    "TOP_N": Option(
        DEFAULTS["TOP_N"],
        positive_int,
        "a whole number of at least 1 (length of 'most often' lists)",
    ),
    "SENTENCE_CHARS": Option(
        DEFAULTS["SENTENCE_CHARS"], positive_int, "a whole number of at least 1"
    ),
    "NAME_PEOPLE": Option(DEFAULTS["NAME_PEOPLE"], is_type(bool), "True or False"),
    "ANONYMOUS_NAMES": Option(
        DEFAULTS["ANONYMOUS_NAMES"], _strings, "a list of names that stand for nobody in particular"
    ),
}


def on_initialized(pelican: Any) -> None:
    """Validate BREAKOUT_INDEX once per build."""
    build.options(pelican.settings, "BREAKOUT_INDEX", SCHEMA)


def get_generators(pelican: Any) -> type[Generator]:
    """The index generator (Pelican runs it after the articles and pages generators)."""
    return IndexGenerator


def attach(index: SiteIndex) -> None:
    """Copy what the index knows about each write-up onto the article (the theme's article.html reads it)."""
    for links in index.writeups:
        article = links.article
        article.event_obj = links.event
        article.session_obj = links.session
        article.leaders = links.leaders
        article.people = links.people
        article.topics = links.topics
        article.writers = links.writers
        article.same_session = links.same_session
        article.prev_in_event = links.prev_in_event
        article.next_in_event = links.next_in_event
    # Every commenter with a person page gets linked from their comments, not only
    # those with a handle or a registry name (breakout_comments' own rule).
    for person in index.people:
        for comment in person.comments_written:
            if not getattr(comment, "person_url", ""):
                comment.person_url = person.url


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a burst of allocation that all stays alive.

    Indexing and rendering a large site allocate hundreds of thousands of small
    objects that live until the end of the build; each full collection walks all of
    them again (a third of the index's time on a 5,000-write-up site). Reference
    counting still frees everything acyclic; collection resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def gc_frozen() -> Iterator[None]:
    """Keep the collector on, but stop it rescanning what already exists (gc.freeze).

    Each rendered page's context sits in a reference cycle (Jinja's `import … with
    context`) until a collection runs, so pausing the collector while writing
    thousands of pages piles them all up; freezing the long-lived index and articles
    keeps the collections that free them cheap.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class Prerendered:
    """Stands in for a template whose output is already rendered (so the Writer does not render it again)."""

    def __init__(self, html: str) -> None:
        """Hold the page's HTML."""
        self.html = html

    def render(self, *args: Any, **kwargs: Any) -> str:
        """The HTML, whatever the context."""
        return self.html


def write_page(
    writer: Any,
    context: dict[str, Any],
    template: Any,
    name: str,
    *,
    relative: bool,
    url: str,
    memo: Memo | None = None,
    fingerprint: str | None = None,
    carried: bool = False,
    **variables: Any,
) -> bool:
    """Render a page unless the memo knows it is current; write it only if its bytes change.

    The local context is built exactly as Writer.write_file builds it. A page left
    alone (skipped, or rendered to the same bytes) is still announced with
    content_written (as if written), so plugins that list pages (sitemaps) see every
    page. Returns True if the file was written.
    """
    local = local_context(context, name, variables, relative)
    path = sanitised_join(writer.output_path, name)
    # A path Pelican already wrote this build goes through the Writer, which reports the clash.
    claimed = path in getattr(writer, "_written_files", ()) or path in getattr(
        writer, "_overridden_files", ()
    )
    # carried: the memo found the page intact and carried it over already (Memo.carried).
    fresh = carried or (memo is not None and not claimed and memo.fresh(name, path, fingerprint))
    if fresh and memo is not None and not memo.verify:
        memo.skipped()
        _announce(writer, context, local, path)
        return False
    html = template.render(local)
    unchanged = False
    # With a memo, a page it has no record of was not written by a build it saw (a cold
    # build): rewrite it as Pelican would, without first opening a file that is not there.
    # The live output's file when the build writes into a fresh folder (tools/build.py).
    live = writer.settings.get("LIVE_OUTPUT_PATH")
    source = os.path.join(live, name) if live else path
    if not claimed and (memo is None or memo.known(name)):
        try:
            with open(source, "rb") as f:
                unchanged = f.read() == html.encode("utf-8")
        except OSError:
            pass
        if unchanged and source != path:
            unchanged = carry_over(source, path)  # same bytes: keep the file (and its mtime)
    if memo is not None and fresh:
        memo.check(name, unchanged)  # VERIFY: the memo would have kept this file
    if not unchanged:
        writer.write_file(
            name, Prerendered(html), context, relative_urls=relative, url=url, **variables
        )
    else:
        _announce(writer, context, local, path)
    if memo is not None:
        memo.record(name, path, fingerprint if not claimed else None)
    return not unchanged


def _announce(writer: Any, context: dict[str, Any], local: dict[str, Any], path: str) -> None:
    """What Writer.write_file does besides rendering and writing: bookkeeping, localsiteurl, signal."""
    written = getattr(writer, "_written_files", None)
    if isinstance(written, set):
        written.add(path)  # so a later write of the same path fails as in Pelican
    if local["localsiteurl"]:
        context["localsiteurl"] = local["localsiteurl"]
    signals.content_written.send(path, context=local)


class IndexGenerator(Generator):
    """Builds the SiteIndex from the published write-ups and writes the people/topic/event/session pages."""

    index: SiteIndex | None = None
    # (old save_as, new URL) of each session's address under the earlier slug rule
    old_sessions: tuple[tuple[str, str], ...] = ()

    def generate_context(self) -> None:
        """Index the articles (comments are already attached) and publish context['breakout_index']."""
        settings = self.settings
        site = load_site_data(settings)
        options = build.options(settings, "BREAKOUT_INDEX", SCHEMA)
        # The wording that replaces people who opted out stands for nobody (no page for it).
        optout = optout_options(settings)
        anonymous = (*options["ANONYMOUS_NAMES"], optout["WORDING"], optout["COMMENT_AUTHOR"])
        options = {**options, "ANONYMOUS_NAMES": anonymous}
        with gc_paused():
            self.index = build_index(
                self.context.get("articles", []),
                settings=settings,
                people=site.people,
                events=site.events,
                identity=for_site(settings, site),
                options=options,
                people_path=site.people_path,
                base=os.path.dirname(os.path.abspath(settings["PATH"])),
            )
        attach(self.index)  # before the articles generator writes the write-up pages
        self.context["breakout_index"] = self.index
        siteurl = str(self.context.get("SITEURL", ""))
        self.old_sessions = tuple(session_redirects(self.index.sessions, settings, siteurl))
        # The host files (_redirects, the nginx map) send the old session addresses on too.
        add_paged_elsewhere(
            settings, [Redirect(old_path(save_as), url) for save_as, url in self.old_sessions]
        )

    def pages(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(save_as, template, url, template variables) of every index page, in a fixed order."""
        index = self.index
        if index is None:
            return
        s = self.settings
        yield (
            s.get("PEOPLE_SAVE_AS", ""),
            "people",
            s.get("PEOPLE_URL", ""),
            {"people": index.people},
        )
        yield (
            s.get("TOPICS_SAVE_AS", ""),
            "topics",
            s.get("TOPICS_URL", ""),
            {"topics": index.topics},
        )
        yield (
            s.get("EVENTS_SAVE_AS", ""),
            "events",
            s.get("EVENTS_URL", ""),
            {"events": index.events},
        )
        entities: list[tuple[str, str, list[Entity]]] = [
            ("person", "person", list(index.people)),
            ("topic", "topic", list(index.topics)),
            ("event", "event", list(index.events)),
            ("session", "session", list(index.sessions)),
        ]
        for variable, template, items in entities:
            for item in items:
                yield item.save_as, template, item.url, {variable: item}

    def generate_output(self, writer: Any) -> None:
        """Write every index page through Pelican's Writer (current and unchanged files are left alone)."""
        relative = bool(self.settings.get("RELATIVE_URLS", False))
        install_memos(self.env)
        memo = current_memo(self.settings)
        quoting = self.requote(memo)
        with gc_frozen():
            for save_as, template, url, variables in self.pages():
                if not save_as:
                    continue  # an empty *_SAVE_AS turns that kind of page off, as in Pelican
                variables["page_name"] = os.path.splitext(save_as)[0]
                fingerprint = None
                # A kept build: these pages show no write-up's text but the sentences a
                # person page quotes, so an intact page quoting no edited write-up stands.
                carried = (
                    memo is not None
                    and memo.text_edited is not None
                    and variables.get("person") not in quoting
                    and memo.carried(save_as, sanitised_join(writer.output_path, save_as))
                )
                if memo is not None and not carried:
                    siteurl = (
                        path_to_url(get_relative_path(save_as))
                        if relative
                        else str(self.context.get("SITEURL", ""))
                    )
                    with memo.timer():
                        fingerprint = page_fingerprint(
                            template, save_as, siteurl, variables, memo.tokens
                        )
                write_page(
                    writer,
                    self.context,
                    self.get_template(template),
                    save_as,
                    relative=relative,
                    url=url,
                    memo=memo,
                    fingerprint=fingerprint,
                    carried=carried,
                    **variables,
                )
        install_memos(self.env)  # the entries' HTML is only for these pages: free it
        self.write_redirects(writer)

    def requote(self, memo: Memo | None) -> set[Any]:
        """A kept build: the people quoting an edited write-up, with its sentences as they now read.

        The kept build took the edit because only its text changed, the sentences of its
        mentions included (tools/kept.py); their pages are fingerprinted, not carried.
        """
        if self.index is None or memo is None or memo.text_edited is None:
            return set()
        edited = [
            w.article
            for w in self.index.writeups
            if str(getattr(w.article, "source_path", "")) in memo.text_edited
        ]
        chars = int(build.options(self.settings, "BREAKOUT_INDEX", SCHEMA)["SENTENCE_CHARS"])
        requote(edited, chars)
        # Every one of them, not only those whose sentence differs from the reading's: the
        # live output holds the last kept build's pages, which an edit may have just undone.
        return {person for article in edited for person in getattr(article, "people", ())}

    def write_redirects(self, writer: Any) -> None:
        """Sessions' old addresses: small pages sending readers on (not announced: no sitemap entry)."""
        # The live output's page when the build writes into a fresh folder, else this one.
        previous = self.settings.get("LIVE_OUTPUT_PATH") or writer.output_path
        claimed = claimed_by_toml(self.settings)  # a redirects.toml line for the path wins
        for save_as, url in self.old_sessions:  # found with the index
            if save_as in claimed:
                continue
            path = sanitised_join(writer.output_path, save_as)
            data = redirect_page(url).encode("utf-8")
            if carry_if_same(previous, save_as, path, data):
                continue  # the same bytes: keep that file (a link, or left alone in place)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
