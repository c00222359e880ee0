"""Capacitated facility location: hand instances, messages, brute force, properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from circulair.core.atlas.siting import capacitated_facility_location, checks
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
    assert str(exc.value) == (
        "total capacity of allowed sites 900 t/yr < total demand 1,000 t/yr "
        "(3 allowed sites, 2 demand points)"
    )
    # only the allowed sites count: 600 t/yr of the 900 t/yr
    with pytest.raises(InfeasibleError) as exc:
        capacitated_facility_location(
            d, [400, 400], [300, 300, 300], [1, 1, 1], 1.0, allowed=[0, 1]
        )
    assert str(exc.value) == (
        "total capacity of allowed sites 600 t/yr < total demand 800 t/yr "
        "(2 allowed sites, 2 demand points)"
    )
    # the same allowed sites are enough for 400 t/yr, and only they are opened
    r = capacitated_facility_location(
        d, [200, 200], [300, 300, 300], [1, 1, 1], 1.0, allowed=[0, 1]
    )
    assert set(r.open_sites.tolist()) <= {0, 1} and r.assignment[:, 2].sum() == 0


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
