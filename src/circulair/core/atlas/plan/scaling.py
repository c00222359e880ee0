"""The study's extrapolation on a region: facilities per unit of a partition, or a fixed count.

Why: the study gives a count of facilities per unit, not a site; this turns the engine's
counts into rows with a place on the map (package notes: *Placement*) and totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from circulair.core.atlas.extrapolation import (
    M2_PER_HA,
    ExtrapolationResult,
    SizeClass,
    contains_any,
    extrapolate_fixed,
    extrapolate_partition,
)
from circulair.core.atlas.plan.archetype import Archetype
from circulair.core.atlas.plan_results import (
    ExtrapolatedFacility,
    ExtrapolationPlan,
    ExtrapolationTotals,
    SizeTotal,
)
from circulair.core.errors import InputError, Problem
from circulair.core.geo import RegionGeography
from circulair.core.geo.reference import Municipality

__all__ = ["extrapolation_plan", "run_extrapolation"]


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
