"""The independent check of an allocation: everything verified again without trusting the
solver, from the listings and the candidate rules.
"""

from __future__ import annotations

import math

import numpy as np

from circulair.core.errors import SolverError, bullets
from circulair.core.exchange.allocation_result import Allocation
from circulair.core.exchange.listing_arrays import ListingArrays
from circulair.core.exchange.pairs import CRITERIA, pair_checks, pair_distance_km
from circulair.core.exchange.taxonomy import UNITS

__all__ = ["check_allocation"]


def check_allocation(
    offers: ListingArrays, requests: ListingArrays, allocation: Allocation, *, rtol: float = 1e-9
) -> None:
    """Verify an allocation without trusting the solver; SolverError listing every violation.

    Checks: positions exist; quantities finite and > 0; every pair passes every candidate test
    (:func:`~circulair.core.exchange.pairs.pair_checks`, with a freshly computed haversine
    distance); no offer or request receives more than its quantity (relative tolerance
    ``rtol``); every amount is at least the pair's minimum lot; pieces are whole numbers; the
    per-listing and per-unit totals and the transport objective match a recomputation.
    """
    a = allocation
    o, r, x = a.offer, a.request, a.quantity
    v: list[str] = []
    if ((o < 0) | (o >= len(offers)) | (r < 0) | (r >= len(requests))).any():
        raise SolverError("allocation refers to listings that do not exist")
    if not (np.isfinite(x).all() and (x > 0).all()):
        v.append(
            f"{int(np.count_nonzero(~(np.isfinite(x) & (x > 0))))} pair quantities are "
            "not finite positive numbers"
        )
    checks = pair_checks(offers, requests, o, r, road_factor=a.road_factor)
    for name in CRITERIA:
        for p in np.flatnonzero(~checks[name]):
            v.append(f"pair {offers.id[o[p]]} -> {requests.id[r[p]]} fails '{name}'")
    for kind, idx, lst in (("offer", o, offers), ("request", r, requests)):
        total = np.bincount(idx, weights=x, minlength=len(lst))
        over = np.flatnonzero(total > lst.quantity * (1.0 + rtol))
        v.extend(
            f"{kind} {lst.id[i]} allocated {total[i]!r} > quantity {lst.quantity[i]!r}"
            for i in over
        )
        given = a.offer_allocated if kind == "offer" else a.request_allocated
        if not np.allclose(given, total, rtol=rtol, atol=1e-9):
            v.append(f"reported {kind} totals differ from the recomputed ones")
    lot = np.maximum(offers.min_quantity[o], requests.min_quantity[r])
    for p in np.flatnonzero(x < lot * (1.0 - 1e-6)):
        v.append(
            f"pair {offers.id[o[p]]} -> {requests.id[r[p]]}: {x[p]!r} below the minimum "
            f"lot {lot[p]!r}"
        )
    pieces = offers.unit[o] == UNITS.index("pieces")
    if (x[pieces] != np.round(x[pieces])).any():
        v.append("an allocation in pieces is not a whole number")
    d = pair_distance_km(offers, requests, o, r, a.road_factor)
    unit = offers.unit[o]
    for i, u in enumerate(UNITS):
        sel = unit == i
        if not sel.any():
            continue
        for label, value, reported in (
            ("matched", x[sel].sum(), a.matched.get(u)),
            ("transport", (x * d)[sel].sum(), a.transport.get(u)),
        ):
            if reported is None or not math.isclose(value, reported, rel_tol=1e-9, abs_tol=1e-9):
                v.append(f"{label} {u} reported {reported!r}, recomputed {value!r}")
    if v:
        raise SolverError(
            f"allocation failed the independent check ({len(v)} violations):\n{bullets(v)}"
        )
