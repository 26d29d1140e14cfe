"""Guard: the memoised templates read only variables and attributes that some fingerprint covers.

breakout_memo skips a page when its fingerprint is unchanged, so a template that starts
showing something new must have it added to the fingerprint of its pages
(breakout_memo.fingerprint for write-up, home and archives pages,
breakout_index.fingerprints.PAGE_TOKENS for people/topic/event/session pages) and then here.
The lists below say what covers each name.
"""

from __future__ import annotations

from collections.abc import Iterator

import breakout_index.fingerprints as index_fingerprints
import breakout_memo.glue as memo_glue
from conftest import ROOT
from jinja2 import Environment, FileSystemLoader, meta, nodes

TEMPLATES = ROOT / "theme" / "templates"

# Context variables (lower-case; every UPPER-CASE setting is in the global stamp).
VARIABLES = {
    # the page's own object(s): its fingerprint
    "article", "person", "topic", "event", "session", "people", "topics", "events",
    "articles", "dates", "articles_page", "articles_paginator", "articles_previous_page",
    "articles_next_page",
    "output_file",  # the file name is part of every fingerprint
    "pages",  # the menu: global stamp
    # plugin globals made from settings (global stamp) and code (global stamp)
    "breakout_feeds", "breakout_search", "breakout_seo_meta", "breakout_events", "index_entry",
    "breakout_subscribe",  # breakout_subscribe's paths: settings; event_calendar reads date, slug
    "breakout_assets",  # hashed names of the theme's static files: global stamp
    "breakout_macros",  # macro modules (breakout_kernel.writing): code and SITEURL
    "index_list",  # lists of index_entry entries (breakout_index.entries.list_memo): code
    # set or imported inside the templates themselves
    "event_ref", "session_ref", "writeup_card", "here", "ix", "wu", "feed_links", "prev_url",
    "seo", "ics", "undated",
}  # fmt: skip

# Attributes and keys read anywhere in those templates.
ATTRIBUTES = {
    # write-ups: article_page (content, metadata, url, status, locale_date, index
    # attachments, comments), Tokens.card / entry / excerpt
    "title", "url", "date", "locale_date", "content", "summary", "status", "author", "tags",
    "modified", "event", "session", "session_leader", "event_obj", "session_obj", "leaders",
    "people", "topics", "writers", "same_session", "prev_in_event", "next_in_event",
    "comment_list", "comment_count", "comments_closed",
    # comments: Tokens.comment (their author too, above)
    "id", "anchor", "handle", "website", "person_url", "body_html", "depth",
    "duplicates", "removed", "article",
    # index entities: ref() (slug, url, name) and PAGE_TOKENS
    "name", "display_name", "affiliation", "profiles", "links", "counts", "writeups",
    "sessions_led", "mentioned_in", "written", "comments_written", "mentioned_in_comments",
    "events", "top_topics", "co_mentioned", "articles", "comments", "related", "count",
    "weight", "sessions", "place", "end_date", "hashtags", "record", "note", "person",
    # pagination: listing_page (number, pages, neighbours' urls, shown write-ups)
    "object_list", "number", "num_pages", "has_other_pages", "has_previous", "has_next",
    "previous_page_number",
    # made from the above by plugin code: feed links, SEO data, search settings
    "for_article", "for_entity", "site", "href", "type", "label", "description",
    "og_type", "published", "url_is_absolute", "jsonld", "ENABLED", "PAGE_URL",
    # breakout_subscribe's helper: paths from settings, an event's .ics from its slug and date
    "follow", "calendar", "event_calendar",
    # values' own methods and loop/macro helpers
    "isoformat", "startswith", "year", "first", "last", "previtem", "get",
    "link", "plural", "writeup", "writeup_list", "entity_list",
    # macros of partials/writeup.html, read off its module (wu)
    "event_ref", "session_ref", "writeup_card",
}  # fmt: skip

# Filters whose string arguments name attributes (groupby('date.year'), sort(attribute='date')).
ATTRIBUTE_FILTERS = {"groupby", "sort", "map", "selectattr", "rejectattr", "sum", "unique", "attr"}


def memoised_templates() -> list[str]:
    """Templates whose pages have a fingerprint."""
    index_pages = [f"{name}.html" for name in index_fingerprints.PAGE_TOKENS]
    return sorted({*memo_glue.PAGE_FINGERPRINTS, *index_pages})


def environment() -> Environment:
    """An environment that parses the theme (filters are only named, never run)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)))
    for name in ("strftime", "breakout_jsonld"):
        env.filters[name] = lambda value, *args: value
    return env


def closure(env: Environment, roots: list[str]) -> Iterator[tuple[str, nodes.Template]]:
    """Each template and everything it extends, includes or imports, parsed once."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        ast = env.parse(source)
        todo.extend(ref for ref in meta.find_referenced_templates(ast) if ref)
        yield name, ast


def attributes(ast: nodes.Template) -> set[str]:
    """Attribute and constant key names a template reads."""
    found = {node.attr for node in ast.find_all(nodes.Getattr)}
    for item in ast.find_all(nodes.Getitem):
        if isinstance(item.arg, nodes.Const) and isinstance(item.arg.value, str):
            found.add(item.arg.value)
    for flt in ast.find_all(nodes.Filter):
        if flt.name in ATTRIBUTE_FILTERS:
            for arg in [*flt.args, *(kw.value for kw in flt.kwargs)]:
                if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                    found.update(arg.value.split("."))
    return found


def test_memoised_templates_exist() -> None:
    for name in memoised_templates():
        assert (TEMPLATES / name).is_file(), name


def test_memoised_templates_read_only_covered_names() -> None:
    env = environment()
    unknown_variables: dict[str, set[str]] = {}
    unknown_attributes: dict[str, set[str]] = {}
    for name, ast in closure(env, memoised_templates()):
        variables = {v for v in meta.find_undeclared_variables(ast) if not v.isupper()}
        if variables - VARIABLES:
            unknown_variables[name] = variables - VARIABLES
        if attributes(ast) - ATTRIBUTES:
            unknown_attributes[name] = attributes(ast) - ATTRIBUTES
    assert not unknown_variables and not unknown_attributes, (
        f"variables {unknown_variables}, attributes {unknown_attributes}: add them to the "
        "fingerprint of the pages showing them (breakout_memo.fingerprint, "
        "breakout_index.fingerprints.PAGE_TOKENS), then to the lists in this test"
    )
