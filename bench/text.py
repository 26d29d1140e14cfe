"""The corpus's text generator: write-up bodies and comments drawn from a seeded RNG."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bench.registry import Person
from bench.shapes import Shape
from bench.vocabulary import (
    CODE_SPANS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    HEADINGS,
    LAST_NAMES,
    LINK_HOSTS,
    LINK_TEXTS,
    SUBJECTS,
    WORD_POOL,
)


def word_count(text: str) -> int:
    """Count whitespace-separated tokens holding a letter or digit (list bullets do not count)."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def slugify(text: str) -> str:
    """Lower-case ASCII slug: runs of anything but letters and digits become one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sentence_words(rng: random.Random, words: int) -> list[str]:
    """Prose tokens for one sentence; the first is capitalised when joined."""
    return rng.choices(WORD_POOL, k=words)


def as_sentence(tokens: Sequence[str], end: str = ".") -> str:
    """Join tokens into a sentence with a capital and closing punctuation."""
    first = tokens[0]
    return " ".join([first[:1].upper() + first[1:], *tokens[1:]]) + end


@dataclass
class Pools:
    """What one write-up's generation may draw on."""

    rng: random.Random
    people: list[Person]
    person_cum: list[float]
    topics: list[str]
    topic_cum: list[float]
    shape: Shape

    def person(self) -> Person:
        """A person drawn by Zipf-like popularity."""
        return self.rng.choices(self.people, cum_weights=self.person_cum)[0]

    def topic(self) -> str:
        """A topic drawn by Zipf-like popularity."""
        return self.rng.choices(self.topics, cum_weights=self.topic_cum)[0]

    def handle_as_written(self, p: Person) -> str:
        """How a writer spells this person's handle: mostly Twitter, sometimes alias/Mastodon."""
        r = self.rng.random()
        if p.aliases and r < 0.2:
            return "@" + p.aliases[0]
        if p.mastodon and r < 0.3:
            return "@" + p.mastodon
        if r > 0.95:  # handles are case-insensitive; writers are not consistent
            return "@" + p.twitter.lower()
        return "@" + p.twitter

    def hashtag_as_written(self, tag: str) -> str:
        """How a writer spells a hashtag: mostly as registered, sometimes capitalised."""
        if self.rng.random() < 0.1:
            return "#" + tag[:1].upper() + tag[1:]
        return "#" + tag


def _insert(rng: random.Random, sentences: list[list[str]], token: str) -> None:
    """Put a token into a random sentence, never first, so no line starts with # or @."""
    sentence = sentences[rng.randrange(len(sentences))]
    sentence.insert(rng.randint(1, len(sentence)), token)


def _prose(rng: random.Random, words: int, low: int = 6, high: int = 18) -> list[list[str]]:
    """Prose of exactly `words` tokens split into sentences of low..high words."""
    tokens = rng.choices(WORD_POOL, k=words)
    sentences: list[list[str]] = []
    i = 0
    while i < words:
        n = rng.randint(low, high)
        if words - (i + n) < low:  # no stub sentence at the end
            n = words - i
        sentences.append(tokens[i : i + n])
        i += n
    return sentences


def writeup_body(
    site: Pools,
    mentioned: Sequence[Person],
    leaders: Sequence[Person],
    hashtags: Sequence[str],
    internal_link: str,
) -> str:
    """Markdown body of 600–900 words with mentions, hashtags, links, a list, code and an e-mail."""
    rng = site.rng
    target = rng.randint(600, 900)
    # Whole sentences with the fixed features; counted first so prose fills the rest exactly.
    links = [
        f"[{rng.choice(LINK_TEXTS)}](https://{rng.choice(LINK_HOSTS)}/{slugify(rng.choice(SUBJECTS))}/{rng.randint(1, 999)})"
        for _ in range(rng.randint(1, 2))
    ]
    if internal_link:
        links.append(f"[an earlier write-up]({{filename}}/{internal_link})")
    specials = [
        f"You can find {' and '.join(links)} online.",
        f"To join the follow-up list, type {rng.choice(CODE_SPANS).format(h=site.person().twitter)} in the chat.",
        f"Questions to {slugify(site.person().name).replace('-', '.')}@{rng.choice(EMAIL_DOMAINS)} please.",
    ]
    heading = f"## {rng.choice(HEADINGS)}"
    items = [
        f"- {as_sentence(sentence_words(rng, rng.randint(3, 9)), end='')}"
        for _ in range(rng.randint(3, 6))
    ]
    mention_tokens: list[str] = []
    for p in mentioned:
        first = site.handle_as_written(p)
        if p in leaders or rng.random() < 0.3:  # "Name (@handle)" teaches the name
            first = f"{p.name} ({first})"
        mention_tokens.append(first)
        mention_tokens.extend(site.handle_as_written(p) for _ in range(rng.choice((0, 0, 1, 2))))
    tag_tokens = [
        site.hashtag_as_written(t) for t in hashtags for _ in range(rng.choice((1, 1, 2)))
    ]
    fixed = sum(word_count(s) for s in [*specials, heading, *items, *mention_tokens, *tag_tokens])
    sentences = _prose(rng, target - fixed)
    for token in mention_tokens + tag_tokens:
        _insert(rng, sentences, token)
    texts = [as_sentence(s) for s in sentences]
    for special in specials:
        texts.insert(rng.randint(1, len(texts)), special)
    paragraphs: list[str] = []
    i = 0
    while i < len(texts):
        n = rng.randint(2, 6)
        paragraphs.append(" ".join(texts[i : i + n]))
        i += n
    blocks = list(paragraphs)
    blocks.insert(max(1, len(blocks) // 3), heading)
    blocks.insert(max(2, 2 * len(blocks) // 3), "\n".join(items))
    return "\n\n".join(blocks) + "\n"


def comment_text(site: Pools, earlier: Sequence[str], when: dt.datetime | None) -> str:
    """One comment file: Author, optional Handle/Website/Date/Replyto, short body."""
    rng = site.rng
    lines = []
    if rng.random() < 0.6:
        p = site.person()
        lines += [f"Author: {p.name}", f"Handle: @{p.twitter}"]
    else:
        lines.append(f"Author: {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
    if rng.random() < 0.15:
        lines.append(f"Website: https://{rng.choice(LINK_HOSTS)}/blog/{rng.randint(1, 9999)}")
    if when is not None:
        lines.append(f"Date: {when:%Y-%m-%d %H:%M}")
    if earlier and rng.random() < 0.3:
        lines.append(f"Replyto: {rng.choice(earlier)}")
    sentences = _prose(rng, rng.randint(10, 90), 4, 14)
    if rng.random() < 0.2:
        _insert(rng, sentences, site.handle_as_written(site.person()))
    if rng.random() < 0.1:
        _insert(rng, sentences, site.hashtag_as_written(site.topic()))
    paragraphs, i = [], 0
    while i < len(sentences):
        n = rng.randint(1, 4)
        paragraphs.append(" ".join(as_sentence(s) for s in sentences[i : i + n]))
        i += n
    return "\n".join(lines) + "\n\n" + "\n\n".join(paragraphs) + "\n"


def dedupe(values: Sequence[str]) -> list[str]:
    """Keep the first of each value, case-insensitively, in order."""
    seen: set[str] = set()
    out = []
    for v in values:
        if v.lower() not in seen:
            seen.add(v.lower())
            out.append(v)
    return out
