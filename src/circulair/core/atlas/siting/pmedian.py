"""p-median: open ``p`` sites minimising the total weighted distance to the nearest open site.

Formulation (full model)
------------------------
Sets: demand points ``I``, allowed candidate sites ``J``, fixed sites ``F ⊆ J``.
Data: weight ``w_i >= 0``, distance ``d_ij >= 0``.
Variables: ``y_j ∈ {0,1}`` (site open), ``x_ij ∈ [0,1]`` (share of ``i`` served by ``j``).

* minimise ``Σ_i Σ_j w_i d_ij x_ij``
* ``Σ_j x_ij = 1`` for every ``i``; ``x_ij <= y_j``; ``Σ_j y_j = p``; ``y_j = 1`` for ``j ∈ F``.

Pruned model (solved by HiGHS)
------------------------------
Each demand point keeps its ``k_i`` nearest remaining sites ``K_i`` plus an overflow variable
``z_i ∈ [0,1]`` costed at ``w_i · d_i^{(k_i+1)}``: ``Σ_{j∈K_i} x_ij + z_i = 1``; the method is
described in :func:`p_median`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

import circulair.core.atlas.siting.checks as checks
from circulair.core.atlas.siting.bounds import kept_entries, lagrangian, sorted_order
from circulair.core.atlas.siting.heuristics import greedy, interchange, row_chunks, total_cost
from circulair.core.atlas.siting.inputs import as_allowed, as_dist, as_fixed, as_vector, check_p
from circulair.core.atlas.siting.primal import improve
from circulair.core.atlas.siting.result import (
    OPT_TOL,
    SitingResult,
    nearest,
    rel_gap,
    status_of,
)
from circulair.core.errors import Problem, ProblemCollector, SolverError
from circulair.core.optim import LinearModel, Solver, default_solver

__all__ = ["p_median"]

logger = logging.getLogger(__name__)


def p_median(
    dist: ArrayLike,
    weights: ArrayLike,
    p: int,
    *,
    fixed_open: Sequence[int] = (),
    allowed: ArrayLike | None = None,
    time_limit: float | None = None,
    mip_gap: float = 0.0,
    solver: Solver | None = None,
    primal_search: bool = True,
    seed: int = 0,
) -> SitingResult:
    """Open ``p`` sites minimising the total weighted distance to the nearest open site.

    Formulation (full model)
    ------------------------
    Sets: demand points ``I``, allowed candidate sites ``J``, fixed sites ``F ⊆ J``.
    Data: weight ``w_i >= 0``, distance ``d_ij >= 0``.
    Variables: ``y_j ∈ {0,1}`` (site open), ``x_ij ∈ [0,1]`` (share of ``i`` served by ``j``).

    * minimise ``Σ_i Σ_j w_i d_ij x_ij``
    * ``Σ_j x_ij = 1`` for every ``i``; ``x_ij <= y_j``; ``Σ_j y_j = p``; ``y_j = 1`` for ``j ∈ F``.

    ``x`` may be continuous: for fixed ``y`` the assignment to the nearest open site is optimal.

    Solution method (exact)
    -----------------------
    1. Identical demand rows are merged (weights summed); zero-weight rows are left out of the
       model and assigned to their nearest open site afterwards.
    2. Upper bound: greedy (lazy, submodular) construction followed by best-improvement
       vertex substitution (fast interchange, Whitaker/Resende-Werneck bookkeeping).
    3. Lower bound: Lagrangian relaxation of the assignment rows with subgradient optimisation.
       ``L(λ) = Σ_i λ_i + min_{|S|=p, F⊆S} Σ_{j∈S} ρ_j`` with
       ``ρ_j = Σ_i min(0, w_i d_ij − λ_i)``; ``λ_i`` is capped at ``w_i`` times the distance to the
       first candidate outside the kept neighbour list of ``i``, so the bound is exact for the full
       (unpruned) problem while only the kept entries are touched. Every tenth Lagrangian open set
       is evaluated as a primal solution (and the best one improved by interchange). Subgradient
       stops at the target gap, or when 200 iterations close less than 2 % of the remaining gap.
    4. Variable fixing: a site whose Lagrangian bound with that site forced open (closed) exceeds
       the incumbent is closed (opened): no strictly better solution has it open (closed).
    5. Pruned MIP on the remaining sites. Each demand point ``i`` keeps its ``k_i`` nearest
       remaining sites ``K_i`` plus an overflow variable ``z_i ∈ [0,1]`` costed at
       ``w_i · d_i^{(k_i+1)}`` (the distance to the nearest site outside ``K_i``):
       ``Σ_{j∈K_i} x_ij + z_i = 1``. Any full solution maps to this model at no higher cost, so its
       optimum is a valid lower bound. If the MIP optimum ``y*`` evaluated on the full problem
       costs the same as the pruned objective (no overflow actually needed), ``y*`` is optimal;
       otherwise ``k_i`` grows for the demand points whose nearest open site lay outside ``K_i``
       and the MIP is solved again (warm-started).

    The reported ``lower_bound`` is the best of the Lagrangian bound and the MIP dual bound (the
    latter taken as ``min(incumbent at fixing time, MIP bound)`` so it stays valid under fixing).

    Parameters
    ----------
    dist : array_like, shape (n, m)
        Finite non-negative distances (km) from demand points to candidate sites.
    weights : array_like, shape (n,)
        Non-negative demand weights (e.g. population, t/yr).
    p : int
        Number of sites to open, ``len(fixed_open) <= p <= number of allowed sites``.
    fixed_open : sequence of int, optional
        Sites that must be open.
    allowed : array_like, optional
        Boolean mask or indices of candidate sites that may be opened.
    time_limit : float, optional
        Wall-time limit in seconds for the whole solve; on expiry the best solution and bound
        found are returned with ``status == "time_limit"``.
    mip_gap : float, optional
        Relative gap at which to stop (0 asks for proven optimality).
    primal_search : bool, optional
        Run the primal search of :mod:`~circulair.core.atlas.siting.primal` (multi-start
        interchange, VNS, path relinking) after the Lagrangian; ``False`` gives the plain
        greedy + interchange path (kept for comparisons).
    seed : int, optional
        Seed of the primal search's random choices (the answer is deterministic for a seed).

    Returns
    -------
    SitingResult
        ``assignment[i]`` is the nearest open site of demand point ``i``.

    Raises
    ------
    InputError
        Shape mismatch, negative or non-finite values, invalid ``p``/``fixed_open``/``allowed``.
    SolverError
        HiGHS failed or the answer did not pass :func:`checks.check_p_median`.
    """
    t0 = time.perf_counter()
    problems = ProblemCollector()
    d = as_dist(dist, problems, allow_inf=False)
    problems.raise_if_any()
    assert d is not None
    n, m = d.shape
    w = as_vector(weights, n, "weights", "rows (demand points)", problems)
    allowed_mask = as_allowed(allowed, m, problems)
    fixed = as_fixed(fixed_open, m, allowed_mask, problems)
    p = check_p(p, int(allowed_mask.sum()), len(fixed), problems)
    if not (isinstance(mip_gap, (int, float)) and 0 <= mip_gap < 1):
        problems.add(Problem("mip_gap must be in [0, 1)", field="mip_gap", value=mip_gap))
    if time_limit is not None and not time_limit > 0:
        problems.add(Problem("time_limit must be positive", field="time_limit", value=time_limit))
    problems.raise_if_any()
    assert w is not None
    deadline = math.inf if time_limit is None else t0 + float(time_limit)

    cols = np.flatnonzero(allowed_mask)
    fixed_pos = np.searchsorted(cols, fixed)
    rows = np.flatnonzero(w > 0)
    if rows.size == 0:
        extra = np.setdiff1d(np.arange(cols.size), fixed_pos)[: p - fixed_pos.size]
        open_pos = np.sort(np.concatenate([fixed_pos, extra]))
        lb_core = 0.0
        details: dict[str, Any] = {"note": "all weights are zero"}
    else:
        dk = d if rows.size == n and cols.size == m else d[np.ix_(rows, cols)]
        rep, inverse = _unique_rows(dk)
        if rep.size < dk.shape[0]:
            wk = np.bincount(inverse, weights=w[rows], minlength=rep.size)
            dk = dk[rep]
        else:
            wk = w[rows]
        open_pos, lb_core, details = _p_median_core(
            dk,
            wk,
            p,
            fixed_pos,
            deadline=deadline,
            mip_gap=float(mip_gap),
            solver=default_solver(solver),
            primal_search=primal_search,
            seed=seed,
        )
        details["aggregated_demand_points"] = int(rep.size)
    open_sites = np.sort(cols[open_pos])
    assign, dd = nearest(d, open_sites)
    objective = float(np.dot(w, dd))
    lb = max(0.0, min(lb_core, objective))  # distances are non-negative: 0 is always a bound
    gap = rel_gap(objective, lb)
    result = SitingResult(
        model="p_median",
        open_sites=open_sites,
        assignment=assign,
        objective=objective,
        lower_bound=lb,
        upper_bound=objective,
        gap=gap,
        status=status_of(gap, float(mip_gap)),
        solve_seconds=time.perf_counter() - t0,
        details=details,
    )
    checks.check_p_median(result, d, w, p, fixed_open=fixed, allowed=allowed_mask)
    logger.info(
        "p_median n=%d m=%d (allowed %d, aggregated %s) p=%d: objective %.6g, bound %.6g, "
        "gap %.3g%%, "
        "status %s, %.2fs",
        n,
        m,
        cols.size,
        details.get("aggregated_demand_points", 0),
        p,
        objective,
        lb,
        100 * gap,
        result.status,
        result.solve_seconds,
    )
    return result


def _unique_rows(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of distinct rows and the inverse map (row -> distinct row)."""
    if d.shape[0] <= 1:
        return np.arange(d.shape[0]), np.zeros(d.shape[0], dtype=np.int64)
    c = np.ascontiguousarray(d) + 0.0  # + 0.0 turns -0.0 into 0.0
    view = c.view(np.dtype((np.void, c.dtype.itemsize * c.shape[1]))).ravel()
    _, rep, inverse = np.unique(view, return_index=True, return_inverse=True)
    return rep, inverse.ravel()


def _p_median_core(
    d: np.ndarray,
    w: np.ndarray,
    p: int,
    fixed: np.ndarray,
    *,
    deadline: float,
    mip_gap: float,
    solver: Solver,
    primal_search: bool = True,
    seed: int = 0,
) -> tuple[np.ndarray, float, dict[str, Any]]:
    """Solve the aggregated p-median; returns (open positions, lower bound, details).

    Steps (method in :func:`p_median`): heuristic upper bound, Lagrangian rounds, variable
    fixing, pruned MIP.
    """
    n, m = d.shape
    details: dict[str, Any] = {"demand_points": n, "candidates": m}
    if p == m:
        return np.arange(m), total_cost(d, w, np.arange(m)), details
    best, ub = _heuristic(d, w, p, fixed, deadline, details)
    order = sorted_order(d)
    best, ub, lb_lag, rho = _lagrangian_rounds(
        d, w, p, fixed, order, best, ub, deadline, mip_gap, details
    )
    tol = max(mip_gap, OPT_TOL)
    if primal_search and rel_gap(ub, lb_lag) > tol and time.perf_counter() < deadline:
        best, ub = _primal(d, w, p, fixed, best, ub, rho, lb_lag, tol, deadline, seed, details)
    lb = min(lb_lag, ub)
    if rel_gap(ub, lb) <= tol or time.perf_counter() >= deadline:
        return best, lb, details
    keep, must_open = _fix_by_bound(rho, lb_lag, ub, best, fixed, p, details)
    best, ub, lb_mip = _pruned_mip(
        d, w, p, fixed, order, keep, must_open, best, ub, deadline, mip_gap, solver, details
    )
    lb = max(lb, lb_mip)
    return best, min(lb, ub), details


def _heuristic(
    d: np.ndarray,
    w: np.ndarray,
    p: int,
    fixed: np.ndarray,
    deadline: float,
    details: dict[str, Any],
) -> tuple[np.ndarray, float]:
    """Step 1, upper bound: greedy then interchange; (sorted open positions, cost)."""
    t = time.perf_counter()
    sites = greedy(d, w, p, fixed)
    sites, ub, moves = interchange(d, w, sites, fixed, deadline)
    details.update(
        heuristic_seconds=round(time.perf_counter() - t, 3),
        swap_moves=moves,
        heuristic_objective=ub,
    )
    return np.sort(sites), ub


def _primal(
    d: np.ndarray,
    w: np.ndarray,
    p: int,
    fixed: np.ndarray,
    best: np.ndarray,
    ub: float,
    rho: np.ndarray,
    lb_lag: float,
    tol: float,
    deadline: float,
    seed: int,
    details: dict[str, Any],
) -> tuple[np.ndarray, float]:
    """Step 2b, primal search (:func:`primal.improve`) from the incumbent and the Lagrangian's
    open set; stops as soon as the incumbent meets the bound within ``tol``."""
    t = time.perf_counter()
    m = d.shape[1]
    key = rho.copy()
    key[fixed] = -np.inf
    lag_open = np.argpartition(key, p - 1)[:p] if p < m else np.arange(m)
    s, c, stats = improve(
        d,
        w,
        p,
        fixed,
        [best, lag_open],
        rho,
        seed=seed,
        deadline=deadline,
        target=lb_lag / (1.0 - tol),
    )
    if c < ub:
        best, ub = s, c
    details.update(primal_seconds=round(time.perf_counter() - t, 3), primal_objective=ub, **stats)
    return best, ub


def _lagrangian_rounds(
    d: np.ndarray,
    w: np.ndarray,
    p: int,
    fixed: np.ndarray,
    order: np.ndarray,
    best: np.ndarray,
    ub: float,
    deadline: float,
    mip_gap: float,
    details: dict[str, Any],
) -> tuple[np.ndarray, float, float, np.ndarray]:
    """Step 2, lower bound: Lagrangian rounds on neighbour lists reaching past the
    second-nearest heuristic site; returns (incumbent, its cost, bound, reduced costs ρ).

    Rounds: subgradient until it stalls, then interchange from the best Lagrangian open set;
    a better incumbent sharpens the Polyak steps, so resume from the best multipliers.
    """
    n, m = d.shape
    t = time.perf_counter()
    sub = d[:, best]
    d2 = np.partition(sub, 1, axis=1)[:, 1] if p >= 2 else sub[:, 0]
    rank2 = np.zeros(n, dtype=np.int64)
    for sl in row_chunks(n, m):
        rank2[sl] = (d[sl] <= d2[sl, None]).sum(axis=1)
    k = np.minimum(m, np.maximum(8, (rank2 * 3) // 2 + 2))
    ri, cj, cost, cap = kept_entries(d, order, k, w)
    lam0 = w * sub.min(axis=1)
    lb_lag, lam, rho, iters, pi = -math.inf, lam0, np.zeros(m), 0, 2.0
    for _round in range(6):
        lb_r, lam_r, rho_r, it_r, lag_best, _lag_cost, pi = lagrangian(
            d, w, p, fixed, ri, cj, cost, cap, lam, ub, mip_gap, deadline, pi0=pi
        )
        iters += it_r
        if lb_r > lb_lag:
            lb_lag, lam, rho = lb_r, lam_r, rho_r
        improved = False
        if lag_best is not None and not np.array_equal(lag_best, best):
            s2, c2, _ = interchange(d, w, lag_best, fixed, deadline)
            if c2 < ub * (1 - 1e-7):
                best, ub, improved = np.sort(s2), c2, True
        if (
            not improved
            or rel_gap(ub, lb_lag) <= max(mip_gap, OPT_TOL)
            or time.perf_counter() >= deadline
        ):
            break
        pi = max(pi, 0.1)
    details.update(
        lagrangian_bound=lb_lag,
        lagrangian_iterations=iters,
        lagrangian_seconds=round(time.perf_counter() - t, 3),
        lagrangian_entries=int(ri.size),
    )
    return best, ub, lb_lag, rho


def _fix_by_bound(
    rho: np.ndarray,
    lb_lag: float,
    ub_fix: float,
    best: np.ndarray,
    fixed: np.ndarray,
    p: int,
    details: dict[str, Any],
) -> tuple[np.ndarray, np.ndarray]:
    """Step 3, variable fixing relative to the incumbent cost ``ub_fix``: (kept, must open)."""
    m = rho.size
    forced = np.zeros(m, dtype=bool)
    forced[fixed] = True
    key = np.where(forced, -np.inf, rho)
    s = np.argpartition(key, p - 1)[:p]
    in_s = np.zeros(m, dtype=bool)
    in_s[s] = True
    free_in = s[~forced[s]]
    worst_in = float(rho[free_in].max()) if free_in.size else math.inf
    best_out = float(rho[~in_s].min()) if (~in_s).any() else math.inf
    slack = 1e-9 * max(abs(ub_fix), 1.0)
    closed = (~in_s) & (lb_lag + rho - worst_in > ub_fix + slack)
    must_open = in_s & ~forced & (lb_lag - rho + best_out > ub_fix + slack)
    keep = ~closed
    keep[best] = True  # the incumbent can never be excluded (numerical safety)
    closed = ~keep
    details.update(fixed_closed=int(closed.sum()), fixed_open_by_bound=int(must_open.sum()))
    return keep, must_open


def _pruned_mip(
    d: np.ndarray,
    w: np.ndarray,
    p: int,
    fixed: np.ndarray,
    order: np.ndarray,
    keep: np.ndarray,
    must_open: np.ndarray,
    best: np.ndarray,
    ub: float,
    deadline: float,
    mip_gap: float,
    solver: Solver,
    details: dict[str, Any],
) -> tuple[np.ndarray, float, float]:
    """Step 4, the pruned MIP over the kept sites, growing neighbour lists while overflow is
    used; returns (incumbent, its cost, MIP lower bound valid under the fixing)."""
    n, m = d.shape
    ub_fix = ub
    kept_sites = np.flatnonzero(keep)
    dj = d[:, kept_sites] if kept_sites.size < m else d
    mj = kept_sites.size
    pos_of = np.full(m, -1, dtype=np.int64)
    pos_of[kept_sites] = np.arange(mj)
    order_j = sorted_order(dj) if mj < m else order
    lo_y = np.zeros(mj)
    lo_y[pos_of[fixed]] = 1.0
    lo_y[pos_of[np.flatnonzero(must_open)]] = 1.0
    sub = dj[:, pos_of[best]]
    d2j = np.partition(sub, 1, axis=1)[:, 1] if p >= 2 else sub[:, 0]
    kk = np.zeros(n, dtype=np.int64)
    for sl in row_chunks(n, mj):
        kk[sl] = (dj[sl] <= d2j[sl, None]).sum(axis=1)
    kk = np.minimum(mj, np.maximum(2, kk))
    lb_mip = -math.inf
    rounds = 0
    mip_seconds = 0.0
    while True:
        rounds += 1
        ri, cj, cost, over = kept_entries(dj, order_j, kk, w)
        model = _build_pmedian_mip(n, mj, p, ri, cj, cost, over, lo_y)
        start = _pmedian_start(n, mj, ri, cj, over, pos_of[best], dj)
        remaining = None if math.isinf(deadline) else deadline - time.perf_counter()
        if remaining is not None and remaining <= 0:
            break
        res = solver.solve(LinearModel(*model), time_limit=remaining, mip_gap=mip_gap, start=start)
        mip_seconds += res.seconds
        if res.x is None:
            if res.status == "time_limit":
                break
            raise SolverError(f"HiGHS failed on the pruned p-median (status {res.status})")
        y = res.x[:mj] > 0.5
        cand = kept_sites[np.flatnonzero(y)]
        true_cost = total_cost(d, w, cand)
        if true_cost < ub:
            best, ub = np.sort(cand), true_cost
        if res.status == "optimal" or res.status == "time_limit":
            lb_mip = max(lb_mip, min(ub_fix, res.dual_bound))
        exact = true_cost <= res.objective + 1e-9 * max(abs(res.objective), 1.0)
        if res.status != "optimal" or exact:
            break
        # grow the neighbour lists of rows whose nearest open site fell outside them
        open_pos = np.flatnonzero(y)
        near = dj[:, open_pos].min(axis=1)
        rank = np.zeros(n, dtype=np.int64)
        for sl in row_chunks(n, mj):
            rank[sl] = (dj[sl] <= near[sl, None]).sum(axis=1)
        grow = rank > kk
        if not grow.any():
            break
        kk = np.where(grow, np.minimum(mj, np.maximum(2 * kk, rank + 1)), kk)
    details.update(
        mip_rounds=rounds,
        mip_seconds=round(mip_seconds, 3),
        mip_sites=int(mj),
        mip_assignment_vars=int(kk.sum()),
    )
    return best, ub, lb_mip


def _build_pmedian_mip(
    n: int,
    mj: int,
    p: int,
    ri: np.ndarray,
    cj: np.ndarray,
    cost: np.ndarray,
    over: np.ndarray,
    lo_y: np.ndarray,
) -> tuple[np.ndarray, sp.csc_matrix, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pruned p-median MIP.

    Columns ``[y (mj) | x (E) | z (rows with overflow)]``; rows ``[assign (n) | link (E) | card]``.
    """
    e = ri.size
    zr = np.flatnonzero(np.isfinite(over))
    nz = zr.size
    n_col = mj + e + nz
    xcol = mj + np.arange(e)
    zcol = mj + e + np.arange(nz)
    # assignment rows: x entries and z
    r_assign = np.concatenate([ri, zr])
    c_assign = np.concatenate([xcol, zcol])
    # link rows n + t: x_t - y_j <= 0
    r_link = np.concatenate([n + np.arange(e), n + np.arange(e)])
    c_link = np.concatenate([xcol, cj])
    v_link = np.concatenate([np.ones(e), -np.ones(e)])
    # cardinality row
    r_card = np.full(mj, n + e)
    c_card = np.arange(mj)
    rows_ = np.concatenate([r_assign, r_link, r_card])
    cols_ = np.concatenate([c_assign, c_link, c_card])
    vals = np.concatenate([np.ones(r_assign.size), v_link, np.ones(mj)])
    a = sp.csc_matrix((vals, (rows_, cols_)), shape=(n + e + 1, n_col))
    c = np.concatenate([np.zeros(mj), cost, over[zr]])
    row_lo = np.concatenate([np.ones(n), np.full(e, -np.inf), [p]])
    row_hi = np.concatenate([np.ones(n), np.zeros(e), [p]])
    col_lo = np.concatenate([lo_y, np.zeros(e + nz)])
    col_hi = np.ones(n_col)
    integer = np.concatenate([np.ones(mj, dtype=np.int32), np.zeros(e + nz, dtype=np.int32)])
    return c, a, row_lo, row_hi, col_lo, col_hi, integer


def _pmedian_start(
    n: int,
    mj: int,
    ri: np.ndarray,
    cj: np.ndarray,
    over: np.ndarray,
    open_pos: np.ndarray,
    dj: np.ndarray,
) -> np.ndarray:
    """Feasible start vector for the pruned MIP from a set of open positions."""
    zr = np.flatnonzero(np.isfinite(over))
    y = np.zeros(mj)
    y[open_pos] = 1.0
    near = open_pos[np.argmin(dj[:, open_pos], axis=1)]
    x = (cj == near[ri]).astype(float)
    # a row may hold its nearest open site twice only if duplicated; keep the first hit
    served = np.bincount(ri, weights=x, minlength=n)
    dup = np.flatnonzero(served > 1)
    for i in dup:
        idx = np.flatnonzero((ri == i) & (x > 0))
        x[idx[1:]] = 0.0
    served = np.bincount(ri, weights=x, minlength=n)
    z = 1.0 - served[zr]
    return np.concatenate([y, x, np.clip(z, 0.0, 1.0)])
