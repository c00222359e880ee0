"""Candidate matching: hand-checked candidate sets, scores and rankings; equivalence with the
brute-force scan and with the per-pair tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from circulair.core.errors import InputError
from circulair.core.exchange.matching import (
    ScoreWeights,
    candidates,
    candidates_scan,
    pair_checks,
)
from circulair.core.exchange.model import split_by_kind
from circulair.core.geo.distance import haversine_km


def _ids(table, offers, requests, request_id):  # type: ignore[no-untyped-def]
    j = int(np.flatnonzero(requests.id == request_id)[0])
    return [str(offers.id[i]) for i in table.offer[table.rows_for_request(j)]]


def _match(listings, **kw):  # type: ignore[no-untyped-def]
    offers, requests = split_by_kind(listings)
    return candidates(offers, requests, **kw), offers, requests


def test_reuse_ranks_before_recycle_at_equal_distance(b) -> None:  # type: ignore[no-untyped-def]
    xs = [
        b.request("r"),
        b.offer("recycle", north=-10, route="recycle"),
        b.offer("reuse", north=10, route="reuse"),
        b.offer("recover", east=10, route="recover"),
    ]
    t, offers, requests = _match(xs)
    assert _ids(t, offers, requests, "r") == ["reuse", "recycle", "recover"]
    assert t.rank.tolist() == [1, 2, 3]
    # By hand: road 13 km of 50 -> s_d = 0.74; s_q = 1; s_c = 0.8 (no grade asked, no cert).
    base = 0.40 * 0.74 + 0.20 * 1.0 + 0.15 * 0.8
    np.testing.assert_allclose(t.score[:2], [base + 0.25 * 1.0, base + 0.25 / 6], atol=1e-6)
    assert t.s_route[2] == 0.0


def test_requested_route_is_the_realised_rung(b) -> None:  # type: ignore[no-untyped-def]
    xs = [
        b.request("r-recycle", route="recycle"),
        b.request("r-reuse", route="reuse"),
        b.offer("reuse", north=10, route="reuse"),
        b.offer("recycle", north=5, route="recycle"),
    ]
    t, offers, requests = _match(xs)
    # A reusable offer may be recycled; a recycling-grade offer cannot be reused.
    assert _ids(t, offers, requests, "r-recycle") == ["recycle", "reuse"]  # nearer first
    assert _ids(t, offers, requests, "r-reuse") == ["reuse"]
    assert set(t.s_route[t.request == 0].tolist()) == {1 / 6}


def test_nearer_ranks_first_all_else_equal(b) -> None:  # type: ignore[no-untyped-def]
    xs = [
        b.request("r"),
        b.offer("far", north=30),
        b.offer("near", north=-5),
        b.offer("mid", east=12),
    ]
    t, offers, requests = _match(xs)
    assert _ids(t, offers, requests, "r") == ["near", "mid", "far"]
    np.testing.assert_allclose(t.distance_km, [6.5, 15.6, 39.0], rtol=1e-3)


def test_time_window_edges(b) -> None:  # type: ignore[no-untyped-def]
    d0 = b.DAY0
    end = d0 + dt.timedelta(days=90)  # the offer is available d0 .. end, both inclusive
    xs = [
        b.offer("o", north=1),
        b.request("touch-end", available_from=end, available_to=end + dt.timedelta(days=30)),
        b.request(
            "day-after",
            available_from=end + dt.timedelta(days=1),
            available_to=end + dt.timedelta(days=30),
        ),
        b.request("touch-start", available_from=d0 - dt.timedelta(days=30), available_to=d0),
        b.request(
            "day-before",
            available_from=d0 - dt.timedelta(days=30),
            available_to=d0 - dt.timedelta(days=1),
        ),
        b.request("open-ended", available_from=d0 + dt.timedelta(days=10), available_to=None),
    ]
    t, _, requests = _match(xs)
    got = {str(requests.id[j]) for j in t.request}
    assert got == {"touch-end", "touch-start", "open-ended"}


def test_radius_edge_is_inclusive(b) -> None:  # type: ignore[no-untyped-def]
    o = b.offer("o", north=38.0)
    exact = float(haversine_km(o.lat, o.lon, *b.at(0, 0))) * 1.3
    xs = [
        o,
        b.request("on-edge", radius_km=exact),
        b.request("just-inside", radius_km=exact + 1e-6),
        b.request("just-short", radius_km=exact - 1e-6),
    ]
    t, _, requests = _match(xs, road_factor=1.3)
    assert {str(requests.id[j]) for j in t.request} == {"on-edge", "just-inside"}
    assert t.s_distance[t.request == 0][0] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("offer_kw", "request_kw", "ok"),
    [
        ({"material": "plastic-pp"}, {}, False),  # sibling polymer
        ({"material": "plastic-pp"}, {"material": "plastics"}, True),  # descendant
        ({}, {"unit": "m3"}, False),  # units never converted
        ({}, {"frequency": "per_year"}, False),  # one-off vs stream
        ({"organisation": "same"}, {"organisation": "same"}, False),  # not with oneself
        ({"quantity": 5}, {"min_quantity": 6, "quantity": 20}, False),  # below the request's lot
        ({"quantity": 6}, {"min_quantity": 6, "quantity": 20}, True),
        ({"quantity": 50, "min_quantity": 30}, {"quantity": 20}, False),  # below the offer's lot
        ({"quality": "B"}, {"quality": "A"}, False),  # grade too low
        ({"quality": "A"}, {"quality": "B"}, True),
        ({"quality": "clean, sorted"}, {"quality": "A"}, True),  # unverifiable: passes
        ({}, {"certified": True}, False),  # certificate required
        ({"certified": True}, {"certified": True}, True),
        ({"ewc": "17 06 05*", "material": "asbestos"}, {"material": "asbestos"}, False),
        (
            {"ewc": "17 06 05*", "material": "asbestos"},
            {"material": "asbestos", "accepts_hazardous": True},
            True,
        ),
        (
            {"ewc": "17 06 05*", "material": "asbestos"},
            {"material": "asbestos", "ewc": "17 06 05*"},
            True,
        ),  # own hazardous code
        ({"route": "recycle"}, {"route": "reuse"}, False),
    ],
)
def test_each_candidate_test(b, offer_kw, request_kw, ok) -> None:  # type: ignore[no-untyped-def]
    t, offers, requests = _match([b.offer("o", north=3, **offer_kw), b.request("r", **request_kw)])
    assert (len(t) == 1) is ok
    checks = pair_checks(offers, requests, [0], [0])
    assert bool(np.all([v[0] for v in checks.values()])) is ok


def test_quality_score_by_hand(b) -> None:  # type: ignore[no-untyped-def]
    xs = [
        b.request("r", quality="B"),
        b.offer("exact", north=2, quality="B"),
        b.offer("better", north=2, quality="A", organisation="x"),
        b.offer("unknown", north=2, quality="as new", certified=True, organisation="y"),
    ]
    t, offers, requests = _match(xs)
    got = dict(zip([str(offers.id[i]) for i in t.offer], t.s_quality.tolist(), strict=True))
    assert got == pytest.approx({"exact": 0.8, "better": 0.8 * 0.75, "unknown": 0.8 * 0.5 + 0.2})
    assert _ids(t, offers, requests, "r")[0] == "exact"


def test_quantity_fit(b) -> None:  # type: ignore[no-untyped-def]
    xs = [
        b.request("r", quantity=10),
        b.offer("small", north=1, quantity=2),
        b.offer("fit", north=1, quantity=10, organisation="x"),
        b.offer("big", north=1, quantity=40, organisation="y"),
    ]
    t, offers, requests = _match(xs)
    assert _ids(t, offers, requests, "r") == ["fit", "big", "small"]  # 1, 10/40, 2/10
    np.testing.assert_allclose(sorted(t.s_quantity), [0.2, 0.25, 1.0])


def test_top_k_and_by_offer(b) -> None:  # type: ignore[no-untyped-def]
    xs = [b.offer("o", north=0)] + [b.request(f"r{i}", north=2.0 * i + 1) for i in range(6)]
    offers, requests = split_by_kind(xs)
    t = candidates(offers, requests, k=3, by="offer")
    assert [str(requests.id[j]) for j in t.request] == ["r0", "r1", "r2"]
    assert t.rank.tolist() == [1, 2, 3]
    t2 = candidates(offers, requests, k=3)  # per request: each has the one offer
    assert len(t2) == 6 and set(t2.rank.tolist()) == {1}


def test_bad_parameters(b) -> None:  # type: ignore[no-untyped-def]
    offers, requests = split_by_kind([b.offer("o"), b.request("r")])
    with pytest.raises(InputError):
        candidates(offers, requests, k=0)
    with pytest.raises(InputError):
        candidates(offers, requests, road_factor=0.9)
    with pytest.raises(InputError):
        candidates(requests, offers)
    with pytest.raises(InputError):
        ScoreWeights(distance=0.5, quantity=0.5, route=0.5, quality=0.0)


def test_empty_inputs(b) -> None:  # type: ignore[no-untyped-def]
    offers, requests = split_by_kind([b.offer("o")])
    assert len(candidates(offers, requests)) == 0


# --------------------------------------------------------------------------------------------
# Properties: the fast path equals the brute-force scan and the per-pair tests


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), rf=st.sampled_from([1.0, 1.3]), k=st.integers(1, 4))
def test_fast_path_equals_scan_and_pair_tests(gen, data, rf, k) -> None:  # type: ignore[no-untyped-def]
    offers, requests = gen.build(data.draw(gen.listings), data.draw(gen.listings))
    fast = candidates(offers, requests, road_factor=rf, k=k, workers=1)
    scan = candidates_scan(offers, requests, road_factor=rf, k=k, chunk=5)
    for name in ("request", "offer", "rank"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(scan, name))
    np.testing.assert_allclose(fast.score, scan.score, rtol=0, atol=1e-12)
    # All candidates (k large) are exactly the pairs passing every test.
    every = candidates(offers, requests, road_factor=rf, k=1000, workers=1)
    event(
        "candidate pairs: " + ("none" if len(every) == 0 else "1-9" if len(every) < 10 else "10+")
    )
    oo, rr = np.meshgrid(np.arange(len(offers)), np.arange(len(requests)), indexing="ij")
    checks = pair_checks(offers, requests, oo.ravel(), rr.ravel(), road_factor=rf)
    ok = np.logical_and.reduce(list(checks.values())) if checks else np.zeros(0, bool)
    want = set(zip(oo.ravel()[ok].tolist(), rr.ravel()[ok].tolist(), strict=True))
    assert set(zip(every.offer.tolist(), every.request.tolist(), strict=True)) == want
    per_offer = candidates(offers, requests, road_factor=rf, k=1000, by="offer", workers=1)
    assert set(zip(per_offer.offer.tolist(), per_offer.request.tolist(), strict=True)) == want
    assert ((every.score >= 0) & (every.score <= 1 + 1e-12)).all()
    # Ranks are 1..n per request, scores non-increasing.
    for j in np.unique(fast.request):
        rows = fast.rows_for_request(int(j))
        assert fast.rank[rows].tolist() == list(range(1, len(rows) + 1))
        assert (np.diff(fast.score[rows]) <= 1e-15).all()
