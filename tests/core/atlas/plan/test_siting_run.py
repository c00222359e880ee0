"""Siting end to end (``plan/siting_run.py``): each model on a hand instance, the stored JSON
shape, supplied distances and existing sites.

The hand instance (fixture ``hand``, ``conftest.py``) has every objective worked out on paper.
"""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import pytest

from circulair.core.atlas.plan import SitingParams, run_siting
from circulair.core.atlas.plan_results import SitedFacility, SitingPlan
from circulair.core.errors import InputError
from circulair.core.geo.reference import RegionGeography

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


def test_p_median_plan_is_typed_and_serialises_in_the_stored_shape(geo: RegionGeography) -> None:
    munis = [m.refnis for m in geo.municipalities]
    plan = run_siting(geo, SitingParams(model="p_median", p=4))
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
    assert d["candidates"] == {"count": len(munis), "source": "municipalities"}
    assert d["params"]["fixed_open"] == [] and d["params"]["p"] == 4
    json.dumps(d)  # JSON-ready
    # every demand point is assigned once; served totals add up to the demand
    assert len(plan.assignments) == len(munis)
    assert sum(f.served for f in plan.facilities) == pytest.approx(plan.totals.demand, rel=1e-6)
    assert plan.totals.covered_share == 1.0
    assert plan.totals.max_km == pytest.approx(max(a.km for a in plan.assignments), abs=1e-3)


def test_supplied_distances_are_used(geo: RegionGeography) -> None:
    munis = [m.refnis for m in geo.municipalities]
    demand_ids = munis
    cand = munis[:3]
    dist = {(a, b): (0.0 if a == b else 10.0 + j) for a in demand_ids for j, b in enumerate(cand)}
    plan = run_siting(
        geo,
        SitingParams(model="p_median", p=1, candidates="all"),
        distances={**dist, **{(a, b): 50.0 for a in demand_ids for b in munis[3:]}},
    )
    assert plan.facilities[0].id == munis[0]
    assert {a.km for a in plan.assignments} <= {0.0, 10.0}


def _run(
    geo: RegionGeography, hand: SimpleNamespace, prm: SitingParams, **kw: object
) -> SitingPlan:
    return run_siting(
        geo,
        prm,
        demand=hand.demand,
        candidates=kw.pop("candidates", hand.candidates),
        distances=hand.distances,
        **kw,  # type: ignore[arg-type]
    )


def test_p_median_on_the_hand_instance(geo: RegionGeography, hand: SimpleNamespace) -> None:
    # p = 1: X costs 0+1+2x10+2x11 = 43, Y 10+9+0+2x1 = 21, Z 5+4+2x5+2x6 = 31 -> Y
    one = _run(geo, hand, SitingParams(model="p_median", p=1))
    assert [f.id for f in one.facilities] == ["Y"] and one.objective == pytest.approx(21)
    # p = 2: {X, Y} costs 0+1+0+2x1 = 3 ({Y, Z} 11, {X, Z} 23)
    two = _run(geo, hand, SitingParams(model="p_median", p=2))
    assert two.status == "optimal" and two.objective == pytest.approx(3)
    assert [(f.id, f.served) for f in two.facilities] == [("X", 2.0), ("Y", 4.0)]
    assert [(a.from_id, a.to, a.km, a.quantity) for a in two.assignments] == [
        ("A", "X", 0.0, 1.0),
        ("B", "X", 1.0, 1.0),
        ("C", "Y", 0.0, 2.0),
        ("D", "Y", 1.0, 2.0),
    ]
    t = two.totals
    assert (t.count, t.units, t.demand, t.covered, t.covered_share) == (2, 2, 6.0, 6.0, 1.0)
    assert t.max_km == 1.0 and t.mean_km == pytest.approx(0.5)  # (1x1 + 2x1) / 6 t
    assert t.m2 is None and t.ha is None  # no archetype
    assert two.demand_unit == "t/yr" and two.demand_source == "hand instance"
    assert (two.candidate_count, two.candidate_source) == (3, "imported")


def test_set_cover_on_the_hand_instance(geo: RegionGeography, hand: SimpleNamespace) -> None:
    # within 1 km: X reaches A and B, Y reaches C and D, Z nobody -> both X and Y
    r1 = _run(geo, hand, SitingParams(model="set_cover", radius_km=1))
    assert [f.id for f in r1.facilities] == ["X", "Y"] and r1.objective == 2
    # within 6 km Z alone reaches all four (5, 4, 5, 6 km)
    r6 = _run(geo, hand, SitingParams(model="set_cover", radius_km=6))
    assert [f.id for f in r6.facilities] == ["Z"] and r6.objective == 1
    assert r6.totals.max_km == 6.0
    assert r6.totals.mean_km == pytest.approx(31 / 6)  # (5 + 4 + 2x5 + 2x6) / 6 t
    assert r6.totals.covered_share == 1.0


def test_max_cover_on_the_hand_instance(geo: RegionGeography, hand: SimpleNamespace) -> None:
    # one site within 1 km: X covers 1+1 t, Y 2+2 t, Z nothing -> Y, 4 of the 6 t
    r = _run(geo, hand, SitingParams(model="max_cover", p=1, radius_km=1))
    assert [f.id for f in r.facilities] == ["Y"] and r.objective == pytest.approx(4)
    assert [(a.from_id, a.to) for a in r.assignments] == [("C", "Y"), ("D", "Y")]
    assert r.totals.covered == 4.0 and r.totals.covered_share == pytest.approx(4 / 6)
    assert r.totals.mean_km == pytest.approx(0.5)  # (2x0 + 2x1) / 4 covered t


def test_capacitated_on_the_hand_instance(geo: RegionGeography, hand: SimpleNamespace) -> None:
    # 4 t/yr and 10 per year per site, 1 per t.km: no single site holds the 6 t; {X, Y} costs
    # 2x10 + (0 + 1 + 0 + 2x1) = 23, {Y, Z} 2x10 + (5 + 4 + 0 + 2) = 31, all three >= 30
    caps = [dataclasses.replace(c, capacity_t=4.0, fixed_cost=10.0) for c in hand.candidates]
    r = _run(geo, hand, SitingParams(model="capacitated", cost_per_t_km=1.0), candidates=caps)
    assert r.status == "optimal" and r.objective == pytest.approx(23)
    assert [(f.id, f.served) for f in r.facilities] == [("X", 2.0), ("Y", 4.0)]
    assert r.totals.demand == 6.0 and r.totals.covered_share == 1.0
    single = _run(
        geo,
        hand,
        SitingParams(model="capacitated", cost_per_t_km=1.0, single_sourcing=True),
        candidates=caps,
    )
    assert single.objective == pytest.approx(23)
    assert [(a.from_id, a.to, a.quantity) for a in single.assignments] == [
        ("A", "X", 1.0),
        ("B", "X", 1.0),
        ("C", "Y", 2.0),
        ("D", "Y", 2.0),
    ]


def test_capacitated_needs_demand_in_tonnes(geo: RegionGeography, hand: SimpleNamespace) -> None:
    caps = [dataclasses.replace(c, capacity_t=4.0, fixed_cost=10.0) for c in hand.candidates]
    people = dataclasses.replace(hand.demand, unit="inhabitants")
    with pytest.raises(InputError, match="the capacitated model needs demand in t/yr"):
        run_siting(
            geo,
            SitingParams(model="capacitated"),
            demand=people,
            candidates=caps,
            distances=hand.distances,
        )


def test_existing_site_stays_open(geo: RegionGeography, hand: SimpleNamespace) -> None:
    # Z exists: the best second site is Y (A 5, B 4, C 0, D 2x1: 11) rather than X (23)
    cands = [dataclasses.replace(c, existing=c.id == "Z") for c in hand.candidates]
    r = _run(geo, hand, SitingParams(model="p_median", p=2), candidates=cands)
    assert [(f.id, f.existing) for f in r.facilities] == [("Y", False), ("Z", True)]
    assert r.objective == pytest.approx(11)


def test_preferred_types_restrict_imported_candidates(
    geo: RegionGeography, hand: SimpleNamespace
) -> None:
    typed = [
        dataclasses.replace(c, type_environment="haven" if c.id != "Y" else "stad")
        for c in hand.candidates
    ]
    # Y is dropped; of X (43) and Z (31) the p = 1 median is Z
    r = _run(
        geo, hand, SitingParams(model="p_median", p=1), candidates=typed, preferred_types=["haven"]
    )
    assert [f.id for f in r.facilities] == ["Z"] and r.objective == pytest.approx(31)
    assert r.candidate_count == 2
    assert r.notes == [
        "Candidates restricted to the archetype's type environments (haven): 2 of 3 kept."
    ]
    with pytest.raises(InputError, match="no candidate site is left after the restrictions"):
        _run(
            geo,
            hand,
            SitingParams(model="p_median", p=1),
            candidates=typed,
            preferred_types=["bos"],
        )


def test_progress_is_reported_in_order(geo: RegionGeography, hand: SimpleNamespace) -> None:
    seen: list[tuple[float, str]] = []
    _run(
        geo,
        hand,
        SitingParams(model="p_median", p=2),
        progress=lambda f, m: seen.append((f, m)),
    )
    assert seen == [
        (0.05, "building demand and distances"),
        (0.15, "solving p_median (4 demand points x 3 sites)"),
        (0.9, "checked; preparing the result"),
    ]
