"""Siting facilities on a region end to end: candidates, demand, distances, model, plan.

Why: the web app, the API and the CLI run the same steps in the same order, so they get the
same facilities and the same notes for the same parameters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from circulair.core.atlas.candidates import (
    Candidate,
    candidates_from_municipalities,
    restrict_to_types,
)
from circulair.core.atlas.demand import DemandPoints, demand_from_population
from circulair.core.atlas.plan.archetype import Archetype
from circulair.core.atlas.plan.assemble import siting_plan
from circulair.core.atlas.plan.distances import supplied_matrix
from circulair.core.atlas.plan.params import SitingParams, check_params
from circulair.core.atlas.plan_results import SitingPlan
from circulair.core.atlas.siting import (
    SitingResult,
    capacitated_facility_location,
    max_cover,
    p_median,
    set_cover,
)
from circulair.core.errors import InputError
from circulair.core.geo import RegionGeography, distance_matrix_km

__all__ = ["Progress", "run_siting"]

# the name the log lines carried before plan became a package (``%(name)s`` in the log format)
logger = logging.getLogger("circulair.core.atlas.plan")

Progress = Callable[[float, str], None]


def _noop(fraction: float, message: str) -> None:
    return None


def run_siting(
    geo: RegionGeography,
    prm: SitingParams,
    *,
    archetype: Archetype | None = None,
    demand: DemandPoints | None = None,
    candidates: list[Candidate] | None = None,
    preferred_types: Sequence[str] = (),
    distances: Mapping[tuple[str, str], float] | None = None,
    progress: Progress = _noop,
) -> SitingPlan:
    """Site facilities for a demand among candidate municipalities.

    Demand defaults to the municipalities weighted by population (inhabitants) or by population ×
    a per-capita rate (t/yr); pass ``demand`` for other points (an imported table, the company
    register). Distances are great-circle × ``road_factor``, or taken from ``distances``
    ((demand id, candidate id) -> km, e.g. a road-network matrix), which must then give every
    pair. When the archetype has a throughput
    and demand is in t/yr, every opened facility is sized from the demand it serves.
    """
    notes: list[str] = []
    imported = candidates is not None
    if candidates is None:
        candidates = candidates_from_municipalities(
            geo, central_cities_only=prm.candidates == "central_cities"
        )
    cand = list(candidates)
    for r in prm.fixed_open:
        if geo.has_municipality(r) and all(c.refnis != r for c in cand):
            m = geo.municipality(r)
            cand.append(
                Candidate(
                    id=m.refnis,
                    name=m.name_nl,
                    lat=m.lat,
                    lon=m.lon,
                    refnis=m.refnis,
                    existing=True,
                )
            )
    if preferred_types:
        before = len(cand)
        cand = restrict_to_types(cand, preferred_types)
        if imported:
            notes.append(
                f"Candidates restricted to the archetype's type environments "
                f"({', '.join(preferred_types)}): {len(cand)} of {before} kept."
            )
        else:
            notes.append(
                "The archetype prefers type environments "
                f"({', '.join(preferred_types)}), but municipality candidates carry none:"
                " import candidate sites with a type_environment column to apply it."
            )
    has_caps = bool(cand) and all(
        c.capacity_t is not None and c.fixed_cost is not None for c in cand
    )
    if not cand:
        raise InputError.single(
            "no candidate site is left after the restrictions", field="candidates"
        )
    check_params(prm, geo, len(cand), candidate_capacities=has_caps)
    progress(0.05, "building demand and distances")
    if demand is None:
        demand = demand_from_population(geo, rate_kg_per_inhabitant=prm.rate_kg_per_inhabitant)
    w = np.asarray(demand.weight, dtype=float)
    if distances is not None:
        dist = supplied_matrix(distances, demand.ids, [c.id for c in cand])
    else:
        dist = distance_matrix_km(
            np.column_stack([demand.lat, demand.lon]),
            np.column_stack([[c.lat for c in cand], [c.lon for c in cand]]),
            road_factor=prm.road_factor,
        )
    fixed = [
        i
        for i, c in enumerate(cand)
        if c.existing or (c.refnis and c.refnis in set(prm.fixed_open))
    ]
    progress(0.15, f"solving {prm.model} ({len(w)} demand points x {len(cand)} sites)")
    t0 = time.perf_counter()
    res: SitingResult
    if prm.model == "p_median":
        assert prm.p is not None
        res = p_median(dist, w, prm.p, fixed_open=fixed, time_limit=prm.time_limit)
    elif prm.model == "set_cover":
        assert prm.radius_km is not None
        res = set_cover(dist, prm.radius_km, weights=w, fixed_open=fixed, time_limit=prm.time_limit)
    elif prm.model == "max_cover":
        assert prm.p is not None and prm.radius_km is not None
        res = max_cover(dist, w, prm.p, prm.radius_km, fixed_open=fixed, time_limit=prm.time_limit)
    else:
        if demand.unit != "t/yr":
            raise InputError.single(
                "the capacitated model needs demand in t/yr", field="demand", value=demand.unit
            )
        caps = np.array(
            [c.capacity_t if c.capacity_t is not None else prm.capacity_t for c in cand],
            dtype=float,
        )
        costs = np.array(
            [c.fixed_cost if c.fixed_cost is not None else prm.fixed_cost for c in cand],
            dtype=float,
        )
        res = capacitated_facility_location(
            dist,
            w,
            caps,
            costs,
            prm.cost_per_t_km,
            single_sourcing=prm.single_sourcing,
            fixed_open=fixed,
            time_limit=prm.time_limit,
        )
    progress(0.9, "checked; preparing the result")
    source = (
        "imported"
        if imported
        else "central cities"
        if prm.candidates == "central_cities"
        else "municipalities"
    )
    plan = siting_plan(
        res,
        demand,
        cand,
        dist,
        prm,
        archetype,
        time.perf_counter() - t0,
        notes=notes,
        candidate_source=source,
    )
    logger.info(
        "siting %s: %d demand points x %d candidates, %d facilities, status %s, %.2fs",
        prm.model,
        len(w),
        len(cand),
        len(plan.facilities),
        plan.status,
        plan.solve_seconds,
    )
    return plan
