"""Maximal covering location (Church & ReVelle 1974): ``p`` sites covering the most weight.

Formulation
-----------
Sets: demand points ``I`` with ``w_i > 0``, allowed sites ``J``, ``N_i = {j ∈ J : d_ij <= R}``,
fixed sites ``F``. Variables: ``y_j ∈ {0,1}``; ``u_i ∈ [0,1]`` (covered).

* maximise ``Σ_i w_i u_i``
* ``u_i <= Σ_{j ∈ N_i} y_j`` for every ``i``; ``Σ_j y_j = p``; ``y_j = 1`` for ``j ∈ F``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

import circulair.core.atlas.siting.checks as checks
from circulair.core.atlas.siting.inputs import check_p, coverage_inputs
from circulair.core.atlas.siting.result import SitingResult, nearest, rel_gap, status_of
from circulair.core.errors import ProblemCollector, SolverError
from circulair.core.optim import LinearModel, Solver, default_solver

__all__ = ["max_cover"]

logger = logging.getLogger(__name__)


def max_cover(
    dist: ArrayLike,
    weights: ArrayLike,
    p: int,
    radius_km: float,
    *,
    fixed_open: Sequence[int] = (),
    allowed: ArrayLike | None = None,
    time_limit: float | None = None,
    mip_gap: float = 0.0,
    solver: Solver | None = None,
) -> SitingResult:
    """Open ``p`` sites maximising the demand weight within ``radius_km`` of an open site.

    Formulation (maximal covering location, Church & ReVelle 1974)
    --------------------------------------------------------------
    Sets: demand points ``I`` with ``w_i > 0``, allowed sites ``J``,
    ``N_i = {j ∈ J : d_ij <= R}``, fixed sites ``F``.
    Variables: ``y_j ∈ {0,1}``; ``u_i ∈ [0,1]`` (covered; integral at the optimum once ``y`` is).

    * maximise ``Σ_i w_i u_i``
    * ``u_i <= Σ_{j ∈ N_i} y_j`` for every ``i``; ``Σ_j y_j = p``; ``y_j = 1`` for ``j ∈ F``.

    Demand points with identical coverage sets are merged (weights summed); points with empty
    ``N_i`` cannot be covered and are left out.

    Returns
    -------
    SitingResult
        ``sense == "max"``; ``objective`` is the covered weight, ``upper_bound`` the proven bound;
        ``assignment[i]`` the nearest open site and ``covered[i]`` whether it is within the radius.
    """
    t0 = time.perf_counter()
    problems = ProblemCollector()
    d, w, allowed_mask, fixed, r = coverage_inputs(
        dist, radius_km, weights, fixed_open, allowed, problems, weights_required=True
    )
    p = check_p(p, int(allowed_mask.sum()), len(fixed), problems)
    problems.raise_if_any()
    n, m = d.shape
    cols = np.flatnonzero(allowed_mask)
    rows = np.flatnonzero(w > 0)
    cover = d[np.ix_(rows, cols)] <= r
    has = cover.any(axis=1)
    rows, cover = rows[has], cover[has]
    if rows.size:
        packed = np.packbits(cover, axis=1)
        _, rep, inv = np.unique(packed, axis=0, return_index=True, return_inverse=True)
        wagg: np.ndarray = np.bincount(inv.ravel(), weights=w[rows], minlength=rep.size)
        cover = cover[rep]
    else:
        wagg = np.zeros(0)
    k, mj = cover.shape[0], cols.size
    rr, cc = np.nonzero(cover)
    # columns [y (mj) | u (k)]; rows [u_i - Σ y <= 0 (k) | Σ y = p]
    a = sp.csc_matrix(
        (
            np.concatenate([np.ones(k), -np.ones(rr.size), np.ones(mj)]),
            (
                np.concatenate([np.arange(k), rr, np.full(mj, k)]),
                np.concatenate([mj + np.arange(k), cc, np.arange(mj)]),
            ),
        ),
        shape=(k + 1, mj + k),
    )
    lo = np.concatenate([np.isin(cols, fixed).astype(float), np.zeros(k)])
    model = LinearModel(
        np.concatenate([np.zeros(mj), wagg]),
        a,
        np.concatenate([np.full(k, -np.inf), [p]]),
        np.concatenate([np.zeros(k), [p]]),
        lo,
        np.ones(mj + k),
        np.concatenate([np.ones(mj, np.int32), np.zeros(k, np.int32)]),
        maximize=True,
    )
    res = default_solver(solver).solve(model, time_limit=time_limit, mip_gap=mip_gap)
    if res.x is None:
        raise SolverError(f"HiGHS returned no solution for max cover (status {res.status})")
    y = res.x[:mj] > 0.5
    open_sites = np.sort(cols[y])
    assign, dd = nearest(d, open_sites)
    covered = dd <= r
    objective = float(w[covered].sum())
    ub = max(objective, float(res.dual_bound)) if math.isfinite(res.dual_bound) else math.inf
    gap = rel_gap(ub, objective) if ub != math.inf else math.inf
    result = SitingResult(
        model="max_cover",
        open_sites=open_sites,
        assignment=assign,
        objective=objective,
        lower_bound=objective,
        upper_bound=ub,
        gap=gap,
        status=status_of(gap, mip_gap),
        solve_seconds=time.perf_counter() - t0,
        sense="max",
        covered=covered,
        details={"rows": int(k), "radius_km": r, "total_weight": float(w.sum())},
    )
    checks.check_max_cover(result, d, w, p, r, fixed_open=fixed, allowed=allowed_mask)
    logger.info(
        "max_cover n=%d m=%d p=%d R=%g: covered %.6g of %.6g, status %s, %.2fs",
        n,
        m,
        p,
        r,
        objective,
        float(w.sum()),
        result.status,
        result.solve_seconds,
    )
    return result
