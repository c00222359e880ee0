"""Planning scenarios on a region: the study's extrapolation and the siting models, end to end.

This is the orchestration shared by the web app, the API and the CLI. It takes the reference
geography and archetype sizes (plain dataclasses), builds demand points, candidate sites and the
distance matrix, calls the engines, and returns a typed result (:mod:`.plan_results`:
facilities with coordinates, assignments, totals) that every interface serialises with
``as_dict()``, so that all show the same numbers.

Placement of extrapolated facilities: the study gives a count per unit, not a site. The map puts a
unit's facility at its most populous central city, or at its most populous municipality when the
unit has no central city; this is a display convention, not an optimisation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from circulair.core.atlas.candidates import (
    Candidate,
    candidates_from_municipalities,
    restrict_to_types,
)
from circulair.core.atlas.demand import DemandPoints, demand_from_population
from circulair.core.atlas.extrapolation import (
    M2_PER_HA,
    ExtrapolationResult,
    SizeClass,
    contains_any,
    extrapolate_fixed,
    extrapolate_partition,
)
from circulair.core.atlas.plan_results import (
    ExtrapolatedFacility,
    ExtrapolationPlan,
    ExtrapolationTotals,
    SiteAssignment,
    SitedFacility,
    SitingPlan,
    SitingTotals,
    SizeTotal,
)
from circulair.core.atlas.siting import (
    SitingResult,
    capacitated_facility_location,
    max_cover,
    p_median,
    set_cover,
)
from circulair.core.atlas.sizing import SizeOption, size_class_of, size_facility
from circulair.core.errors import MAX_LISTED, InputError, Problem, ProblemCollector
from circulair.core.geo import RegionGeography, distance_matrix_km
from circulair.core.geo.reference import Municipality

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
MODELS = ("p_median", "set_cover", "max_cover", "capacitated")


def _noop(fraction: float, message: str) -> None:
    return None


@dataclass(frozen=True)
class Archetype:
    """A facility archetype as the planner uses it: area and (optional) throughput."""

    slug: str
    name: str
    area_m2: float
    throughput_t_per_year: float | None = None


def _representative(members: Sequence[Municipality]) -> Municipality:
    central = [m for m in members if m.central_city]
    return max(central or members, key=lambda m: (m.population, m.refnis))


def extrapolation_plan(
    result: ExtrapolationResult,
    geo: RegionGeography,
    partition: Mapping[str, Sequence[str]] | None,
    unit_names: Mapping[str, str],
    sizes: Mapping[str, Archetype],
) -> ExtrapolationPlan:
    """Rows (one per unit with facilities) and totals of an extrapolation."""
    facilities: list[ExtrapolatedFacility] = []
    for u in result.units:
        if u.count == 0:
            continue
        members = [geo.municipality(r) for r in (partition or {}).get(u.unit_id, ())]
        rep = _representative(members) if members else None
        facilities.append(
            ExtrapolatedFacility(
                unit=u.unit_id,
                unit_name=unit_names.get(u.unit_id, u.unit_id),
                central=u.central,
                size=u.size_label,
                archetype=sizes[u.size_label].slug if u.size_label in sizes else "",
                count=u.count,
                m2_each=u.m2_each,
                m2=u.m2,
                municipality=rep.name_nl if rep else "",
                refnis=rep.refnis if rep else "",
                lat=rep.lat if rep else None,
                lon=rep.lon if rep else None,
            )
        )
    by_size = {
        label: SizeTotal(
            count=result.count_by_size[label],
            m2=result.m2_by_size[label],
            ha=result.m2_by_size[label] / M2_PER_HA,
            derived_count=result.derived_count_by_size.get(label, 0),
        )
        for label in result.count_by_size
    }
    return ExtrapolationPlan(
        facilities=facilities,
        totals=ExtrapolationTotals(
            count=result.total_count,
            m2=result.total_m2,
            ha=result.total_ha,
            by_size=by_size,
            streams=result.streams,
        ),
        notes=list(result.notes),
    )


def run_extrapolation(
    geo: RegionGeography,
    *,
    method: str,
    partition: Mapping[str, Sequence[str]] | None = None,
    unit_names: Mapping[str, str] | None = None,
    large: Archetype | None = None,
    small: Archetype | None = None,
    archetype: Archetype | None = None,
    size_rule: str = "central_city_large",
    streams: int = 1,
    fixed_count: int | None = None,
    count_overrides: Mapping[str, int] | None = None,
) -> ExtrapolationPlan:
    """Run the study's scaling rule on a partition of ``geo`` (or a fixed count)."""
    problems: list[Problem] = []
    if method not in ("per_unit", "fixed_count"):
        problems.append(
            Problem("expected 'per_unit' or 'fixed_count'", field="method", value=method)
        )
    if method == "fixed_count":
        if archetype is None:
            problems.append(Problem("a fixed count needs an archetype", field="archetype"))
        if fixed_count is None:
            problems.append(Problem("a fixed count needs a count", field="fixed_count"))
        if problems:
            raise InputError(problems)
        assert archetype is not None and fixed_count is not None
        res = extrapolate_fixed(
            fixed_count, SizeClass("single", archetype.area_m2), streams=streams
        )
        out = extrapolation_plan(res, geo, None, {}, {"single": archetype})
        single = ExtrapolatedFacility(
            unit="",
            unit_name="",
            central=False,
            size="single",
            archetype=archetype.slug,
            count=res.total_count,
            m2_each=archetype.area_m2,
            m2=res.total_m2,
            municipality="",
            refnis="",
            lat=None,
            lon=None,
        )
        return ExtrapolationPlan(
            facilities=[single],
            totals=out.totals,
            notes=[
                *out.notes,
                "The study gives a count, not locations: use the siting models "
                "to place these facilities.",
            ],
        )
    if partition is None:
        problems.append(Problem("a per-unit extrapolation needs a partition", field="partition"))
    if large is None:
        problems.append(Problem("the large (or only) archetype is missing", field="large"))
    rule = {"central_city_large": "central_large", "uniform": "uniform"}.get(size_rule)
    if rule is None:
        problems.append(
            Problem(
                "expected 'central_city_large' or 'uniform'", field="size_rule", value=size_rule
            )
        )
    if rule == "central_large" and small is None:
        problems.append(
            Problem("the rule 'central_city_large' needs a small archetype", field="small")
        )
    if problems:
        raise InputError(problems)
    assert partition is not None and large is not None
    known = {m.refnis for m in geo.municipalities}
    unknown = sorted({r for ms in partition.values() for r in ms} - known)
    if unknown:
        raise InputError(
            [Problem("municipality not in the region", field="partition", value=r) for r in unknown]
        )
    central_ids = {m.refnis for m in geo.central_cities()}
    sizes = {"large": large}
    if small is not None:
        sizes["small"] = small
    res = extrapolate_partition(
        partition,
        large=SizeClass("large", large.area_m2),
        small=SizeClass("small", small.area_m2) if small else None,
        central=contains_any(central_ids),
        rule=rule,  # type: ignore[arg-type]
        streams=streams,
        count_override=dict(count_overrides or {}) or None,
    )
    return extrapolation_plan(res, geo, partition, unit_names or {}, sizes)


# --- siting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitingParams:
    """What a planner sets for a siting run (validated by :func:`run_siting`)."""

    model: str = "p_median"
    p: int | None = None
    radius_km: float | None = None
    road_factor: float = 1.3
    rate_kg_per_inhabitant: float | None = None
    candidates: str = "all"  # "all" or "central_cities"
    fixed_open: tuple[str, ...] = ()
    capacity_t: float | None = None
    fixed_cost: float | None = None
    cost_per_t_km: float = 0.15
    single_sourcing: bool = False
    time_limit: float | None = 300.0


def _check_params(
    prm: SitingParams, geo: RegionGeography, n_candidates: int, candidate_capacities: bool = False
) -> None:
    problems: list[Problem] = []
    if prm.model not in MODELS:
        problems.append(
            Problem(
                f"unknown model; expected one of {list(MODELS)}", field="model", value=prm.model
            )
        )
    if prm.model in ("p_median", "max_cover"):
        if prm.p is None or prm.p < 1:
            problems.append(
                Problem(
                    "p (number of facilities) must be a whole number >= 1", field="p", value=prm.p
                )
            )
        elif prm.p > n_candidates:
            problems.append(
                Problem(f"p larger than the {n_candidates} candidate sites", field="p", value=prm.p)
            )
    if prm.model in ("set_cover", "max_cover") and (prm.radius_km is None or prm.radius_km <= 0):
        problems.append(
            Problem(
                "radius_km must be a positive distance in km",
                field="radius_km",
                value=prm.radius_km,
            )
        )
    if prm.road_factor < 1:
        problems.append(
            Problem(
                "road_factor must be >= 1 (road distance over great-circle)",
                field="road_factor",
                value=prm.road_factor,
            )
        )
    if prm.rate_kg_per_inhabitant is not None and prm.rate_kg_per_inhabitant < 0:
        problems.append(
            Problem(
                "the per-capita rate cannot be negative",
                field="rate_kg_per_inhabitant",
                value=prm.rate_kg_per_inhabitant,
            )
        )
    if prm.candidates not in ("all", "central_cities"):
        problems.append(
            Problem("expected 'all' or 'central_cities'", field="candidates", value=prm.candidates)
        )
    if prm.model == "capacitated":
        if not candidate_capacities and (prm.capacity_t is None or prm.capacity_t <= 0):
            problems.append(
                Problem(
                    "capacity_t (t/yr per facility) must be positive",
                    field="capacity_t",
                    value=prm.capacity_t,
                )
            )
        if not candidate_capacities and (prm.fixed_cost is None or prm.fixed_cost < 0):
            problems.append(
                Problem(
                    "fixed_cost (per facility per year) must be >= 0",
                    field="fixed_cost",
                    value=prm.fixed_cost,
                )
            )
        if prm.rate_kg_per_inhabitant is None and not candidate_capacities:
            problems.append(
                Problem(
                    "the capacitated model needs demand in t/yr: give a "
                    "per-capita rate in kg per inhabitant",
                    field="rate_kg_per_inhabitant",
                )
            )
    for r in prm.fixed_open:
        if not geo.has_municipality(r):
            problems.append(
                Problem("existing facility in an unknown municipality", field="fixed_open", value=r)
            )
    if problems:
        raise InputError(problems)


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
    _check_params(prm, geo, len(cand), candidate_capacities=has_caps)
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
    plan = _siting_plan(
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


def supplied_matrix(
    distances: Mapping[tuple[str, str], float], rows: Sequence[str], cols: Sequence[str]
) -> np.ndarray:
    """An (n, m) matrix from (row id, column id) -> km; every pair must be present and >= 0."""
    dist = np.full((len(rows), len(cols)), np.nan)
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: j for j, c in enumerate(cols)}
    for (a, b), km in distances.items():
        if a in ri and b in ci:
            dist[ri[a], ci[b]] = km
    missing = np.argwhere(np.isnan(dist))
    problems = ProblemCollector()
    for i, j in missing[: MAX_LISTED + 1]:
        problems.add(
            "no distance for this demand point and candidate",
            field="distances",
            value=f"{rows[i]} -> {cols[j]}",
        )
    problems.extra += max(0, len(missing) - MAX_LISTED - 1)
    bad = np.argwhere(dist < 0)
    for i, j in bad[: MAX_LISTED + 1]:
        problems.add(
            "distance must be >= 0 km",
            field="distances",
            value=f"{rows[i]} -> {cols[j]}: {dist[i, j]}",
        )
    problems.extra += max(0, len(bad) - MAX_LISTED - 1)
    problems.raise_if_any()
    return dist


def _siting_plan(
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
        _sited(cand[j], served.get(j, 0.0), prm, archetype, bool(sized)) for j in open_idx
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


def _sited(
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
