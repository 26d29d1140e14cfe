"""Find @handles and #hashtags in plain text by twitter-text's rules, plus Breakout's text helpers.

Pure: no Markdown, no Pelican. Indices are code points (Python str indices), as in
twitter-text's conformance data. Beyond twitter-text, a handle of another network is one
handle, not a handle plus a tail: `@user@host.example` (Mastodon) and `@name.bsky.social`
(Bluesky). `extract_mentions(text, federated=False)` is twitter-text's rule exactly.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import TypeVar

from .unicode_tables import DECIMAL_NUMERALS, LETTERS_AND_MARKS

# twitter-text's character sets (js/src/regexp/*.js), spelled for Python's re.
_LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259"
    "\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_HASHTAG_SPECIAL = (
    "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003"
    "\u0f0b\u0f0c\u00b7"
)
_HASHTAG_ALNUM = LETTERS_AND_MARKS + DECIMAL_NUMERALS + _HASHTAG_SPECIAL

# A mention starts at an at-sign; what precedes it is checked in code (_mention_boundary),
# so the scan jumps from at-sign to at-sign instead of trying a look-behind everywhere.
_TWITTER_NAME = r"(?P<tw>[a-zA-Z0-9_]{1,20})"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_LOWER_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_TLD = r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
_LOWER_TLD = r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
# A federated handle must end cleanly; atomic groups stop it shrinking to fit, so
# `@a@b.example-x` falls back to the twitter reading (which then rejects it, as twitter-text does).
_FEDERATED_END = rf"(?![A-Za-z0-9_\-@＠{_LATIN_ACCENTS}]|://)"
_MASTODON = (
    r"(?P<mu>[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,28}[A-Za-z0-9_])?)@"
    rf"(?P<mh>(?>(?:{_LABEL}\.)+{_TLD})){_FEDERATED_END}"
)
# Bluesky: a domain name; labels after the first must be lower-case, so a missing space
# after a full stop ("@bob.Then") is not read as a handle.
_BLUESKY = rf"(?P<bs>(?>{_LABEL}(?:\.{_LOWER_LABEL})*\.{_LOWER_TLD})){_FEDERATED_END}"

_MENTION_STRICT = re.compile(r"[@＠]" + _TWITTER_NAME)
_MENTION_FEDERATED = re.compile(rf"[@＠](?:{_MASTODON}|{_BLUESKY}|{_TWITTER_NAME})")
_END_MENTION = re.compile(rf"[@＠{_LATIN_ACCENTS}]|://")
_BAD_BEFORE_MENTION = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_!#$%&*@＠"
)
_RT_BEFORE = re.compile(r"(?:rt|RT|rT|Rt):?\Z")
_BAD_BEFORE_RT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+~.-")

# twitter-text's validHashtag: a hash sign (not a keycap or emoji one), then a run of
# letters, marks, digits and the special characters holding at least one letter or mark.
_HASHTAG = re.compile(
    rf"[#＃](?![\ufe0f\u20e3])"
    rf"(?P<tag>(?=[{_HASHTAG_ALNUM}]*[{LETTERS_AND_MARKS}])[{_HASHTAG_ALNUM}]+)"
)
_HASHTAG_ALNUM_CHAR = re.compile(rf"[{_HASHTAG_ALNUM}&]")
_END_HASHTAG = re.compile(r"[#＃]|://")

# Enough of a URL to know that a mention or hashtag inside it is not one: any scheme, or a
# bare domain followed by a path (only a path can hold an @ or # that looks like an entity).
_URL = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>\"\x02\x03]*"
    r"|(?<![A-Za-z0-9@＠$#＃_.\-/])(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
    r"(?::[0-9]{1,5})?/[^\s<>\"\x02\x03]*"
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One @handle: as written without the sigil, its form, and code-point indices of the whole."""

    handle: str
    form: str  # "bare" (network from settings), "mastodon" (user@host) or "bluesky" (a domain)
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Hashtag:
    """One #hashtag: as written without the sigil, with code-point indices of the whole."""

    tag: str
    start: int
    end: int


_E = TypeVar("_E", Mention, Hashtag)


def has_sigil(text: str) -> bool:
    """Quick pre-check: could the text hold a mention or hashtag at all?"""
    return "@" in text or "#" in text or "＠" in text or "＃" in text


def _mention_boundary(text: str, at: int) -> bool:
    # twitter-text's validMentionPrecedingChars, checked behind the at-sign.
    if at == 0 or text[at - 1] not in _BAD_BEFORE_MENTION:
        return True
    rt = _RT_BEFORE.search(text, max(0, at - 3), at)
    if rt is None:
        return False
    first = rt.start()
    return first == 0 or text[first - 1] not in _BAD_BEFORE_RT


# ---------------------------------------------------------------- lookalikes

# Scripts whose letters pass for Latin ones (Cyrillic а, Greek ο, fullwidth ｎ, …).
_LOOKALIKE_SCRIPTS = frozenset(
    {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "FULLWIDTH",
     "MATHEMATICAL", "MODIFIER", "SUBSCRIPT", "SUPERSCRIPT", "CIRCLED", "PARENTHESIZED"}
)  # fmt: skip
# Blank characters that are letters by category (Hangul fillers, Braille blank).
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Lookalikes NFKC leaves alone, mapped to the Latin letter they pass for (for "did you mean").
_LOOKALIKE_LATIN = str.maketrans(
    "\u0430\u0432\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u04bb"
    "\u051b\u051d\u04cf\u0261\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421"
    "\u0422\u0425\u0406\u0408\u0405\u03bf\u03b1\u03bd\u03b9\u03ba\u03c1\u03c5\u03c7"
    "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5"
    "\u03a7",
    "aBeopcyxijsdhqwlgABEKMHOPCTXIJSoavikpuxABEZHIKMNOPTYX",
)
_HANDLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_PLAIN_HANDLE = re.compile(r"[A-Za-z0-9_]{1,20}")
_SUSPECT_START = re.compile(r"[@＠][A-Za-z0-9_]+")


def lookalike(ch: str) -> bool:
    """Is ch a character that must not follow a handle: an invisible one, a combining mark, or
    a letter or digit of a script that passes for Latin (outside ASCII)?"""
    if ch.isascii():
        return False
    category = unicodedata.category(ch)
    if category == "Cf" or category[0] == "M" or ch in _INVISIBLE_LETTERS:
        return True
    if category[0] not in "LN":
        return False
    return unicodedata.name(ch, "").split(" ", 1)[0] in _LOOKALIKE_SCRIPTS


@dataclass(frozen=True, slots=True)
class Suspect:
    """Something written like a handle with a character no handle may hold."""

    written: str  # without the sigil
    start: int
    end: int
    char: str  # the first such character, as "U+0430 CYRILLIC SMALL LETTER A"
    suggest: str  # the handle it probably means, or ""

    def message(self) -> str:
        """What the author is told (after `file:line: `)."""
        head = f"@{self.written} contains a character that is not allowed in a handle ({self.char})"
        if self.suggest:
            return f"{head}; did you mean @{self.suggest}?"
        return f"{head}; write it in plain letters, digits and _"


def _plain_guess(written: str) -> str:
    """The plain handle a lookalike spelling probably means, or ""."""
    text = unicodedata.normalize("NFKD", written.translate(_LOOKALIKE_LATIN))
    text = "".join(c for c in text if not lookalike(c) or unicodedata.category(c)[0] == "L")
    text = unicodedata.normalize("NFKC", text).translate(_LOOKALIKE_LATIN)
    return text if _PLAIN_HANDLE.fullmatch(text) else ""


def suspect_mentions(text: str) -> list[Suspect]:
    """Handle-like words holding a lookalike or invisible character (never linked), in order."""
    if "@" not in text and "＠" not in text:
        return []
    found: list[Suspect] = []
    for m in _SUSPECT_START.finditer(text):
        end = m.end()
        if end >= len(text) or not lookalike(text[end]) or not _mention_boundary(text, m.start()):
            continue
        bad = text[end]
        while end < len(text) and (text[end] in _HANDLE_CHARS or lookalike(text[end])):
            end += 1
        written = text[m.start() + 1 : end]
        char = f"U+{ord(bad):04X} {unicodedata.name(bad, 'UNNAMED CHARACTER')}"
        found.append(Suspect(written, m.start(), end, char, _plain_guess(written)))
    return found


def extract_mentions_with_indices(text: str, *, federated: bool = True) -> list[Mention]:
    """Mentions in order, with indices; federated=False is twitter-text's rule exactly."""
    if "@" not in text and "＠" not in text:
        return []
    found: list[Mention] = []
    pattern = _MENTION_FEDERATED if federated else _MENTION_STRICT
    for m in pattern.finditer(text):
        if not _mention_boundary(text, m.start()):
            continue
        tw = m.group("tw")
        if tw is not None:
            if _END_MENTION.match(text, m.end()):
                continue
            if federated and m.end() < len(text) and lookalike(text[m.end()]):
                continue  # "@nickkeаne" is not @nickke: suspect_mentions reports it
            found.append(Mention(tw, "bare", m.start(), m.end()))
        elif m.group("mu") is not None:
            found.append(
                Mention(f"{m.group('mu')}@{m.group('mh')}", "mastodon", m.start(), m.end())
            )
        else:
            found.append(Mention(m.group("bs"), "bluesky", m.start(), m.end()))
    return _outside_urls(text, found) if federated else found


def extract_mentions(text: str, *, federated: bool = True) -> list[str]:
    """Handles mentioned, without the sigil, in order of appearance (duplicates kept)."""
    return [m.handle for m in extract_mentions_with_indices(text, federated=federated)]


def extract_hashtags_with_indices(text: str, *, check_url_overlap: bool = True) -> list[Hashtag]:
    """Hashtags in order, with indices; one inside a URL is not a hashtag."""
    if "#" not in text and "＃" not in text:
        return []
    found: list[Hashtag] = []
    for m in _HASHTAG.finditer(text):
        start = m.start()
        if start > 0:
            # twitter-text's hashtagBoundary: not after a letter, digit, mark or '&'
            # (a variation selector after an emoji is fine).
            prev = text[start - 1]
            if prev not in "\ufe0e\ufe0f" and _HASHTAG_ALNUM_CHAR.match(prev):
                continue
        if _END_HASHTAG.match(text, m.end()):
            continue
        found.append(Hashtag(m.group("tag"), start, m.end()))
    return _outside_urls(text, found) if check_url_overlap else found


def extract_hashtags(text: str) -> list[str]:
    """Hashtags, without the sigil, in order of appearance (duplicates kept)."""
    return [h.tag for h in extract_hashtags_with_indices(text)]


def url_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each URL-like run in the text."""
    return [m.span() for m in _URL.finditer(text)]


_TOKEN_BREAK = frozenset(' \t\n\r\f\v<>"\x02\x03\u00a0\u3000')


def in_url(text: str, start: int, end: int) -> bool:
    """Does text[start:end] lie inside a URL (`http://x/#frag`, `example.com/@user`)?"""
    # Only a path can hold an @ or #, so look only when the word before has a '/'.
    first = start
    while first > 0 and text[first - 1] not in _TOKEN_BREAK:
        first -= 1
    if "/" not in text[first:start]:
        return False
    return any(
        a < end and start < b for a, b in (m.span() for m in _URL.finditer(text, first, end))
    )


def _outside_urls(text: str, entities: list[_E]) -> list[_E]:
    if not entities or "/" not in text:
        return entities
    return [e for e in entities if not in_url(text, e.start, e.end)]


def extract_entities(text: str) -> tuple[list[Mention], list[Hashtag]]:
    """Mentions and hashtags of a prose text (Breakout's rules), each list in order."""
    if not has_sigil(text):
        return [], []
    return extract_mentions_with_indices(text), extract_hashtags_with_indices(text)


# ---------------------------------------------------------------- sentences and names

# A sentence ends at . ! ? or … (closing quotes and brackets go with it) before a space, or
# at a blank line (a paragraph break); a single line break is only a space.
_SENTENCE_GAP = re.compile(r"[.!?…][\"'”’)\]]*\s+|\n\s*\n")
_SPACES = re.compile(r"\s+")


_ABBREVIATIONS = frozenset(
    ["cf", "dr", "eg", "etc", "ie", "mr", "mrs", "ms", "no", "prof", "rev", "st", "vs"]
)


def _real_stop(text: str, at: int) -> bool:
    """Is the punctuation at text[at] the end of a sentence (not "Dr." or the "R." of a name)?"""
    if text[at] != ".":
        return True
    k = at
    while k > 0 and (text[k - 1].isalpha() or text[k - 1] == "."):
        k -= 1
    word = text[k:at].replace(".", "")
    return not ((len(word) == 1 and word.isupper()) or word.lower() in _ABBREVIATIONS)


def sentence_starts(text: str) -> list[int]:
    """Where each sentence of `text` starts (0 first), for sentence_at."""
    starts = [0]
    for m in _SENTENCE_GAP.finditer(text):
        if m.group()[0] == "\n" or _real_stop(text, m.start()):
            starts.append(m.end())
    return starts


def sentence_at(text: str, start: int, end: int, starts: list[int] | None = None) -> str:
    """The sentence of `text` containing text[start:end], whitespace collapsed.

    `starts` (from sentence_starts) saves finding the sentences again for each mention.
    """
    if starts is None:
        starts = sentence_starts(text)
    left, right = sentence_span(text, start, end, starts)
    return _SPACES.sub(" ", text[left:right]).strip()


def sentence_span(text: str, start: int, end: int, starts: list[int]) -> tuple[int, int]:
    """(first, last + 1) indices of the sentence of `text` holding text[start:end]."""
    i = bisect.bisect_right(starts, start) - 1
    # the sentence runs to the next start at or after the mention's end
    j = bisect.bisect_left(starts, end, lo=i + 1)
    return starts[i], starts[j] if j < len(starts) else len(text)


_PARTICLES = frozenset({
    "al", "bin", "da", "das", "de", "del", "della", "der", "di", "dos", "du", "el", "ibn",
    "la", "le", "st", "ten", "ter", "van", "von", "y",
})  # fmt: skip
# Capitalised words that begin a sentence or name a role, not a person.
_NOT_NAMES = frozenset({
    "a", "an", "and", "also", "as", "at", "but", "by", "finally", "first", "for", "from",
    "hosted", "in", "its", "lead", "leader", "led", "later", "mr", "mrs", "ms", "dr", "next",
    "of", "on", "our", "pitched", "prof", "run", "session", "sessions", "so", "speaker",
    "speakers", "thanks", "the", "then", "this", "to", "via", "what", "when", "where", "while",
    "with",
})  # fmt: skip
_NETWORK_WORDS = r"(?:on\s+)?(?:twitter|mastodon|bluesky|bsky|x|tw)\s*:?\s*"
_OPEN_BEFORE = re.compile(rf"\s*[(\[]\s*(?:{_NETWORK_WORDS})?\Z", re.I)
_NAME_AFTER = re.compile(r"\s*[(\[]\s*([^()\[\]\n]{2,60}?)\s*[)\]]")
_WORD_EDGE = "\"'“”‘’,;:"


def _name_word(word: str) -> bool:
    core = word.replace("'", "").replace("’", "").replace("-", "")
    return (
        bool(core)
        and core.isalpha()
        and word[0].isupper()
        and any(c.islower() for c in core)
        and word[-1] not in "-'’"
    )


def _initial(word: str) -> bool:
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _name_from_words(words: list[str]) -> str:
    """The personal name (2-4 capitalised words) that ends `words`, or ""."""
    picked: list[str] = []
    for raw in reversed(words):
        core = raw.rstrip(_WORD_EDGE)
        if picked and core != raw:
            break  # "Speakers: Nick Keane": punctuation ends the name
        word = core.lstrip(_WORD_EDGE)
        if word.endswith(("'s", "’s")):
            break  # "NPIA's Nick Keane": a possessive is not part of the name
        if _name_word(word) or (picked and (_initial(word) or word in _PARTICLES)):
            picked.append(word)
        else:
            break
        if word != core or len(picked) == 6:
            break  # an opening quote or bracket starts the name
    while picked and (picked[-1] in _PARTICLES or picked[-1].lower() in _NOT_NAMES):
        picked.pop()  # "Thanks Nick Keane": a capitalised sentence word is not the name
    real = [w for w in picked if _name_word(w)]
    if not picked or not _name_word(picked[0]) or len(picked) < 2 or len(real) > 4:
        return ""
    return " ".join(reversed(picked))


def name_hint_at(text: str, start: int, end: int) -> str:
    """A person's name written next to the mention at text[start:end], or "".

    "Nick Keane (Twitter @nickkeane)", "Sasha Taylor (@sasha_taylor)" and
    "@pigsonthewing (Andy Mabbett)" all name the handle's owner.
    """
    # A short window: the bracket is just before the handle, the name just before that.
    before = text[max(0, start - 120) : start]
    near_before, near_after = before[-24:], text[end : end + 4]
    m = _OPEN_BEFORE.search(before) if "(" in near_before or "[" in near_before else None
    if m is not None:
        words = before[: m.start()].split()
        name = _name_from_words(words[-6:])
        if name:
            return name
    m = _NAME_AFTER.match(text, end) if "(" in near_after or "[" in near_after else None
    if m is not None:
        words = m.group(1).split()
        if all(_name_word(w) or _initial(w) or w in _PARTICLES for w in words):
            name = _name_from_words(words)
            if name and len(name.split()) == len(words):
                return name
    return ""
