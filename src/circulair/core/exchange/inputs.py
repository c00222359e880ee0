"""Input validation of the engines: listings in either form, search parameters, candidate pairs.

Why one place: the candidate search (:func:`~circulair.core.exchange.matching.candidates`), the
scan and the allocation accept the same inputs and must reject them with the same messages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from circulair.core.errors import InputError, Problem
from circulair.core.exchange.listing import Listing
from circulair.core.exchange.listing_arrays import ListingArrays, listings_to_arrays
from circulair.core.exchange.match_table import MatchTable
from circulair.core.exchange.pairs import CRITERIA, pair_checks
from circulair.core.exchange.taxonomy import Taxonomy

__all__ = [
    "as_arrays",
    "check_candidate_pairs",
    "check_pair_inputs",
    "check_road_factor",
    "check_search_options",
    "pair_positions",
]


def as_arrays(
    listings: ListingArrays | Sequence[Listing],
    kind: Literal["offer", "request"],
    taxonomy: Taxonomy | None = None,
) -> ListingArrays:
    """Accept either form of listings; check the kind."""
    if isinstance(listings, ListingArrays):
        if listings.kind != kind:
            raise InputError.single(f"expected {kind}s", field=f"{kind}s", value=listings.kind)
        return listings
    return listings_to_arrays(list(listings), kind, taxonomy)


def check_search_options(k: object, by: object) -> None:
    """InputError unless ``k`` is a whole number >= 1 and ``by`` is "request" or "offer"."""
    problems = []
    if not (isinstance(k, int) and k >= 1):
        problems.append(Problem("k must be a whole number >= 1", field="k", value=k))
    if by not in ("request", "offer"):
        problems.append(Problem("by must be 'request' or 'offer'", field="by", value=by))
    if problems:
        raise InputError(problems)


def check_pair_inputs(offers: ListingArrays, requests: ListingArrays, road_factor: float) -> None:
    """InputError unless ``road_factor`` >= 1 and both sides use the same taxonomy."""
    p: list[Problem] = []
    if not (math.isfinite(road_factor) and road_factor >= 1.0):
        p.append(
            Problem(
                "road_factor must be a number >= 1 (road distance is never shorter "
                "than the straight line)",
                field="road_factor",
                value=road_factor,
            )
        )
    if (
        offers.taxonomy is not requests.taxonomy
        and offers.taxonomy.slugs != requests.taxonomy.slugs
    ):
        p.append(
            Problem("offers and requests were coded with different taxonomies", field="taxonomy")
        )
    if p:
        raise InputError(p)


def check_road_factor(road_factor: float) -> float:
    """``road_factor`` as a float; InputError unless it is a number >= 1 (for the allocation)."""
    rf = float(road_factor)
    if not (math.isfinite(rf) and rf >= 1.0):
        raise InputError.single(
            "road_factor must be a number >= 1", field="road_factor", value=road_factor
        )
    return rf


def pair_positions(
    pairs: MatchTable | tuple[ArrayLike, ArrayLike], n_o: int, n_r: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(offer, request) positions of ``pairs``, checked, without duplicates, sorted by offer."""
    if isinstance(pairs, MatchTable):
        o, r = pairs.offer, pairs.request
    else:
        try:
            o_raw, r_raw = pairs
        except (TypeError, ValueError):
            raise InputError.single(
                "pairs must be a MatchTable or (offer positions, request positions)", field="pairs"
            ) from None
        o = np.asarray(o_raw).ravel()
        r = np.asarray(r_raw).ravel()
        problems = []
        if o.shape != r.shape:
            problems.append(
                Problem(
                    "offer and request positions differ in length",
                    field="pairs",
                    value=f"{o.shape} vs {r.shape}",
                )
            )
        for name, a in (("offer", o), ("request", r)):
            if a.size and not np.issubdtype(a.dtype, np.integer):
                problems.append(Problem("positions must be whole numbers", field=name))
        if problems:
            raise InputError(problems)
    o = o.astype(np.int64)
    r = r.astype(np.int64)
    bad = (o < 0) | (o >= n_o) | (r < 0) | (r >= n_r)
    if bad.any():
        raise InputError(
            [
                Problem(
                    "no such offer/request position",
                    field="pairs",
                    row=int(p),
                    value=(int(o[p]), int(r[p])),
                )
                for p in np.flatnonzero(bad)
            ]
        )
    key = np.unique(o * max(n_r, 1) + r)  # drop duplicates, e.g. a union of two tables
    return key // max(n_r, 1), key % max(n_r, 1)


def check_candidate_pairs(
    offers: ListingArrays,
    requests: ListingArrays,
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    road_factor: float,
) -> None:
    """InputError listing each pair (by listing ids) and each candidate test it fails."""
    checks = pair_checks(offers, requests, o, r, road_factor=road_factor)
    failing = [(p, name) for name in CRITERIA for p in np.flatnonzero(~checks[name])]
    if failing:
        raise InputError(
            [
                Problem(
                    f"pair is not a valid candidate: fails the '{name}' test",
                    field="pairs",
                    row=int(p),
                    value=(str(offers.id[o[p]]), str(requests.id[r[p]])),
                )
                for p, name in sorted(failing)
            ]
        )
