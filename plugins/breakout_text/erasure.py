"""People who asked not to be named: every string that names them, and text and HTML without them.

Pure (no Pelican). `Identity.is_named` decides who is named; this module knows how each
of those who are not is written (their handles in every network form, aliases, registry
name, the names the text engine learnt for them, their `redact` strings) and replaces
each by the neutral wording of `BREAKOUT_OPTOUT`, unlinked. The Pelican side (glue.py)
runs it over every write-up, page and comment before anything is indexed or written;
`invoke check` uses `Erasure.leaks` to prove no output file names them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from breakout_kernel.handles import NETWORKS, profile_url
from breakout_kernel.identity import Identity, Mention
from breakout_kernel.settings import Option, one_of


def _wording(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and "<" not in value


SCHEMA = {
    # What stands in the text for someone who opted out (capitalised at a sentence's start).
    "WORDING": Option("a participant", _wording, "a non-empty string such as 'a participant'"),
    # Their comments: shown under COMMENT_AUTHOR, or hidden (shown as removed; replies stay).
    "COMMENTS": Option("anonymous", one_of("anonymous", "hidden"), "'anonymous' or 'hidden'"),
    "COMMENT_AUTHOR": Option("Anonymous", _wording, "a non-empty string such as 'Anonymous'"),
}
DEFAULTS = {key: option.default for key, option in SCHEMA.items()}

# Elements after whose tags a text starts a new sentence (so the wording is capitalised).
_BLOCKS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "blockquote",
     "div", "figcaption", "section", "article", "header", "footer", "pre", "br", "caption"}
)  # fmt: skip
_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9]*)")
_ATTR = re.compile(r"""(\s[^\s=/>]+)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""")
_URL_ATTRS = frozenset({"href", "src", "srcset", "cite", "action", "poster", "data"})
_AFTER_SENTENCE = re.compile(r"(?:\A|[.!?…][\"'”’)\]]*)\s*\Z")
_HOST = r"(?:[@＠][A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?"


def handle_forms(network: str, handle: str) -> list[str]:
    """A handle as written, and its profile address without the scheme (host/@user for Mastodon)."""
    forms = [handle]
    url = profile_url(network, handle)
    if url:
        forms.append(url.split("://", 1)[-1])
    return forms


def _longest_first(strings: Iterable[str]) -> list[str]:
    return sorted(set(strings), key=lambda t: (-len(t), t))


def _handle_pattern(handles: Iterable[str]) -> re.Pattern[str] | None:
    """@handle, #handle, handle and @handle@host, not inside a word or an e-mail address.

    Every branch starts at a sigil or a word boundary (no lookbehind first): Python's
    regex engine then skips most positions at once, eight times faster on large pages.
    """
    forms = _longest_first(h for h in handles if h)
    if not forms:
        return None
    body = "|".join(re.escape(h) + ("" if "@" in h or "/" in h else _HOST) for h in forms)
    start = r"(?:[@＠#＃](?<![\w@＠#＃][@＠#＃])|\b(?<![@＠#＃]))"
    return re.compile(rf"{start}(?:{body})(?!\w)", re.I)


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Names and redact strings as whole words, any run of spaces between their words."""
    forms = [" ".join(n.split()) for n in names if n.split()]
    if not forms:
        return None
    words = [(f, r"\s+".join(re.escape(w) for w in f.split())) for f in _longest_first(forms)]
    branches = []
    wordy = "|".join(body for f, body in words if re.match(r"\w", f))
    if wordy:
        branches.append(rf"\b(?:{wordy})(?!\w)")
    other = "|".join(body for f, body in words if not re.match(r"\w", f))
    if other:
        branches.append(rf"(?<!\w)(?:{other})(?!\w)")
    return re.compile("|".join(branches), re.I)


@dataclass(frozen=True)
class Erasure:
    """Who is not named (slugs), every string naming them, and what replaces it."""

    slugs: frozenset[str] = frozenset()
    handles: tuple[str, ...] = ()  # without the sigil, every network form and spelling seen
    names: tuple[str, ...] = ()  # registry names, learnt names, redact strings
    paths: tuple[str, ...] = ()  # their person pages' URLs (people/<slug>/), for the check
    wording: str = DEFAULTS["WORDING"]
    comments: str = DEFAULTS["COMMENTS"]
    comment_author: str = DEFAULTS["COMMENT_AUTHOR"]
    _patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _needles: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)
    _anchors: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _reach: int = field(init=False, repr=False, compare=False)
    _doubled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [*self.names, *(html.escape(n) for n in self.names if html.escape(n) != n)]
        # Handles first, then names: each replaced longest first.
        found = (_handle_pattern(self.handles), _name_pattern(names))
        object.__setattr__(self, "_patterns", tuple(p for p in found if p is not None))
        # The words each string needs, case-folded: a text lacking them all is left without
        # running the patterns. A string holding another's words adds nothing to this test.
        needles = {(h.casefold(),) for h in self.handles}
        needles |= {tuple(w.casefold() for w in n.split()) for n in names if n.split()}
        minimal = {n for n in needles if not any(o != n and set(o) <= set(n) for o in needles)}
        object.__setattr__(self, "_needles", tuple(sorted(minimal)))
        # One word of each needle (the longest) to find where to look in a long text; a
        # string reaches at most its length (plus some spacing) either side of it.
        anchors = _longest_first(max(n, key=len) for n in minimal) or ["\0"]
        anchor = re.compile("|".join(re.escape(a) for a in anchors))  # run on folded text
        object.__setattr__(self, "_anchors", anchor)
        longest = max((len(t) for t in (*self.handles, *names)), default=0)
        object.__setattr__(self, "_reach", 2 * longest + 64)
        # "Robin Vale (@robinvale)" becomes "a participant (a participant)": say it once.
        word = re.escape(self.wording)
        doubled = re.compile(rf"({word})\s*\(\s*{word}\s*\)", re.I)
        object.__setattr__(self, "_doubled", doubled)

    @property
    def active(self) -> bool:
        """True when someone is not to be named."""
        return bool(self.slugs)

    def _maybe(self, text: str, low: str | None = None) -> bool:
        """Could the text name them (it holds every word of one of their strings)?"""
        low = text.casefold() if low is None else low
        return any(all(w in low for w in words) for words in self._needles)

    def names_someone(self, text: str) -> bool:
        """Does the text hold any string that names someone who opted out?"""
        return self._maybe(text) and any(p.search(text) for p in self._patterns)

    def is_them(self, text: str) -> bool:
        """Is the whole text (an author or leader as written) one of their names or handles?"""
        if not self._maybe(text):
            return False
        text = " ".join(text.split())
        return any(p.fullmatch(text) for p in self._patterns)

    def text(self, text: str, *, start: bool = True) -> str:
        """Plain text with every string naming them replaced by the wording.

        start: the text begins a sentence (so a replacement at its very start is capitalised).
        """
        if not text or not self._maybe(text):
            return text
        wording = self.wording

        def replace(m: re.Match[str]) -> str:
            before = text[: m.start()]
            at_start = start if not before.strip() else bool(_AFTER_SENTENCE.search(before))
            return wording[:1].upper() + wording[1:] if at_start else wording

        original = out = text
        for pattern in self._patterns:
            text = out  # replace() reads the text this pass works on
            out = pattern.sub(replace, text)
        if out != original:
            out = self._doubled.sub(r"\1", out)
        return out

    def html(self, fragment: str) -> str:
        """An HTML fragment with every string naming them replaced in text, comments and attributes.

        A link whose address names them, or whose whole text is them, is unwrapped (its text
        stays, replaced too); other addresses naming them are dropped. Markup that names
        nobody is left byte for byte.
        """
        if not self._patterns or not fragment:
            return fragment
        if not self.names_someone(fragment) and not (
            "&" in fragment and self.names_someone(html.unescape(fragment))
        ):
            return fragment
        out: list[str] = []
        start = True  # the next text begins a block, so a sentence
        unwrap = 0  # </a> tags still to drop
        cursor = 0
        for m in _TOKEN.finditer(fragment):
            if m.start() > cursor:
                chunk = fragment[cursor : m.start()]
                out.append(self.text(chunk, start=start))
                if chunk.strip():
                    start = bool(_AFTER_SENTENCE.search(chunk))
            token = m.group()
            cursor = m.end()
            if token.startswith("<!--"):
                out.append("<!--" + self.text(token[4:-3]) + "-->")
                continue
            name_m = _TAG_NAME.match(token)
            name = name_m.group(1).lower() if name_m else ""
            if name in _BLOCKS:
                start = True
            if token.startswith("</"):
                if name == "a" and unwrap:
                    unwrap -= 1
                    continue
                out.append(token)
                continue
            tag, drop = self._tag(token, name)
            if name == "a" and not drop:
                # A link whose whole text is one of them (a mention the text engine linked
                # as someone else, e.g. @theirhandle@another.host) goes too.
                close = fragment.find("</a", cursor)
                inner = _TOKEN.sub("", fragment[cursor : close if close >= 0 else None])
                drop = self.is_them(html.unescape(inner))
            if drop:
                unwrap += 1
                continue
            out.append(tag)
        if cursor < len(fragment):
            out.append(self.text(fragment[cursor:], start=start))
        return "".join(out)

    def _tag(self, token: str, name: str) -> tuple[str, bool]:
        """An opening tag with its attributes cleaned; True when it is a link to drop (unwrap)."""
        if not self.names_someone(html.unescape(token)):
            return token, False

        def attr(m: re.Match[str]) -> str:
            key = m.group(1).strip().lower()
            raw = m.group(3)
            quoted = raw[:1] in "\"'"
            value = html.unescape(raw[1:-1] if quoted else raw)
            if not self.names_someone(value):
                return m.group()
            if key in _URL_ATTRS:
                return ""  # an address naming them: no link, no image from it
            return f'{m.group(1)}="{html.escape(self.text(value), quote=True)}"'

        if name == "a":
            href = re.search(r"""\shref\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", token, re.I)
            if href and self.names_someone(html.unescape(href.group(1).strip("\"'"))):
                return "", True
        return _ATTR.sub(attr, token), False

    def _windows(self, text: str, low: str) -> list[tuple[int, int]]:
        """Spans of text around each occurrence of one word of their strings, merged.

        A whole site is searched: the patterns run only where a word of theirs occurs
        (the anchor scan is one case-sensitive pass over the case-folded text), not over
        every byte. Folding that changed the text's length gives one span: all of it.
        """
        if len(low) != len(text):
            return [(0, len(text))]
        reach = self._reach
        spans: list[tuple[int, int]] = []
        for m in self._anchors.finditer(low):
            start, end = max(0, m.start() - reach), min(len(text), m.end() + reach)
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        return spans

    def leaks(self, text: str) -> list[str]:
        """The strings in text that name them (for the check), each once, in order of appearance."""
        found: dict[str, None] = {}
        low = text.casefold()
        if self._maybe(text, low):
            for start, end in self._windows(text, low):
                for pattern in self._patterns:
                    for m in pattern.finditer(text, start, end):
                        found.setdefault(" ".join(m.group().split()), None)
        for path in self.paths:
            if path.casefold() in low:
                found.setdefault(path, None)
        return list(found)


def learnt(findings: Iterable[Mention], slugs: Iterable[str]) -> tuple[set[str], set[str]]:
    """(handles as written, names the text gave) of erased mentions of these people."""
    wanted = set(slugs)
    handles: set[str] = set()
    names: set[str] = set()
    for finding in findings:
        if finding.person.slug not in wanted:
            continue
        if finding.person.handle.strip():
            handles.add(finding.person.handle.strip())
        hint = " ".join(finding.name_hint.split())
        if hint:
            names.add(hint)
    return handles, names


def erasure_for(
    identity: Identity,
    options: Mapping[str, Any] | None = None,
    findings: Iterable[Mention] = (),
) -> Erasure:
    """The Erasure of a site: who the identity says is not named, and every string that names them.

    findings: the text engine's "erased" findings of every write-up, page and comment
    (the handles as written and the names the text gave for them).
    """
    opts = {**DEFAULTS, **(options or {})}
    people = identity.unnamed()
    slugs = frozenset(p.slug for p in people)
    handles: set[str] = set()
    names: set[str] = set()
    for person in people:
        for network in NETWORKS:
            for handle in person.handles.get(network, ()):
                handles.update(handle_forms(network, handle))
        handles.update(person.aliases)
        names.update(n for n in (person.name, *person.redact) if n.strip())
    seen_handles, seen_names = learnt(findings, slugs)
    handles |= seen_handles
    names |= seen_names
    paths = tuple(sorted("/" + identity.person_pattern.format(slug=s) for s in slugs))
    return Erasure(
        slugs=slugs,
        handles=tuple(sorted(handles)),
        names=tuple(sorted(names)),
        paths=paths,
        wording=str(opts["WORDING"]),
        comments=str(opts["COMMENTS"]),
        comment_author=str(opts["COMMENT_AUTHOR"]),
    )


def source_findings(settings: Mapping[str, Any], identity: Identity) -> list[Mention]:
    """The "erased" findings of every write-up, page and comment file of the site, read afresh.

    What the build learns while reading, for `invoke check`, which has only the sources
    and the output: the same text engine, over the body of each file that holds one of
    their handles (only those can hold a mention of them).
    """
    from .api import new_markdown
    from .lint import split_header

    needles = {
        h.split("@")[0].casefold()
        for p in identity.unnamed()
        for h in (*(h for hs in p.handles.values() for h in hs), *p.aliases)
    }

    content = Path(settings["PATH"])
    folders = [*settings.get("ARTICLE_PATHS", []), *settings.get("PAGE_PATHS", []), "comments"]
    files = sorted(
        {p for sub in folders if (content / sub).is_dir() for p in (content / sub).rglob("*.md")}
    )
    md = new_markdown(settings, identity)
    found: list[Mention] = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if not any(n in text.casefold() for n in needles):
            continue
        _, skip = split_header(text)
        md.reset()
        md.convert("\n".join(text.split("\n")[skip:]))
        found += md.breakout_metadata.get("erased", [])
    return found


def erasure_of_site(settings: Mapping[str, Any]) -> Erasure:
    """The Erasure a build of these settings applies (registry, BREAKOUT_OPTOUT, learnt names)."""
    from breakout_kernel.settings import validate_settings

    from .api import identity_for

    identity = identity_for(settings)
    if not identity.unnamed():
        return Erasure()
    options, _ = validate_settings("BREAKOUT_OPTOUT", settings.get("BREAKOUT_OPTOUT"), SCHEMA)
    return erasure_for(identity, options, source_findings(settings, identity))
