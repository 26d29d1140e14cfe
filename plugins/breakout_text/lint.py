"""`invoke check`'s text lint: handles that look like mistypes of known ones, topic spellings that differ.

`lint_findings` is pure (occurrences in, transcript lines out); `lint_site` reads the content
folder (write-ups and comment files) to collect the occurrences. Neither imports Pelican.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breakout_kernel.handles import display_handle, topic_key
from breakout_kernel.identity import Identity, KnownHandle
from breakout_kernel.source import MARKDOWN_EXTENSIONS

from .api import identity_for, new_markdown
from .extract import suspect_mentions

_HEADER_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_MARKDOWN_SUFFIXES = MARKDOWN_EXTENSIONS


@dataclass(frozen=True, order=True)
class Occurrence:
    """One handle or topic as written in a file: where, what, and which kind."""

    path: str  # as shown in messages, e.g. content/writeups/2011/x.md
    line: int
    text: str  # without the sigil
    kind: str  # "mention", "hashtag", "tag" (a Tags: entry) or "suspect" (a lookalike handle)


# ---------------------------------------------------------------- edit distance


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance where swapping two neighbouring letters counts as one edit."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _loose(key: str) -> str:
    # Case is already folded in keys; underscores are the usual slip ("sashataylor").
    return key.replace("_", "")


def _allowed(length: int) -> int:
    # Short handles differ by one letter all the time ("bob", "rob"): only underscores count.
    return 0 if length < 4 else 1 if length < 10 else 2


def closest_known(network: str, key: str, known: Iterable[KnownHandle]) -> KnownHandle | None:
    """The registry handle that `key` most probably mistypes, or None."""
    loose = _loose(key)
    best: tuple[int, int, KnownHandle] | None = None
    for n, handle in enumerate(known):
        if handle.network != network or handle.key == key:
            continue
        other = _loose(handle.key)
        if abs(len(other) - len(loose)) > 2:
            continue
        d = edit_distance(loose, other)
        if d <= _allowed(min(len(loose), len(other))) and (best is None or (d, n) < best[:2]):
            best = (d, n, handle)
    return best[2] if best else None


# ---------------------------------------------------------------- topics


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stages(text: str) -> tuple[str, str, str, str]:
    folded = text.casefold()
    bare = topic_key(text).replace("-", "")
    return text, folded, bare, _singular(bare)


def _show(occ: Occurrence) -> str:
    return f"#{occ.text}" if occ.kind == "hashtag" else json.dumps(occ.text, ensure_ascii=False)


def _topic_lines(occurrences: Sequence[Occurrence], identity: Identity) -> list[str]:
    groups: dict[str, list[Occurrence]] = {}
    for occ in sorted(occurrences):
        if occ.kind not in ("hashtag", "tag") or not topic_key(occ.text):
            continue
        if identity.hashtag(occ.text)[0] == "event":
            continue  # an event's hashtag is not a topic
        groups.setdefault(_stages(occ.text)[3], []).append(occ)
    lines: list[str] = []
    reasons = ("case", "punctuation", "plural")
    for group in groups.values():
        first_of: dict[str, Occurrence] = {}
        uses: dict[str, int] = {}
        for occ in group:
            first_of.setdefault(occ.text, occ)
            uses[occ.text] = uses.get(occ.text, 0) + 1
        if len(first_of) < 2:
            continue
        # The spelling used most is the one to keep (the first seen if tied).
        ref = max(first_of.values(), key=lambda o: uses[o.text])
        ref_stages = _stages(ref.text)
        for occ in first_of.values():
            if occ is ref:
                continue
            stages = _stages(occ.text)
            stage = next(i for i in range(1, 4) if stages[i] == ref_stages[i])
            lines.append(
                f"{occ.path}:{occ.line}: topic {_show(occ)} differs from {_show(ref)} "
                f"({ref.path}:{ref.line}) only by {reasons[stage - 1]}; use one spelling"
            )
    return lines


# ---------------------------------------------------------------- handles


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(i, ensure_ascii=False) for i in items) + "]"


def _handle_lines(
    occurrences: Sequence[Occurrence], identity: Identity, people_file: str
) -> list[str]:
    lines: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    known = identity.known_handles()
    for occ in sorted(occurrences):
        if occ.kind != "mention" or identity.person(occ.text) is not None:
            continue
        network, key = identity.identity(occ.text)
        if (occ.path, network, key) in seen:
            continue
        seen.add((occ.path, network, key))
        match = closest_known(network, key, known)
        if match is None:
            continue
        person = identity.people[match.slug]
        aliases = [*person.aliases, occ.text]
        lines.append(
            f"{occ.path}:{occ.line}: {display_handle(network, occ.text)} looks like "
            f"{display_handle(network, match.spelling)}; if so add to {people_file}: "
            f"[people.{match.slug}] aliases = {_toml_list(aliases)}"
        )
    return lines


def lint_findings(
    occurrences: Iterable[Occurrence],
    identity: Identity,
    *,
    people_file: str = "content/people.toml",
) -> list[str]:
    """Transcript lines, by file and line: probable mistyped handles (once per file and
    handle, with the people.toml alias to add) and topic spellings that differ only by case,
    punctuation or plural from the spelling used most."""
    occs = sorted(occurrences)
    lines = _handle_lines(occs, identity, people_file) + _topic_lines(occs, identity)
    lines += _suspect_lines(occs)
    return sorted(lines, key=_line_order)


def _suspect_lines(occs: Iterable[Occurrence]) -> list[str]:
    """A line per handle written with a lookalike or invisible character (never linked)."""
    lines = []
    for occ in occs:
        if occ.kind == "suspect":
            found = suspect_mentions("@" + occ.text)
            if found:
                lines.append(f"{occ.path}:{occ.line}: {found[0].message()}")
    return lines


def _line_order(line: str) -> tuple[str, int, str]:
    path, _, rest = line.partition(":")
    number, _, message = rest.partition(":")
    return path, int(number) if number.isdigit() else 0, message


# ---------------------------------------------------------------- reading the content folder


def split_header(text: str) -> tuple[list[tuple[int, str, str]], int]:
    """The `Key: value` header of a write-up or comment as (line, key, value), and its length in lines."""
    lines = text.split("\n")
    header: list[tuple[int, str, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            break
        m = _HEADER_LINE.match(line)
        if m:
            header.append((i + 1, m.group("key").lower(), m.group("value").strip()))
        elif not (header and line.startswith(("    ", "\t"))):
            break
        i += 1
    return header, i


# What the engine never links, blanked out before findings are looked for in the source, so
# that a handle in a code block above does not take the line of the one in prose below.
_NOT_PROSE = re.compile(
    r"^[ ]{0,3}(?P<fence>`{3,}|~{3,}).*?(?:^[ ]{0,3}(?P=fence)[`~]*[ \t]*$|\Z)"  # fenced code
    r"|(?P<ticks>`+).+?(?P=ticks)"  # code span
    r"|<!--.*?-->"  # HTML comment
    r"|\]\([^)\n]*\)"  # link destination
    r"|<[a-z][a-z0-9+.-]*:[^>\s]*>",  # autolink
    re.M | re.S | re.I,
)


def prose_only(body: str) -> str:
    """The body with code, comments and link targets blanked (line breaks kept)."""
    return _NOT_PROSE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), body)


def _locate(prose: str, pattern: re.Pattern[str], cursor: int) -> tuple[int, int]:
    """(line index, next cursor) of the next match at or after cursor (else the first one)."""
    m = pattern.search(prose, cursor) or pattern.search(prose)
    if m is None:
        return 0, cursor
    return prose.count("\n", 0, m.start()), m.end()


def _mention_pattern(handle: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_!#$%&*@＠])[@＠]{re.escape(handle)}(?![A-Za-z0-9_])")


def _hashtag_pattern(tag: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w&])[#＃]{re.escape(tag)}(?!\w)")


def file_occurrences(path: str, text: str, md: Any, *, writeup: bool) -> list[Occurrence]:
    """Handles and topics of one write-up or comment file, with their lines."""
    header, skip = split_header(text)
    occs: list[Occurrence] = []
    for line, key, value in header:
        if writeup and key == "tags":
            occs += [
                Occurrence(path, line, t.strip(), "tag") for t in value.split(",") if t.strip()
            ]
        if key in ("session_leader", "author", "handle"):
            for part in value.split(","):
                part = part.strip()
                if part.startswith("@") and len(part) > 1:
                    occs.append(Occurrence(path, line, part[1:], "mention"))
    body = "\n".join(text.split("\n")[skip:])
    md.reset()
    md.convert(body)
    findings = md.breakout_metadata
    prose = prose_only(body)
    cursor = 0
    for mention in findings["mentions"]:
        at, cursor = _locate(prose, _mention_pattern(mention.person.handle), cursor)
        occs.append(Occurrence(path, skip + at + 1, mention.person.handle, "mention"))
    cursor = 0
    for suspect in findings.get("suspects", []):
        at, cursor = _locate(prose, re.compile(re.escape("@" + suspect.written)), cursor)
        occs.append(Occurrence(path, skip + at + 1, suspect.written, "suspect"))
    cursor = 0
    for tag in findings["hashtags"]:
        at, cursor = _locate(prose, _hashtag_pattern(tag.tag), cursor)
        occs.append(Occurrence(path, skip + at + 1, tag.tag, "hashtag"))
    return occs


def _markdown_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in _MARKDOWN_SUFFIXES and p.is_file())


def lint_site(settings: Mapping[str, Any]) -> list[str]:
    """Lint every write-up and comment of the site's content folder; [] means nothing to report."""
    content = Path(settings["PATH"]).resolve()
    base = content.parent

    def shown(path: Path) -> str:
        return os.path.relpath(path, base).replace(os.sep, "/")

    identity = identity_for(settings)
    md = new_markdown(settings, identity)
    occs: list[Occurrence] = []
    writeups = [
        p for sub in settings.get("ARTICLE_PATHS", []) for p in _markdown_files(content / sub)
    ]
    for path in sorted(set(writeups)):
        occs += file_occurrences(shown(path), path.read_text(encoding="utf-8"), md, writeup=True)
    for path in _markdown_files(content / "comments"):
        occs += file_occurrences(shown(path), path.read_text(encoding="utf-8"), md, writeup=False)
    return lint_findings(occs, identity, people_file=shown(content / "people.toml"))
