"""Planning scenarios end to end: typed results, their JSON form, supplied distance matrices."""

from __future__ import annotations

import json

import numpy as np
import pytest

from circulair.core.atlas.plan import (
    Archetype,
    SitingParams,
    run_extrapolation,
    run_siting,
    supplied_matrix,
)
from circulair.core.atlas.plan_results import (
    ExtrapolatedFacility,
    ExtrapolationPlan,
    SitedFacility,
    SitingPlan,
)
from circulair.core.errors import MAX_LISTED, InputError
from circulair.core.geo import load_region

GEO = load_region()
MUNIS = [m.refnis for m in GEO.municipalities]
SITING_KEYS = [
    "kind",
    "model",
    "status",
    "objective",
    "lower_bound",
    "upper_bound",
    "gap",
    "solve_seconds",
    "demand_unit",
    "demand_source",
    "facilities",
    "assignments",
    "totals",
    "params",
    "notes",
    "candidates",
]


def test_p_median_plan_is_typed_and_serialises_in_the_stored_shape() -> None:
    plan = run_siting(GEO, SitingParams(model="p_median", p=4))
    assert isinstance(plan, SitingPlan)
    assert all(isinstance(f, SitedFacility) for f in plan.facilities)
    assert len(plan.facilities) == plan.totals.count == 4
    assert plan.status == "optimal" and plan.lower_bound <= plan.objective + 1e-6
    d = plan.as_dict()
    assert list(d) == SITING_KEYS
    assert list(d["facilities"][0]) == [
        "id",
        "refnis",
        "municipality",
        "lat",
        "lon",
        "served",
        "count",
        "m2",
        "existing",
        "type_environment",
    ]
    assert list(d["assignments"][0]) == [
        "from",
        "from_name",
        "from_lat",
        "from_lon",
        "to",
        "km",
        "quantity",
    ]
    assert d["candidates"] == {"count": len(MUNIS), "source": "municipalities"}
    assert d["params"]["fixed_open"] == [] and d["params"]["p"] == 4
    json.dumps(d)  # JSON-ready
    # every demand point is assigned once; served totals add up to the demand
    assert len(plan.assignments) == len(MUNIS)
    assert sum(f.served for f in plan.facilities) == pytest.approx(plan.totals.demand, rel=1e-6)
    assert plan.totals.covered_share == 1.0
    assert plan.totals.max_km == pytest.approx(max(a.km for a in plan.assignments), abs=1e-3)


def test_sized_facilities_carry_utilisation_and_size_class() -> None:
    arch = Archetype("hub", "Hub", 40000, 50000.0)
    plan = run_siting(
        GEO,
        SitingParams(model="p_median", p=3, rate_kg_per_inhabitant=100, fixed_open=(MUNIS[0],)),
        archetype=arch,
    )
    assert plan.demand_unit == "t/yr"
    f = plan.as_dict()["facilities"]
    assert all(list(x)[-2:] == ["utilisation", "size_class"] for x in f)
    assert any(x["existing"] for x in f)
    assert plan.totals.m2 == pytest.approx(sum(x.m2 or 0 for x in plan.facilities))
    assert plan.totals.units == sum(x.count for x in plan.facilities) >= 3
    plain = run_siting(
        GEO,
        SitingParams(model="max_cover", p=2, radius_km=20),
        archetype=Archetype("s", "S", 12000),
    )
    assert all("utilisation" not in x and "size_class" in x for x in plain.as_dict()["facilities"])
    assert 0 < plain.totals.covered_share < 1


def test_extrapolation_plans() -> None:
    part = {f"U{i}": MUNIS[i::5] for i in range(5)}
    plan = run_extrapolation(
        GEO,
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
        GEO, method="fixed_count", archetype=Archetype("a", "A", 1000), fixed_count=7
    )
    assert [f.count for f in fixed.facilities] == [7] and fixed.facilities[0].lat is None
    assert "use the siting models" in fixed.notes[-1]


def test_extrapolation_input_errors() -> None:
    with pytest.raises(InputError) as e:
        run_extrapolation(GEO, method="nope")
    assert "expected 'per_unit' or 'fixed_count'" in str(e.value)
    with pytest.raises(InputError, match="municipality not in the region"):
        run_extrapolation(
            GEO,
            method="per_unit",
            partition={"U": ["99999"]},
            large=Archetype("l", "L", 1.0),
            size_rule="uniform",
        )


def test_siting_parameter_errors_are_listed_together() -> None:
    with pytest.raises(InputError) as e:
        run_siting(GEO, SitingParams(model="max_cover", p=0, radius_km=-1, road_factor=0.5))
    fields = {p.field for p in e.value.problems}
    assert {"p", "radius_km", "road_factor"} <= fields


def test_supplied_matrix_and_its_problem_cap() -> None:
    rows, cols = ["a", "b"], ["x", "y"]
    got = supplied_matrix(
        {("a", "x"): 1.0, ("a", "y"): 2.0, ("b", "x"): 3.0, ("b", "y"): 0.0}, rows, cols
    )
    assert np.array_equal(got, [[1.0, 2.0], [3.0, 0.0]])
    many = [f"r{i}" for i in range(MAX_LISTED + 5)]
    with pytest.raises(InputError) as e:
        supplied_matrix({("r0", "x"): -1.0}, many, ["x"])
    problems = e.value.problems  # MAX_LISTED + 4 missing pairs + 1 negative distance
    assert len(problems) == MAX_LISTED + 1
    assert problems[-1].message == "... and 5 more problems not listed"


def test_supplied_distances_are_used() -> None:
    demand_ids = MUNIS
    cand = MUNIS[:3]
    dist = {(a, b): (0.0 if a == b else 10.0 + j) for a in demand_ids for j, b in enumerate(cand)}
    plan = run_siting(
        GEO,
        SitingParams(model="p_median", p=1, candidates="all"),
        distances={**dist, **{(a, b): 50.0 for a in demand_ids for b in MUNIS[3:]}},
    )
    assert plan.facilities[0].id == MUNIS[0]
    assert {a.km for a in plan.assignments} <= {0.0, 10.0}
