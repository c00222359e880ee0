"""The study's extrapolation on a region (``plan/scaling.py``): rows placed on the map, totals.

The hand partition: unit ``A`` = Aartselaar, Antwerpen (a central city) and Boechout; unit
``B`` = Boom (15,810 inhabitants) and Brasschaat (37,040), no central city.
"""

from __future__ import annotations

import pytest

from circulair.core.atlas.extrapolation import ExtrapolationResult, UnitAllocation
from circulair.core.atlas.plan import Archetype, extrapolation_plan, run_extrapolation
from circulair.core.atlas.plan_results import ExtrapolatedFacility, ExtrapolationPlan, SizeTotal
from circulair.core.errors import InputError
from circulair.core.geo.reference import RegionGeography

PART = {"A": ["11001", "11002", "11004"], "B": ["11005", "11008"]}
LARGE, SMALL = Archetype("l", "L", 20000), Archetype("s", "S", 5000)


def _rows(plan: ExtrapolationPlan) -> list[tuple[object, ...]]:
    return [
        (f.unit, f.unit_name, f.central, f.size, f.archetype, f.count, f.m2, f.municipality)
        for f in plan.facilities
    ]


def test_per_unit_on_a_hand_partition(geo: RegionGeography) -> None:
    plan = run_extrapolation(
        geo, method="per_unit", partition=PART, unit_names={"A": "Unit A"}, large=LARGE, small=SMALL
    )
    # A holds a central city: large, placed there; B: small, at its most populous member
    assert _rows(plan) == [
        ("A", "Unit A", True, "large", "l", 1, 20000, "Antwerpen"),
        ("B", "B", False, "small", "s", 1, 5000, "Brasschaat"),
    ]
    assert (plan.facilities[0].refnis, plan.facilities[0].lat) == ("11002", 51.22111)
    t = plan.totals
    assert (t.count, t.m2, t.ha, t.streams) == (2, 25000, 2.5, 1)
    assert t.by_size == {
        "large": SizeTotal(count=1, m2=20000, ha=2.0, derived_count=1),
        "small": SizeTotal(count=1, m2=5000, ha=0.5, derived_count=1),
    }
    assert plan.notes == []


def test_streams_overrides_and_the_uniform_rule(geo: RegionGeography) -> None:
    two = run_extrapolation(
        geo,
        method="per_unit",
        partition=PART,
        large=LARGE,
        small=SMALL,
        streams=2,
        count_overrides={"small": 3},
    )
    assert [f.count for f in two.facilities] == [2, 2]  # one per unit and stream
    # the override sets the small count to 3 (the partition gives 2): 2x20,000 + 3x5,000 m2
    assert (two.totals.count, two.totals.m2, two.totals.ha) == (5, 55000, 5.5)
    assert two.totals.by_size["small"] == SizeTotal(count=3, m2=15000, ha=1.5, derived_count=2)
    assert two.notes == ["count of 'small' set to 3 by override (the partition and rule give 2)"]
    uniform = run_extrapolation(
        geo, method="per_unit", partition=PART, large=LARGE, size_rule="uniform"
    )
    assert [f.size for f in uniform.facilities] == ["large", "large"]
    assert (uniform.totals.count, uniform.totals.m2) == (2, 40000)


def test_extrapolation_plan_skips_empty_units_and_unplaced_ones(geo: RegionGeography) -> None:
    result = ExtrapolationResult(
        units=(
            UnitAllocation("B", False, "small", 2, 5000),
            UnitAllocation("C", False, "small", 0, 5000),  # no facility: no row
            UnitAllocation("D", False, "medium", 1, 8000),  # no archetype of that size
        ),
        count_by_size={"small": 2, "medium": 1},
        derived_count_by_size={"small": 2},
        m2_by_size={"small": 10000, "medium": 8000},
        total_count=3,
        total_m2=18000,
        streams=1,
        notes=("a note",),
    )
    plan = extrapolation_plan(result, geo, PART, {"B": "Unit B"}, {"small": SMALL})
    assert [
        (f.unit, f.unit_name, f.archetype, f.count, f.m2, f.municipality) for f in plan.facilities
    ] == [
        ("B", "Unit B", "s", 2, 10000, "Brasschaat"),
        ("D", "D", "", 1, 8000, ""),  # D is not in the partition: no place on the map
    ]
    assert plan.facilities[1].lat is None and plan.facilities[1].refnis == ""
    assert plan.totals.by_size["medium"] == SizeTotal(count=1, m2=8000, ha=0.8, derived_count=0)
    assert (plan.totals.count, plan.totals.m2, plan.totals.ha) == (3, 18000, 1.8)
    assert plan.notes == ["a note"]


def test_fixed_count(geo: RegionGeography) -> None:
    plan = run_extrapolation(
        geo, method="fixed_count", archetype=Archetype("a", "A", 1000), fixed_count=7, streams=2
    )
    (f,) = plan.facilities
    assert (f.size, f.archetype, f.count, f.m2_each, f.m2, f.lat) == (
        "single",
        "a",
        14,
        1000,
        14000,
        None,
    )
    assert (plan.totals.count, plan.totals.m2, plan.totals.ha) == (14, 14000, 1.4)
    assert plan.notes[-1] == (
        "The study gives a count, not locations: use the siting models to place these facilities."
    )
    with pytest.raises(InputError) as e:
        run_extrapolation(geo, method="fixed_count")
    assert [p.field for p in e.value.problems] == ["archetype", "fixed_count"]


def test_per_unit_needs_its_inputs(geo: RegionGeography) -> None:
    with pytest.raises(InputError) as e:
        run_extrapolation(geo, method="per_unit", size_rule="biggest")
    assert [p.field for p in e.value.problems] == ["partition", "large", "size_rule"]
    with pytest.raises(InputError) as e:
        run_extrapolation(geo, method="per_unit", partition=PART, large=LARGE)
    assert [p.message for p in e.value.problems] == [
        "the rule 'central_city_large' needs a small archetype"
    ]


def test_extrapolation_plans(geo: RegionGeography) -> None:
    munis = [m.refnis for m in geo.municipalities]
    part = {f"U{i}": munis[i::5] for i in range(5)}
    plan = run_extrapolation(
        geo,
        method="per_unit",
        partition=part,
        large=Archetype("l", "L", 20000),
        small=Archetype("s", "S", 5000),
    )
    assert isinstance(plan, ExtrapolationPlan)
    assert all(isinstance(f, ExtrapolatedFacility) for f in plan.facilities)
    assert sum(f.count for f in plan.facilities) == plan.totals.count
    d = plan.as_dict()
    assert list(d) == ["kind", "facilities", "totals", "notes"] and d["kind"] == "extrapolation"
    assert list(d["totals"]) == ["count", "m2", "ha", "by_size", "streams"]
    fixed = run_extrapolation(
        geo, method="fixed_count", archetype=Archetype("a", "A", 1000), fixed_count=7
    )
    assert [f.count for f in fixed.facilities] == [7] and fixed.facilities[0].lat is None
    assert "use the siting models" in fixed.notes[-1]


def test_extrapolation_input_errors(geo: RegionGeography) -> None:
    with pytest.raises(InputError) as e:
        run_extrapolation(geo, method="nope")
    assert "expected 'per_unit' or 'fixed_count'" in str(e.value)
    with pytest.raises(InputError, match="municipality not in the region"):
        run_extrapolation(
            geo,
            method="per_unit",
            partition={"U": ["99999"]},
            large=Archetype("l", "L", 1.0),
            size_rule="uniform",
        )
