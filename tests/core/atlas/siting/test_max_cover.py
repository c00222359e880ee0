"""Maximal covering: hand instances, input errors, property check (with set cover)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.atlas.siting import checks, max_cover, set_cover
from circulair.core.errors import InfeasibleError, InputError

# points on a line: demand and candidates at x = 0, 1, 2, 10, 11, 12
X = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 12.0])
LINE = np.abs(X[:, None] - X[None, :])
ONES = np.ones(6)


def _instance(rng: np.random.Generator, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    a = rng.random((n, 2)) * 10
    b = rng.random((m, 2)) * 10
    d = np.round(np.linalg.norm(a[:, None] - b[None], axis=2), 3)
    w = rng.integers(0, 6, n).astype(float)
    return d, w


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, list[int]]:
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 25))
    m = draw(st.integers(1, 10))
    d, w = _instance(rng, n, m)
    if draw(st.booleans()):  # duplicate some rows
        d = np.vstack([d, d[: n // 2]])
        w = np.concatenate([w, w[: n // 2]])
    p = draw(st.integers(1, m))
    fixed = draw(st.lists(st.integers(0, m - 1), max_size=p, unique=True))
    return d, w, p, fixed


def test_max_cover_line() -> None:
    w = np.array([1, 1, 1, 5, 1, 1.0])
    r = max_cover(LINE, w, 1, 1.0)
    assert r.objective == 7.0 and r.open_sites.tolist() == [4]
    assert r.covered.tolist() == [False, False, False, True, True, True]
    assert r.sense == "max" and r.upper_bound == pytest.approx(7.0) and r.status == "optimal"
    assert max_cover(LINE, w, 2, 1.0).objective == 10.0
    assert max_cover(LINE, w, 1, 1.0, fixed_open=[0]).objective == 2.0
    assert max_cover(LINE, w, 1, 0.5, allowed=[0]).objective == 1.0


def test_coverage_input_errors() -> None:
    with pytest.raises(InputError, match="radius_km must be a finite non-negative number"):
        set_cover(LINE, -1)
    with pytest.raises(InputError, match="weights has 2 entries but dist has 6 rows"):
        max_cover(LINE, [1, 2], 1, 1.0)
    with pytest.raises(InputError, match="no candidate site is allowed"):
        set_cover(LINE, 1.0, allowed=np.zeros(6, bool))


@SETTINGS
@given(instances(), st.floats(0.5, 8.0))
def test_property_coverage_passes_check(inst, radius: float) -> None:
    d, w, p, fixed = inst
    r = max_cover(d, w, p, radius, fixed_open=fixed)
    assert r.objective == checks.check_max_cover(r, d, w, p, radius, fixed_open=fixed)
    try:
        s = set_cover(d, radius, weights=w, fixed_open=fixed)
    except InfeasibleError:
        assert ((d > radius).all(axis=1) & (w > 0)).any()
    else:
        assert s.objective == checks.check_set_cover(s, d, radius, weights=w, fixed_open=fixed)
