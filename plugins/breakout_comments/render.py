"""Render a comment body: Markdown through the text engine, then the allow-list sanitiser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import CommentSource, Problem, Rendered
from .sanitize import sanitize_html


class BodyRenderer:
    """Renders many comment bodies with one Markdown instance, made only when first needed."""

    def __init__(self, make_markdown: Callable[[], Any]) -> None:
        """make_markdown returns a markdown.Markdown (breakout_text's, or a plain one)."""
        self._make = make_markdown
        self._md: Any = None

    def _markdown(self) -> Any:
        """The one Markdown instance, made on first use."""
        if self._md is None:
            self._md = self._make()
            # The comment's own metadata is already split off: a body line like "Note: …"
            # must stay text, so Python-Markdown's meta preprocessor must not run.
            if "meta" in self._md.preprocessors:
                self._md.preprocessors.deregister("meta")
        return self._md

    def render(self, source: CommentSource, problems: list[Problem]) -> Rendered:
        """Sanitised HTML and mention/hashtag findings of one comment; removed ones stay empty."""
        if not source.body:
            return Rendered(source, problems)
        md = self._markdown()
        md.reset()
        html = md.convert(source.body)
        found = getattr(md, "breakout_metadata", None) or {}
        return Rendered(
            source,
            problems,
            body_html=sanitize_html(html),
            mentions=list(found.get("mentions", [])),
            hashtags=list(found.get("hashtags", [])),
        )
