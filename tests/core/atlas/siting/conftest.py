"""Shared setup of the siting tests: the line instance, random instances, brute force.

Fixtures: ``line`` is the distance matrix of six points on a line at x = 0, 1, 2, 10, 11, 12
(demand points and candidate sites alike) and ``ones`` their unit weights, both read-only;
``siting`` gives ``instance(rng, n, m)`` (random points in a 10 x 10 square, distances rounded to
metres, weights 0-5), ``instances()`` (a Hypothesis strategy of (dist, weights, p, fixed); draw
it with ``data.draw(siting.instances())``) and the brute-force optima ``brute_p_median``,
``brute_set_cover``, ``brute_max_cover`` and ``brute_cfl`` that enumerate every site set.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import strategies as st
from scipy.optimize import linprog


def instance(rng: np.random.Generator, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` demand points and ``m`` sites in a 10 x 10 square: (distances, weights 0-5)."""
    a = rng.random((n, 2)) * 10
    b = rng.random((m, 2)) * 10
    d = np.round(np.linalg.norm(a[:, None] - b[None], axis=2), 3)
    w = rng.integers(0, 6, n).astype(float)
    return d, w


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, list[int]]:
    """(dist, weights, p, fixed): up to 25 demand points (some rows repeated), 1-10 sites."""
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 25))
    m = draw(st.integers(1, 10))
    d, w = instance(rng, n, m)
    if draw(st.booleans()):  # duplicate some rows
        d = np.vstack([d, d[: n // 2]])
        w = np.concatenate([w, w[: n // 2]])
    p = draw(st.integers(1, m))
    fixed = draw(st.lists(st.integers(0, m - 1), max_size=p, unique=True))
    return d, w, p, fixed


def _site_sets(
    m: int, k: int, fixed: Sequence[int], allowed: Sequence[int] | None = None
) -> Iterator[list[int]]:
    """Every set of ``k`` sites (of ``allowed``, else all ``m``) holding the fixed ones."""
    cand = range(m) if allowed is None else allowed
    return (list(s) for s in itertools.combinations(cand, k) if set(fixed) <= set(s))


def brute_p_median(
    d: np.ndarray,
    w: np.ndarray,
    p: int,
    fixed: Sequence[int] = (),
    allowed: Sequence[int] | None = None,
) -> float:
    """The least total weighted distance over every set of ``p`` sites."""
    return min(
        (float(w @ d[:, s].min(axis=1)) for s in _site_sets(d.shape[1], p, fixed, allowed)),
        default=np.inf,
    )


def brute_set_cover(d: np.ndarray, r: float, fixed: Sequence[int] = ()) -> int | None:
    """The fewest sites within ``r`` of every demand point (None: no set covers them all)."""
    m = d.shape[1]
    for k in range(1, m + 1):
        for s in _site_sets(m, k, fixed):
            if (d[:, s].min(axis=1) <= r).all():
                return k
    return None


def brute_max_cover(
    d: np.ndarray, w: np.ndarray, p: int, r: float, fixed: Sequence[int] = ()
) -> float:
    """The most weight within ``r`` of ``p`` sites."""
    return max(float(w[d[:, s].min(axis=1) <= r].sum()) for s in _site_sets(d.shape[1], p, fixed))


def brute_cfl(
    d: np.ndarray, q: np.ndarray, cap: np.ndarray, f: np.ndarray, unit: float, single: bool
) -> float:
    """The cheapest capacitated location (fixed costs plus ``unit`` x t x km) over every site
    set: every assignment (single sourcing), else the transportation LP over the open sites."""
    n, m = d.shape
    best = np.inf
    for k in range(1, m + 1):
        for s in _site_sets(m, k, ()):
            if single:
                for assign in itertools.product(s, repeat=n):
                    load = np.bincount(assign, weights=q, minlength=m)
                    if (load <= cap + 1e-9).all():
                        cost = f[s].sum() + sum(unit * d[i, assign[i]] * q[i] for i in range(n))
                        best = min(best, cost)
            else:
                c = (unit * d[:, s]).ravel()
                a_eq = np.kron(np.eye(n), np.ones(len(s)))
                a_ub = np.kron(np.ones(n), np.eye(len(s)))
                res = linprog(c, A_ub=a_ub, b_ub=cap[s], A_eq=a_eq, b_eq=q, method="highs")
                if res.status == 0:
                    best = min(best, f[s].sum() + res.fun)
    return best


@pytest.fixture(scope="session")
def line() -> np.ndarray:
    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 12.0])
    d = np.abs(x[:, None] - x[None, :])
    d.setflags(write=False)
    return d


@pytest.fixture(scope="session")
def ones() -> np.ndarray:
    w = np.ones(6)
    w.setflags(write=False)
    return w


@pytest.fixture(scope="session")
def siting() -> SimpleNamespace:
    return SimpleNamespace(
        instance=instance,
        instances=instances,
        brute_p_median=brute_p_median,
        brute_set_cover=brute_set_cover,
        brute_max_cover=brute_max_cover,
        brute_cfl=brute_cfl,
    )
