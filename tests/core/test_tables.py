"""The one CSV reader: true line numbers, and unreadable files as InputError."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circulair.core.errors import InputError
from circulair.core.tables import csv_dicts


def test_line_numbers_survive_blank_lines_and_multiline_cells() -> None:
    text = 'name,value\na,1\n\n"two\nline",2\n\nc,bad\n'
    header, rows = csv_dicts(text, file="t.csv")
    assert header == ["name", "value"]
    assert [(line, r["name"], r["value"]) for line, r in rows] == [
        (2, "a", "1"),
        (4, "two\nline", "2"),
        (7, "c", "bad"),
    ]


def test_huge_cell_is_an_input_error_with_the_line() -> None:
    text = "name,value\nok,1\nx," + "9" * 200_000 + "\n"
    with pytest.raises(InputError) as e:
        csv_dicts(text, file="big.csv")
    p = e.value.problems[0]
    assert p.file == "big.csv" and p.row == 3
    assert "longer than 131,072 characters" in p.message


@given(st.lists(st.tuples(st.text(alphabet='ab,\n" ', max_size=6), st.integers(0, 2)), max_size=8))
def test_reported_line_is_where_the_record_starts(cells: list[tuple[str, int]]) -> None:
    """Write records (with quoted multi-line cells and blank lines between) and read them back."""
    lines = ["name,value"]
    expected = []
    for text, blanks in cells:
        lines.extend([""] * blanks)
        quoted = '"' + text.replace('"', '""') + '"'
        start = sum(part.count("\n") + 1 for part in lines) + 1
        lines.append(f"{quoted},v")
        expected.append((start, text.strip()))
    _h, rows = csv_dicts("\n".join(lines) + "\n", file="p.csv")
    assert [(line, r["name"]) for line, r in rows] == expected


def test_formula_like_cells_are_written_as_text() -> None:
    import io as _io

    from openpyxl import load_workbook

    from circulair.core.tables import is_formula_like, write_table

    risky = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    assert all(is_formula_like(v) for v in risky)
    assert not any(is_formula_like(v) for v in ["-12.5", "+3", "1e5", "plain", "", 5, -3.0])
    text = write_table(["v"], [[v] for v in [*risky, "-12.5", -3.0]], "csv").decode()
    lines = text.split("\n")
    assert lines[1] == "'=1+1" and lines[3] == "'-2+3"
    assert "\n-12.5\n-3.0\n" in text
    ws = load_workbook(_io.BytesIO(write_table(["v"], [[v] for v in risky], "xlsx"))).active
    got = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert [c.value for c in got][:5] == risky[:5] and {c.data_type for c in got} == {"s"}
