"""Where a registry entry starts (breakout_kernel.data): the line every message about it names."""

from __future__ import annotations

from breakout_kernel.data import header_lines, table_line

TEXT = """# people of the site
[people.ann]
name = "Ann"

  [ people . "bob-2" ]
name = "Bob"
[events.ann]
name = "not a person"

[people.ann]   # a repeated key: the first header is the one reported
[people.cy]
name = "Cy"
"""


def test_one_pass_finds_every_header() -> None:
    assert header_lines(TEXT, "people") == {"ann": 2, "bob-2": 5, "cy": 11}
    assert header_lines(TEXT, "events") == {"ann": 7}


def test_a_field_is_found_under_its_own_header_only() -> None:
    assert table_line(TEXT, "people", "bob-2") == 5
    assert table_line(TEXT, "people", "bob-2", "name") == 6
    assert table_line(TEXT, "people", "cy", "name") == 12
    assert table_line(TEXT, "events", "ann", "name") == 8
    # ann's table holds no `twitter`: the header is named; an unknown key has no line.
    assert table_line(TEXT, "people", "ann", "twitter") == 2
    assert table_line(TEXT, "people", "nobody") is None


def test_a_file_without_headers_of_the_table_gives_none() -> None:
    assert header_lines("people = 1\n[other.x]\n", "people") == {}
