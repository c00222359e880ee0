"""Location set covering (Toregas et al. 1971): fewest sites covering every demand point.

Formulation
-----------
Sets: demand points ``I`` (those with positive weight), allowed sites ``J``,
``N_i = {j ∈ J : d_ij <= R}``, fixed sites ``F``. Variables: ``y_j ∈ {0,1}``.

* minimise ``Σ_j y_j``
* ``Σ_{j ∈ N_i} y_j >= 1`` for every ``i ∈ I``; ``y_j = 1`` for ``j ∈ F``.
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
from circulair.core.atlas.siting.inputs import coverage_inputs, fmt
from circulair.core.atlas.siting.result import SitingResult, nearest, rel_gap, status_of
from circulair.core.errors import MAX_LISTED, InfeasibleError, ProblemCollector, SolverError
from circulair.core.optim import LinearModel, Solver, default_solver

__all__ = ["set_cover"]

logger = logging.getLogger(__name__)


def set_cover(
    dist: ArrayLike,
    radius_km: float,
    *,
    weights: ArrayLike | None = None,
    fixed_open: Sequence[int] = (),
    allowed: ArrayLike | None = None,
    time_limit: float | None = None,
    solver: Solver | None = None,
) -> SitingResult:
    """Fewest open sites such that every demand point has an open site within ``radius_km``.

    Formulation (location set covering, Toregas et al. 1971)
    --------------------------------------------------------
    Sets: demand points ``I`` (those with positive weight; all when ``weights`` is None), allowed
    sites ``J``, ``N_i = {j ∈ J : d_ij <= R}``, fixed sites ``F``.
    Variables: ``y_j ∈ {0,1}``.

    * minimise ``Σ_j y_j``
    * ``Σ_{j ∈ N_i} y_j >= 1`` for every ``i ∈ I``; ``y_j = 1`` for ``j ∈ F``.

    Demand points with identical coverage sets ``N_i`` give one row.

    Returns
    -------
    SitingResult
        ``objective`` is the number of open sites; ``assignment[i]`` the nearest open site;
        ``covered[i]`` whether it lies within the radius (always true for required points).

    Raises
    ------
    InfeasibleError
        Some demand point has no allowed candidate within the radius; the message names them with
        the distance to their nearest allowed candidate.
    InputError
        Invalid shapes or values.
    """
    t0 = time.perf_counter()
    problems = ProblemCollector()
    d, w, allowed_mask, fixed, r = coverage_inputs(
        dist, radius_km, weights, fixed_open, allowed, problems, weights_required=False
    )
    n, m = d.shape
    cols = np.flatnonzero(allowed_mask)
    req = np.flatnonzero(w > 0)
    cover = d[np.ix_(req, cols)] <= r
    bad = np.flatnonzero(~cover.any(axis=1))
    if bad.size:
        nearest_km = d[np.ix_(req[bad], cols)].min(axis=1)
        shown = "; ".join(
            f"demand point {int(req[b])}: nearest allowed candidate at {fmt(float(x))} km"
            for b, x in zip(bad[:MAX_LISTED], nearest_km[:MAX_LISTED], strict=False)
        )
        more = f"; ... ({bad.size} points in all)" if bad.size > MAX_LISTED else ""
        raise InfeasibleError(
            f"set cover with radius {fmt(r)} km is infeasible: {bad.size} demand point(s) have no "
            f"allowed candidate site within the radius ({shown}{more}). "
            "The radius must be at least "
            f"{fmt(float(nearest_km.max()))} km to cover them all."
        )
    if req.size:
        packed = np.packbits(cover, axis=1)
        _, rep = np.unique(packed, axis=0, return_index=True)
        cover = cover[np.sort(rep)]
    rr, cc = np.nonzero(cover)
    a = sp.csc_matrix((np.ones(rr.size), (rr, cc)), shape=(cover.shape[0], cols.size))
    lo_y = np.isin(cols, fixed).astype(float)
    model = LinearModel(
        np.ones(cols.size),
        a,
        np.ones(cover.shape[0]),
        np.full(cover.shape[0], np.inf),
        lo_y,
        np.ones(cols.size),
        np.ones(cols.size, dtype=np.int32),
    )
    res = default_solver(solver).solve(model, time_limit=time_limit, mip_gap=0.0)
    if res.x is None:
        raise SolverError(f"HiGHS returned no solution for set cover (status {res.status})")
    open_sites = np.sort(cols[res.x > 0.5])
    if open_sites.size:
        assign, dd = nearest(d, open_sites)
    else:  # nothing needs covering (all weights zero): no site, no assignment (-1)
        assign, dd = np.full(n, -1, dtype=np.int64), np.full(n, np.inf)
    objective = float(open_sites.size)
    lb = min(objective, math.ceil(res.dual_bound - 1e-6)) if math.isfinite(res.dual_bound) else 0.0
    gap = rel_gap(objective, lb)
    result = SitingResult(
        model="set_cover",
        open_sites=open_sites,
        assignment=assign,
        objective=objective,
        lower_bound=float(lb),
        upper_bound=objective,
        gap=gap,
        status=status_of(gap, 0.0),
        solve_seconds=time.perf_counter() - t0,
        covered=dd <= r,
        details={"rows": int(cover.shape[0]), "radius_km": r},
    )
    checks.check_set_cover(result, d, r, weights=w, fixed_open=fixed, allowed=allowed_mask)
    logger.info(
        "set_cover n=%d m=%d R=%g: %d sites, status %s, %.2fs",
        n,
        m,
        r,
        open_sites.size,
        result.status,
        result.solve_seconds,
    )
    return result
