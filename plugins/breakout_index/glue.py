"""Pelican glue for breakout_index: settings, the index generator, article attributes, page writing."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from breakout_content.data import load_site_data
from breakout_content.settings import Option, is_type, positive_int, validated
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url, sanitised_join

from .core import DEFAULTS, build_index
from .entities import Entity, SiteIndex
from .identity import Identity

_state: dict[str, Any] = {}


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
    _state["options"] = validated(pelican.settings, "BREAKOUT_INDEX", SCHEMA)


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
    **variables: Any,
) -> bool:
    """Render a page; leave the file alone if its bytes would not change, else write it via the Writer.

    The local context is built exactly as Writer.write_file builds it. An unchanged
    page is still announced with content_written (as if written), so plugins that
    list pages (sitemaps) see every page. Returns True if the file was written.
    """
    local = context.copy()
    local["localsiteurl"] = local.get("localsiteurl", None)
    if relative:
        local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
    local["output_file"] = name
    local.update(variables)
    html = template.render(local)
    path = sanitised_join(writer.output_path, name)
    try:
        with open(path, "rb") as f:
            unchanged = f.read() == html.encode("utf-8")
    except OSError:
        unchanged = False
    if not unchanged:
        writer.write_file(
            name, Prerendered(html), context, relative_urls=relative, url=url, **variables
        )
        return True
    if local["localsiteurl"]:
        context["localsiteurl"] = local["localsiteurl"]  # as Writer.write_file does
    signals.content_written.send(path, context=local)
    return False


def entry_memo(env: Any) -> Any:
    """`index_entry(name, obj, arg)`: a macro of MACROS rendered once per object, argument and SITEURL.

    A write-up is listed on the page of every person, topic, event and session in
    it; rendering its entry once instead of on every page keeps the cost of the
    index pages proportional to their size, not to the work of building each line.
    """
    memo: dict[tuple[str, int, Any, str], Markup] = {}
    modules: dict[str, Any] = {}

    @pass_context
    def index_entry(context: Context, name: str, obj: Any, arg: Any = None) -> Markup:
        # SITEURL is in the key: with RELATIVE_URLS it differs with the page's depth.
        siteurl = str(context.get("SITEURL", ""))
        key = (name, id(obj), arg, siteurl)
        html = memo.get(key)
        if html is None:
            module = modules.get(siteurl)
            if module is None:
                module = modules[siteurl] = env.get_template(MACROS).make_module(context.get_all())
            macro = getattr(module, name)
            html = memo[key] = Markup(macro(obj) if arg is None else macro(obj, arg))
        return html

    return index_entry


class IndexGenerator(Generator):
    """Builds the SiteIndex from the published write-ups and writes the people/topic/event/session pages."""

    index: SiteIndex | None = None

    def generate_context(self) -> None:
        """Index the articles (comments are already attached) and publish context['breakout_index']."""
        settings = self.settings
        site = load_site_data(settings)
        options = _state.get("options") or validated(settings, "BREAKOUT_INDEX", SCHEMA)
        with gc_paused():
            self.index = build_index(
                self.context.get("articles", []),
                settings=settings,
                people=site.people,
                events=site.events,
                identity=Identity.for_site(site.people, site.events, settings),
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
        """Write every index page through Pelican's Writer (unchanged files are left alone)."""
        relative = bool(self.settings.get("RELATIVE_URLS", False))
        self.env.globals["index_entry"] = entry_memo(self.env)
        with gc_paused():
            for save_as, template, url, variables in self.pages():
                if not save_as:
                    continue  # an empty *_SAVE_AS turns that kind of page off, as in Pelican
                write_page(
                    writer,
                    self.context,
                    self.get_template(template),
                    save_as,
                    relative=relative,
                    url=url,
                    page_name=os.path.splitext(save_as)[0],
                    **variables,
                )
