"""Primal search of the p-median: local optimality, exactness against brute force, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from circulair.core.atlas.siting import p_median
from circulair.core.atlas.siting.heuristics import greedy, interchange, total_cost
from circulair.core.atlas.siting.primal import improve

from .conftest import brute_p_median, instance


def _best_single_swap(d: np.ndarray, w: np.ndarray, sites: np.ndarray, fixed: list[int]) -> float:
    """Least cost over every solution one swap (open site out, closed site in) away."""
    m = d.shape[1]
    best = np.inf
    for pos, j_out in enumerate(sites):
        if int(j_out) in fixed:
            continue
        for j_in in set(range(m)) - {int(s) for s in sites}:
            trial = sites.copy()
            trial[pos] = j_in
            best = min(best, total_cost(d, w, trial))
    return best


@pytest.mark.parametrize("seed", range(20))
def test_interchange_ends_at_a_local_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(5, 40)), int(rng.integers(4, 12))
    d, w = instance(rng, n, m)
    p = int(rng.integers(1, m))
    fixed = [0] if seed % 3 == 0 else []
    start = rng.choice(np.arange(1, m), size=p - len(fixed), replace=False)
    sites, cost, _moves = interchange(
        d, w, np.concatenate([fixed, start]).astype(int), np.array(fixed, dtype=np.int64), np.inf
    )
    assert cost == pytest.approx(total_cost(d, w, sites), rel=1e-12)
    assert set(fixed) <= set(sites.tolist()) and len(set(sites.tolist())) == p
    assert _best_single_swap(d, w, sites, fixed) >= cost * (1 - 1e-9) - 1e-9


@pytest.mark.parametrize("seed", range(15))
def test_improve_matches_brute_force_on_small_instances(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n, m = int(rng.integers(10, 30)), int(rng.integers(6, 11))
    d, w = instance(rng, n, m)
    p = int(rng.integers(2, m - 1))
    fixed = np.array([], dtype=np.int64)
    s, c, _ = improve(d, w, p, fixed, [greedy(d, w, p, fixed)], None, seed=seed)
    assert c == pytest.approx(brute_p_median(d, w, p), rel=1e-12, abs=1e-12)
    assert c == pytest.approx(total_cost(d, w, s), rel=1e-12)
    r = p_median(d, w, p, seed=seed)
    assert r.objective == pytest.approx(brute_p_median(d, w, p), rel=1e-9, abs=1e-9)
    assert r.status == "optimal"


def test_improve_is_deterministic_for_a_seed() -> None:
    rng = np.random.default_rng(5)
    d, w = instance(rng, 300, 40)
    fixed = np.array([3], dtype=np.int64)
    start = greedy(d, w, 8, fixed)
    runs = [improve(d, w, 8, fixed, [start], None, seed=11, time_budget=60.0) for _ in range(2)]
    assert runs[0][0].tolist() == runs[1][0].tolist()
    assert runs[0][1] == runs[1][1] and runs[0][2] == runs[1][2]
    assert 3 in runs[0][0].tolist()
    a = p_median(d, w, 8, fixed_open=[3], seed=11)
    b = p_median(d, w, 8, fixed_open=[3], seed=11)
    assert a.open_sites.tolist() == b.open_sites.tolist() and a.objective == b.objective


def test_improve_reaches_the_proven_optimum_on_a_uniform_instance() -> None:
    rng = np.random.default_rng(20261202)
    a, b = rng.random((400, 2)) * 100, rng.random((60, 2)) * 100
    d = np.linalg.norm(a[:, None] - b[None], axis=2)
    w = rng.integers(1, 100, 400).astype(float)
    fixed = np.array([], dtype=np.int64)
    s0, c0, _ = interchange(d, w, greedy(d, w, 10, fixed), fixed, np.inf)
    _s, c, stats = improve(d, w, 10, fixed, [s0], None, seed=0, time_budget=60.0)
    assert c <= c0 and stats["local_searches"] >= 5
    exact = p_median(d, w, 10)
    assert exact.status == "optimal" and c == pytest.approx(exact.objective, rel=1e-12)
