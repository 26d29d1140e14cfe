"""streamed_digest: the open data graph's fingerprint, hashed part by part (breakout_kernel.change)."""

from __future__ import annotations

from dataclasses import dataclass

from breakout_kernel.change.hashing import streamed_digest


@dataclass(frozen=True, slots=True)
class Row:
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[Row, ...]
    notes: tuple[str, ...]


def table(*names: str, notes: tuple[str, ...] = ()) -> Table:
    return Table(tuple(Row(n.lower(), n) for n in names), notes)


def test_the_same_value_gives_the_same_digest_and_a_changed_row_another() -> None:
    a = (table("Ann", "Bob"), "https://x.example/schema.json")
    assert streamed_digest(a, 3) == streamed_digest((table("Ann", "Bob"), a[1]), 3)
    assert streamed_digest(a, 3) != streamed_digest((table("Ann", "Bobby"), a[1]), 3)
    assert streamed_digest(a, 3) != streamed_digest((table("Bob", "Ann"), a[1]), 3)  # order counts


def test_parts_are_framed_so_moving_a_boundary_changes_the_digest() -> None:
    # The same strings split differently between parts, rows and fields.
    assert streamed_digest(("ab", "c")) != streamed_digest(("a", "bc"))
    assert streamed_digest((("a",), "b")) != streamed_digest(("a", ("b",)))
    assert streamed_digest(table("A", notes=("x",)), 3) != streamed_digest(
        Table((Row("a", "A"), Row("x", "x")), ()), 3
    )
    # A dataclass and a tuple of the same field values differ.
    assert streamed_digest((Row("a", "A"),), 2) != streamed_digest((("a", "A"),), 2)


def test_depth_only_changes_how_the_value_is_walked_not_what_counts() -> None:
    one, other = table("Ann", "Bob"), table("Ann", "Rob")
    for depth in (0, 1, 2, 3):
        assert streamed_digest(one, depth) != streamed_digest(other, depth)
        assert streamed_digest(one, depth) == streamed_digest(table("Ann", "Bob"), depth)
