"""Reading files (``importer/readers.py``): Dutch Excel CSV, XLSX long and wide, bad files."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import Workbook

from circulair.core.monitor.importer import LONG_COLUMNS


def test_dutch_excel_csv_semicolon_decimal_comma_cp1252(imp: SimpleNamespace) -> None:
    header = ["Indicator", "Regio", "Jaar", "Waarde", "Eenheid", "Bron", "Opmerking"]
    rows = [
        ["rmc", "vlg", "2018", "642,5", "Mt", "Studie", "geraamd, ± 5 %"],
        ["household-waste-per-inhabitant", "VLG", "2020", "1.234,5", "kg/inw", "", ""],
    ]
    content = imp.csv_bytes(rows, delimiter=";", encoding="cp1252", header=header)
    got = imp.parse(content)
    assert got[0].value == 642.5 and got[0].region == "VLG" and "± 5 %" in got[0].note
    assert got[1].value == 1234.5 and got[1].unit == "kg/inh"


def test_xlsx_long(imp: SimpleNamespace) -> None:
    rows: list[list[Any]] = [
        list(LONG_COLUMNS),
        ["rmc", "VLG", 2010, 567, "Mt", "003", None],
        ["rmc", "VLG", 2018.0, 642.0, "Mt/yr", "003", "rising"],
        [None] * 7,
        ["rmc", "VLG", 2019, "veel", "Mt", None, None],
        ["rmc", "BE", True, 5, "Mt", None, None],
    ]
    found = imp.problems(imp.xlsx_bytes(rows), "obs.xlsx")
    assert [(p.row, p.field) for p in found] == [(5, "value"), (6, "year")]
    assert all(p.file == "obs.xlsx" for p in found)
    got = imp.parse(imp.xlsx_bytes(rows[:3]), "obs.xlsx")
    assert [(o.year, o.value, o.note) for o in got] == [(2010, 567.0, ""), (2018, 642.0, "rising")]


def test_xlsx_wide(imp: SimpleNamespace) -> None:
    rows: list[list[Any]] = [
        ["indicator", "region", "unit", 2016, 2017, 2018],
        ["recycling-rate-household", "VLG", "1", 0.6, None, 0.65],
        ["rmc", "VLG", "Mt", 600, 610, "n/a"],
    ]
    got = imp.parse(imp.xlsx_bytes(rows), "obs.xlsx")
    assert [(o.indicator, o.year, round(o.value, 9)) for o in got] == [
        ("recycling-rate-household", 2016, 60.0),
        ("recycling-rate-household", 2018, 65.0),
        ("rmc", 2016, 600.0),
        ("rmc", 2017, 610.0),
    ]


def test_xlsx_percentage_format_counts_as_shown(imp: SimpleNamespace) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(LONG_COLUMNS))
    ws.append(["recycling-rate-household", "VLG", 2020, 0.44, "%", None, None])
    ws["D2"].number_format = "0%"  # Excel shows 44%
    buf = io.BytesIO()
    wb.save(buf)
    assert imp.parse(buf.getvalue(), "obs.xlsx")[0].value == pytest.approx(44)


def test_unreadable_files(imp: SimpleNamespace) -> None:
    assert "XLSX" in imp.problems(b"PK\x03\x04garbage", "obs.xlsx")[0].message
    assert "looks like an XLSX" in imp.problems(imp.xlsx_bytes([["a"]]), "obs.csv")[0].message
