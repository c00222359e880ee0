"""From a solved siting model to the typed plan: facilities, assignments, totals.

Why: every interface shows the same numbers, so flows, served quantities, sizing and totals
are derived once here from the engine's answer
(:class:`~circulair.core.atlas.plan_results.SitingPlan`).
"""

from __future__ import annotations

import numpy as np

from circulair.core.atlas.candidates import Candidate
from circulair.core.atlas.demand import DemandPoints
from circulair.core.atlas.extrapolation import M2_PER_HA
from circulair.core.atlas.plan.archetype import Archetype
from circulair.core.atlas.plan.params import SitingParams
from circulair.core.atlas.plan_results import (
    SiteAssignment,
    SitedFacility,
    SitingPlan,
    SitingTotals,
)
from circulair.core.atlas.siting import SitingResult
from circulair.core.atlas.sizing import SizeOption, size_class_of, size_facility

__all__ = ["sited_facility", "siting_plan"]


def siting_plan(
    res: SitingResult,
    demand: DemandPoints,
    cand: list[Candidate],
    dist: np.ndarray,
    prm: SitingParams,
    archetype: Archetype | None,
    seconds: float,
    *,
    notes: list[str],
    candidate_source: str,
) -> SitingPlan:
    """The plan of a solved model: the flows from demand points to opened sites, what each site
    serves, its facility (sized from that when the archetype has a throughput), the totals."""
    w = np.asarray(demand.weight, dtype=float)
    open_idx = [int(j) for j in res.open_sites]
    flows: list[tuple[int, int, float]] = []
    if res.assignment.ndim == 2:
        ii, jj = np.nonzero(res.assignment > 1e-9)
        flows = [(int(i), int(j), float(res.assignment[i, j])) for i, j in zip(ii, jj, strict=True)]
    else:
        for i, j in enumerate(res.assignment):
            if j >= 0 and (res.covered is None or bool(res.covered[i])):
                flows.append((i, int(j), float(w[i])))
    served: dict[int, float] = {j: 0.0 for j in open_idx}
    for _i, j, q in flows:
        served[j] = served.get(j, 0.0) + q
    sized = archetype is not None and archetype.throughput_t_per_year and demand.unit == "t/yr"
    facilities = [
        sited_facility(cand[j], served.get(j, 0.0), prm, archetype, bool(sized)) for j in open_idx
    ]
    assignments = [
        SiteAssignment(
            from_id=demand.ids[i],
            from_name=demand.names[i],
            from_lat=float(demand.lat[i]),
            from_lon=float(demand.lon[i]),
            to=cand[j].id,
            km=round(float(dist[i, j]), 3),
            quantity=round(q, 3),
        )
        for i, j, q in flows
    ]
    total_w = float(w.sum())
    covered_w = float(sum(q for _i, _j, q in flows)) if res.covered is not None else total_w
    km = [float(dist[i, j]) for i, j, _q in flows]
    m2 = sum(f.m2 or 0.0 for f in facilities) if archetype else None
    totals = SitingTotals(
        count=len(open_idx),
        units=sum(f.count for f in facilities),
        demand=total_w,
        covered=covered_w,
        covered_share=covered_w / total_w if total_w else 0.0,
        max_km=max(km) if km else 0.0,
        mean_km=(sum(float(dist[i, j]) * q for i, j, q in flows) / covered_w if covered_w else 0.0),
        m2=m2,
        ha=m2 / M2_PER_HA if m2 is not None else None,
    )
    return SitingPlan(
        model=res.model,
        status=res.status,
        objective=res.objective,
        lower_bound=res.lower_bound,
        upper_bound=res.upper_bound,
        gap=res.gap,
        solve_seconds=round(seconds, 3),
        demand_unit=demand.unit,
        demand_source=demand.source,
        facilities=facilities,
        assignments=assignments,
        totals=totals,
        params={k: (list(v) if isinstance(v, tuple) else v) for k, v in prm.__dict__.items()},
        notes=notes,
        candidate_count=len(cand),
        candidate_source=candidate_source,
    )


def sited_facility(
    c: Candidate, served: float, prm: SitingParams, archetype: Archetype | None, sized: bool
) -> SitedFacility:
    """One opened candidate, sized from what it serves when the archetype has a throughput."""
    count: int = 1
    m2: float | None = archetype.area_m2 if archetype else None
    utilisation: float | None = None
    size_class: str | None = None
    if sized and archetype is not None:
        size = size_facility(
            served, [SizeOption(archetype.slug, archetype.area_m2, archetype.throughput_t_per_year)]
        )
        count, m2 = size.units, size.area_m2
        utilisation = round(size.utilisation, 4)
        size_class = size_class_of(size.option.area_m2)
    elif archetype is not None:
        size_class = size_class_of(archetype.area_m2)
    return SitedFacility(
        id=c.id,
        refnis=c.refnis,
        municipality=c.name,
        lat=c.lat,
        lon=c.lon,
        served=round(served, 3),
        count=count,
        m2=m2,
        existing=c.existing or c.refnis in set(prm.fixed_open),
        type_environment=c.type_environment,
        utilisation=utilisation,
        size_class=size_class,
    )
