"""Lower bound for the p-median: Lagrangian relaxation of the assignment rows.

Formulation
-----------
Relaxing ``Σ_j x_ij = 1`` with multipliers ``λ_i`` gives

``L(λ) = Σ_i λ_i + min_{|S| = p, F ⊆ S} Σ_{j ∈ S} ρ_j``,  ``ρ_j = Σ_i min(0, w_i d_ij − λ_i)``,

a lower bound on the p-median optimum for every ``λ``. Only the kept neighbour entries
(:func:`kept_entries`) are touched: ``λ_i`` is capped at ``w_i`` times the distance to the first
candidate outside the kept list of ``i``, so every omitted entry has ``w_i d_ij − λ_i >= 0`` and
the bound stays exact for the full problem. :func:`lagrangian` maximises ``L`` by subgradient
optimisation with Polyak steps.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np

from circulair.core.atlas.siting.heuristics import row_chunks, total_cost
from circulair.core.atlas.siting.result import rel_gap

__all__ = ["kept_entries", "lagrangian", "sorted_order"]

logger = logging.getLogger(__name__)


def sorted_order(d: np.ndarray) -> np.ndarray:
    """Per row, candidate indices sorted by distance (int32), computed in chunks."""
    n, m = d.shape
    out = np.empty((n, m), dtype=np.int32)
    for sl in row_chunks(n, m):
        out[sl] = np.argsort(d[sl], axis=1, kind="stable")
    return out


def kept_entries(
    d: np.ndarray, order: np.ndarray, k: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Entries of the k_i nearest candidates per row: (row, col, weighted cost, overflow cost).

    The overflow cost of row ``i`` is ``w_i`` times the distance to its ``(k_i+1)``-th nearest
    candidate, or ``inf`` when all candidates are kept.
    """
    n, m = d.shape
    indptr = np.concatenate([[0], np.cumsum(k)])
    ri = np.repeat(np.arange(n), k)
    pos = np.arange(indptr[-1]) - np.repeat(indptr[:-1], k)
    cj = order[ri, pos].astype(np.int64)
    cost = w[ri] * d[ri, cj]
    over = np.full(n, np.inf)
    has = k < m
    rr = np.flatnonzero(has)
    over[rr] = w[rr] * d[rr, order[rr, k[rr]]]
    return ri, cj, cost, over


def lagrangian(
    d: np.ndarray,
    w: np.ndarray,
    p: int,
    fixed: np.ndarray,
    ri: np.ndarray,
    cj: np.ndarray,
    cost: np.ndarray,
    cap: np.ndarray,
    lam0: np.ndarray,
    ub: float,
    target_gap: float,
    deadline: float,
    max_iter: int = 20000,
    stall_limit: int = 100,
    pi0: float = 2.0,
) -> tuple[float, np.ndarray, np.ndarray, int, np.ndarray | None, float, float]:
    """Subgradient optimisation of the Lagrangian dual.

    Polyak steps ``t = π (UB − L(λ)) / ||g||²`` with ``π`` halved after ``stall_limit``
    non-improving iterations; every tenth Lagrangian open set is evaluated as a primal solution
    and improves ``UB``. Returns (best bound, its λ, its ρ, iterations, best primal set, its cost,
    final π).
    """
    n, m = d.shape
    best_set: np.ndarray | None = None
    best_cost = math.inf
    lam = np.minimum(lam0, cap)
    best_l, best_lam = -math.inf, lam.copy()
    best_rho: np.ndarray = np.zeros(m)
    pi, stall, it = pi0, 0, 0
    checkpoint: float | None = None
    forced = np.zeros(m, dtype=bool)
    forced[fixed] = True
    while it < max_iter and time.perf_counter() < deadline:
        it += 1
        v = cost - lam[ri]
        neg = v < 0
        rho = np.bincount(cj[neg], weights=v[neg], minlength=m)
        key = np.where(forced, -np.inf, rho)
        s = np.argpartition(key, p - 1)[:p] if p < m else np.arange(m)
        val = float(lam.sum() + rho[s].sum())
        if best_l == -math.inf or val > best_l + 1e-12 * max(abs(best_l), 1.0):
            best_l, best_lam, best_rho = val, lam.copy(), rho
            stall = 0
        else:
            stall += 1
            if stall >= stall_limit:
                pi /= 2.0
                stall = 0
        if it % 10 == 1:
            c = total_cost(d, w, s)
            if c < best_cost:
                best_set, best_cost = np.sort(s), c
                ub = min(ub, c)
        if it % 200 == 0:
            logger.debug("lagrangian it=%d bound=%.10g ub=%.10g pi=%.3g", it, best_l, ub, pi)
            # stop when the last 200 iterations closed less than 2 % of the remaining gap:
            # variable fixing and the pruned MIP take over from there
            if checkpoint is not None and best_l - checkpoint < 0.02 * (ub - best_l):
                break
            checkpoint = best_l
        if rel_gap(ub, best_l) <= target_gap or pi < 1e-6:
            break
        is_open = np.zeros(m, dtype=bool)
        is_open[s] = True
        served = np.bincount(ri[neg & is_open[cj]], minlength=n)
        g = 1.0 - served
        g[(lam >= cap) & (g > 0)] = 0.0
        norm = float(g @ g)
        if norm == 0.0:
            break  # λ is optimal for the dual: bound cannot improve
        step = pi * max(ub - val, 1e-9 * max(abs(ub), 1.0)) / norm
        lam = np.clip(lam + step * g, 0.0, cap)
    return best_l, best_lam, best_rho, it, best_set, best_cost, pi
