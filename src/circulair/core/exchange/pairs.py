"""Per-pair tests, distance and score of offer-request pairs, shared by the fast search
(:func:`~circulair.core.exchange.matching.candidates`), the brute-force scan
(:func:`~circulair.core.exchange.scan.candidates_scan`) and the independent checks.

The rules and the score themselves are defined once in :mod:`~circulair.core.exchange.rules`;
this module applies them to listing arrays and pair positions. Rules and formulas are stated in
:mod:`circulair.core.exchange.matching`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from circulair.core.errors import InputError, Problem
from circulair.core.exchange.listing_arrays import ListingArrays
from circulair.core.exchange.rules import (
    Side,
    class_masks,
    pair_masks,
    score_components,
    side_arrays,
    within_radius,
)
from circulair.core.geo.distance import EARTH_RADIUS_KM, haversine_km

__all__ = [
    "CRITERIA",
    "ScoreWeights",
    "all_pass",
    "org_codes",
    "pair_checks",
    "pair_distance_km",
    "pair_scores",
    "query_chord",
]

CRITERIA: tuple[str, ...] = (
    "material",
    "unit",
    "frequency",
    "organisation",
    "time_window",
    "quantity",
    "route",
    "quality",
    "certification",
    "hazardous",
    "radius",
)
"""Names of the candidate tests, in the order :func:`pair_checks` reports them."""

_CHORD_SLACK = 1e-9


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the score components; non-negative, summing to 1 so the score is in [0, 1]."""

    distance: float = 0.40
    quantity: float = 0.20
    route: float = 0.25
    quality: float = 0.15

    def __post_init__(self) -> None:
        vals = {
            "distance": self.distance,
            "quantity": self.quantity,
            "route": self.route,
            "quality": self.quality,
        }
        p = [
            Problem("a weight must be a finite number >= 0", field=k, value=v)
            for k, v in vals.items()
            if not (math.isfinite(v) and v >= 0)
        ]
        if not p and abs(sum(vals.values()) - 1.0) > 1e-9:
            p.append(
                Problem("the weights must sum to 1", field="weights", value=sum(vals.values()))
            )
        if p:
            raise InputError(p)


def pair_distance_km(
    offers: ListingArrays,
    requests: ListingArrays,
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    road_factor: float,
) -> NDArray[np.float64]:
    """Road distance of each pair: haversine great-circle km × ``road_factor``."""
    d = haversine_km(offers.lat[o], offers.lon[o], requests.lat[r], requests.lon[r])
    return np.asarray(d * road_factor, dtype=np.float64)


def org_codes(
    offers: ListingArrays, requests: ListingArrays
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    _, inv = np.unique(
        np.concatenate([offers.organisation, requests.organisation]), return_inverse=True
    )
    inv = inv.astype(np.int64).ravel()
    return inv[: len(offers)], inv[len(offers) :]


def pair_checks(
    offers: ListingArrays,
    requests: ListingArrays,
    offer_idx: Any,
    request_idx: Any,
    *,
    road_factor: float = 1.3,
) -> dict[str, NDArray[np.bool_]]:
    """Every candidate test (:data:`CRITERIA`) for each given pair: name -> True where it passes.

    Computed directly per pair, without the classes and trees of
    :func:`~circulair.core.exchange.matching.candidates`, so it serves as the independent check
    of candidate sets and allocations and as the explanation of why a pair is not a candidate.
    """
    o = np.asarray(offer_idx, dtype=np.int64)
    r = np.asarray(request_idx, dtype=np.int64)
    org_o, org_r = org_codes(offers, requests)
    so, sr = Side(side_arrays(offers, org_o), o), Side(side_arrays(requests, org_r), r)
    out = class_masks(so, sr, offers.taxonomy.compat)
    out.update(pair_masks(so, sr))
    out["radius"] = within_radius(
        pair_distance_km(offers, requests, o, r, road_factor), requests.radius_km[r]
    )
    return {k: out[k] for k in CRITERIA}


def pair_scores(
    offers: ListingArrays,
    requests: ListingArrays,
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    distance_km: NDArray[np.float64],
    weights: ScoreWeights,
) -> dict[str, NDArray[np.float64]]:
    """Score components and total for pairs (formulas in :mod:`~circulair.core.exchange.matching`).

    The components come from :func:`~circulair.core.exchange.rules.score_components`.
    """
    return score_components(
        Side(side_arrays(offers), o), Side(side_arrays(requests), r), distance_km, weights
    )


def query_chord(radius_km: NDArray[np.float64] | float, road_factor: float) -> NDArray[np.float64]:
    """Chord on the unit sphere within which a pair can be within ``radius_km`` road km.

    ``2·sin(θ/2)`` for the great-circle angle ``θ = radius / (road_factor·R)``, with a relative
    slack of 1e-9 so that a pair exactly on the radius is not lost to rounding.
    """
    theta = np.minimum(
        np.asarray(radius_km, dtype=np.float64) / (road_factor * EARTH_RADIUS_KM), np.pi
    )
    return np.asarray(2.0 * np.sin(theta / 2.0) * (1.0 + _CHORD_SLACK) + 1e-15)


def all_pass(masks: dict[str, NDArray[np.bool_]]) -> NDArray[np.bool_]:
    """Where every mask is True (a new array)."""
    it = iter(masks.values())
    out = next(it).copy()
    for m in it:
        out &= m
    return out
