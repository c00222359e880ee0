"""Primal search for the p-median: multi-start interchange, reduced-cost guided VNS and path
relinking.

The Lagrangian bound is usually within a few hundredths of a percent of the optimum, so a
certificate hinges on the incumbent. Interchange alone stops at the first local optimum
(often 0.5-1 % above the optimum on uniform instances); this module searches further:

1. Local optima (:func:`~circulair.core.atlas.siting.heuristics.interchange`, run until no
   single swap improves) from several starts: the given incumbents (greedy, the Lagrangian's open
   sets) and seeded random starts drawn with a bias towards sites of low Lagrangian reduced cost.
2. Variable neighbourhood search from the best local optimum: shake ``k`` swaps (sites to close
   drawn among the open ones with high reduced cost, sites to open among the closed ones with low
   reduced cost), descend with interchange, accept improvements and reset ``k``, else grow ``k``;
   stop after ``vns_stall`` shakes in a row without improvement.
3. Path relinking between the best solution and the other elite local optima: walk from one to
   the other by the best single swap that moves towards the guide, and descend from the best
   intermediate solution.

Everything is seeded (``numpy.random.default_rng(seed)``) and, for a budget expressed as a
number of iterations, deterministic; the wall-clock budget only cuts the search short.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from circulair.core.atlas.siting.heuristics import interchange, total_cost

__all__ = ["improve"]


def _rank_probs(score: np.ndarray, low_first: bool) -> np.ndarray:
    """Selection probabilities decreasing with rank (low score first when ``low_first``)."""
    k = score.size
    order = np.argsort(score if low_first else -score, kind="stable")
    pr = np.empty(k)
    pr[order] = 1.0 / (np.arange(k) + 2.0)
    out: np.ndarray = pr / pr.sum()
    return out


def _key(sites: np.ndarray) -> bytes:
    return np.sort(sites).astype(np.int64).tobytes()


def improve(
    d: np.ndarray,
    w: np.ndarray,
    p: int,
    fixed: np.ndarray,
    starts: Sequence[np.ndarray],
    rho: np.ndarray | None,
    *,
    seed: int = 0,
    random_starts: int = 4,
    vns_iterations: int = 60,
    vns_stall: int = 20,
    time_budget: float = 2.0,
    deadline: float = float("inf"),
    target: float = -float("inf"),
) -> tuple[np.ndarray, float, dict[str, int]]:
    """Best solution found from ``starts`` by multi-start interchange, VNS and path relinking.

    ``rho`` (Lagrangian reduced costs, lower = more attractive) guides the random choices; without
    it the sites' total weighted distance is used. The search stops early once the cost is
    ``<= target`` (the gap is already closed). Returns (sorted open sites, cost, statistics).
    """
    m = d.shape[1]
    rng = np.random.default_rng(seed)
    stop = min(deadline, time.perf_counter() + time_budget)
    forced = np.zeros(m, dtype=bool)
    forced[fixed] = True
    score = np.asarray(rho, dtype=float) if rho is not None else w @ d
    elite: dict[bytes, tuple[float, np.ndarray]] = {}
    stats = {"local_searches": 0, "vns_improvements": 0, "relink_improvements": 0}

    def descend(sites: np.ndarray) -> tuple[np.ndarray, float]:
        s, c, _ = interchange(d, w, sites, fixed, stop)
        s = np.sort(s)
        stats["local_searches"] += 1
        elite.setdefault(_key(s), (c, s))
        return s, c

    best = np.sort(np.asarray(starts[0], dtype=np.int64))
    best_c = total_cost(d, w, best)
    free = np.flatnonzero(~forced)
    n_free = p - int(forced.sum())
    pool = [np.asarray(s, dtype=np.int64) for s in starts]
    free_pr = _rank_probs(score[free], low_first=True)
    for _ in range(random_starts):
        pick = rng.choice(free, size=n_free, replace=False, p=free_pr)
        pool.append(np.concatenate([np.flatnonzero(forced), pick]))
    for s0 in pool:
        if time.perf_counter() >= stop or best_c <= target:
            break
        if _key(s0) in elite:
            continue
        s, c = descend(s0)
        if c < best_c:
            best, best_c = s, c
    # variable neighbourhood search from the best local optimum
    k_max = max(1, min(n_free, m - p, 5))
    k, it, since = 1, 0, 0
    while since < vns_stall and it < vns_iterations and n_free:
        if time.perf_counter() >= stop or best_c <= target:
            break
        it += 1
        trial = best.copy()
        removable = np.flatnonzero(~forced[trial])
        closed = np.setdiff1d(np.arange(m), trial)
        kk = min(k, removable.size, closed.size)
        out = rng.choice(
            removable, size=kk, replace=False, p=_rank_probs(score[trial[removable]], False)
        )
        inn = rng.choice(closed, size=kk, replace=False, p=_rank_probs(score[closed], True))
        trial[out] = inn
        s, c = descend(trial)
        if c < best_c * (1 - 1e-12):
            best, best_c, k, since = s, c, 1, 0
            stats["vns_improvements"] += 1
        else:
            k = k + 1 if k < k_max else 1
            since += 1
    # path relinking from the best solution towards the other elite local optima
    guides = sorted(elite.values(), key=lambda t: t[0])[1:6]
    for _c, guide in guides:
        if time.perf_counter() >= stop or best_c <= target:
            break
        mid, _mid_c = _relink(d, w, best, guide, forced)
        if mid is not None:
            s, c = descend(mid)
            if c < best_c * (1 - 1e-12):
                best, best_c = s, c
                stats["relink_improvements"] += 1
    stats["vns_iterations"] = it
    return best, best_c, stats


def _relink(
    d: np.ndarray, w: np.ndarray, start: np.ndarray, guide: np.ndarray, forced: np.ndarray
) -> tuple[np.ndarray | None, float]:
    """Walk from ``start`` to ``guide`` by best swaps; the best strictly intermediate solution."""
    cur = start.copy()
    to_in = [int(j) for j in np.setdiff1d(guide, cur)]
    to_out = [int(j) for j in np.setdiff1d(cur, guide) if not forced[j]]
    best_s: np.ndarray | None = None
    best_c = np.inf
    rows = np.arange(d.shape[0])
    while len(to_in) > 1 and len(to_out) > 1:
        sub = d[:, cur]
        part = np.argpartition(sub, 1, axis=1)[:, :2]
        a0, a1 = sub[rows, part[:, 0]], sub[rows, part[:, 1]]
        phi1 = cur[np.where(a1 < a0, part[:, 1], part[:, 0])]
        d1, d2 = np.minimum(a0, a1), np.maximum(a0, a1)
        c_best, pair = np.inf, (0, 0)
        for r in to_out:
            rest = np.where(phi1 == r, d2, d1)
            cand = w @ np.minimum(rest[:, None], d[:, to_in])
            t = int(np.argmin(cand))
            if cand[t] < c_best:
                c_best, pair = float(cand[t]), (int(to_in[t]), r)
        j, r = pair
        cur[cur == r] = j
        to_in.remove(j)
        to_out.remove(r)
        if c_best < best_c:
            best_s, best_c = np.sort(cur), c_best
    return best_s, best_c
