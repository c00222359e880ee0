"""The whole import (``importer/parse.py``): wide files, and generated valid files always import."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.monitor.units import convert


def test_wide_csv(imp: SimpleNamespace) -> None:
    header = ["indicator", "region", "unit", "2016", "2017", "2018", "source"]
    rows = [
        ["rmc", "VLG", "Mt", "600", "-", "642", "CE Monitor"],
        ["household-waste-per-inhabitant", "BE", "t/inh", "0.48", "", ":", ""],
        ["rmc", "VLG", "Mt", "", "620", "641", ""],  # line 4: 2018 repeats line 2
        ["rmc", "NL", "Mt", "x", "", "", ""],
    ]  # line 5: not a number in 2016
    found = imp.problems(imp.csv_bytes(rows, header=header))
    assert [(p.row, p.field) for p in found] == [(4, "2018"), (5, "2016")]
    assert "line 2" in found[0].message
    rows = rows[:2]
    got = imp.parse(imp.csv_bytes(rows, header=header))
    assert [(o.indicator, o.region, o.year, o.value) for o in got] == [
        ("rmc", "VLG", 2016, 600.0),
        ("rmc", "VLG", 2018, 642.0),
        ("household-waste-per-inhabitant", "BE", 2016, pytest.approx(480.0)),
    ]
    assert got[0].source == "CE Monitor"


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), delimiter=st.sampled_from([",", ";", "\t"]))
def test_generated_valid_rows_always_import(
    imp: SimpleNamespace, data: st.DataObject, delimiter: str
) -> None:
    rows: list[list[str]] = data.draw(imp.valid_rows())
    got = imp.parse(imp.csv_bytes(rows, delimiter=delimiter))  # type: ignore[arg-type]
    assert len(got) == len(rows)
    for o, r in zip(got, rows, strict=True):
        ind = imp.INDICATORS[r[0]]
        assert (o.indicator, o.region, o.year, o.unit) == (r[0], r[1], int(r[2]), ind.unit)
        assert o.value == convert(float(r[3]), r[4], ind.unit)
        assert o.note == r[6].strip()
