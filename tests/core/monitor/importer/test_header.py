"""The header line (``importer/header.py``): unknown, repeated, missing and year columns."""

from __future__ import annotations

from types import SimpleNamespace

from circulair.core.monitor.importer import LONG_COLUMNS


def test_header_problems(imp: SimpleNamespace) -> None:
    assert [
        p.row for p in imp.problems(imp.csv_bytes([], header=["indicator", "region", "year"]))
    ] == [1]
    found = imp.problems(
        imp.csv_bytes(
            [["rmc", "VLG", 2018, 1, "Mt", "", "", "?"]], header=[*LONG_COLUMNS, "colour"]
        )
    )
    assert [(p.row, p.field) for p in found] == [(1, "colour")]
    found = imp.problems(
        imp.csv_bytes([], header=["indicator", "region", "Year", "value", "unit", "year"])
    )
    assert "twice" in found[0].message
    assert imp.problems(imp.csv_bytes([]))[0].message.startswith(
        "the file has a header but no data"
    )
    assert imp.problems(b"", "obs.csv")[0].row == 1
    assert "unsupported" in imp.problems(b"a,b", "obs.pdf")[0].message


def test_wide_header_checks(imp: SimpleNamespace) -> None:
    found = imp.problems(
        imp.csv_bytes(
            [["rmc", "VLG", "Mt", "1", "2"]], header=["indicator", "region", "unit", "1850", "2015"]
        )
    )
    assert [(p.row, p.field) for p in found] == [(1, "1850")]
    found = imp.problems(
        imp.csv_bytes(
            [["rmc", "VLG", "2015", "Mt", "1"]],
            header=["indicator", "region", "year", "unit", "2015"],
        )
    )
    assert "both" in found[0].message
