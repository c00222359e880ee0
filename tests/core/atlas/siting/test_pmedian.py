"""p-median: exact values on hand-checkable instances, brute force, properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.atlas.siting import checks, p_median, pmedian
from circulair.core.atlas.siting.heuristics import total_cost
from circulair.core.errors import InputError

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


def test_p_median_line_p2() -> None:
    r = p_median(LINE, ONES, 2)
    assert r.objective == 4.0
    assert r.open_sites.tolist() == [1, 4]
    assert r.assignment.tolist() == [1, 1, 1, 4, 4, 4]
    assert r.status == "optimal" and r.gap == 0.0 and r.lower_bound == pytest.approx(4.0)
    assert r.model == "p_median"


def test_p_median_line_p1_fixed_and_allowed() -> None:
    assert p_median(LINE, ONES, 1).objective == 30.0
    r = p_median(LINE, ONES, 2, fixed_open=[0])
    assert r.objective == 5.0 and r.open_sites.tolist() == [0, 4]
    r = p_median(LINE, ONES, 1, allowed=[0, 5])
    assert r.objective == 36.0  # 0+1+2+10+11+12
    r = p_median(
        LINE, np.array([0, 0, 0, 1, 1, 1.0]), 1, allowed=np.array([1, 1, 1, 0, 0, 0], bool)
    )
    assert r.objective == 8 + 9 + 10 and r.open_sites.tolist() == [2]


def test_p_median_weights_and_duplicates() -> None:
    # duplicated demand rows are merged: same answer as the summed weight
    d = np.vstack([LINE, LINE[[0, 0, 5]]])
    w = np.concatenate([ONES, [2.0, 0.0, 3.0]])
    r = p_median(d, w, 2)
    d2 = LINE
    w2 = ONES + np.array([2.0, 0, 0, 0, 0, 3.0])
    assert r.objective == pytest.approx(p_median(d2, w2, 2).objective)
    assert r.details["aggregated_demand_points"] == 6
    assert r.assignment.shape == (9,)


def test_p_median_all_zero_weights_and_p_equals_m() -> None:
    r = p_median(LINE, np.zeros(6), 3, fixed_open=[5])
    assert r.objective == 0.0 and 5 in r.open_sites and r.open_sites.size == 3
    r = p_median(LINE, ONES, 6)
    assert r.objective == 0.0 and r.open_sites.tolist() == list(range(6))


def _brute_p_median(d, w, p, fixed=(), allowed=None):
    m = d.shape[1]
    cand = range(m) if allowed is None else allowed
    best = np.inf
    for s in itertools.combinations(cand, p):
        if set(fixed) <= set(s):
            best = min(best, float(w @ d[:, list(s)].min(axis=1)))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_p_median_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 14)), int(rng.integers(2, 8))
    d, w = _instance(rng, n, m)
    allowed = sorted(rng.choice(m, int(rng.integers(1, m + 1)), replace=False).tolist())
    fixed = [allowed[0]] if seed % 3 == 0 else []
    p = int(rng.integers(max(1, len(fixed)), len(allowed) + 1))
    r = p_median(d, w, p, fixed_open=fixed, allowed=allowed)
    assert r.objective == pytest.approx(_brute_p_median(d, w, p, fixed, allowed), abs=1e-9)
    assert r.status == "optimal"
    assert r.lower_bound <= r.objective + 1e-9


@pytest.mark.parametrize("seed", range(6))
def test_p_median_pruned_mip_path_with_growth(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the MIP with tiny neighbour lists: no Lagrangian help, a bad incumbent."""
    rng = np.random.default_rng(100 + seed)
    n, m, p = 30, 9, 3
    d, w = _instance(rng, n, m)
    w = w + 1.0

    def weak_lagrangian(d, w, p, fixed, ri, cj, cost, cap, lam0, ub, target, deadline, **kw):
        return -np.inf, lam0, np.zeros(d.shape[1]), 0, None, np.inf, 1.0

    worst = np.argsort(w @ d)[-p:]
    monkeypatch.setattr(pmedian, "lagrangian", weak_lagrangian)
    monkeypatch.setattr(pmedian, "greedy", lambda d, w, p, fixed: np.array(worst))
    monkeypatch.setattr(pmedian, "interchange", lambda d, w, s, f, dl: (s, total_cost(d, w, s), 0))
    r = p_median(d, w, p)
    assert r.objective == pytest.approx(_brute_p_median(d, w, p), abs=1e-9)
    assert r.status == "optimal"
    assert r.details["mip_rounds"] >= 1


def test_p_median_growth_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Demand at 0 keeps only the two incumbent sites near it (0 and 1); its overflow is costed
    at the next candidate (10 km), which the optimum leaves closed, so the pruned objective
    understates the true cost and the neighbour list must grow before optimality is proven."""
    demand = np.array([0.0, 50.0, 100.0])
    sites = np.array([0.0, 1.0, 50.0, 100.0, 10.0])
    d = np.abs(demand[:, None] - sites[None, :])
    w = np.array([1.0, 10.0, 10.0])

    def weak_lagrangian(d, w, p, fixed, ri, cj, cost, cap, lam0, ub, target, deadline, **kw):
        return -np.inf, lam0, np.zeros(d.shape[1]), 0, None, np.inf, 1.0

    monkeypatch.setattr(pmedian, "lagrangian", weak_lagrangian)
    monkeypatch.setattr(pmedian, "greedy", lambda d, w, p, fixed: np.array([0, 1]))
    monkeypatch.setattr(pmedian, "interchange", lambda d, w, s, f, dl: (s, total_cost(d, w, s), 0))
    r = p_median(d, w, 2)
    assert r.objective == 50.0 and r.open_sites.tolist() == [2, 3]
    assert r.status == "optimal"
    assert r.details["mip_rounds"] == 2


def test_p_median_clustered_medium_instance_certified() -> None:
    rng = np.random.default_rng(7)
    centres = rng.random((12, 2)) * 100
    pts = centres[rng.integers(0, 12, 1500)] + rng.normal(0, 3, (1500, 2))
    cand = np.vstack([rng.random((100, 2)) * 100, pts[:100]])
    d = np.linalg.norm(pts[:, None] - cand[None], axis=2)
    w = rng.integers(1, 100, 1500).astype(float)
    r = p_median(d, w, 12)
    assert r.status == "optimal"
    assert r.gap <= 1e-9
    assert r.objective == pytest.approx(checks.check_p_median(r, d, w, 12))


def test_p_median_time_limit_returns_feasible() -> None:
    """Stopped by the clock, the answer is still feasible, honestly labelled and certified."""
    rng = np.random.default_rng(3)
    d, w = _instance(rng, 300, 60)
    w = w + 1
    r = p_median(d, w, 8, time_limit=0.05)
    # with mip_gap = 0 an answer is either proven optimal or stopped by the time limit
    assert r.status in {"optimal", "time_limit"}
    # feasible: 8 distinct allowed sites, everyone served by their nearest open site
    assert r.open_sites.size == 8 and np.unique(r.open_sites).size == 8
    assert np.isin(r.assignment, r.open_sites).all()
    rows = np.arange(d.shape[0])
    assert np.array_equal(d[rows, r.assignment], d[:, r.open_sites].min(axis=1))
    # the reported objective is the true cost of the returned sites (the independent check agrees)
    true_cost = float(w @ d[rows, r.assignment])
    assert r.objective == pytest.approx(true_cost, rel=1e-12)
    assert checks.check_p_median(r, d, w, 8) == pytest.approx(true_cost, rel=1e-12)
    # bounds and gap are consistent with each other and with the optimum
    assert r.upper_bound == r.objective
    assert 0.0 <= r.lower_bound <= r.objective + 1e-9 * r.objective
    assert r.gap == pytest.approx((r.upper_bound - r.lower_bound) / r.upper_bound, abs=1e-12)
    assert (r.status == "optimal") == (r.gap <= 1e-9)
    exact = p_median(d, w, 8)
    assert exact.status == "optimal"
    assert r.lower_bound <= exact.objective * (1 + 1e-9) <= r.objective * (1 + 1e-9) + 1e-9


def test_p_median_input_errors() -> None:
    with pytest.raises(InputError) as exc:
        p_median(LINE, np.array([1, -2.0, 1, 1, 1, 1]), 2)
    assert "weights must be non-negative" in str(exc.value) and "row 1" in str(exc.value)
    assert exc.value.problems[0].value == -2.0
    with pytest.raises(InputError) as exc:
        p_median(LINE, ONES, 4, allowed=[0, 1, 2])
    assert "p = 4 is larger than the number of allowed candidate sites (3)" in str(exc.value)
    with pytest.raises(InputError) as exc:
        p_median(LINE, np.ones(4), 2)
    assert "weights has 4 entries but dist has 6 rows" in str(exc.value)
    with pytest.raises(InputError) as exc:
        p_median(LINE, ONES, 1, fixed_open=[0, 5])
    assert "smaller than the number of fixed open sites (2)" in str(exc.value)
    with pytest.raises(InputError) as exc:
        p_median(LINE, ONES, 2, fixed_open=[9], allowed=[0, 1])
    assert "fixed site index out of range" in str(exc.value)
    bad = LINE.copy()
    bad[2, 3] = np.nan
    bad[4, 1] = -1
    with pytest.raises(InputError) as exc:
        p_median(bad, ONES, 0)
    text = str(exc.value)
    assert "NaN in rows 2" in text and "negative entries in rows 4" in text
    with pytest.raises(InputError, match="must be finite for this model"):
        p_median(np.full((2, 2), np.inf), np.ones(2), 1)


@SETTINGS
@given(instances())
def test_property_p_median_passes_check(inst) -> None:
    d, w, p, fixed = inst
    r = p_median(d, w, p, fixed_open=fixed)
    assert r.objective == checks.check_p_median(r, d, w, p, fixed_open=fixed)
    assert r.objective == pytest.approx(float(w @ d[np.arange(d.shape[0]), r.assignment]))
    assert r.lower_bound <= r.objective + 1e-9 * max(1.0, r.objective)
