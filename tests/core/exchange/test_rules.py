"""The pair rules and the score, defined once: names, flat vs broadcast evaluation."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.exchange.matching import CRITERIA, ScoreWeights, pair_checks
from circulair.core.exchange.rules import (
    CLASS_RULES,
    PAIR_RULES,
    Side,
    class_masks,
    pair_masks,
    score_components,
    side_arrays,
)


def test_every_criterion_is_one_rule() -> None:
    assert set(CRITERIA) == set(CLASS_RULES) | set(PAIR_RULES) | {"radius"}
    assert len(CRITERIA) == len(CLASS_RULES) + len(PAIR_RULES) + 1


def test_side_gathers_lazily_and_once() -> None:
    calls = []

    class Base(dict):  # type: ignore[type-arg]
        def __getitem__(self, k):  # type: ignore[no-untyped-def]
            calls.append(k)
            return super().__getitem__(k)

    s = Side(Base(quantity=np.array([1.0, 2.0, 3.0])), np.array([2, 0]))
    assert s["quantity"].tolist() == [3.0, 1.0] and s["quantity"].tolist() == [3.0, 1.0]
    assert calls == ["quantity"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_grid_and_flat_evaluation_agree(gen, data) -> None:  # type: ignore[no-untyped-def]
    offers, requests = gen.build(data.draw(gen.listings), data.draw(gen.listings))
    org = np.unique(
        np.concatenate([offers.organisation, requests.organisation]), return_inverse=True
    )[1].ravel()
    ob = side_arrays(offers, org[: len(offers)])
    rb = side_arrays(requests, org[len(offers) :])
    # grid: requests down the rows, offers along the columns (as the brute-force scan)
    row = Side(ob, None, (None, slice(None)))
    col = Side(rb, None, (slice(None), None))
    grid = {**class_masks(row, col, offers.taxonomy.compat), **pair_masks(row, col)}
    rr, oo = np.meshgrid(np.arange(len(requests)), np.arange(len(offers)), indexing="ij")
    flat = pair_checks(offers, requests, oo.ravel(), rr.ravel())
    for name, mask in grid.items():
        np.testing.assert_array_equal(mask.ravel(), flat[name], err_msg=name)
    d = np.full(oo.size, 5.0)
    sc = score_components(Side(ob, oo.ravel()), Side(rb, rr.ravel()), d, ScoreWeights())
    assert ((sc["score"] >= -1e-12) & (sc["score"] <= 1 + 1e-12)).all()
    w = ScoreWeights()
    recombined = (
        w.distance * sc["s_distance"]
        + w.quantity * sc["s_quantity"]
        + w.route * sc["s_route"]
        + w.quality * sc["s_quality"]
    )
    np.testing.assert_array_equal(recombined, sc["score"])
