"""From a solved model to the plan (``plan/assemble.py``): sizing from what each site serves."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from circulair.core.atlas.plan import Archetype, SitingParams, run_siting
from circulair.core.geo.reference import RegionGeography


def test_facilities_are_sized_from_what_they_serve(
    geo: RegionGeography, hand: SimpleNamespace
) -> None:
    # p = 2 opens X (serves 2 t/yr) and Y (4 t/yr); one unit handles 3 t/yr on 100 m2:
    # X needs 1 unit (2/3 used), Y ceil(4/3) = 2 units (4/6 used)
    plan = run_siting(
        geo,
        SitingParams(model="p_median", p=2),
        demand=hand.demand,
        candidates=hand.candidates,
        distances=hand.distances,
        archetype=Archetype("hub", "Hub", 100, 3.0),
    )
    got = [(f.id, f.count, f.m2, f.utilisation, f.size_class) for f in plan.facilities]
    assert got == [
        ("X", 1, 100.0, 0.6667, "< 1,000 m²"),
        ("Y", 2, 200.0, 0.6667, "< 1,000 m²"),
    ]
    assert plan.totals.units == 3 and plan.totals.m2 == 300.0
    assert plan.totals.ha == pytest.approx(0.03)


def test_without_throughput_each_site_is_one_archetype(
    geo: RegionGeography, hand: SimpleNamespace
) -> None:
    plan = run_siting(
        geo,
        SitingParams(model="p_median", p=2),
        demand=hand.demand,
        candidates=hand.candidates,
        distances=hand.distances,
        archetype=Archetype("s", "S", 5000),
    )
    got = [(f.count, f.m2, f.utilisation, f.size_class) for f in plan.facilities]
    assert got == [(1, 5000, None, "5,000 - 20,000 m²")] * 2
    assert plan.totals.m2 == 10000 and plan.totals.ha == 1.0


def test_sized_facilities_carry_utilisation_and_size_class(geo: RegionGeography) -> None:
    munis = [m.refnis for m in geo.municipalities]
    arch = Archetype("hub", "Hub", 40000, 50000.0)
    plan = run_siting(
        geo,
        SitingParams(model="p_median", p=3, rate_kg_per_inhabitant=100, fixed_open=(munis[0],)),
        archetype=arch,
    )
    assert plan.demand_unit == "t/yr"
    f = plan.as_dict()["facilities"]
    assert all(list(x)[-2:] == ["utilisation", "size_class"] for x in f)
    assert any(x["existing"] for x in f)
    assert plan.totals.m2 == pytest.approx(sum(x.m2 or 0 for x in plan.facilities))
    assert plan.totals.units == sum(x.count for x in plan.facilities) >= 3
    plain = run_siting(
        geo,
        SitingParams(model="max_cover", p=2, radius_km=20),
        archetype=Archetype("s", "S", 12000),
    )
    assert all("utilisation" not in x and "size_class" in x for x in plain.as_dict()["facilities"])
    assert 0 < plain.totals.covered_share < 1
