"""Upper bounds for the p-median: lazy greedy construction and fast vertex substitution.

Greedy
    Start from the fixed sites (or the 1-median); add, ``p - |F|`` times, the site with the
    largest decrease of ``Σ_i w_i min_{j∈S} d_ij`` (gains are submodular, so stale heap entries
    are upper bounds and re-evaluated lazily).
Interchange (Whitaker 1983; Resende & Werneck 2003)
    Best-improvement swap of one open (non-fixed) site for one closed site, with the
    ``gain``/``loss``/``extra`` bookkeeping computed from each row's nearest and second-nearest
    open site, until no swap improves the objective.
"""

from __future__ import annotations

import heapq
import time

import numpy as np

__all__ = ["CHUNK_ELEMS", "greedy", "interchange", "row_chunks", "total_cost"]

CHUNK_ELEMS = 4_000_000  # rows are processed in chunks of about this many matrix entries


def row_chunks(n: int, m: int) -> list[slice]:
    """Row slices of about :data:`CHUNK_ELEMS` entries of an (n, m) matrix."""
    step = max(1, CHUNK_ELEMS // max(m, 1))
    return [slice(s, min(n, s + step)) for s in range(0, n, step)]


def greedy(d: np.ndarray, w: np.ndarray, p: int, fixed: np.ndarray) -> np.ndarray:
    """Lazy greedy: add the site with the largest decrease of weighted distance, p times."""
    n, m = d.shape
    chosen = [int(j) for j in fixed]
    if chosen:
        cur = d[:, chosen].min(axis=1)
    else:
        first = int(np.argmin(w @ d))
        chosen.append(first)
        cur = d[:, first].copy()
    if len(chosen) >= p:
        return np.array(chosen, dtype=np.int64)
    gains = np.zeros(m)
    for sl in row_chunks(n, m):
        gains += w[sl] @ np.maximum(cur[sl, None] - d[sl], 0.0)
    is_open = np.zeros(m, dtype=bool)
    is_open[chosen] = True
    heap = [(-gains[j], int(j)) for j in range(m) if not is_open[j]]
    heapq.heapify(heap)
    stamp = np.full(m, len(chosen), dtype=np.int64)
    while len(chosen) < p:
        _neg, j = heapq.heappop(heap)
        if stamp[j] == len(chosen):
            chosen.append(j)
            cur = np.minimum(cur, d[:, j])
            continue
        g = float(w @ np.maximum(cur - d[:, j], 0.0))
        stamp[j] = len(chosen)
        heapq.heappush(heap, (-g, j))
    return np.array(chosen, dtype=np.int64)


def total_cost(d: np.ndarray, w: np.ndarray, sites: np.ndarray) -> float:
    """``Σ_i w_i min_{j ∈ sites} d_ij``."""
    return float(w @ d[:, sites].min(axis=1))


def interchange(
    d: np.ndarray,
    w: np.ndarray,
    sites: np.ndarray,
    fixed: np.ndarray,
    deadline: float,
    max_moves: int = 10_000,
) -> tuple[np.ndarray, float, int]:
    """Best-improvement vertex substitution (swap one open site for one closed site)."""
    n, m = d.shape
    sites = np.array(sites, dtype=np.int64)
    p = sites.size
    cost = total_cost(d, w, sites)
    if p == m:
        return sites, cost, 0
    fixed_set = set(int(j) for j in fixed)
    removable = np.array([int(s) not in fixed_set for s in sites])
    if not removable.any():
        return sites, cost, 0
    big = 2.0 * float(d.max()) + 1.0
    moves = 0
    while moves < max_moves and time.perf_counter() < deadline:
        sub = d[:, sites]
        if p >= 2:
            part = np.argpartition(sub, 1, axis=1)[:, :2]
            r = np.arange(n)
            a0, a1 = sub[r, part[:, 0]], sub[r, part[:, 1]]
            swap = a1 < a0
            phi1 = np.where(swap, part[:, 1], part[:, 0])
            d1 = np.minimum(a0, a1)
            d2 = np.maximum(a0, a1)
        else:
            phi1 = np.zeros(n, dtype=np.int64)
            d1 = sub[:, 0].copy()
            d2 = np.full(n, big)
        loss = np.bincount(phi1, weights=w * (d2 - d1), minlength=p)
        gain = np.zeros(m)
        extra = np.zeros(m * p)
        for sl in row_chunks(n, m):
            block = d[sl]
            ii, jj = np.nonzero(block < d2[sl, None])
            if ii.size == 0:
                continue
            dij = block[ii, jj]
            gi = sl.start + ii
            wi = w[gi]
            gain += np.bincount(jj, weights=wi * np.maximum(d1[gi] - dij, 0.0), minlength=m)
            extra += np.bincount(
                jj * p + phi1[gi], weights=wi * (d2[gi] - np.maximum(dij, d1[gi])), minlength=m * p
            )
        profit = gain[:, None] - loss[None, :] + extra.reshape(m, p)
        profit[sites, :] = -np.inf
        profit[:, ~removable] = -np.inf
        flat = int(np.argmax(profit))
        j_in, r_out = divmod(flat, p)
        if not profit[j_in, r_out] > 1e-12 * max(cost, 1.0):
            break
        trial = sites.copy()
        trial[r_out] = j_in
        new_cost = total_cost(d, w, trial)
        if not new_cost < cost - 1e-12 * max(cost, 1.0):
            break
        sites, cost = trial, new_cost
        moves += 1
    return sites, cost, moves
