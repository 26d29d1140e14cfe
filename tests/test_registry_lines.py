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


def test_one_pass_finds_every_header_as_a_search_per_key_does() -> None:
    lines = header_lines(TEXT, "people")
    assert lines == {"ann": 2, "bob-2": 5, "cy": 11}
    for key, line in lines.items():
        assert table_line(TEXT, "people", key) == line
    assert header_lines(TEXT, "events") == {"ann": 7}


def test_a_file_without_headers_of_the_table_gives_none() -> None:
    assert header_lines("people = 1\n[other.x]\n", "people") == {}
