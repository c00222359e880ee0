"""Siting models: exact values on hand-checkable instances, brute force, properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from circulair.core.atlas import checks, siting
from circulair.core.atlas.siting import (
    SitingResult,
    capacitated_facility_location,
    max_cover,
    p_median,
    set_cover,
)
from circulair.core.errors import InfeasibleError, InputError, SolverError

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


# ------------------------------------------------------------------------------- p-median


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
    monkeypatch.setattr(siting, "_lagrangian", weak_lagrangian)
    monkeypatch.setattr(siting, "_greedy", lambda d, w, p, fixed: np.array(worst))
    monkeypatch.setattr(
        siting, "_interchange", lambda d, w, s, f, dl: (s, siting._cost(d, w, s), 0)
    )
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

    monkeypatch.setattr(siting, "_lagrangian", weak_lagrangian)
    monkeypatch.setattr(siting, "_greedy", lambda d, w, p, fixed: np.array([0, 1]))
    monkeypatch.setattr(
        siting, "_interchange", lambda d, w, s, f, dl: (s, siting._cost(d, w, s), 0)
    )
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
    rng = np.random.default_rng(3)
    d, w = _instance(rng, 300, 60)
    r = p_median(d, w + 1, 8, time_limit=0.05)
    assert r.open_sites.size == 8
    assert r.status in {"optimal", "time_limit", "within_gap"}
    assert r.lower_bound <= r.objective + 1e-6


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


# ------------------------------------------------------------------------------- coverage


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


def test_max_cover_line() -> None:
    w = np.array([1, 1, 1, 5, 1, 1.0])
    r = max_cover(LINE, w, 1, 1.0)
    assert r.objective == 7.0 and r.open_sites.tolist() == [4]
    assert r.covered.tolist() == [False, False, False, True, True, True]
    assert r.sense == "max" and r.upper_bound == pytest.approx(7.0) and r.status == "optimal"
    assert max_cover(LINE, w, 2, 1.0).objective == 10.0
    assert max_cover(LINE, w, 1, 1.0, fixed_open=[0]).objective == 2.0
    assert max_cover(LINE, w, 1, 0.5, allowed=[0]).objective == 1.0


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


def test_coverage_input_errors() -> None:
    with pytest.raises(InputError, match="radius_km must be a finite non-negative number"):
        set_cover(LINE, -1)
    with pytest.raises(InputError, match="weights has 2 entries but dist has 6 rows"):
        max_cover(LINE, [1, 2], 1, 1.0)
    with pytest.raises(InputError, match="no candidate site is allowed"):
        set_cover(LINE, 1.0, allowed=np.zeros(6, bool))


# ------------------------------------------------------------------------ capacitated


def test_cfl_hand_instances() -> None:
    d = np.array([[0.0, 10.0], [10.0, 0.0]])
    q = np.array([100.0, 100.0])
    # capacity forces both sites open
    r = capacitated_facility_location(d, q, [150, 150], [1000, 1000], 1.0)
    assert r.objective == 2000.0 and r.open_sites.tolist() == [0, 1]
    assert r.assignment.shape == (2, 2) and np.allclose(r.assignment, np.diag([100, 100]))
    # large capacity: one site, 1500 fixed + 100 t x 10 km
    r = capacitated_facility_location(d, q, [250, 250], [1500, 1500], 1.0)
    assert r.objective == 2500.0 and r.open_sites.size == 1
    # max_open = 1 with the small capacities is infeasible, with numbers
    with pytest.raises(InfeasibleError) as exc:
        capacitated_facility_location(d, q, [150, 150], [1000, 1000], 1.0, max_open=1)
    assert "largest reachable capacity is 150 t/yr < total demand 200 t/yr" in str(exc.value)


def test_cfl_split_vs_single_sourcing() -> None:
    d = np.array([[0.0, 10.0]])
    r = capacitated_facility_location(d, [200], [150, 100], [0, 0], 1.0)
    assert r.objective == pytest.approx(500.0)
    assert np.allclose(r.assignment, [[150, 50]])
    with pytest.raises(InfeasibleError) as exc:
        capacitated_facility_location(d, [200], [150, 100], [0, 0], 1.0, single_sourcing=True)
    assert "demand point 0: 200 t/yr > largest reachable capacity 150 t/yr" in str(exc.value)


def test_cfl_single_sourcing_bin_packing() -> None:
    # three demands of 60 t, two sites of 100 t: each site can take only one -> infeasible by HiGHS
    d = np.zeros((3, 2))
    with pytest.raises(InfeasibleError, match="no assignment respects the capacities"):
        capacitated_facility_location(
            d, [60, 60, 60], [100, 100], [1, 1], 1.0, single_sourcing=True
        )
    r = capacitated_facility_location(d, [60, 60, 0], [130, 100], [1, 1], 1.0, single_sourcing=True)
    assert r.objective == 1.0 and r.assignment.tolist() == [0, 0, 0]


def test_cfl_total_capacity_message() -> None:
    d = np.ones((2, 3))
    with pytest.raises(InfeasibleError) as exc:
        capacitated_facility_location(d, [500, 500], [300, 300, 300], [1, 1, 1], 1.0)
    assert "total capacity of allowed sites 900 t/yr < total demand 1,000 t/yr" in str(exc.value)
    with pytest.raises(InfeasibleError, match="total capacity of allowed sites 600 t/yr"):
        capacitated_facility_location(
            d, [200, 200], [300, 300, 300], [1, 1, 1], 1.0, allowed=[0, 1], max_open=None
        ) if False else capacitated_facility_location(
            d, [400, 400], [300, 300, 300], [1, 1, 1], 1.0, allowed=[0, 1]
        )


def test_cfl_unreachable_and_input_errors() -> None:
    d = np.array([[np.inf, np.inf], [1.0, 2.0]])
    with pytest.raises(InfeasibleError, match="no allowed site at a finite distance: 0"):
        capacitated_facility_location(d, [1, 1], [10, 10], [1, 1], 1.0)
    with pytest.raises(InputError) as exc:
        capacitated_facility_location(np.ones((2, 2)), [-5, 1], [10], [1, 1], 1.0)
    text = str(exc.value)
    assert "demand must be non-negative" in text and "-5" in text
    assert "capacity has 1 entries but dist has 2 columns" in text


def _brute_cfl(d, q, cap, f, unit, single):
    n, m = d.shape
    best = np.inf
    for k in range(1, m + 1):
        for s in itertools.combinations(range(m), k):
            s = list(s)
            if single:
                for assign in itertools.product(s, repeat=n):
                    load = np.bincount(assign, weights=q, minlength=m)
                    if (load <= cap + 1e-9).all():
                        cost = f[s].sum() + sum(unit * d[i, assign[i]] * q[i] for i in range(n))
                        best = min(best, cost)
            else:
                # transportation LP over the open sites
                c = (unit * d[:, s]).ravel()
                a_eq = np.kron(np.eye(n), np.ones(len(s)))
                a_ub = np.kron(np.ones(n), np.eye(len(s)))
                res = linprog(c, A_ub=a_ub, b_ub=cap[s], A_eq=a_eq, b_eq=q, method="highs")
                if res.status == 0:
                    best = min(best, f[s].sum() + res.fun)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_cfl_brute_force(seed: int) -> None:
    rng = np.random.default_rng(2000 + seed)
    n, m = int(rng.integers(2, 5)), int(rng.integers(2, 4))
    d, _ = _instance(rng, n, m)
    q = rng.integers(1, 40, n).astype(float)
    cap = rng.integers(20, 80, m).astype(float)
    f = rng.integers(0, 100, m).astype(float)
    single = bool(seed % 2)
    expect = _brute_cfl(d, q, cap, f, 2.0, single)
    if not np.isfinite(expect):
        with pytest.raises(InfeasibleError):
            capacitated_facility_location(d, q, cap, f, 2.0, single_sourcing=single)
        return
    r = capacitated_facility_location(d, q, cap, f, 2.0, single_sourcing=single)
    assert r.objective == pytest.approx(expect, rel=1e-7)


# ------------------------------------------------------------------------ properties

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


@SETTINGS
@given(instances())
def test_property_p_median_passes_check(inst) -> None:
    d, w, p, fixed = inst
    r = p_median(d, w, p, fixed_open=fixed)
    assert r.objective == checks.check_p_median(r, d, w, p, fixed_open=fixed)
    assert r.objective == pytest.approx(float(w @ d[np.arange(d.shape[0]), r.assignment]))
    assert r.lower_bound <= r.objective + 1e-9 * max(1.0, r.objective)


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


@SETTINGS
@given(instances(), st.booleans())
def test_property_cfl_passes_check(inst, single: bool) -> None:
    d, w, _, fixed = inst
    m = d.shape[1]
    cap = np.full(m, max(1.0, w.sum()))  # always feasible
    f = np.arange(m, dtype=float)
    r = capacitated_facility_location(d, w, cap, f, 1.5, single_sourcing=single, fixed_open=fixed)
    got = checks.check_capacitated(r, d, w, cap, f, 1.5, single_sourcing=single, fixed_open=fixed)
    assert r.objective == pytest.approx(got)


# ------------------------------------------------------------------------ the check itself


def test_check_rejects_tampered_results() -> None:
    r = p_median(LINE, ONES, 2)
    bad = SitingResult(**{**r.__dict__, "objective": 3.0})
    with pytest.raises(SolverError, match=r"reported objective 3\.0 != recomputed 4\.0"):
        checks.check_p_median(bad, LINE, ONES, 2)
    bad = SitingResult(**{**r.__dict__, "assignment": np.array([0, 1, 1, 4, 4, 4])})
    with pytest.raises(SolverError, match="assigned to a closed site"):
        checks.check_p_median(bad, LINE, ONES, 2)
    with pytest.raises(SolverError, match=r"fixed sites not open: \[0\]"):
        checks.check_p_median(r, LINE, ONES, 2, fixed_open=[0])
    with pytest.raises(SolverError, match=r"2 sites open, expected p = 3"):
        checks.check_p_median(r, LINE, ONES, 3)
    s = set_cover(LINE, 1.0)
    with pytest.raises(SolverError, match=r"> radius 0\.5 km"):
        checks.check_set_cover(s, LINE, 0.5)
    c = capacitated_facility_location(np.array([[0.0, 10.0]]), [200], [150, 100], [0, 0], 1.0)
    with pytest.raises(SolverError, match=r"loaded 150 t/yr > capacity 100 t/yr"):
        checks.check_capacitated(c, np.array([[0.0, 10.0]]), [200], [100, 100], [0, 0], 1.0)


def test_solver_error_when_check_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise SolverError("p_median: the solution failed the independent check")

    monkeypatch.setattr(checks, "check_p_median", broken)
    with pytest.raises(SolverError):
        p_median(LINE, ONES, 2)
