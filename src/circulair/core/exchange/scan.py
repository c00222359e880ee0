"""Brute-force reference for the candidate search: every offer for every request, chunked.

Used by the tests (the fast search must return an identical table) and as the baseline of
``benchmarks/bench_exchange.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from circulair.core.exchange.inputs import check_pair_inputs
from circulair.core.exchange.listing_arrays import ListingArrays
from circulair.core.exchange.match_table import MatchTable, build_table
from circulair.core.exchange.pairs import (
    ScoreWeights,
    all_pass,
    org_codes,
    pair_distance_km,
    pair_scores,
    query_chord,
)
from circulair.core.exchange.ranking import top_k
from circulair.core.exchange.rules import Side, class_masks, pair_masks, side_arrays, within_radius

__all__ = ["candidates_scan"]


def candidates_scan(
    offers: ListingArrays,
    requests: ListingArrays,
    *,
    road_factor: float = 1.3,
    k: int = 10,
    weights: ScoreWeights | None = None,
    chunk: int = 256,
    request_subset: NDArray[np.int64] | None = None,
) -> MatchTable:
    """Top-``k`` offers per request by a brute-force NumPy scan, chunk of requests by chunk.

    The straightforward method, kept as the reference for tests and the baseline of
    ``benchmarks/bench_exchange.py``: for each chunk of requests every test is evaluated on the
    dense (chunk × all offers) grid (distance via the dot product of unit vectors), then the
    surviving pairs get the same exact distance, score and top-k selection as
    :func:`~circulair.core.exchange.matching.candidates`, so both return identical tables.
    ``request_subset`` limits the scan to some requests (to time or check a sample).
    """
    w = weights or ScoreWeights()
    check_pair_inputs(offers, requests, road_factor)
    rf = float(road_factor)
    compat = offers.taxonomy.compat
    org_o, org_r = org_codes(offers, requests)
    xyz_o, xyz_r = offers.xyz, requests.xyz
    req = (
        np.arange(len(requests), dtype=np.int64)
        if request_subset is None
        else np.asarray(request_subset, dtype=np.int64)
    )
    off_base = side_arrays(offers, org_o)
    req_base = side_arrays(requests, org_r)
    row = Side(off_base, None, (None, slice(None)))  # offers along the columns
    parts: list[dict[str, NDArray[Any]]] = []
    for c0 in range(0, len(req), chunk):
        r1 = req[c0 : c0 + chunk]
        colr = Side(req_base, r1, (slice(None), None))  # this chunk's requests along the rows
        chord = query_chord(requests.radius_km[r1], rf)[:, None]
        near = 2.0 - 2.0 * (xyz_r[r1] @ xyz_o.T) <= chord * chord
        mask = near & all_pass(class_masks(row, colr, compat)) & all_pass(pair_masks(row, colr))
        rr, oo = np.nonzero(mask)
        r, o = r1[rr], oo.astype(np.int64)
        d = pair_distance_km(offers, requests, o, r, rf)
        ok = within_radius(d, requests.radius_km[r])
        o, r, d = o[ok], r[ok], d[ok]
        sc = pair_scores(offers, requests, o, r, d, w)
        order = np.argsort(r, kind="stable")
        o, r, d = o[order], r[order], d[order]
        sc = {n: v[order] for n, v in sc.items()}
        rows, rank = top_k(r, sc["score"], d, o, k)
        part: dict[str, NDArray[Any]] = {
            "request": r[rows],
            "offer": o[rows],
            "distance_km": d[rows],
            "rank": rank,
        }
        part.update({name: v[rows] for name, v in sc.items()})
        parts.append(part)
    return build_table(parts, "request", k, rf, w)
