"""Demand points from population, per-capita rates and user tables."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circulair.core.atlas.demand import (
    DemandPoints,
    aggregate_by_municipality,
    demand_from_population,
    demand_from_table,
)
from circulair.core.errors import InputError
from circulair.core.geo.population import with_population


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- DemandPoints -------------------------------------------------------------------------------


def test_points_total_and_read_only():
    d = DemandPoints(("a", "b"), ("A", "B"), [51.0, 51.1], [4.0, 4.1], [2.0, 3.5], "t/yr", "x")
    assert d.total == 5.5
    assert len(d) == 2
    assert d.weight.dtype == np.float64
    with pytest.raises(ValueError):
        d.weight[0] = 1.0
    assert d.as_rows()[1] == {
        "id": "b",
        "name": "B",
        "lat": 51.1,
        "lon": 4.1,
        "weight": 3.5,
        "unit": "t/yr",
    }


def test_points_negative_weight_names_id_and_value():
    with pytest.raises(InputError) as e:
        DemandPoints(
            ("a", "b", "c"), ("A", "B", "C"), [51.0] * 3, [4.0] * 3, [1.0, -2.5, -1.0], "t/yr", "x"
        )
    probs = e.value.problems
    assert [(p.row, p.field, p.value) for p in probs] == [
        ("b", "weight", -2.5),
        ("c", "weight", -1.0),
    ]
    assert "record b, field 'weight': weight must be >= 0 (got -2.5)" in str(e.value)


def test_points_every_problem_reported():
    with pytest.raises(InputError) as e:
        DemandPoints(
            ("a", "a"), ("A", "A"), [math.nan, 95.0], [4.0, 200.0], [math.inf, 1.0], "t/yr", "x"
        )
    fields = [(p.row, p.field) for p in e.value.problems]
    assert fields == [("a", "lat"), ("a", "weight"), ("a", "id"), ("a", "lat"), ("a", "lon")]


def test_points_length_mismatch():
    with pytest.raises(InputError) as e:
        DemandPoints(("a", "b"), ("A",), [51.0, 51.0], [4.0], [1.0, 2.0], "t/yr", "x")
    assert {p.field for p in e.value.problems} == {"names", "lon"}


# --- population ---------------------------------------------------------------------------------


def test_population_default(geo):
    d = demand_from_population(geo)
    assert len(d) == 285
    assert d.unit == "inhabitants"
    assert d.total == sum(m.population for m in geo.municipalities)
    assert d.ids[0] == geo.municipalities[0].refnis
    assert "population of VLG" in d.source


def test_population_rate_hand_computed(geo):
    pop = {m.refnis: 0 for m in geo.municipalities}
    pop["24062"] = 10_000  # Leuven
    pop["44021"] = 2_500  # Gent
    g = with_population(geo, pop, source="test")
    d = demand_from_population(g, rate_kg_per_inhabitant=477)
    assert d.unit == "t/yr"
    assert d.weight[d.ids.index("24062")] == pytest.approx(4_770.0)
    assert d.weight[d.ids.index("44021")] == pytest.approx(1_192.5)
    assert d.total == pytest.approx(5_962.5)
    assert "477 kg per inhabitant" in d.source and "test" in d.source


@pytest.mark.parametrize("rate", [-1.0, math.nan, math.inf, True, "477"])
def test_population_bad_rate(geo, rate):
    with pytest.raises(InputError) as e:
        demand_from_population(geo, rate_kg_per_inhabitant=rate)
    assert e.value.problems[0].field == "rate_kg_per_inhabitant"


# --- user tables --------------------------------------------------------------------------------


def test_table_by_refnis_and_postal_code(geo):
    rows = _rows(
        "refnis,postal_code,weight\n"
        "24062,,100\n"
        ",3000,50.5\n"  # Leuven again, by postal code
        "44021,9000,20\n"  # both given and consistent
        ",2000,1e3\n"
        ",,\n"
    )  # empty row: skipped
    d = demand_from_table(rows, geo, file="tonnages.csv")
    assert d.ids == ("11002", "24062", "44021")
    assert d.names == ("Antwerpen", "Leuven", "Gent")
    assert list(d.weight) == [1000.0, 150.5, 20.0]
    leuven = geo.municipality("24062")
    assert (d.lat[1], d.lon[1]) == (leuven.lat, leuven.lon)
    assert d.unit == "t/yr" and d.source == "table tonnages.csv"


def test_table_with_coordinates(geo):
    rows = _rows("id,name,lat,lon,weight\nsite-1,Werf Noord,51.25,4.40,12\n,,50.9,3.2,3\n")
    d = demand_from_table(rows, geo, unit="m3")
    assert d.ids == ("site-1", "row 3")
    assert d.names == ("Werf Noord", "row 3")
    assert list(d.weight) == [12.0, 3.0]
    assert d.unit == "m3"


def test_table_reports_every_bad_row(geo):
    text = (
        "refnis,postal_code,lat,lon,weight\n"
        "24062,,,,-5\n"  # line 2: negative weight
        "99999,,,,1\n"  # line 3: unknown REFNIS
        ",1000,,,1\n"  # line 4: Brussels postal code: not in the region
        ",1804,,,1\n"  # line 5: shared by Vilvoorde and Zemst
        "44021,3000,,,1\n"  # line 6: postal code of another municipality
        ",,51.0,,1\n"  # line 7: lon missing
        ",,95,4.0,1\n"  # line 8: latitude out of range
        "24062,,51.0,4.0,1\n"  # line 9: both kinds of location
        ",,,,7\n"  # line 10: no location
        '24062,,,,"1,5"\n'  # line 11: decimal comma
        "24062,,,,1\n"
    )  # line 12: fine
    with pytest.raises(InputError) as e:
        demand_from_table(_rows(text), geo, file="demand.csv")
    got = [(p.file, p.row, p.field, p.value) for p in e.value.problems]
    assert got == [
        ("demand.csv", 2, "weight", "-5"),
        ("demand.csv", 3, "refnis", "99999"),
        ("demand.csv", 4, "postal_code", "1000"),
        ("demand.csv", 5, "postal_code", "1804"),
        ("demand.csv", 6, "postal_code", "3000"),
        ("demand.csv", 7, "lon", ""),
        ("demand.csv", 8, "lat", "95"),
        ("demand.csv", 9, "lat", "51.0"),
        ("demand.csv", 10, "refnis", ""),
        ("demand.csv", 11, "weight", "1,5"),
    ]
    msg = str(e.value)
    assert (
        "demand.csv, line 5, column 'postal_code': postal code is shared by several "
        "municipalities (23088 Vilvoorde, 23096 Zemst)" in msg
    )
    assert "10 problems" in msg


def test_table_bad_header(geo):
    with pytest.raises(InputError) as e:
        demand_from_table(_rows("gemeente,tonnen\n24062,5\n"), geo, file="x.csv")
    p = e.value.problems[0]
    assert (p.file, p.row) == ("x.csv", 1)
    assert "expected a 'weight' column" in p.message


def test_table_ragged_rows(geo):
    rows = _rows("refnis,weight\n24062,1,extra\n44021\n")
    with pytest.raises(InputError) as e:
        demand_from_table(rows, geo)
    assert [(p.row, p.message[:4]) for p in e.value.problems] == [(2, "more"), (3, "fewe")]


def test_table_empty(geo):
    with pytest.raises(InputError, match="no data rows"):
        demand_from_table([], geo)
    with pytest.raises(InputError, match="no data rows"):
        demand_from_table(_rows("refnis,weight\n,\n"), geo)


def test_table_duplicate_point_ids(geo):
    rows = _rows("id,lat,lon,weight\nA,51,4,1\nA,51.1,4.1,2\n")
    with pytest.raises(InputError) as e:
        demand_from_table(rows, geo)
    assert (e.value.problems[0].row, e.value.problems[0].field) == (3, "id")


# --- aggregation --------------------------------------------------------------------------------


def test_aggregate(geo):
    d = aggregate_by_municipality(
        ["44021", "24062", "44021"], [1.0, 2.0, 0.5], geo, unit="establishments", source="s"
    )
    assert d.ids == ("24062", "44021")
    assert list(d.weight) == [2.0, 1.5]
    full = aggregate_by_municipality(["44021"], [1.0], geo, unit="u", source="s", include_zero=True)
    assert len(full) == 285 and full.total == 1.0


def test_aggregate_reports_bad_records(geo):
    with pytest.raises(InputError) as e:
        aggregate_by_municipality(
            ["44021", "00000", "24062"], [1.0, 1.0, -1.0], geo, unit="u", source="s"
        )
    assert [(p.row, p.field) for p in e.value.problems] == [(1, "refnis"), (2, "weight")]


# --- properties ---------------------------------------------------------------------------------

_REFNIS = ["11002", "24062", "44021", "71016", "23088", "23096", "12025"]


@settings(max_examples=60, deadline=None)
@given(
    records=st.lists(
        st.tuples(st.sampled_from(_REFNIS), st.floats(min_value=0, max_value=1e9, allow_nan=False)),
        min_size=1,
        max_size=40,
    )
)
def test_aggregated_total_equals_sum_of_inputs(geo, records):
    codes = [r for r, _ in records]
    weights = [w for _, w in records]
    d = aggregate_by_municipality(codes, weights, geo, unit="t/yr", source="h")
    assert d.total == pytest.approx(sum(weights), rel=1e-9, abs=1e-9)
    assert set(d.ids) == set(codes)
    assert (d.weight >= 0).all()


@settings(max_examples=60, deadline=None)
@given(
    records=st.lists(
        st.tuples(
            st.sampled_from([*_REFNIS, "99999"]),
            st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5)),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_table_weights_never_negative(geo, records):
    """Whatever the table holds, the result either has only non-negative finite weights whose
    total is the sum of the rows, or the import fails naming every bad row."""
    rows = [{"refnis": r, "weight": str(w)} for r, w in records]
    try:
        d = demand_from_table(rows, geo)
    except InputError as e:
        assert e.problems
        assert all(
            p.file == "demand.csv" and isinstance(p.row, int) and p.row >= 2 for p in e.problems
        )
        return
    assert (d.weight >= 0).all() and np.isfinite(d.weight).all()
    assert d.total == pytest.approx(sum(float(w) for _, w in records), rel=1e-9)
