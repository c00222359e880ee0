"""Facility sizing from demand, size classes, scenario totals and comparison."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from circulair.core.atlas.sizing import (
    BETWEEN_CLASSES,
    OUTSIDE_CLASSES,
    STUDY_SIZE_CLASSES,
    SizeOption,
    compare,
    fixed_scenario,
    size_class_of,
    size_facility,
    size_scenario,
)
from circulair.core.errors import InputError

KNOWLEDGE = Path(__file__).resolve().parents[3] / "src" / "circulair" / "data" / "knowledge"

# Materials bank (003:9423-10136): future 5,000-10,000 m² for the 8,000 t/yr ambition; the
# throughputs below are illustrative, the areas are the study's.
SMALL = SizeOption("small", 5_000, 4_000)
LARGE = SizeOption("large", 10_000, 8_000)
# Mechanical recycling (003:10137-10796): 60,000 m² for 16,000 t/yr pretreatment.
MECHANICAL = SizeOption("mechanical recycling", 60_000, 16_000)


# --- one facility -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("demand", "label", "units"),
    [
        (0, "small", 1),  # opened without demand: still the smallest site
        (3_999.9, "small", 1),
        (4_000, "small", 1),  # exactly the throughput: covered
        (4_000.1, "large", 1),
        (8_000, "large", 1),
        (8_000.1, "large", 2),
        (20_000, "large", 3),  # 24,000 t/yr capacity
    ],
)
def test_size_facility(demand, label, units):
    fs = size_facility(demand, [LARGE, SMALL])
    assert (fs.option.label, fs.units) == (label, units)
    assert fs.capacity_t >= demand


def test_size_facility_several_units_hand_computed():
    fs = size_facility(40_000, [MECHANICAL])
    assert fs.units == 3
    assert fs.area_m2 == 180_000
    assert fs.capacity_t == 48_000
    assert fs.utilisation == pytest.approx(40_000 / 48_000)


def test_size_facility_bad_input():
    with pytest.raises(InputError, match="demand must be"):
        size_facility(-1, [SMALL])
    with pytest.raises(InputError, match="demand must be"):
        size_facility(math.nan, [SMALL])
    with pytest.raises(InputError, match="at least one size option"):
        size_facility(1, [])
    with pytest.raises(InputError) as e:
        size_facility(1, [SMALL, SizeOption("no figure", 2_500)])
    assert (e.value.problems[0].row, e.value.problems[0].field) == (
        "no figure",
        "throughput_t_per_year",
    )
    with pytest.raises(InputError, match="duplicate option label"):
        size_facility(1, [SMALL, SizeOption("small", 1, 1)])


def test_size_option_validation():
    with pytest.raises(InputError) as e:
        SizeOption("", -5, 0)
    assert [p.field for p in e.value.problems] == ["label", "area_m2", "throughput_t_per_year"]


# --- size classes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "label"),
    [
        (0, "< 1,000 m²"),
        (999.9, "< 1,000 m²"),
        (1_000, "1,000 - 5,000 m²"),
        (5_000, "5,000 - 20,000 m²"),
        (40_000, "20,000 - 50,000 m²"),
        (49_999, "20,000 - 50,000 m²"),
        (50_000, BETWEEN_CLASSES),
        (55_000, BETWEEN_CLASSES),  # the source's gap: not guessed
        (60_000, "> 60,000 m²"),
        (120_000, "> 60,000 m²"),
    ],
)
def test_study_size_classes(area, label):
    assert size_class_of(area) == label


def test_study_classes_match_the_knowledge_base():
    records = yaml.safe_load((KNOWLEDGE / "facility_size_classes.yaml").read_text())["records"]
    bounds = [
        ((r["attributes"]["min_m2"] or 0.0), r["attributes"]["max_m2"])
        for r in sorted(records, key=lambda r: r["order"])
    ]
    assert bounds == [(lo, hi) for _, lo, hi in STUDY_SIZE_CLASSES]


def test_custom_classes():
    classes = [("small", None, 100), ("big", 100, 200)]
    assert size_class_of(50, classes) == "small"
    assert size_class_of(250, classes) == OUTSIDE_CLASSES
    with pytest.raises(InputError, match="overlap"):
        size_class_of(50, [("a", 0, 100), ("b", 50, 200)])
    with pytest.raises(InputError, match="0 <= min < max"):
        size_class_of(50, [("a", 100, 100)])
    with pytest.raises(InputError, match="area must be"):
        size_class_of(-1)


# --- scenarios ----------------------------------------------------------------------------------


def _materials_bank(small_m2: float, large_m2: float, name: str):
    small, large = SizeOption("small", small_m2), SizeOption("large", large_m2)
    return fixed_scenario(
        name,
        [(f"s{i}", f"small {i}", small) for i in range(10)]
        + [(f"l{i}", f"large {i}", large) for i in range(12)],
    )


def test_study_materials_bank_17_ha():
    s = _materials_bank(5_000, 10_000, "study")
    assert (s.facilities, s.units) == (22, 22)
    assert s.total_m2 == 170_000
    assert s.total_ha == 17.0
    assert s.facilities_by_option() == {"small": 10, "large": 12}
    assert s.units_by_class()["5,000 - 20,000 m²"] == 22
    assert s.demand_t is None


def test_compare_study_with_annex_variant():
    main = _materials_bank(5_000, 10_000, "main text")
    annex = _materials_bank(2_500, 5_000, "annex")  # 2.5 + 6 ha (003:16409-16417)
    rows = compare(main, annex)
    assert rows[0] == {
        "metric": "scenario",
        "unit": "",
        "a": "main text",
        "b": "annex",
        "difference": None,
        "relative": None,
    }
    by = {(r["metric"], r["unit"], r.get("size_class")): r for r in rows[1:]}
    assert by[("area", "ha", None)]["a"] == 17.0
    assert by[("area", "ha", None)]["b"] == 8.5
    assert by[("area", "ha", None)]["difference"] == -8.5
    assert by[("area", "ha", None)]["relative"] == -0.5
    assert by[("facilities", "count", None)]["difference"] == 0
    assert by[("units", "count", "1,000 - 5,000 m²")]["b"] == 10
    assert by[("units", "count", "5,000 - 20,000 m²")]["a"] == 22
    assert by[("units", "count", "5,000 - 20,000 m²")]["b"] == 12
    assert by[("area", "m²", "1,000 - 5,000 m²")]["b"] == 25_000
    assert by[("demand served", "t/yr", None)]["difference"] is None
    labels = [r["size_class"] for r in rows if r["metric"] == "units" and "size_class" in r]
    assert labels == [c[0] for c in STUDY_SIZE_CLASSES]


def test_size_scenario_from_demand():
    s = size_scenario(
        "demand-driven",
        [("a", "Antwerpen", 20_000), ("g", "Gent", 3_000), ("l", "Leuven", 6_000)],
        [SMALL, LARGE],
    )
    rows = {r.facility_id: r for r in s.rows}
    assert (rows["a"].option_label, rows["a"].units, rows["a"].area_m2) == ("large", 3, 30_000)
    assert (rows["g"].option_label, rows["g"].area_m2) == ("small", 5_000)
    assert rows["l"].option_label == "large"
    assert s.total_m2 == 45_000 and s.total_ha == 4.5
    assert s.demand_t == 29_000 and s.capacity_t == 36_000  # 3 x 8,000 + 4,000 + 8,000
    assert s.units == 5 and s.facilities == 3
    assert s.units_by_class()["5,000 - 20,000 m²"] == 5
    assert s.m2_by_class()["5,000 - 20,000 m²"] == 45_000
    study = _materials_bank(5_000, 10_000, "study")
    by = {(r["metric"], r["unit"], r.get("size_class")): r for r in compare(study, s)}
    assert by[("area", "ha", None)]["difference"] == pytest.approx(4.5 - 17.0)


def test_size_scenario_between_classes_is_reported():
    s = size_scenario("x", {"p": 1_000}, [SizeOption("odd", 55_000, 2_000)])
    assert s.rows[0].size_class == BETWEEN_CLASSES
    assert s.units_by_class()[BETWEEN_CLASSES] == 1


def test_size_scenario_reports_every_bad_facility():
    with pytest.raises(InputError) as e:
        size_scenario("x", [("a", "A", -1), ("b", "B", 5), ("b", "B2", math.inf)], [SMALL])
    assert [(p.row, p.field) for p in e.value.problems] == [
        ("a", "demand_t"),
        ("b", "facility_id"),
        ("b", "demand_t"),
    ]


# --- properties ---------------------------------------------------------------------------------

_options = st.lists(
    st.tuples(st.floats(1, 1e6), st.floats(1, 1e6)),
    min_size=1,
    max_size=5,
).map(lambda xs: [SizeOption(f"o{i}", a, t) for i, (a, t) in enumerate(xs)])


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1e8), _options)
def test_sizing_covers_demand(demand, options):
    fs = size_facility(demand, options)
    assert fs.capacity_t >= demand
    largest = max(o.throughput_t_per_year or 0.0 for o in options)
    if fs.units > 1:
        # several units only when no option suffices, and no more than needed
        assert demand > largest
        assert (fs.units - 1) * (fs.option.throughput_t_per_year or 0.0) < demand
    else:
        # the smallest covering option
        covering = [
            o.throughput_t_per_year or 0.0
            for o in options
            if (o.throughput_t_per_year or 0.0) >= demand
        ]
        if covering:
            assert fs.option.throughput_t_per_year == min(covering)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=4), st.floats(0, 1e5), min_size=1, max_size=10))
def test_scenario_totals_are_sums(demands):
    s = size_scenario("p", demands, [SMALL, LARGE])
    assert s.total_m2 == pytest.approx(sum(r.area_m2 for r in s.rows))
    assert s.total_ha == pytest.approx(s.total_m2 / 10_000)
    assert sum(s.units_by_class().values()) == s.units
    assert (s.capacity_t or 0) >= (s.demand_t or 0)
