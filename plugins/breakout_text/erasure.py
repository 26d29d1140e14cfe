"""People who asked not to be named: every string that names them, and text and HTML without them.

Pure (no Pelican). `Resolver.is_named` decides who is named; this module knows how each
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

from breakout_kernel.settings import Option, one_of

from .extract import NETWORKS, profile_url
from .identity import Resolver


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


def _alternatives(handles: Iterable[str], names: Iterable[str]) -> list[tuple[int, str]]:
    """(length, regex) of every string that names someone: handles (as @handle, #handle and
    @handle@host too) and names, word by word."""
    alts: list[tuple[int, str]] = []
    for handle in set(handles):
        host = "" if "@" in handle or "/" in handle else _HOST
        alts.append((len(handle) + 1, rf"(?<![\w@＠#＃])[@＠#＃]?{re.escape(handle)}{host}(?!\w)"))
    for name in set(names):
        words = name.split()
        if words:
            body = r"\s+".join(re.escape(w) for w in words)
            alts.append((len(name), rf"(?<!\w){body}(?!\w)"))
    return sorted(alts, key=lambda a: (-a[0], a[1]))


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
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _doubled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [*self.names, *(html.escape(n) for n in self.names if html.escape(n) != n)]
        alts = _alternatives(self.handles, names)
        pattern = re.compile("|".join(a for _, a in alts), re.I) if alts else None
        object.__setattr__(self, "_pattern", pattern)
        # "Robin Vale (@robinvale)" becomes "a participant (a participant)": say it once.
        word = re.escape(self.wording)
        doubled = re.compile(rf"({word})\s*\(\s*{word}\s*\)", re.I)
        object.__setattr__(self, "_doubled", doubled)

    @property
    def active(self) -> bool:
        """True when someone is not to be named."""
        return bool(self.slugs)

    def names_someone(self, text: str) -> bool:
        """Does the text hold any string that names someone who opted out?"""
        return self._pattern is not None and bool(self._pattern.search(text))

    def is_them(self, text: str) -> bool:
        """Is the whole text (an author or leader as written) one of their names or handles?"""
        if self._pattern is None:
            return False
        text = " ".join(text.split())
        m = self._pattern.fullmatch(text)
        return m is not None

    def text(self, text: str, *, start: bool = True) -> str:
        """Plain text with every string naming them replaced by the wording.

        start: the text begins a sentence (so a replacement at its very start is capitalised).
        """
        if self._pattern is None or not text:
            return text
        wording = self.wording

        def replace(m: re.Match[str]) -> str:
            before = text[: m.start()]
            at_start = start if not before.strip() else bool(_AFTER_SENTENCE.search(before))
            return wording[:1].upper() + wording[1:] if at_start else wording

        out = self._pattern.sub(replace, text)
        if out != text:
            out = self._doubled.sub(r"\1", out)
        return out

    def html(self, fragment: str) -> str:
        """An HTML fragment with every string naming them replaced in text, comments and attributes.

        A link whose address names them is unwrapped (its text stays, replaced too); other
        addresses naming them are dropped. Markup that names nobody is left byte for byte.
        """
        if self._pattern is None or not fragment:
            return fragment
        if not self._pattern.search(fragment) and not self._pattern.search(html.unescape(fragment)):
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

    def leaks(self, text: str) -> list[str]:
        """The strings in text that name them (for the check), each once, in order of appearance."""
        found: dict[str, None] = {}
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                found.setdefault(" ".join(m.group().split()), None)
        low = text.casefold()
        for path in self.paths:
            if path.casefold() in low:
                found.setdefault(path, None)
        return list(found)


def learnt(
    findings: Iterable[Mapping[str, Any]], slugs: Iterable[str]
) -> tuple[set[str], set[str]]:
    """(handles as written, names the text gave) of erased mentions of these people."""
    wanted = set(slugs)
    handles: set[str] = set()
    names: set[str] = set()
    for finding in findings:
        if str(finding.get("person") or "") not in wanted:
            continue
        handle = str(finding.get("handle") or "").strip()
        if handle:
            handles.add(handle)
        hint = " ".join(str(finding.get("name_hint") or "").split())
        if hint:
            names.add(hint)
    return handles, names


def erasure_for(
    resolver: Resolver,
    options: Mapping[str, Any] | None = None,
    findings: Iterable[Mapping[str, Any]] = (),
) -> Erasure:
    """The Erasure of a site: who the resolver says is not named, and every string that names them.

    findings: the text engine's "erased" findings of every write-up, page and comment
    (the handles as written and the names the text gave for them).
    """
    opts = {**DEFAULTS, **(options or {})}
    people = resolver.unnamed()
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
    paths = tuple(sorted("/" + resolver.person_pattern.format(slug=s) for s in slugs))
    return Erasure(
        slugs=slugs,
        handles=tuple(sorted(handles)),
        names=tuple(sorted(names)),
        paths=paths,
        wording=str(opts["WORDING"]),
        comments=str(opts["COMMENTS"]),
        comment_author=str(opts["COMMENT_AUTHOR"]),
    )


def source_findings(settings: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The "erased" findings of every write-up, page and comment file of the site, read afresh.

    What the build learns while reading, for `invoke check`, which has only the sources
    and the output: the same text engine, over each file's body.
    """
    from .api import new_markdown, resolver_for
    from .lint import split_header

    content = Path(settings["PATH"])
    folders = [*settings.get("ARTICLE_PATHS", []), *settings.get("PAGE_PATHS", []), "comments"]
    files = sorted(
        {p for sub in folders if (content / sub).is_dir() for p in (content / sub).rglob("*.md")}
    )
    md = new_markdown(settings, resolver_for(settings))
    found: list[dict[str, Any]] = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        _, skip = split_header(text)
        md.reset()
        md.convert("\n".join(text.split("\n")[skip:]))
        found += md.breakout_metadata.get("erased", [])
    return found


def erasure_of_site(settings: Mapping[str, Any]) -> Erasure:
    """The Erasure a build of these settings applies (registry, BREAKOUT_OPTOUT, learnt names)."""
    from breakout_kernel.settings import validate_settings

    from .api import resolver_for

    resolver = resolver_for(settings)
    if not resolver.unnamed():
        return Erasure()
    options, _ = validate_settings("BREAKOUT_OPTOUT", settings.get("BREAKOUT_OPTOUT"), SCHEMA)
    return erasure_for(resolver, options, source_findings(settings))
