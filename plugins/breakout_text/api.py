"""Markdown instances with the text engine, for anything that renders Markdown outside the reader."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import markdown
from breakout_kernel.identity import Identity, for_site

from .mdext import BreakoutTextExtension

META_EXTENSIONS = ("meta", "markdown.extensions.meta")


def is_text_extension(ext: object) -> bool:
    """Is this (an instance of) the text engine's extension, from any import of the module?"""
    return isinstance(ext, markdown.extensions.Extension) and (
        type(ext).__name__ == BreakoutTextExtension.__name__
    )


def identity_for(settings: Mapping[str, Any]) -> Identity:
    """The identity service of this build (the one glue put in MARKDOWN), else for_site's."""
    for ext in (settings.get("MARKDOWN") or {}).get("extensions", []):
        if is_text_extension(ext):
            return ext.identity
    return for_site(settings)


def new_markdown(
    settings: Mapping[str, Any], identity: Identity | None = None
) -> markdown.Markdown:
    """A Markdown configured like Pelican's reader (settings["MARKDOWN"]) plus the text engine.

    The meta extension is left out: a comment or a body given here has no metadata block.
    After `md.convert(text)`, `md.breakout_metadata` holds the mentions and hashtags found.
    """
    config = dict(settings.get("MARKDOWN") or {})
    configs = dict(config.get("extension_configs") or {})
    extensions: list[Any] = [
        ext
        for ext in config.get("extensions", [])
        if not is_text_extension(ext) and ext not in META_EXTENSIONS
    ]
    # Pelican's reader loads every extension named in extension_configs; so do we.
    extensions += [
        name for name in configs if name not in extensions and name not in META_EXTENSIONS
    ]
    configs = {k: v for k, v in configs.items() if k not in META_EXTENSIONS}
    extensions.append(BreakoutTextExtension(identity or identity_for(settings)))
    config.update(extensions=extensions, extension_configs=configs)
    return markdown.Markdown(**config)
