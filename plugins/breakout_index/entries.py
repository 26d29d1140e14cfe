"""Index-page entries rendered once per build: `index_entry` and `index_list` for the templates.

A write-up or comment is listed on the page of every person, topic, event and session
it touches; its entry is rendered once (per object, argument and SITEURL) and lists of
them are written in one call, byte for byte what the macros' own loops write.
"""

from __future__ import annotations

from typing import Any

from breakout_kernel.writing import macro_module
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

MACROS = "partials/entity_macros.html"  # the macro file whose entries are memoised


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
