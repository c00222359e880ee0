"""Siting parameters (``plan/params.py``): every problem is listed, each with its field."""

from __future__ import annotations

import pytest

from circulair.core.atlas.plan import MODELS, SitingParams, run_siting
from circulair.core.errors import InputError
from circulair.core.geo.reference import RegionGeography


def test_siting_parameter_errors_are_listed_together(geo: RegionGeography) -> None:
    with pytest.raises(InputError) as e:
        run_siting(geo, SitingParams(model="max_cover", p=0, radius_km=-1, road_factor=0.5))
    fields = {p.field for p in e.value.problems}
    assert {"p", "radius_km", "road_factor"} <= fields


def test_models() -> None:
    assert MODELS == ("p_median", "set_cover", "max_cover", "capacitated")


def test_each_parameter_problem_names_its_field(geo: RegionGeography) -> None:
    with pytest.raises(InputError) as e:
        run_siting(geo, SitingParams(model="nope", candidates="some", fixed_open=("00000",)))
    assert [(p.field, p.value) for p in e.value.problems] == [
        ("model", "nope"),
        ("candidates", "some"),
        ("fixed_open", "00000"),
    ]
    with pytest.raises(InputError) as e:
        run_siting(geo, SitingParams(model="p_median", p=300))
    assert [(p.message, p.value) for p in e.value.problems] == [
        ("p larger than the 285 candidate sites", 300)
    ]
    with pytest.raises(InputError) as e:
        run_siting(geo, SitingParams(model="capacitated", rate_kg_per_inhabitant=-1))
    assert [p.field for p in e.value.problems] == [
        "rate_kg_per_inhabitant",
        "capacity_t",
        "fixed_cost",
    ]
    with pytest.raises(InputError) as e:
        run_siting(geo, SitingParams(model="capacitated", capacity_t=10, fixed_cost=0))
    assert [p.message for p in e.value.problems] == [
        "the capacitated model needs demand in t/yr: give a per-capita rate in kg per inhabitant"
    ]
