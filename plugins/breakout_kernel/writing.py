"""What Pelican's Writer.write_file gives a template, for plugins that render pages themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from pelican.utils import get_relative_path, path_to_url


def local_context(
    context: Mapping[str, Any], name: str, variables: Mapping[str, Any], relative_urls: bool
) -> dict[str, Any]:
    """The local context of one page exactly as Pelican's Writer builds it."""
    local = dict(context)
    local["localsiteurl"] = local.get("localsiteurl")
    if relative_urls:
        local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
    local["output_file"] = name
    local.update(variables)
    return local


def forget_rendered(contents: Iterable[Any]) -> None:
    """Drop Pelican's memoised HTML and summary of these content objects (their text changed)."""
    from pelican.contents import Content

    ids = {id(c) for c in contents}
    for memo in (Content.get_content, Content.get_summary):
        cache = memo.cache  # type: ignore[attr-defined]
        for key in [k for k in cache if k and id(k[0]) in ids]:
            del cache[key]


MACROS = "breakout_macros"  # the context name templates call


def macro_modules() -> Callable[..., Any]:
    """`breakout_macros(name)` for templates: a macro file's module, made once per build.

    `{% import name as m with context %}` makes a new module for every page (its macros
    close over the page's context: a reference cycle per page for the collector). The
    theme's macro files read nothing of a page but SITEURL (and settings, the same for
    every page), so one module per template file, environment and SITEURL serves all.
    """
    modules: dict[tuple[str, int, str], Any] = {}

    @pass_context
    def breakout_macros(context: Context, name: str) -> Any:
        return macro_module(context, name, modules)

    return breakout_macros


def macro_module(context: Context, name: str, modules: dict[tuple[str, int, str], Any]) -> Any:
    """The module of macro file `name` for this context's environment and SITEURL, made once.

    SITEURL is in the key: with RELATIVE_URLS it differs with the page's depth.
    """
    key = (name, id(context.environment), str(context.get("SITEURL", "")))
    module = modules.get(key)
    if module is None:
        template = context.environment.get_template(name)
        module = modules[key] = template.make_module(context.get_all())
    return module
