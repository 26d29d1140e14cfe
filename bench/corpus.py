"""Deterministic benchmark corpus in Breakout's content format (docs/ARCHITECTURE.md).

`python3 -m bench.corpus --posts N --out DIR [--shape NAME]` writes a content folder (what
PATH points at): writeups/<year>/<slug>.md, comments/<slug>/<id>.md, pages/about.md,
people.toml and events.toml. The same seed, N and shape always give byte-identical files:
only a seeded RNG is used, never the clock, and nothing iterates a set. A `Shape`
(bench/shapes.py) sets the handles and hashtags per write-up, the people and topic pools and
the comments (`SHAPES`: `default`, the corpus of issue 8, and `dense`, like issue 21's
independent one).

This module lays out the site (events, sessions, write-ups, comments) and writes the two
trees, Breakout's and the vanilla copy; the registries are bench/registry.py, the prose
bench/text.py, the word lists bench/vocabulary.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import math
import os
import random
import re
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.registry import (
    Event,
    Person,
    events_toml,
    make_events,
    make_people,
    make_topics,
    people_toml,
)
from bench.shapes import DEFAULT_SHAPE, SHAPES, get_shape
from bench.text import (
    Pools,
    as_sentence,
    comment_text,
    dedupe,
    sentence_words,
    slugify,
    writeup_body,
)
from bench.vocabulary import (
    CONTEXTS,
    FIRST_NAMES,
    LAST_NAMES,
    SESSION_TEMPLATES,
    SUBJECTS,
    TITLE_TEMPLATES,
)

SEED = 8  # issue 8; any int works, the default just has to be fixed
EDIT_WORDS = ("revised", "amended")


@dataclass
class Corpus:
    """A generated site: Breakout's content tree and the vanilla copy, as relative path → text."""

    posts: int
    seed: int
    shape: str = DEFAULT_SHAPE
    files: dict[str, str] = field(default_factory=dict)
    vanilla: dict[str, str] = field(default_factory=dict)
    writeups: list[str] = field(default_factory=list)
    comment_count: int = 0

    def edit_target(self) -> str:
        """Relative path of the write-up the warm benchmark edits (a stable middle one)."""
        return self.writeups[len(self.writeups) // 2]


def _zipf_cum_weights(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n, for random.choices(cum_weights=...)."""
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's Poisson sampler (random has none); fine for small means."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _event_sizes(rng: random.Random, posts: int, events: int) -> list[int]:
    """Write-ups per event: about posts/events each, jittered, summing to posts."""
    sizes = [posts // events + (1 if i < posts % events else 0) for i in range(events)]
    for _ in range(events):  # move a few write-ups between random pairs of events
        a, b = rng.randrange(events), rng.randrange(events)
        move = min(rng.randint(0, 4), sizes[a] - 1)
        sizes[a] -= move
        sizes[b] += move
    return sizes


def generate(posts: int, seed: int = SEED, shape: str = DEFAULT_SHAPE) -> Corpus:
    """Build the whole corpus in memory; same (posts, seed, shape) → same texts."""
    if posts < 1:
        raise ValueError("posts must be at least 1")
    form = get_shape(shape)
    # A string seed is hashed with SHA-512 by random, so it is stable across runs and versions.
    # The default shape keeps issue 8's seed string, so its corpus is the one measured before.
    tail = "" if shape == DEFAULT_SHAPE else f":{shape}"
    rng = random.Random(f"breakout-bench:{seed}:{posts}{tail}")
    people = make_people(rng, form.people_pool(posts))
    topics = make_topics(rng, form.topic_pool(posts))
    events = make_events(rng, max(1, round(posts / 20)))
    site = Pools(
        rng,
        people,
        _zipf_cum_weights(len(people)),
        topics,
        _zipf_cum_weights(len(topics)),
        form,
    )
    corpus = Corpus(posts=posts, seed=seed, shape=shape)
    corpus.files["people.toml"] = people_toml(people)
    corpus.files["events.toml"] = events_toml(events)
    corpus.files["pages/about.md"] = (
        "Title: About\n\nA generated benchmark corpus of unconference write-ups "
        "(bench/corpus.py); every name and address in it is made up.\n"
    )
    index = 0
    for event, size in zip(events, _event_sizes(rng, posts, len(events)), strict=True):
        remaining = size
        titles: set[str] = set()
        while remaining:
            per_session = min(remaining, rng.choices((1, 2, 3), weights=(50, 35, 15))[0])
            remaining -= per_session
            for _ in range(50):  # session titles are unique within an event
                subject = rng.choice(SUBJECTS)
                session = rng.choice(SESSION_TEMPLATES).format(
                    s=subject,
                    S=subject[:1].upper() + subject[1:],
                    c=rng.choice(CONTEXTS),
                    t=rng.choice([x for x in SUBJECTS if x != subject]),
                )
                if session not in titles:
                    break
            else:
                session = f"{session} ({len(titles) + 1})"
            titles.add(session)
            leaders = _dedupe_people([site.person() for _ in range(rng.choice((1, 1, 1, 2)))])
            plain_leader = (
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if rng.random() < 0.25 else ""
            )
            for _ in range(per_session):
                index += 1
                corpus.comment_count += _add_writeup(
                    corpus, site, index, event, session, leaders, plain_leader
                )
    return corpus


def _dedupe_people(people: Sequence[Person]) -> list[Person]:
    """Distinct people in first-seen order."""
    out: list[Person] = []
    for p in people:
        if p not in out:
            out.append(p)
    return out


def _add_writeup(
    corpus: Corpus,
    site: Pools,
    index: int,
    event: Event,
    session: str,
    leaders: Sequence[Person],
    plain_leader: str,
) -> int:
    """Generate one write-up (both trees) and its comments; return the number of comments."""
    rng = site.rng
    title = rng.choice(TITLE_TEMPLATES).format(session=session)
    slug = f"{slugify(title)[:50].strip('-')}-{index}"
    days = rng.choice((0, 0, 1, 1, 2, 3, 5, 7, 10, 14, 21))
    # 08:00–21:59 only: a Europe/London wall time in the 01:00 DST gap would not exist.
    date = dt.datetime.combine(event.date, dt.time(rng.randint(8, 21), rng.randint(0, 59)))
    date += dt.timedelta(days=days)
    relpath = f"writeups/{date.year}/{slug}.md"

    distinct = rng.randint(*site.shape.handles)
    mentioned = _dedupe_people(list(leaders)[:distinct])
    while len(mentioned) < distinct:
        mentioned = _dedupe_people([*mentioned, site.person()])
    rng.shuffle(mentioned)
    n_tags = rng.randint(*site.shape.hashtags)
    hashtags = [event.hashtag] if rng.random() < 0.4 else []
    while len(hashtags) < n_tags:
        hashtags = dedupe([*hashtags, site.topic()])
    tags = dedupe([site.topic() for _ in range(rng.choice((0, 1, 1, 2, 2, 3)))])
    internal = (
        corpus.writeups[-rng.randint(1, len(corpus.writeups))]
        if corpus.writeups and rng.random() < 0.3
        else ""
    )
    body = writeup_body(site, mentioned, leaders, hashtags, internal)

    if rng.random() < 0.7:
        author = site.person().name
    elif rng.random() < 0.7:
        author = "@" + site.person().twitter
    else:
        author = ""
    leader_text = ", ".join(
        [*("@" + p.twitter for p in leaders), *([plain_leader] if plain_leader else [])]
    )
    summary = as_sentence(sentence_words(rng, rng.randint(15, 35)))
    feed_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    meta = [f"Title: {title}", f"Date: {date:%Y-%m-%d %H:%M}"]
    if author:
        meta.append(f"Author: {author}")
    meta += [f"Event: {event.slug}", f"Session: {session}", f"Session_leader: {leader_text}"]
    vanilla_meta = list(meta)
    if tags:
        meta.append(f"Tags: {', '.join(tags)}")
    # Vanilla gets one tag per person, topic and event hashtag, so it builds comparable tag pages.
    vanilla_tags = dedupe([*tags, *(p.twitter for p in [*leaders, *mentioned]), *hashtags])
    vanilla_meta.append(f"Tags: {', '.join(vanilla_tags)}")
    tail = [f"Summary: {summary}", f"Id: urn:uuid:{feed_id}"]
    corpus.files[relpath] = "\n".join([*meta, *tail]) + "\n\n" + body
    corpus.vanilla[relpath] = "\n".join([*vanilla_meta, *tail]) + "\n\n" + body
    corpus.writeups.append(relpath)

    count = min(site.shape.comments_max, _poisson(rng, site.shape.comments_mean))
    when = date
    ids: list[str] = []
    for n in range(1, count + 1):
        cid = f"{n:03d}"
        # Comments come in order, minutes to days apart; 01:xx is skipped because that wall
        # time is missing (or doubled) on Europe/London's DST change days.
        when += dt.timedelta(minutes=rng.choice((rng.randint(5, 600), rng.randint(600, 7200))))
        if when.hour == 1:
            when += dt.timedelta(hours=1)
        dated = when if rng.random() > 0.05 else None  # launch content: dates "when known"
        corpus.files[f"comments/{slug}/{cid}.md"] = comment_text(site, ids, dated)
        ids.append(cid)
    return count


def write_tree(files: dict[str, str], out: Path) -> None:
    """Write relative path → text under out (which must be absent or empty)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; give a new or empty folder")
    made: set[Path] = set()
    for rel, text in files.items():
        path = out / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(text.encode("utf-8"))


def write_corpus(corpus: Corpus, out: Path, vanilla_out: Path | None = None) -> None:
    """Write Breakout's content tree to out and, if given, the vanilla copy to vanilla_out."""
    write_tree(corpus.files, out)
    if vanilla_out is not None:
        # Vanilla needs the write-ups and pages only: no comment files, no registries.
        pages = {k: v for k, v in corpus.files.items() if k.startswith("pages/")}
        write_tree({**corpus.vanilla, **pages}, vanilla_out)


_EDIT_RE = re.compile(r"(?<= )(revised|amended|[a-z]{4,})(?=[ .])")


def edit_one_word(path: Path) -> str:
    """Change one prose word of a write-up's body (toggling on repeats) and touch its mtime."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n\n")
    m = _EDIT_RE.search(body)
    if m is None:
        raise ValueError(f"{path}: no prose word to edit")
    new = EDIT_WORDS[1] if m.group(1) == EDIT_WORDS[0] else EDIT_WORDS[0]
    path.write_text(head + sep + body[: m.start()] + new + body[m.end() :], encoding="utf-8")
    os.utime(path)  # an editor's save: new content and a new mtime
    return new


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: write a corpus of --posts write-ups into --out (and the vanilla copy if asked)."""
    parser = argparse.ArgumentParser(
        prog="python3 -m bench.corpus", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--posts", type=int, required=True, help="number of write-ups")
    parser.add_argument("--out", type=Path, required=True, help="content folder to create")
    parser.add_argument("--vanilla", type=Path, help="also write the vanilla Pelican copy here")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--shape", choices=tuple(SHAPES), default=DEFAULT_SHAPE, help="corpus shape (default)"
    )
    args = parser.parse_args(argv)
    corpus = generate(args.posts, args.seed, args.shape)
    try:
        write_corpus(corpus, args.out, args.vanilla)
    except FileExistsError as exc:
        print(f"bench.corpus: {exc}", file=sys.stderr)
        return 2
    print(f"{len(corpus.writeups)} write-ups, {corpus.comment_count} comments → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
