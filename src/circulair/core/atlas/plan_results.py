"""Typed results of the planning scenarios (:mod:`circulair.core.atlas.plan`).

The engines return these dataclasses; the web app, the API and the CLI serialise them at the
edge with ``as_dict()``, which gives the JSON-ready dictionaries (same keys, same order, same
values) that jobs store and pages, exports and the API show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ExtrapolatedFacility",
    "ExtrapolationPlan",
    "ExtrapolationTotals",
    "SiteAssignment",
    "SitedFacility",
    "SitingPlan",
    "SitingTotals",
    "SizeTotal",
]


@dataclass(frozen=True)
class ExtrapolatedFacility:
    """Facilities of one unit (or of a fixed count) placed at the unit's representative town."""

    unit: str
    unit_name: str
    central: bool
    size: str
    archetype: str
    count: int
    m2_each: float
    m2: float
    municipality: str
    refnis: str
    lat: float | None
    lon: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "unit_name": self.unit_name,
            "central": self.central,
            "size": self.size,
            "archetype": self.archetype,
            "count": self.count,
            "m2_each": self.m2_each,
            "m2": self.m2,
            "municipality": self.municipality,
            "refnis": self.refnis,
            "lat": self.lat,
            "lon": self.lon,
        }


@dataclass(frozen=True)
class SizeTotal:
    """Count and area of one size class."""

    count: int
    m2: float
    ha: float
    derived_count: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "m2": self.m2,
            "ha": self.ha,
            "derived_count": self.derived_count,
        }


@dataclass(frozen=True)
class ExtrapolationTotals:
    """Totals of an extrapolation, overall and per size class."""

    count: int
    m2: float
    ha: float
    by_size: dict[str, SizeTotal]
    streams: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "m2": self.m2,
            "ha": self.ha,
            "by_size": {k: v.as_dict() for k, v in self.by_size.items()},
            "streams": self.streams,
        }


@dataclass(frozen=True)
class ExtrapolationPlan:
    """The study's extrapolation on a region: facilities per unit and totals."""

    facilities: list[ExtrapolatedFacility]
    totals: ExtrapolationTotals
    notes: list[str] = field(default_factory=list)
    kind: str = "extrapolation"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "facilities": [f.as_dict() for f in self.facilities],
            "totals": self.totals.as_dict(),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class SitedFacility:
    """An opened site, what it serves and (with an archetype) how large it is."""

    id: str
    refnis: str
    municipality: str
    lat: float
    lon: float
    served: float
    count: int
    m2: float | None
    existing: bool
    type_environment: str
    utilisation: float | None = None
    size_class: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "refnis": self.refnis,
            "municipality": self.municipality,
            "lat": self.lat,
            "lon": self.lon,
            "served": self.served,
            "count": self.count,
            "m2": self.m2,
            "existing": self.existing,
            "type_environment": self.type_environment,
        }
        if self.utilisation is not None:
            out["utilisation"] = self.utilisation
        if self.size_class is not None:
            out["size_class"] = self.size_class
        return out


@dataclass(frozen=True)
class SiteAssignment:
    """Demand point ``from`` served by site ``to`` over ``km`` with ``quantity``."""

    from_id: str
    from_name: str
    from_lat: float
    from_lon: float
    to: str
    km: float
    quantity: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_id,
            "from_name": self.from_name,
            "from_lat": self.from_lat,
            "from_lon": self.from_lon,
            "to": self.to,
            "km": self.km,
            "quantity": self.quantity,
        }


@dataclass(frozen=True)
class SitingTotals:
    """Totals of a siting run."""

    count: int
    units: int
    demand: float
    covered: float
    covered_share: float
    max_km: float
    mean_km: float
    m2: float | None
    ha: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "units": self.units,
            "demand": self.demand,
            "covered": self.covered,
            "covered_share": self.covered_share,
            "max_km": self.max_km,
            "mean_km": self.mean_km,
            "m2": self.m2,
            "ha": self.ha,
        }


@dataclass(frozen=True)
class SitingPlan:
    """A siting run on a region: the model's answer with facilities, assignments and totals.

    ``params`` are the planner's settings as given (a JSON-ready mapping); ``candidates`` says
    how many candidate sites there were and where they came from.
    """

    model: str
    status: str
    objective: float
    lower_bound: float
    upper_bound: float
    gap: float
    solve_seconds: float
    demand_unit: str
    demand_source: str
    facilities: list[SitedFacility]
    assignments: list[SiteAssignment]
    totals: SitingTotals
    params: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    candidate_count: int = 0
    candidate_source: str = ""
    kind: str = "siting"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "model": self.model,
            "status": self.status,
            "objective": self.objective,
            "lower_bound": self.lower_bound,
            "upper_bound": self.upper_bound,
            "gap": self.gap,
            "solve_seconds": self.solve_seconds,
            "demand_unit": self.demand_unit,
            "demand_source": self.demand_source,
            "facilities": [f.as_dict() for f in self.facilities],
            "assignments": [a.as_dict() for a in self.assignments],
            "totals": self.totals.as_dict(),
            "params": dict(self.params),
            "notes": list(self.notes),
            "candidates": {"count": self.candidate_count, "source": self.candidate_source},
        }
