"""Pelican glue for breakout_index: settings, the index generator, article attributes, page writing."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from breakout_kernel import build
from breakout_kernel.change.hashing import digest, stable
from breakout_kernel.data import load_site_data
from breakout_kernel.identity import for_site
from breakout_kernel.settings import Option, is_type, positive_int
from breakout_kernel.writing import local_context, macro_module
from breakout_memo.glue import Memo
from breakout_memo.glue import current as current_memo
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url, sanitised_join

from .core import DEFAULTS, build_index
from .entities import Entity, SiteIndex


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


MACROS = "partials/entity_macros.html"


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
    fresh = memo is not None and not claimed and memo.fresh(name, path, fingerprint)
    if fresh and memo is not None and not memo.verify:
        memo.skipped()
        _announce(writer, context, local, path)
        return False
    html = template.render(local)
    unchanged = False
    # With a memo, a page it has no record of was not written by a build it saw (a cold
    # build): rewrite it as Pelican would, without first opening a file that is not there.
    if not claimed and (memo is None or memo.known(name)):
        try:
            with open(path, "rb") as f:
                unchanged = f.read() == html.encode("utf-8")
        except OSError:
            pass
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


# --- fingerprints: what each index page shows ---------------------------------------------
# One function per template, reading exactly the fields that template (and the macros,
# partials and SEO data it uses) shows. Write-ups and comments come as per-build token
# digests (breakout_memo.fingerprint.Tokens). tests/test_memo_templates.py fails when a
# template reads an attribute these do not cover.


def _entries(articles: Any, tokens: Any) -> tuple[str, ...]:
    """Write-up entries of a list (entity_macros' writeup_entry)."""
    return tuple(tokens.entry(a) for a in articles)


def _comments(comments: Any, tokens: Any) -> tuple[str, ...]:
    """Comment entries of a list (entity_macros' comment_head and comment_excerpt)."""
    return tuple(tokens.comment(c) for c in comments)


def _person_page(person: Any, tokens: Any) -> tuple[Any, ...]:
    """person.html: facts, profiles, sessions led, mentions, writing, comments, top lists."""
    return (
        tokens.ref(person),
        person.affiliation,
        tuple(person.counts),
        tuple(tuple(p) for p in person.profiles),
        tuple(person.links),
        tuple((tokens.ref(s), tokens.ref(s.event), len(s.articles)) for s in person.sessions_led),
        tuple((tokens.entry(a), sentence) for a, sentence in person.mentioned_in),
        _entries(person.written, tokens),
        _comments(person.comments_written, tokens),
        tuple((tokens.comment(c), sentence) for c, sentence in person.mentioned_in_comments),
        tokens.refs(person.events),
        tokens.counted(person.top_topics),
        tokens.counted(person.co_mentioned),
    )


def _topic_page(topic: Any, tokens: Any) -> tuple[Any, ...]:
    """topic.html: write-ups, comments, related topics, people, events."""
    return (
        tokens.ref(topic),
        _entries(topic.articles, tokens),
        _comments(topic.comments, tokens),
        tokens.counted(topic.related),
        tokens.counted(topic.people),
        tokens.refs(topic.events),
    )


def _event_page(event: Any, tokens: Any) -> tuple[Any, ...]:
    """event.html: its record (date, place, hashtags, url, note), sessions with leaders and write-ups."""
    return (
        tokens.ref(event),
        stable(event.date),
        stable(event.end_date),
        event.place,
        tuple(event.hashtags),
        stable(event.record, strict=False),
        tuple(
            (tokens.ref(s), tokens.leaders(s.leaders), _entries(s.articles, tokens))
            for s in event.sessions
        ),
        len(event.articles),
        tokens.refs(event.people),
        tokens.refs(event.topics),
    )


def _session_page(session: Any, tokens: Any) -> tuple[Any, ...]:
    """session.html: its event, leaders, write-ups, people, topics, comments."""
    event = session.event
    return (
        tokens.ref(session),
        tokens.ref(event),
        stable(event.date),
        event.place,
        tokens.leaders(session.leaders),
        _entries(session.articles, tokens),
        tokens.refs(session.people),
        tokens.refs(session.topics),
        _comments(session.comments, tokens),
    )


def _people_page(people: Any, tokens: Any) -> tuple[Any, ...]:
    """people.html: each person's link, affiliation and counts."""
    return tuple((tokens.ref(p), p.affiliation, tuple(p.counts)) for p in people)


def _topics_page(topics: Any, tokens: Any) -> tuple[Any, ...]:
    """topics.html: each topic's link, weight and count."""
    return tuple((tokens.ref(t), t.weight, t.count) for t in topics)


def _events_page(events: Any, tokens: Any) -> tuple[Any, ...]:
    """events.html: each event's link, date, place and numbers of sessions and write-ups."""
    return tuple(
        (tokens.ref(e), stable(e.date), e.place, len(e.sessions), len(e.articles)) for e in events
    )


PAGE_TOKENS: dict[str, Callable[[Any, Any], tuple[Any, ...]]] = {
    "person": _person_page,
    "topic": _topic_page,
    "event": _event_page,
    "session": _session_page,
    "people": _people_page,
    "topics": _topics_page,
    "events": _events_page,
}


def page_fingerprint(
    template: str, name: str, siteurl: str, variables: dict[str, Any], tokens: Any
) -> str | None:
    """Fingerprint of one index page (None for a template without a PAGE_TOKENS entry)."""
    make = PAGE_TOKENS.get(template)
    if make is None:
        return None
    page = make(variables[template], tokens)
    return digest((template, name, siteurl, variables.get("page_name"), page))


def entry_memo() -> Any:
    """`index_entry(name, obj, arg)`: a macro of MACROS rendered once per object, argument and SITEURL.

    A write-up is listed on the page of every person, topic, event and session in
    it; rendering its entry once instead of on every page keeps the cost of the
    index pages proportional to their size, not to the work of building each line.
    """
    memo: dict[tuple[str, int, Any, str], Markup] = {}
    modules: dict[tuple[str, int, str], Any] = {}  # for writing.macro_module

    @pass_context
    def index_entry(context: Context, name: str, obj: Any, arg: Any = None) -> Markup:
        # SITEURL is in the key: with RELATIVE_URLS it differs with the page's depth.
        siteurl = str(context.get("SITEURL", ""))
        key = (name, id(obj), arg, siteurl)
        html = memo.get(key)
        if html is None:
            macro = getattr(macro_module(context, MACROS, modules), name)
            html = memo[key] = Markup(macro(obj) if arg is None else macro(obj, arg))
        return html

    def forget() -> None:
        """Drop every entry kept (install_memos calls it on the function it replaces)."""
        memo.clear()
        modules.clear()

    index_entry.forget = forget  # type: ignore[attr-defined]
    return index_entry


def list_memo(index_entry: Any) -> Any:
    """`index_list(kind, items, arg)`: a whole list of memoised entries in one call.

    Byte for byte what the macros' loops in MACROS (writeup_list, entity_list,
    comment_list) and person.html's mentioned_in loop write, with each entry from
    index_entry: a Jinja loop costs a call per item, and the people, topic and session
    pages list about ten items per write-up and comment of the site.
    """

    @pass_context
    def index_list(context: Context, kind: str, items: Any, arg: Any = None) -> Markup:
        def entry(name: str, obj: Any, extra: Any = None) -> str:
            return str(index_entry(context, name, obj, extra))

        def sentence(text: Any) -> str:
            if not text:
                return ""
            return f'<blockquote class="mention-sentence"><p>{escape(text)}</p></blockquote>'

        if kind == "writeup_list":  # arg: show_event
            rows = [f"  <li>{entry('writeup_entry', a, arg)}</li>\n" for a in items]
            return Markup('<ul class="writeup-list">\n' + "".join(rows) + "</ul>")
        if kind == "entity_list":  # arg: (with_counts, noun)
            with_counts, noun = arg
            if not with_counts:
                rows = [f"  <li>{entry('link', item)}</li>\n" for item in items]
            else:
                rows = [
                    f'  <li>{entry("link", e)} <span class="count">({n}<span '
                    f'class="visually-hidden"> {noun}{"" if n == 1 else "s"}</span>)</span></li>\n'
                    for e, n in items
                ]
            return Markup('<ul class="entity-list">\n' + "".join(rows) + "</ul>")
        if kind == "comment_list":  # arg: pairs (items are (comment, sentence))
            if arg:
                rows = [
                    f"  <li>{entry('comment_head', c)}"
                    f"{sentence(s) if s else entry('comment_excerpt', c)}</li>\n"
                    for c, s in items
                ]
            else:
                rows = [
                    f"  <li>{entry('comment_head', c)}{entry('comment_excerpt', c)}</li>\n"
                    for c in items
                ]
            return Markup('<ul class="writeup-list comment-index">\n' + "".join(rows) + "</ul>")
        if kind == "mentioned_in":  # person.html: (write-up, sentence) pairs
            rows = [
                f"    <li>{entry('writeup_entry', a, True)}{sentence(s)}</li>\n" for a, s in items
            ]
            return Markup('  <ul class="writeup-list">\n' + "".join(rows) + "  </ul>")
        raise ValueError(f"index_list: unknown list {kind!r}")

    return index_list


def install_memos(env: Any) -> None:
    """Give env's templates a fresh index_entry and the index_list built on it; empty the old one.

    Emptied, not only replaced: Jinja copies the globals into the context of every macro
    module it makes, and the build's cached macro modules (breakout_macros) outlive this
    call, so the old function stays reachable until the build ends.
    """
    forget = getattr(env.globals.get("index_entry"), "forget", None)
    if forget is not None:
        forget()
    env.globals["index_entry"] = index_entry = entry_memo()
    env.globals["index_list"] = list_memo(index_entry)


class IndexGenerator(Generator):
    """Builds the SiteIndex from the published write-ups and writes the people/topic/event/session pages."""

    index: SiteIndex | None = None

    def generate_context(self) -> None:
        """Index the articles (comments are already attached) and publish context['breakout_index']."""
        settings = self.settings
        site = load_site_data(settings)
        options = build.options(settings, "BREAKOUT_INDEX", SCHEMA)
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
        with gc_frozen():
            for save_as, template, url, variables in self.pages():
                if not save_as:
                    continue  # an empty *_SAVE_AS turns that kind of page off, as in Pelican
                variables["page_name"] = os.path.splitext(save_as)[0]
                fingerprint = None
                if memo is not None:
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
                    **variables,
                )
        install_memos(self.env)  # the entries' HTML is only for these pages: free it
