"""What a planner sets for a siting run, and its validation (every problem listed at once).

Why: the form, the API and the CLI pass the same parameters; checking them here, before any
matrix is built, gives one set of messages for all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from circulair.core.errors import InputError, Problem
from circulair.core.geo import RegionGeography

__all__ = ["MODELS", "SitingParams", "check_params"]

MODELS = ("p_median", "set_cover", "max_cover", "capacitated")


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


def check_params(
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
