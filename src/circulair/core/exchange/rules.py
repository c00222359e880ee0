"""The candidate rules and the score of an offer-request pair, defined once.

Every path that decides whether a pair is a candidate or how well it scores calls these
functions: the fast KD-tree search (:func:`~circulair.core.exchange.matching.candidates`, per
class in :mod:`~circulair.core.exchange.search`), the brute-force scan
(:func:`~circulair.core.exchange.scan.candidates_scan`), the per-pair checks and explanations
(:func:`~circulair.core.exchange.pairs.pair_checks`,
:func:`~circulair.core.exchange.pairs.pair_scores`) and so the allocation's independent check.
The rules and the score formula are stated in :mod:`circulair.core.exchange.matching`.

The functions take two *sides*, mappings from field name to array, one for offers and one for
requests; the arrays of the two sides broadcast against each other (flat pair arrays, or a
``(requests, 1)`` column against a ``(1, offers)`` row in the scan). Field names: ``material``,
``unit``, ``frequency``, ``org`` (organisation code), ``available_from``, ``available_to``,
``quantity``, ``min_quantity``, ``route_rank``, ``grade``, ``certified``, ``haz`` (offer:
hazardous; request: accepts hazardous), ``lat``, ``lon`` and, for requests, ``radius_km``.
:class:`Side` builds such a mapping lazily from :class:`ListingArrays`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from circulair.core.exchange.listing_arrays import ListingArrays

__all__ = [
    "CLASS_RULES",
    "PAIR_RULES",
    "Side",
    "class_masks",
    "pair_masks",
    "score_components",
    "side_arrays",
    "within_radius",
]

Fields = Mapping[str, NDArray[Any]]
Mask = NDArray[np.bool_]

_LISTING_FIELDS = (
    "material",
    "unit",
    "frequency",
    "available_from",
    "available_to",
    "quantity",
    "min_quantity",
    "route_rank",
    "grade",
    "certified",
    "lat",
    "lon",
)


def side_arrays(x: ListingArrays, org: NDArray[np.int64] | None = None) -> dict[str, NDArray[Any]]:
    """The fields the rules read, for all listings of ``x`` (references, no copies).

    ``org`` are organisation codes shared by both sides (needed by the ``organisation`` rule).
    """
    out: dict[str, NDArray[Any]] = {f: getattr(x, f) for f in _LISTING_FIELDS}
    if org is not None:
        out["org"] = org
    out["haz"] = x.hazardous if x.kind == "offer" else x.accepts_hazardous
    if x.kind == "request":
        out["radius_km"] = x.radius_km
    return out


class Side(Mapping[str, NDArray[Any]]):
    """Fields of some listings, gathered on first use: ``base[name][idx][expand]``.

    Parameters
    ----------
    base : mapping
        Field name -> array over all listings (e.g. :func:`side_arrays`).
    idx : ndarray of int, optional
        Positions to take (all when None).
    expand : tuple, optional
        Index applied afterwards to broadcast, e.g. ``(None, slice(None))`` for a row.
    """

    def __init__(
        self,
        base: Fields,
        idx: NDArray[np.int64] | None = None,
        expand: tuple[Any, ...] | None = None,
    ) -> None:
        self._base, self._idx, self._expand = base, idx, expand
        self._cache: dict[str, NDArray[Any]] = {}

    def __getitem__(self, name: str) -> NDArray[Any]:
        v = self._cache.get(name)
        if v is None:
            v = self._base[name]
            if self._idx is not None:
                v = v[self._idx]
            if self._expand is not None:
                v = v[self._expand]
            self._cache[name] = v
        return v

    def __iter__(self) -> Iterator[str]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)


# --- rules decided per class (material, unit, frequency) -------------------------------------


def class_masks(o: Fields, r: Fields, compat: NDArray[np.bool_]) -> dict[str, Mask]:
    """``material`` (taxonomy compatibility), ``unit`` and ``frequency``."""
    return {
        "material": compat[o["material"], r["material"]],
        "unit": o["unit"] == r["unit"],
        "frequency": o["frequency"] == r["frequency"],
    }


# --- rules tested per pair --------------------------------------------------------------------


def _organisation(o: Fields, r: Fields) -> Mask:
    return np.asarray(o["org"] != r["org"])


def _time_window(o: Fields, r: Fields) -> Mask:
    return np.asarray(
        (o["available_from"] <= r["available_to"]) & (r["available_from"] <= o["available_to"])
    )


def _quantity(o: Fields, r: Fields) -> Mask:
    return np.asarray(
        np.minimum(o["quantity"], r["quantity"]) >= np.maximum(o["min_quantity"], r["min_quantity"])
    )


def _route(o: Fields, r: Fields) -> Mask:
    rk_r = r["route_rank"]
    return np.asarray((rk_r < 0) | (o["route_rank"] <= rk_r))


def _quality(o: Fields, r: Fields) -> Mask:
    g_o, g_r = o["grade"], r["grade"]
    return np.asarray((g_r < 0) | (g_o < 0) | (g_o <= g_r))


def _certification(o: Fields, r: Fields) -> Mask:
    return np.asarray(~r["certified"] | o["certified"])


def _hazardous(o: Fields, r: Fields) -> Mask:
    return np.asarray(~o["haz"] | r["haz"])


PAIR_RULES: dict[str, Callable[[Fields, Fields], Mask]] = {
    "organisation": _organisation,
    "time_window": _time_window,
    "quantity": _quantity,
    "route": _route,
    "quality": _quality,
    "certification": _certification,
    "hazardous": _hazardous,
}
"""The rules other than material, unit, frequency (per class) and radius (spatial)."""

CLASS_RULES = ("material", "unit", "frequency")


def pair_masks(o: Fields, r: Fields, names: tuple[str, ...] | None = None) -> dict[str, Mask]:
    """The :data:`PAIR_RULES` (or those named) for the pairs of ``o`` and ``r``."""
    return {name: PAIR_RULES[name](o, r) for name in (names or tuple(PAIR_RULES))}


def within_radius(distance_km: NDArray[np.float64], radius_km: NDArray[np.float64]) -> Mask:
    """The ``radius`` rule: road distance within the request's radius, inclusive."""
    return np.asarray(distance_km <= radius_km)


def score_components(
    o: Fields, r: Fields, distance_km: NDArray[np.float64], weights: Any
) -> dict[str, NDArray[np.float64]]:
    """Score components and total of pairs (formulas in :mod:`~circulair.core.exchange.matching`).

    ``weights`` is a :class:`~circulair.core.exchange.pairs.ScoreWeights`.
    """
    q_o, q_r = o["quantity"], r["quantity"]
    s_d = np.clip(1.0 - distance_km / r["radius_km"], 0.0, 1.0)
    s_q = np.minimum(q_o, q_r) / np.maximum(q_o, q_r)
    s_r = (9.0 - np.maximum(o["route_rank"], r["route_rank"]).astype(np.float64)) / 6.0
    g_o = o["grade"].astype(np.float64)
    g_r = r["grade"].astype(np.float64)
    fit = np.where(g_r < 0, 1.0, np.where(g_o < 0, 0.5, 1.0 - 0.25 * (g_r - g_o)))
    s_c = 0.8 * fit + 0.2 * o["certified"]
    score = (
        weights.distance * s_d
        + weights.quantity * s_q
        + weights.route * s_r
        + weights.quality * s_c
    )
    return {"score": score, "s_distance": s_d, "s_quantity": s_q, "s_route": s_r, "s_quality": s_c}
