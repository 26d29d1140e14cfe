"""Render a comment body: Markdown through the text engine, then the allow-list sanitiser."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from .model import CommentSource, Problem, Rendered
from .sanitize import sanitize_html

# Plain prose: text in which no Markdown syntax can start. Most comments are only this,
# and Python-Markdown's block and inline passes cost ten times what the rest does.
# Anything else (or any doubt) takes the full path, so the HTML is the same either way.
_NOT_PROSE = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f`\\\[\]<>&*{}|~]"  # inline/HTML/table/fence syntax, tabs, controls
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"  # an underscore that could open or close emphasis
    r"|^[ \-+=:#>]|^\d+[.)]"  # a line that could start a list, heading, rule, quote, code, …
    r"| $",  # trailing spaces (a hard line break, or a blank line made of spaces)
    re.MULTILINE,
)
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")
# Python-Markdown's own processors (with extra and sane_lists), none of which does
# anything to text _NOT_PROSE lets through except make paragraphs of it.
KNOWN_PREPROCESSORS = frozenset({"normalize_whitespace", "fenced_code_block", "html_block"})
KNOWN_BLOCKPROCESSORS = frozenset(
    {"markdown_block", "empty", "indent", "defindent", "code", "table", "hashheader",
     "setextheader", "hr", "olist", "deflist", "quote", "footnote", "abbr", "reference",
     "paragraph", "ulist"}
)  # fmt: skip
KNOWN_INLINE = frozenset(
    {"backtick", "escape", "reference", "link", "image_link", "image_reference",
     "short_reference", "short_image_ref", "autolink", "automail", "linebreak", "html",
     "entity", "em_strong", "footnote", "not_strong", "em_strong2"}
)  # fmt: skip


def plain_paragraphs(text: str) -> list[str] | None:
    """The paragraphs of a body that is plain prose; None if any Markdown could be in it."""
    if _NOT_PROSE.search(text):
        return None
    # Python-Markdown splits blocks at blank lines; a paragraph keeps its single newlines.
    return [p for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def convert_plain(md: Any, paragraphs: list[str]) -> str:
    """What md.convert gives for plain prose, without its block parser and inline patterns.

    The tree is the one Python-Markdown's paragraph processor builds (one <p> per
    paragraph); every other tree processor (the text engine's links among them),
    the serialiser and the postprocessors run exactly as in Markdown.convert.
    """
    if not paragraphs:
        return ""  # as md.convert does for blank text (reset() already cleared findings)
    root = etree.Element(md.doc_tag)
    for paragraph in paragraphs:
        etree.SubElement(root, "p").text = paragraph.lstrip()  # as ParagraphProcessor does
    for name, processor in zip(_names(md.treeprocessors), md.treeprocessors, strict=True):
        if name == "inline":
            continue  # plain prose holds no inline syntax: the pass would change nothing
        new_root = processor.run(root)
        if new_root is not None:
            root = new_root
    output = md.serializer(root)
    start = output.index(f"<{md.doc_tag}>") + len(md.doc_tag) + 2
    output = output[start : output.rindex(f"</{md.doc_tag}>")].strip()
    for postprocessor in md.postprocessors:
        output = postprocessor.run(output)
    return output.strip()


def _names(registry: Any) -> list[str]:
    """Names of a Python-Markdown Registry's items, in the order it runs them."""
    registry._sort()  # iterating a Registry sorts it too; names come from the same list
    return [item.name for item in registry._priority]


class BodyRenderer:
    """Renders many comment bodies with one Markdown instance, made only when first needed."""

    def __init__(self, make_markdown: Callable[[], Any]) -> None:
        """make_markdown returns a markdown.Markdown (breakout_text's, or a plain one)."""
        self._make = make_markdown
        self._md: Any = None
        self._fast = False  # may plain prose skip the block and inline passes?

    def _markdown(self) -> Any:
        """The one Markdown instance, made on first use."""
        if self._md is None:
            self._md = self._make()
            # The comment's own metadata is already split off: a body line like "Note: …"
            # must stay text, so Python-Markdown's meta preprocessor must not run.
            if "meta" in self._md.preprocessors:
                self._md.preprocessors.deregister("meta")
            self._fast = self._plain_prose_is_paragraphs(self._md)
        return self._md

    def prepare(self) -> None:
        """Make the Markdown instance now (before worker processes fork, so they share it)."""
        self._markdown()

    @staticmethod
    def _plain_prose_is_paragraphs(md: Any) -> bool:
        """Only with a known Markdown pipeline is plain prose sure to become bare <p>s.

        An extension that reads plain text (nl2br, smarty, admonition, …) adds a
        preprocessor, block processor or inline pattern of its own: then every body
        takes the full path. Tree processors and postprocessors always run.
        """
        return (
            set(_names(md.preprocessors)) <= KNOWN_PREPROCESSORS
            and set(_names(md.parser.blockprocessors)) <= KNOWN_BLOCKPROCESSORS
            and set(_names(md.inlinePatterns)) <= KNOWN_INLINE
            and "inline" in _names(md.treeprocessors)
            and md.doc_tag == "div"
            and md.stripTopLevelTags
        )

    def render(self, source: CommentSource, problems: list[Problem]) -> Rendered:
        """Sanitised HTML and mention/hashtag findings of one comment; removed ones stay empty."""
        if not source.body:
            return Rendered(source, problems)
        md = self._markdown()
        md.reset()
        paragraphs = plain_paragraphs(source.body) if self._fast else None
        html = md.convert(source.body) if paragraphs is None else convert_plain(md, paragraphs)
        found = getattr(md, "breakout_metadata", None) or {}
        for suspect in found.get("suspects", []):  # a handle-like word left unlinked
            at = source.body.find("@" + suspect.written)
            line = source.body_line + source.body.count("\n", 0, max(at, 0))
            problems = [*problems, Problem(source.path, line, suspect.message(), False)]
        return Rendered(
            source,
            problems,
            body_html=sanitize_html(html),
            mentions=list(found.get("mentions", [])),
            hashtags=list(found.get("hashtags", [])),
            erased=list(found.get("erased", [])),
        )
