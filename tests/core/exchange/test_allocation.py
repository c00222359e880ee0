"""Allocation: hand-checked optima (where greedy loses), minimum lots, invalid pairs, and
properties against an independent LP solve (scipy linprog, two phases)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from circulair.core.errors import InputError
from circulair.core.exchange.allocation import allocate
from circulair.core.exchange.matching import candidates, pair_checks
from circulair.core.exchange.model import split_by_kind


def _by_id(alloc, offers, requests):  # type: ignore[no-untyped-def]
    return {
        (str(offers.id[o]), str(requests.id[r])): float(q)
        for o, r, q in zip(alloc.offer, alloc.request, alloc.quantity, strict=True)
    }


def _greedy(table, offers, requests):  # type: ignore[no-untyped-def]
    """Nearest pair first, as much as possible: the obvious method the LP must beat."""
    left_o, left_r = offers.quantity.copy(), requests.quantity.copy()
    total, tkm = 0.0, 0.0
    for p in np.argsort(table.distance_km, kind="stable"):
        o, r = table.offer[p], table.request[p]
        q = min(left_o[o], left_r[r])
        left_o[o] -= q
        left_r[r] -= q
        total += q
        tkm += q * table.distance_km[p]
    return total, tkm


def test_maximum_quantity_beats_greedy(b) -> None:  # type: ignore[no-untyped-def]
    # On one meridian (road factor 1): R1 at 0 km (radius 50), O1 at 5, R2 at 11 (radius 6.5),
    # O2 at -20. Pairs: O1-R1 5 km, O1-R2 6 km, O2-R1 20 km (O2-R2 is 31 km: out of radius).
    xs = [
        b.request("R1", north=0),
        b.offer("O1", north=5),
        b.request("R2", north=11, radius_km=6.5),
        b.offer("O2", north=-20),
    ]
    offers, requests = split_by_kind(xs)
    t = candidates(offers, requests, road_factor=1.0)
    assert len(t) == 3
    assert _greedy(t, offers, requests)[0] == pytest.approx(10.0)  # O1 -> R1 strands O2 and R2
    a = allocate(offers, requests, t, road_factor=1.0)
    assert a.status == "optimal"
    assert _by_id(a, offers, requests) == pytest.approx({("O1", "R2"): 10.0, ("O2", "R1"): 10.0})
    assert a.matched == pytest.approx({"t": 20.0})
    assert a.transport == pytest.approx({"t": 10 * 6 + 10 * 20}, rel=1e-9)


def test_minimum_transport_beats_greedy(b) -> None:  # type: ignore[no-untyped-def]
    # Offers a at 0 km and b at 20; requests c at 19 and d at 35 (all 10 t, radius 50).
    # Greedy takes b-c (1 km) then a-d (35 km): 360 t·km; optimum a-c + b-d: 190 + 150 = 340.
    xs = [
        b.offer("a", north=0),
        b.offer("b", north=20),
        b.request("c", north=19),
        b.request("d", north=35),
    ]
    offers, requests = split_by_kind(xs)
    t = candidates(offers, requests, road_factor=1.0)
    assert len(t) == 4
    assert _greedy(t, offers, requests) == pytest.approx((20.0, 360.0))
    a = allocate(offers, requests, t, road_factor=1.0)
    assert _by_id(a, offers, requests) == pytest.approx({("a", "c"): 10.0, ("b", "d"): 10.0})
    assert a.transport["t"] == pytest.approx(340.0, rel=1e-9)


def test_partial_quantities_and_units(b) -> None:  # type: ignore[no-untyped-def]
    xs = [
        b.offer("near", north=1, quantity=15),
        b.offer("far", north=9, quantity=5),
        b.request("r", quantity=12),
        b.offer("p1", north=2, unit="pieces", quantity=7, material="doors-windows"),
        b.request("p2", unit="pieces", quantity=4, material="building-components"),
    ]
    offers, requests = split_by_kind(xs)
    a = allocate(offers, requests, candidates(offers, requests, road_factor=1.0), road_factor=1.0)
    assert _by_id(a, offers, requests) == pytest.approx({("near", "r"): 12.0, ("p1", "p2"): 4.0})
    assert a.matched == pytest.approx({"t": 12.0, "pieces": 4.0})
    assert a.offer_allocated.tolist() == [12.0, 0.0, 4.0]


def test_minimum_lot_solved_exactly(b) -> None:  # type: ignore[no-untyped-def]
    # Offer 10 t. R2 (5 t, no lot) is nearer than R1 (10 t, lot 8). The LP relaxation sends
    # 5 + 5, violating R1's lot; the exact answer ships 8 to R1 and 2 to R2 (10 t matched).
    xs = [
        b.offer("o", north=0),
        b.request("R1", north=1, min_quantity=8),
        b.request("R2", north=0.5, quantity=5),
    ]
    offers, requests = split_by_kind(xs)
    t = candidates(offers, requests, road_factor=1.0)
    a = allocate(offers, requests, t, road_factor=1.0)
    assert a.status == "optimal"
    assert _by_id(a, offers, requests) == pytest.approx({("o", "R1"): 8.0, ("o", "R2"): 2.0})
    # The repair heuristic (used for large components) stays feasible but drops the lot pair.
    h = allocate(offers, requests, t, road_factor=1.0, exact_lots_max_pairs=0)
    assert h.status == "lots_heuristic"
    assert _by_id(h, offers, requests) == pytest.approx({("o", "R2"): 5.0})
    assert h.details["matched_upper_bound"] == pytest.approx({"t": 10.0})


def test_invalid_pairs_are_all_reported(b) -> None:  # type: ignore[no-untyped-def]
    xs = [
        b.offer("o1"),
        b.offer("o2", material="wood-a"),
        b.request("r1"),
        b.request("r2", north=100),
    ]
    offers, requests = split_by_kind(xs)
    with pytest.raises(InputError) as e:
        allocate(offers, requests, ([0, 1, 0, 5], [0, 0, 1, 0]))
    assert [(p.field, p.row, p.value) for p in e.value.problems] == [("pairs", 3, (5, 0))]
    with pytest.raises(InputError) as e:
        allocate(offers, requests, ([0, 1, 0], [0, 0, 1]))
    assert sorted(p.value for p in e.value.problems) == [("o1", "r2"), ("o2", "r1")]


def test_duplicates_are_ignored(b) -> None:  # type: ignore[no-untyped-def]
    offers, requests = split_by_kind([b.offer("o", north=1), b.request("r")])
    a = allocate(offers, requests, ([0, 0, 0], [0, 0, 0]))
    assert a.quantity.tolist() == [10.0]


# --------------------------------------------------------------------------------------------
# Properties


def _reference(offers, requests, o, r, d):  # type: ignore[no-untyped-def]
    """Lexicographic optimum by two plain LPs (scipy linprog / HiGHS): max Σx, then min Σdx."""
    m = len(o)
    if m == 0:
        return 0.0, 0.0
    a = sp.vstack(
        [
            sp.csr_matrix((np.ones(m), (o, np.arange(m))), shape=(len(offers), m)),
            sp.csr_matrix((np.ones(m), (r, np.arange(m))), shape=(len(requests), m)),
        ]
    )
    rhs = np.r_[offers.quantity, requests.quantity]
    p1 = linprog(-np.ones(m), A_ub=a, b_ub=rhs, bounds=(0, None), method="highs")
    flow = -p1.fun
    a2 = sp.vstack([a, -sp.csr_matrix(np.ones((1, m)))])
    p2 = linprog(d, A_ub=a2, b_ub=np.r_[rhs, -flow * (1 - 1e-10)], bounds=(0, None), method="highs")
    return flow, p2.fun


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), k=st.integers(1, 6), lots=st.booleans())
def test_allocation_properties(gen, data, k, lots) -> None:  # type: ignore[no-untyped-def]
    offers_raw, requests_raw = data.draw(gen.listings), data.draw(gen.listings)
    if not lots:
        for x in offers_raw + requests_raw:
            x["lot"] = 0
    offers, requests = gen.build(offers_raw, requests_raw)
    t = candidates(offers, requests, k=k, workers=1)
    a = allocate(offers, requests, t, workers=1)  # runs check_allocation too
    event("allocated pairs: " + ("none" if len(a) == 0 else "1-3" if len(a) < 4 else "4+"))
    # Never more than any listing's quantity.
    assert (
        np.bincount(a.offer, weights=a.quantity, minlength=len(offers))
        <= offers.quantity * (1 + 1e-9)
    ).all()
    assert (
        np.bincount(a.request, weights=a.quantity, minlength=len(requests))
        <= requests.quantity * (1 + 1e-9)
    ).all()
    # Every allocated pair is a candidate pair and passes every compatibility test.
    cand = set(zip(t.offer.tolist(), t.request.tolist(), strict=True))
    assert set(zip(a.offer.tolist(), a.request.tolist(), strict=True)) <= cand
    checks = pair_checks(offers, requests, a.offer, a.request)
    assert all(v.all() for v in checks.values())
    lot = np.maximum(offers.min_quantity[a.offer], requests.min_quantity[a.request])
    assert (a.quantity >= lot * (1 - 1e-6)).all()
    if not lots:
        # Optimal: same matched quantity and transport as an independent two-phase LP.
        flow, tkm = _reference(offers, requests, t.offer, t.request, t.distance_km)
        assert sum(a.matched.values()) == pytest.approx(flow, rel=1e-7, abs=1e-7)
        assert sum(a.transport.values()) == pytest.approx(tkm, rel=1e-6, abs=1e-6)
        assert a.status == "optimal"
