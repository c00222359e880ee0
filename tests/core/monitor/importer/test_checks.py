"""Row checks (``importer/checks.py``): every problem of a file, each with its line and column."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.errors import InputError
from circulair.core.monitor.importer import LONG_COLUMNS


def fifty_rows() -> list[list[Any]]:
    rows = []
    for i in range(50):
        slug = ("rmc", "household-waste-per-inhabitant")[i % 2]
        unit = ("Mt", "kg/inh")[i % 2]
        rows.append([slug, "VLG", 1990 + i // 2, f"{500 + i}", unit, "test", ""])
    return rows


def test_units_are_converted_to_the_indicator_unit(imp: SimpleNamespace) -> None:
    rows = [
        ["rmc", "VLG", 2018, "642000", "kt", "", ""],
        ["household-waste-per-inhabitant", "VLG", 2020, "0.476", "t/inh", "", ""],
        ["recycling-rate-household", "VLG", 2020, "0.44", "fraction", "", ""],
        ["water-use", "VLG", 2020, "750000000", "m3/yr", "", ""],
        ["local-governments-self-score", "VLG", 2021, "4.3", "score/10", "", ""],
    ]
    got = {o.indicator: (o.value, o.unit) for o in imp.parse(imp.csv_bytes(rows))}
    assert got["rmc"] == (pytest.approx(642), "Mt")
    assert got["household-waste-per-inhabitant"] == (pytest.approx(476), "kg/inh")
    assert got["recycling-rate-household"] == (pytest.approx(44), "%")
    assert got["water-use"] == (pytest.approx(750), "million m3")
    assert got["local-governments-self-score"] == (4.3, "score/10")


def test_three_bad_rows_among_fifty_report_exactly_those_and_change_nothing(
    imp: SimpleNamespace,
) -> None:
    rows = fifty_rows()
    rows[6][0] = "rmcc"  # line 8: unknown indicator
    rows[21][4] = "Mt"  # line 23: household waste in Mt, not convertible to kg/inh
    rows[38][3] = "twelve"  # line 40: not a number
    store: dict[tuple[str, str, int], float] = {("rmc", "VLG", 1900): 1.0}
    existing = set(store)

    def import_into(store: dict[tuple[str, str, int], float]) -> None:
        for o in imp.parse(imp.csv_bytes(rows), existing=existing):
            store[o.key] = o.value

    with pytest.raises(InputError) as e:
        import_into(store)
    found = e.value.problems
    assert [(p.row, p.field) for p in found] == [(8, "indicator"), (23, "unit"), (40, "value")]
    assert all(p.file == "obs.csv" for p in found)
    assert "did you mean 'rmc'" in found[0].message
    assert "'kg/inh'" in found[1].message and "'Mt'" in found[1].message
    assert found[2].value == "twelve"
    assert "line 40, column 'value'" in str(found[2])
    assert store == {("rmc", "VLG", 1900): 1.0}  # nothing imported
    assert existing == {("rmc", "VLG", 1900)}
    # fixed, all 50 import
    rows[6][0], rows[21][4], rows[38][3] = "rmc", "kg/inh", "538"
    assert len(imp.parse(imp.csv_bytes(rows))) == 50


def test_every_row_check(imp: SimpleNamespace) -> None:
    rows = [
        ["rmc", "VLG", "2018", "642", "Mt", "", ""],  # 2 ok
        ["rmc", "VLG", "2018", "640", "Mt", "", ""],  # 3 duplicate of 2
        ["rmc", "XX", "2017", "1", "Mt", "", ""],  # 4 unknown region
        ["rmc", "VLG", "1850", "1", "Mt", "", ""],  # 5 year out of range
        ["rmc", "VLG", "2016.5", "1", "Mt", "", ""],  # 6 year not whole
        ["rmc", "VLG", "2015", "", "Mt", "", ""],  # 7 empty value
        ["rmc", "VLG", "2014", "nan", "Mt", "", ""],  # 8 not finite
        ["rmc", "VLG", "2013", "1", "", "", ""],  # 9 empty unit
        ["recycling-rate-household", "VLG", "2013", "120", "%", "", ""],  # 10 share > 100
        ["rmc", "VLG", "2012", "1", "mt", "", ""],  # 11 ambiguous unit
        ["", "", "", "", "", "", ""],  # 12 empty line: skipped
        ["rmc", "VLG", "2011", "1", "Mt", "x" * 301, ""],  # 13 source too long
        ["rmc", "VLG", "2010", "1", "Mt", "", "", "extra"],  # 14 too many cells
        ["rmc", "VLG", "2030", "1", "Mt", "", ""],  # 15 already stored
    ]
    found = imp.problems(imp.csv_bytes(rows), existing={("rmc", "VLG", 2030)})
    by_line = {p.row: p for p in found}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15]
    assert len(found) == 12
    assert "line 2" in by_line[3].message and by_line[3].field == "year"
    assert by_line[4].field == "region"
    assert by_line[5].field == "year" and by_line[5].value == 1850
    assert by_line[6].field == "year"
    assert by_line[7].field == "value" and "empty" in by_line[7].message
    assert by_line[8].field == "value"
    assert by_line[9].field == "unit" and "'Mt'" in by_line[9].message
    assert by_line[10].field == "value" and "0 and 100" in by_line[10].message
    assert by_line[11].field == "unit"
    assert by_line[13].field == "source"
    assert "8 cells" in by_line[14].message
    assert "already stored" in by_line[15].message


# --- hypothesis: one corrupted row among generated valid rows is always reported -----------

CORRUPTIONS = ("indicator", "region", "unit", "value", "year", "duplicate")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    pick=st.integers(0, 10**6),
    kind=st.sampled_from(CORRUPTIONS),
    xlsx=st.booleans(),
)
def test_a_corrupted_row_is_always_reported_with_its_line(
    imp: SimpleNamespace, data: st.DataObject, pick: int, kind: str, xlsx: bool
) -> None:
    rows: list[list[str]] = data.draw(imp.valid_rows())
    if kind == "duplicate" and len(rows) < 2:
        kind = "value"
    i = pick % len(rows) if kind != "duplicate" else 1 + pick % (len(rows) - 1)
    row = rows[i]
    field = {"duplicate": "year"}.get(kind, kind)
    if kind == "indicator":
        row[0] = "no-such-indicator"
    elif kind == "region":
        row[1] = "ATLANTIS"
    elif kind == "unit":
        row[4] = "kg/inh" if imp.INDICATORS[row[0]].unit != "kg/inh" else "Mt"
    elif kind == "value":
        row[3] = "12 kg"
    elif kind == "year":
        row[2] = "2101"
    else:
        source = rows[pick % i]
        row[0], row[1], row[2], row[4], row[3] = (
            source[0],
            source[1],
            source[2],
            imp.UNITS_FOR[source[0]][0][0],
            "1",
        )
    content = imp.xlsx_bytes([list(LONG_COLUMNS), *rows]) if xlsx else imp.csv_bytes(rows)
    found = imp.problems(content, "obs.xlsx" if xlsx else "obs.csv")
    assert [(p.row, p.field) for p in found] == [(i + 2, field)]
    if kind == "duplicate":
        assert f"line {pick % i + 2}" in found[0].message
