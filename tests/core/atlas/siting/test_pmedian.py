"""p-median: exact values on hand-checkable instances, brute force, properties."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.atlas.siting import bounds, checks, heuristics, p_median, pmedian
from circulair.core.atlas.siting.heuristics import greedy, total_cost
from circulair.core.errors import InputError


def test_p_median_line_p2(line: np.ndarray, ones: np.ndarray) -> None:
    r = p_median(line, ones, 2)
    assert r.objective == 4.0
    assert r.open_sites.tolist() == [1, 4]
    assert r.assignment.tolist() == [1, 1, 1, 4, 4, 4]
    assert r.status == "optimal" and r.gap == 0.0 and r.lower_bound == pytest.approx(4.0)
    assert r.model == "p_median"


def test_p_median_line_p1_fixed_and_allowed(line: np.ndarray, ones: np.ndarray) -> None:
    assert p_median(line, ones, 1).objective == 30.0
    r = p_median(line, ones, 2, fixed_open=[0])
    assert r.objective == 5.0 and r.open_sites.tolist() == [0, 4]
    r = p_median(line, ones, 1, allowed=[0, 5])
    assert r.objective == 36.0  # 0+1+2+10+11+12
    r = p_median(
        line, np.array([0, 0, 0, 1, 1, 1.0]), 1, allowed=np.array([1, 1, 1, 0, 0, 0], bool)
    )
    assert r.objective == 8 + 9 + 10 and r.open_sites.tolist() == [2]


def test_p_median_weights_and_duplicates(line: np.ndarray, ones: np.ndarray) -> None:
    # duplicated demand rows are merged: same answer as the summed weight
    d = np.vstack([line, line[[0, 0, 5]]])
    w = np.concatenate([ones, [2.0, 0.0, 3.0]])
    r = p_median(d, w, 2)
    d2 = line
    w2 = ones + np.array([2.0, 0, 0, 0, 0, 3.0])
    assert r.objective == pytest.approx(p_median(d2, w2, 2).objective)
    assert r.details["aggregated_demand_points"] == 6
    assert r.assignment.shape == (9,)


def test_p_median_all_zero_weights_and_p_equals_m(line: np.ndarray, ones: np.ndarray) -> None:
    r = p_median(line, np.zeros(6), 3, fixed_open=[5])
    assert r.objective == 0.0 and 5 in r.open_sites and r.open_sites.size == 3
    r = p_median(line, ones, 6)
    assert r.objective == 0.0 and r.open_sites.tolist() == list(range(6))


@pytest.mark.parametrize("seed", range(25))
def test_p_median_brute_force(siting: SimpleNamespace, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 14)), int(rng.integers(2, 8))
    d, w = siting.instance(rng, n, m)
    allowed = sorted(rng.choice(m, int(rng.integers(1, m + 1)), replace=False).tolist())
    fixed = [allowed[0]] if seed % 3 == 0 else []
    p = int(rng.integers(max(1, len(fixed)), len(allowed) + 1))
    r = p_median(d, w, p, fixed_open=fixed, allowed=allowed)
    assert r.objective == pytest.approx(siting.brute_p_median(d, w, p, fixed, allowed), abs=1e-9)
    assert r.status == "optimal"
    assert r.lower_bound <= r.objective + 1e-9


@pytest.mark.parametrize("seed", range(6))
def test_p_median_pruned_mip_path_with_growth(
    siting: SimpleNamespace, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Force the MIP with tiny neighbour lists: no Lagrangian help, a bad incumbent."""
    rng = np.random.default_rng(100 + seed)
    n, m, p = 30, 9, 3
    d, w = siting.instance(rng, n, m)
    w = w + 1.0

    def weak_lagrangian(d, w, p, fixed, ri, cj, cost, cap, lam0, ub, target, deadline, **kw):
        return -np.inf, lam0, np.zeros(d.shape[1]), 0, None, np.inf, 1.0

    worst = np.argsort(w @ d)[-p:]
    monkeypatch.setattr(pmedian, "lagrangian", weak_lagrangian)
    monkeypatch.setattr(pmedian, "greedy", lambda d, w, p, fixed: np.array(worst))
    monkeypatch.setattr(pmedian, "interchange", lambda d, w, s, f, dl: (s, total_cost(d, w, s), 0))
    r = p_median(d, w, p)
    assert r.objective == pytest.approx(siting.brute_p_median(d, w, p), abs=1e-9)
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
    r = p_median(d, w, 2, primal_search=False)
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


class _StepClock:
    """A ``perf_counter`` that moves on one second at every reading: a time limit under a
    second has run out at the first look at the clock after the start, wherever that is."""

    def __init__(self) -> None:
        self.now = -1.0

    def perf_counter(self) -> float:
        self.now += 1.0
        return self.now


def test_p_median_time_limit_returns_feasible(
    siting: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped by the clock before any improvement step, the answer is the greedy one, labelled
    ``time_limit`` with the trivial bound 0, and still feasible and certified."""
    rng = np.random.default_rng(3)
    d, w = siting.instance(rng, 300, 60)
    w = w + 1
    clock = _StepClock()  # one clock for every module that reads it
    for module in (pmedian, heuristics, bounds):
        monkeypatch.setattr(module, "time", clock)
    r = p_median(d, w, 8, time_limit=0.5)
    greedy_sites = np.sort(greedy(d, w, 8, np.zeros(0, dtype=np.int64)))
    assert r.status == "time_limit"
    assert r.open_sites.tolist() == greedy_sites.tolist()
    assert r.objective == pytest.approx(total_cost(d, w, greedy_sites), rel=1e-12)
    assert r.details["swap_moves"] == 0 and r.details["lagrangian_iterations"] == 0
    # no bound was computed: the lower bound is the trivial 0, so the gap is 100 %
    assert (r.lower_bound, r.upper_bound, r.gap) == (0.0, r.objective, 1.0)
    # feasible: 8 distinct sites, everyone served by their nearest open site
    assert r.open_sites.size == 8 and np.unique(r.open_sites).size == 8
    assert np.isin(r.assignment, r.open_sites).all()
    rows = np.arange(d.shape[0])
    assert np.array_equal(d[rows, r.assignment], d[:, r.open_sites].min(axis=1))
    # the reported objective is the true cost of the returned sites (the independent check agrees)
    assert r.objective == pytest.approx(float(w @ d[rows, r.assignment]), rel=1e-12)
    assert checks.check_p_median(r, d, w, 8) == pytest.approx(r.objective, rel=1e-12)
    monkeypatch.undo()
    exact = p_median(d, w, 8)
    assert exact.status == "optimal" and exact.gap <= 1e-9
    assert exact.objective < r.objective  # here the limit costs something: greedy is not optimal
    assert r.lower_bound <= exact.objective


def test_p_median_input_errors(line: np.ndarray, ones: np.ndarray) -> None:
    with pytest.raises(InputError) as exc:
        p_median(line, np.array([1, -2.0, 1, 1, 1, 1]), 2)
    assert "weights must be non-negative" in str(exc.value) and "row 1" in str(exc.value)
    assert exc.value.problems[0].value == -2.0
    with pytest.raises(InputError) as exc:
        p_median(line, ones, 4, allowed=[0, 1, 2])
    assert "p = 4 is larger than the number of allowed candidate sites (3)" in str(exc.value)
    with pytest.raises(InputError) as exc:
        p_median(line, np.ones(4), 2)
    assert "weights has 4 entries but dist has 6 rows" in str(exc.value)
    with pytest.raises(InputError) as exc:
        p_median(line, ones, 1, fixed_open=[0, 5])
    assert "smaller than the number of fixed open sites (2)" in str(exc.value)
    with pytest.raises(InputError) as exc:
        p_median(line, ones, 2, fixed_open=[9], allowed=[0, 1])
    assert "fixed site index out of range" in str(exc.value)
    bad = line.copy()
    bad[2, 3] = np.nan
    bad[4, 1] = -1
    with pytest.raises(InputError) as exc:
        p_median(bad, ones, 0)
    text = str(exc.value)
    assert "NaN in rows 2" in text and "negative entries in rows 4" in text
    with pytest.raises(InputError, match="must be finite for this model"):
        p_median(np.full((2, 2), np.inf), np.ones(2), 1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_property_p_median_passes_check(siting: SimpleNamespace, data: st.DataObject) -> None:
    d, w, p, fixed = data.draw(siting.instances())
    r = p_median(d, w, p, fixed_open=fixed)
    assert r.objective == checks.check_p_median(r, d, w, p, fixed_open=fixed)
    assert r.objective == pytest.approx(float(w @ d[np.arange(d.shape[0]), r.assignment]))
    assert r.lower_bound <= r.objective + 1e-9 * max(1.0, r.objective)
