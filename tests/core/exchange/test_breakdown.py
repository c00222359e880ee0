"""The score breakdown: its contributions add up to the engine's score, exactly."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from circulair.core.exchange.breakdown import parts_total, rounded_contributions, score_parts
from circulair.core.exchange.pairs import ScoreWeights
from circulair.core.exchange.rules import score_components

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def weights(draw: st.DrawFn) -> ScoreWeights:
    a, b, c = (draw(st.floats(min_value=0.0, max_value=1.0)) for _ in range(3))
    raw = [a, b, c, 1.0]
    s = sum(raw)
    w = [x / s for x in raw[:3]]
    return ScoreWeights(w[0], w[1], w[2], 1.0 - w[0] - w[1] - w[2])


@given(
    d=st.floats(min_value=0.0, max_value=500.0),
    radius=st.floats(min_value=0.5, max_value=500.0),
    q_o=st.floats(min_value=1e-6, max_value=1e6),
    q_r=st.floats(min_value=1e-6, max_value=1e6),
    rank_o=st.integers(3, 9),
    rank_r=st.integers(3, 9),
    g_o=st.integers(-1, 2),
    g_r=st.integers(-1, 2),
    cert=st.booleans(),
    w=weights(),
)
def test_contributions_sum_to_the_engine_score(
    d: float,
    radius: float,
    q_o: float,
    q_r: float,
    rank_o: int,
    rank_r: int,
    g_o: int,
    g_r: int,
    cert: bool,
    w: ScoreWeights,
) -> None:
    o = {
        "quantity": np.array([q_o]),
        "route_rank": np.array([rank_o]),
        "grade": np.array([g_o]),
        "certified": np.array([cert]),
    }
    r = {
        "quantity": np.array([q_r]),
        "route_rank": np.array([rank_r]),
        "grade": np.array([g_r]),
        "radius_km": np.array([radius]),
    }
    s = score_components(o, r, np.array([d]), w)  # type: ignore[arg-type]
    parts = score_parts(
        s["s_distance"][0], s["s_quantity"][0], s["s_route"][0], s["s_quality"][0], w
    )
    assert parts_total(parts) == float(s["score"][0])
    assert [p.weight for p in parts] == [w.distance, w.quantity, w.route, w.quality]
    for p in parts:
        assert p.contribution == p.weight * p.value
    shown = rounded_contributions(parts, 2)
    assert round(sum(shown) * 100) == round(parts_total(parts) * 100)


def test_a_known_breakdown() -> None:
    parts = score_parts(0.75, 0.5, 1.0, 0.8)
    assert [(p.code, p.contribution) for p in parts] == [
        ("distance", 0.30000000000000004),
        ("quantity", 0.1),
        ("route", 0.25),
        ("quality", 0.12),
    ]
    assert parts_total(parts) == 0.77
    assert rounded_contributions(parts, 2) == [0.3, 0.1, 0.25, 0.12]


@given(st.lists(unit, min_size=4, max_size=4))
def test_rounded_contributions_add_to_the_rounded_score(v: list[float]) -> None:
    parts = score_parts(*v)
    shown = rounded_contributions(parts, 3)
    assert round(sum(shown) * 1000) == round(parts_total(parts) * 1000)
    assert all(abs(a - p.contribution) < 0.001 + 1e-12 for a, p in zip(shown, parts, strict=True))
