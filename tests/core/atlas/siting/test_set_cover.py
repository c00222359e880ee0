"""Set covering: hand instances, infeasibility messages, brute force (with max cover)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from circulair.core.atlas.siting import max_cover, set_cover
from circulair.core.errors import InfeasibleError

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


def test_set_cover_line() -> None:
    r = set_cover(LINE, 1.0)
    assert r.objective == 2 and r.open_sites.tolist() == [1, 4]
    assert r.covered.all() and r.status == "optimal"
    assert set_cover(LINE, 0.5).objective == 6
    assert set_cover(LINE, 20).objective == 1
    r = set_cover(LINE, 1.0, fixed_open=[0])
    assert r.objective == 3 and 0 in r.open_sites
    # zero-weight points need not be covered
    r = set_cover(LINE, 1.0, weights=[1, 1, 1, 0, 0, 0])
    assert r.objective == 1 and r.open_sites.tolist() == [1]


def test_set_cover_radius_too_small_names_points() -> None:
    with pytest.raises(InfeasibleError) as exc:
        set_cover(LINE, 1.0, allowed=[0, 1, 2])
    text = str(exc.value)
    assert "3 demand point(s) have no allowed candidate site within the radius" in text
    assert "demand point 3: nearest allowed candidate at 8 km" in text
    assert "demand point 5: nearest allowed candidate at 10 km" in text
    assert "at least 10 km" in text


def _brute_cover(d, r, fixed=()):
    m = d.shape[1]
    for k in range(1, m + 1):
        for s in itertools.combinations(range(m), k):
            if set(fixed) <= set(s) and (d[:, list(s)].min(axis=1) <= r).all():
                return k
    return None


@pytest.mark.parametrize("seed", range(15))
def test_set_cover_and_max_cover_brute_force(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n, m = int(rng.integers(2, 12)), int(rng.integers(2, 8))
    d, w = _instance(rng, n, m)
    radius = float(rng.uniform(1.5, 6))
    fixed = [0] if seed % 2 else []
    expect = _brute_cover(d, radius, fixed)
    if expect is None:
        with pytest.raises(InfeasibleError):
            set_cover(d, radius, fixed_open=fixed)
    else:
        assert set_cover(d, radius, fixed_open=fixed).objective == expect
    p = int(rng.integers(max(1, len(fixed)), m + 1))
    best = max(
        float(w[d[:, list(s)].min(axis=1) <= radius].sum())
        for s in itertools.combinations(range(m), p)
        if set(fixed) <= set(s)
    )
    assert max_cover(d, w, p, radius, fixed_open=fixed).objective == pytest.approx(best)
