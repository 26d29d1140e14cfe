"""Corpus shapes: what each write-up names and how many comments it draws (`--shape NAME`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    """How dense a corpus is: what each write-up names and how many comments it draws."""

    name: str
    handles: tuple[int, int]  # distinct people @mentioned in a write-up's body, inclusive
    hashtags: tuple[int, int]  # distinct #hashtags in a write-up's body, inclusive
    people_divisor: int  # the people pool is posts / this (at least 12)
    topics_divisor: int  # the topic pool is posts / this (at least 8)
    comments_mean: float  # comments per write-up: Poisson with this mean...
    comments_max: int  # ...capped here
    summary: str = ""

    def people_pool(self, posts: int) -> int:
        """Size of the people registry for `posts` write-ups."""
        return max(12, self.handles[1] + 2, round(posts / self.people_divisor))

    def topic_pool(self, posts: int) -> int:
        """Number of distinct topics for `posts` write-ups."""
        return max(8, self.hashtags[1] + 2, round(posts / self.topics_divisor))


SHAPES = {
    shape.name: shape
    for shape in (
        Shape("default", (3, 10), (2, 6), 5, 10, 3.0, 12, "issue 8's corpus"),
        # Issue 21's independent measurement: more people and topics per write-up, from
        # larger pools, and busier comment threads.
        Shape("dense", (8, 20), (5, 12), 2, 4, 8.0, 30, "more names, tags and comments"),
    )
}
DEFAULT_SHAPE = "default"


def get_shape(name: str) -> Shape:
    """The named shape, or ValueError listing the known ones."""
    try:
        return SHAPES[name]
    except KeyError:
        raise ValueError(f"unknown shape {name!r} (known: {', '.join(SHAPES)})") from None
