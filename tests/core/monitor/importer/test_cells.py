"""Cells (``importer/cells.py``): numbers with either decimal mark, text, values as shown."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from circulair.core.monitor.importer import parse_number
from circulair.core.monitor.importer.cells import cell_text, shown_value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("642", 642.0),
        ("-17", -17.0),
        ("396.9", 396.9),
        ("396,9", 396.9),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 234,5", 1234.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("abc", None),
        ("1.2.3", None),
        ("1,23.4", None),
        ("nan", None),
        ("inf", None),
        ("", None),
        ("12%", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_cell_text_writes_numbers_as_typed() -> None:
    assert cell_text(None) == ""
    assert cell_text(2015.0) == "2015"  # a year read from XLSX as a float
    assert cell_text(396.9) == "396.9"
    assert cell_text("  VLG ") == "VLG"
    assert cell_text(date(2020, 1, 2)) == "2020-01-02"


def test_shown_value_counts_a_percentage_format_as_the_percentage() -> None:
    assert shown_value(SimpleNamespace(value=0.44, number_format="0%")) == pytest.approx(44)
    assert shown_value(SimpleNamespace(value=0.44, number_format="General")) == 0.44
    assert shown_value(SimpleNamespace(value=True, number_format="0%")) is True  # not a number
    assert shown_value(SimpleNamespace(value="44", number_format="0%")) == "44"
    assert shown_value(SimpleNamespace(value=None, number_format=None)) is None
