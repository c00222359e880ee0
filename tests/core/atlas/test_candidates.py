"""Candidate-site tables, type-environment restriction, and siting on imported candidates."""

from __future__ import annotations

import csv
import io

import pytest

from circulair.core.atlas.candidates import candidates_from_table, restrict_to_types
from circulair.core.atlas.plan import Archetype, SitingParams, run_siting
from circulair.core.errors import InputError
from circulair.core.geo.reference import RegionGeography

TYPES = ["zeehavens", "economische-zones-stedelijk", "grote-industriezones"]
TABLE = """id,name,refnis,lat,lon,type_environment,capacity_t,fixed_cost,existing
haven-a,Haven Antwerpen,11002,,,zeehavens,500000,100,no
haven-g,Haven Gent,44021,,,zeehavens,500000,100,no
bp-leuven,Bedrijvenzone Leuven,,50.88,4.70,economische-zones-stedelijk,200000,50,no
bp-hasselt,Bedrijvenzone Hasselt,71072,,,economische-zones-stedelijk,200000,50,no
oud-brugge,Bestaand Brugge,31005,,,grote-industriezones,100000,10,yes
"""


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_parse_and_restrict(geo: RegionGeography) -> None:
    cands = candidates_from_table(_rows(TABLE), geo, type_environments=TYPES)
    assert [c.id for c in cands] == ["haven-a", "haven-g", "bp-leuven", "bp-hasselt", "oud-brugge"]
    assert cands[2].lat == 50.88 and cands[0].refnis == "11002" and cands[4].existing
    kept = restrict_to_types(cands, ["economische-zones-stedelijk"])
    assert [c.id for c in kept] == ["bp-leuven", "bp-hasselt", "oud-brugge"]  # existing stays


def test_every_bad_row_is_named(geo: RegionGeography) -> None:
    bad = TABLE + "x,,99999,,,zeehavens,,,no\ny,,,,,,,,\nhaven-a,,,91,4,nowhere,-3,,maybe\n"
    with pytest.raises(InputError) as ei:
        candidates_from_table(_rows(bad), geo, file="sites.csv", type_environments=TYPES)
    text = str(ei.value)
    assert "sites.csv, line 7, column 'refnis': unknown municipality" in text
    assert "sites.csv, line 8: a location is required" in text
    assert (
        "line 9, column 'lat'" in text
        and "line 9, column 'id': duplicate id (also on line 2)" in text
    )
    assert "line 9, column 'type_environment': unknown type environment" in text
    assert "line 9, column 'capacity_t'" in text and "line 9, column 'existing'" in text


def test_siting_on_imported_candidates_respects_types_and_existing(geo: RegionGeography) -> None:
    cands = candidates_from_table(_rows(TABLE), geo, type_environments=TYPES)
    res = run_siting(
        geo,
        SitingParams(model="p_median", p=2),
        candidates=cands,
        preferred_types=["economische-zones-stedelijk"],
        archetype=Archetype("s", "s", 40000),
    )
    opened = {f.id for f in res.facilities}
    assert "oud-brugge" in opened and len(opened) == 2
    assert opened <= {"bp-leuven", "bp-hasselt", "oud-brugge"}
    assert res.candidate_count == 3
    assert "3 of 5 kept" in res.notes[0]


def test_capacitated_uses_candidate_capacities(geo: RegionGeography) -> None:
    cands = candidates_from_table(_rows(TABLE), geo, type_environments=TYPES)
    res = run_siting(
        geo,
        SitingParams(model="capacitated", rate_kg_per_inhabitant=100, time_limit=120),
        candidates=cands,
    )
    demand = res.totals.demand
    cap = {c.id: c.capacity_t for c in cands}
    assert res.status in ("optimal", "within_gap")
    assert sum(cap[f.id] for f in res.facilities) >= demand - 1e-6
    for f in res.facilities:
        assert f.served <= cap[f.id] + 1e-6
