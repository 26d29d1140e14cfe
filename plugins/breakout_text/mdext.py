"""Python-Markdown extension: link @handles and #hashtags in prose while the page is parsed.

Only prose counts. The Treeprocessor runs after inline parsing (and attr_list), walks each
block's text in document order, and never looks inside `a`, `code`, `pre`, `kbd`, `samp`,
`script`, `style` (nor in attributes, which it does not read). Inline HTML the author wrote
is held by Python-Markdown as stash placeholders: its attributes are never seen, text
between a raw `<a …>`/`<code>`/`<script>`/… and its closing tag is skipped, other text
between raw tags is prose. A block of raw HTML is stashed whole, so nothing in it is linked.
An escaped `\\#word` is not a hashtag.

Findings go to `md.breakout_metadata` (shapes in docs/ARCHITECTURE.md, "Text engine findings").
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from breakout_kernel.handles import topic_key
from breakout_kernel.identity import Identity, Mention, TagRef
from markdown import Markdown
from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE, HTML_PLACEHOLDER_RE, STX, AtomicString

from .extract import (
    Suspect,
    extract_entities,
    name_hint_at,
    sentence_at,
    sentence_span,
    sentence_starts,
    suspect_mentions,
)

# Never linked inside these (their text still counts for the sentence around a mention).
SKIP_TAGS = frozenset(
    {"a", "code", "pre", "kbd", "samp", "script", "style", "textarea", "svg", "math", "tt"}
)
# Inline elements continue the text around them; any other element is a block of its own.
INLINE_TAGS = frozenset(
    {"em", "strong", "b", "i", "u", "s", "strike", "del", "ins", "mark", "small", "big", "sub",
     "sup", "span", "abbr", "acronym", "cite", "q", "dfn", "time", "var", "bdi", "bdo", "br",
     "img", "wbr", "font", "label", "data"}
)  # fmt: skip
BLOCK_BREAK = "\n\n"  # between blocks: a sentence never runs across it
_RAW_OPEN = re.compile(r"<([A-Za-z][A-Za-z0-9]*)\b[^>]*>\Z", re.S)
_RAW_CLOSE = re.compile(r"</([A-Za-z][A-Za-z0-9]*)\s*>\Z")
_ESCAPED = re.compile(STX + r"([0-9]+)\x03")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);\Z")
# extract.has_sigil as one regex search: the walk asks it of every string of the page.
_SIGIL = re.compile("[@#\uff20\uff03]").search


def _empty() -> dict[str, list[Any]]:
    # "erased" (mentions of people who opted out) is added only when a page has one.
    return {"mentions": [], "hashtags": []}


class SpacedHashHeaderProcessor(HashHeaderProcessor):
    """`# Heading` is a heading, `#police` starts a paragraph (as in CommonMark)."""

    # Python-Markdown's own pattern with one change: after the #s comes a space, tab or
    # the end of the line.
    RE = re.compile(
        r"(?:^|\n)(?P<level>#{1,6})(?=[ \t]|\n|$)"
        r"(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)"
    )


@dataclass(slots=True)
class _Slot:
    """One text or tail string of a block holding an @ or #, with its place in the block's plain text."""

    owner: etree.Element
    attr: str  # "text" or "tail"
    parent: etree.Element | None  # the element holding `owner`, for a tail
    start: int
    end: int
    order: int


class LinkingTreeprocessor(Treeprocessor):
    """Split prose text into text and <a> links; record what it found on the Markdown instance."""

    def __init__(self, md: Markdown, identity: Identity) -> None:
        super().__init__(md)
        self.identity = identity
        self._order = 0
        self._found: list[tuple[int, int, str, Mention | TagRef | Suspect]] = []
        self._starts: tuple[str, list[int]] | None = None
        # Sentences of the block being linked, by (start, end): people named in one
        # sentence share one string (findings live until the end of the build).
        self._sentences: dict[tuple[int, int], str] = {}

    def run(self, root: etree.Element) -> None:
        """Link every block of the document, then publish the findings in document order."""
        self._order = 0
        self._found = []
        self._starts = None
        self._sentences = {}
        self.md.breakout_metadata = _empty()  # type: ignore[attr-defined]
        self._block(root)
        self._found.sort(key=lambda f: (f[0], f[1]))
        result = _empty()
        for _, _, kind, finding in self._found:
            # "erased" and "suspects" only when there are any.
            result.setdefault(kind, []).append(finding)
        self.md.breakout_metadata = result  # type: ignore[attr-defined]

    # ------------------------------------------------------------ walking

    def _block(self, block: etree.Element) -> None:
        parts: list[str] = []
        # Only a string holding an @ or # can hold a whole mention or hashtag, so only those
        # become slots: (index in parts, owner, "text"/"tail", parent, order). The order
        # numbers are taken as the walk meets them, so nested blocks keep document order.
        found: list[tuple[int, etree.Element, str, Any, int]] = []
        self._walk(block, parts, found)
        if found:
            offsets = list(accumulate(map(len, parts), initial=0))
            slots = [
                _Slot(owner, attr, parent, offsets[i], offsets[i + 1], order)
                for i, owner, attr, parent, order in found
            ]
            self._link(block, "".join(parts), slots)

    # A method, not a closure inside _block: a recursive closure is a reference cycle, and
    # one per block left every parsed tree to the cyclic collector (a third of a cold
    # build's garbage collection time, and 30 MiB waiting for it while reading).
    def _walk(
        self,
        node: etree.Element,
        parts: list[str],
        found: list[tuple[int, etree.Element, str, Any, int]],
    ) -> None:
        text = node.text
        if text:
            if _SIGIL(text):
                self._order += 1
                found.append((len(parts), node, "text", None, self._order))
            parts.append(text)
        for child in list(node):
            tag = child.tag
            if not isinstance(tag, str):
                pass  # a comment or processing instruction
            elif tag in SKIP_TAGS:
                # Code and e-mail links hold escaped text; the sentence wants it plain.
                inner = "".join(child.itertext()).replace(AMP_SUBSTITUTE, "&")
                parts.append(html.unescape(inner))
            elif tag in INLINE_TAGS:
                self._walk(child, parts, found)
            else:
                parts.append(BLOCK_BREAK)
                self._block(child)
                parts.append(BLOCK_BREAK)
            tail = child.tail
            if tail:
                if _SIGIL(tail):
                    self._order += 1
                    found.append((len(parts), child, "tail", node, self._order))
                parts.append(tail)

    def _blocked(self, text: str) -> list[tuple[int, int]]:
        """Ranges of `text` inside a raw inline <a>, <code>, <script>, … the author wrote."""
        stash = self.md.htmlStash.rawHtmlBlocks
        stack: list[str] = []
        ranges: list[tuple[int, int]] = []
        begin = 0
        for m in HTML_PLACEHOLDER_RE.finditer(text):
            index = int(m.group(1))
            raw = stash[index] if index < len(stash) else ""
            if not isinstance(raw, str):
                continue
            raw = raw.strip()
            opening = _RAW_OPEN.match(raw)
            closing = _RAW_CLOSE.match(raw)
            if opening and opening.group(1).lower() in SKIP_TAGS and not raw.endswith("/>"):
                if not stack:
                    begin = m.end()
                stack.append(opening.group(1).lower())
            elif closing and stack and closing.group(1).lower() == stack[-1]:
                stack.pop()
                if not stack:
                    ranges.append((begin, m.start()))
        if stack:
            ranges.append((begin, len(text)))
        return ranges

    def _link(self, block: etree.Element, text: str, slots: list[_Slot]) -> None:
        mentions, hashtags = extract_entities(text)
        suspects = [] if text.isascii() else suspect_mentions(text)
        if not mentions and not hashtags and not suspects:
            return
        blocked = self._blocked(text) if STX in text else []
        for suspect in suspects:  # left unlinked; the reader or comment glue reports it
            slot = next((s for s in slots if s.start <= suspect.start < s.end), None)
            if slot is not None and not any(
                a < suspect.end and suspect.start < b for a, b in blocked
            ):
                self._found.append((slot.order, suspect.start, "suspects", suspect))
        by_slot: dict[int, list[tuple[int, int, etree.Element]]] = {}
        entities = sorted([*mentions, *hashtags], key=lambda e: e.start)
        for entity in entities:
            slot = next((s for s in slots if s.start <= entity.start and entity.end <= s.end), None)
            if slot is None or any(a < entity.end and entity.start < b for a, b in blocked):
                continue
            written = text[entity.start : entity.end]
            if hasattr(entity, "handle"):
                link = self._mention(text, entity.handle, entity.start, entity.end, slot.order)
                if link is None:
                    continue  # not named: left as text, which the erasure pass replaces
            else:
                link = self._hashtag(entity.tag, entity.start, slot.order)
            link.text = AtomicString(written)
            by_slot.setdefault(id(slot), []).append((entity.start, entity.end, link))
        for slot in slots:
            links = by_slot.get(id(slot))
            if links:
                _split(slot, links)

    # ------------------------------------------------------------ findings and links

    def _clean(self, text: str) -> str:
        """Plain text without Python-Markdown's placeholders: entities kept, raw tags dropped."""
        if STX not in text:
            return text
        stash = self.md.htmlStash.rawHtmlBlocks

        def raw(m: re.Match[str]) -> str:
            index = int(m.group(1))
            item = stash[index] if index < len(stash) else ""
            return html.unescape(item) if isinstance(item, str) and _ENTITY.match(item) else ""

        text = HTML_PLACEHOLDER_RE.sub(raw, text).replace(AMP_SUBSTITUTE, "&")
        text = _ESCAPED.sub(lambda m: chr(int(m.group(1))), text)
        return " ".join(text.split())

    def _sentence(self, text: str, start: int, end: int) -> str:
        """The cleaned sentence of the block's text around text[start:end], shared per sentence."""
        if self._starts is None or self._starts[0] is not text:
            # Once per block, not per mention.
            self._starts = (text, sentence_starts(text))
            self._sentences = {}
        starts = self._starts[1]
        span = sentence_span(text, start, end, starts)
        sentence = self._sentences.get(span)
        if sentence is None:
            sentence = self._sentences[span] = self._clean(sentence_at(text, start, end, starts))
        return sentence

    def _mention(
        self, text: str, handle: str, start: int, end: int, order: int
    ) -> etree.Element | None:
        slug = self.identity.ref(handle).slug
        if not self.identity.is_named(slug):
            # No link and no mention finding, the handle stays plain text: only what the
            # erasure pass needs to find every spelling of them (the handle as written,
            # the name the text gives), as an "erased" finding without its sentence.
            hint = self._clean(name_hint_at(text, start, end))
            self._found.append((order, start, "erased", self.identity.mention(handle, "", hint)))
            return None
        sentence = self._sentence(text, start, end)
        finding = self.identity.mention(
            handle, sentence, self._clean(name_hint_at(text, start, end))
        )
        self._found.append((order, start, "mentions", finding))
        return etree.Element("a", {"href": self.identity.person_url(slug), "class": "mention"})

    def _hashtag(self, tag: str, start: int, order: int) -> etree.Element:
        kind, slug = self.identity.hashtag(tag)
        finding = TagRef(self.identity.shared(tag), topic_key(tag), kind, slug)
        self._found.append((order, start, "hashtags", finding))
        if kind == "event":
            return etree.Element(
                "a", {"href": self.identity.event_url(slug), "class": "hashtag event-tag"}
            )
        return etree.Element("a", {"href": self.identity.topic_url(slug), "class": "hashtag"})


def _split(slot: _Slot, links: list[tuple[int, int, etree.Element]]) -> None:
    """Replace the slot's string by text, link, text, link, … in the tree."""
    original: str = getattr(slot.owner, slot.attr)
    kind = AtomicString if isinstance(original, AtomicString) else str
    pieces: list[str] = []
    cursor = 0
    for start, end, _ in links:
        pieces.append(original[cursor : start - slot.start])
        cursor = end - slot.start
    pieces.append(original[cursor:])
    setattr(slot.owner, slot.attr, kind(pieces[0]) if pieces[0] else None)
    for (_, _, link), tail in zip(links, pieces[1:], strict=True):
        link.tail = kind(tail) if tail else None
    if slot.attr == "text":
        for i, (_, _, link) in enumerate(links):
            slot.owner.insert(i, link)
    else:
        assert slot.parent is not None
        at = list(slot.parent).index(slot.owner) + 1
        for i, (_, _, link) in enumerate(links):
            slot.parent.insert(at + i, link)


class _FindingsReset:
    """Registered with one Markdown instance so that md.reset() clears its findings."""

    def __init__(self, md: Markdown) -> None:
        self.md = md

    def reset(self) -> None:
        """Forget the findings of the last document."""
        self.md.breakout_metadata = _empty()  # type: ignore[attr-defined]


class BreakoutTextExtension(Extension):
    """Links @handles and #hashtags through the identity service; `# Heading` needs its space."""

    def __init__(self, identity: Identity | None = None, **kwargs: Any) -> None:
        self.identity = identity if identity is not None else Identity()
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        """Swap the hash-header block processor and add the linking tree processor."""
        md.parser.blockprocessors.register(SpacedHashHeaderProcessor(md.parser), "hashheader", 70)
        # After inline parsing (20), footnotes and attr_list (8) so code spans, links and
        # `{#id}` are settled; before abbr (7), which leaves our atomic link text alone.
        md.treeprocessors.register(LinkingTreeprocessor(md, self.identity), "breakout_text", 7.5)
        md.registerExtension(_FindingsReset(md))  # type: ignore[arg-type]
        md.breakout_metadata = _empty()  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        # Stable across builds: settings (MARKDOWN included) are hashed for the cache stamp.
        return f"{type(self).__name__}()"


def makeExtension(**kwargs: Any) -> BreakoutTextExtension:
    """Let Python-Markdown load the extension by name (with an empty registry)."""
    return BreakoutTextExtension(**kwargs)
