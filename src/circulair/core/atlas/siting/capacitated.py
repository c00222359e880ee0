"""Capacitated facility location: fixed plus transport cost, within site capacities.

Formulation
-----------
Sets: demand points ``I`` with ``q_i > 0``, allowed sites ``J``, arcs
``A = {(i, j) : j ∈ J, d_ij finite}``, fixed sites ``F``.
Data: demand ``q_i`` (t/yr), capacity ``c_j`` (t/yr), fixed cost ``f_j`` (per year), transport
cost ``t_ij = cost_per_t_km_ij · d_ij`` (per t).
Variables: ``y_j ∈ {0,1}``; multiple sourcing: flow ``g_ij ∈ [0, q_i]`` (t/yr); single
sourcing: ``x_ij ∈ {0,1}`` with ``g_ij = q_i x_ij``.

* minimise ``Σ_j f_j y_j + Σ_{(i,j)∈A} t_ij g_ij``
* ``Σ_j g_ij = q_i`` for every ``i``; ``Σ_i g_ij <= c_j y_j`` for every ``j``;
* ``g_ij <= q_i y_j`` (strong linking); ``Σ_j y_j <= max_open`` when given; ``y_j = 1``, ``j ∈ F``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

import circulair.core.atlas.siting.checks as checks
from circulair.core.atlas.siting.capacitated_start import greedy_start, simple_bound
from circulair.core.atlas.siting.inputs import (
    as_allowed,
    as_dist,
    as_fixed,
    as_vector,
    fmt,
    listing,
)
from circulair.core.atlas.siting.result import SitingResult, rel_gap, status_of
from circulair.core.errors import (
    MAX_LISTED,
    InfeasibleError,
    Problem,
    ProblemCollector,
    SolverError,
)
from circulair.core.optim import LinearModel, Solution, Solver, default_solver

__all__ = ["capacitated_facility_location"]

logger = logging.getLogger(__name__)


def capacitated_facility_location(
    dist: ArrayLike,
    demand: ArrayLike,
    capacity: ArrayLike,
    fixed_cost: ArrayLike,
    cost_per_t_km: float | ArrayLike,
    *,
    single_sourcing: bool = False,
    fixed_open: Sequence[int] = (),
    allowed: ArrayLike | None = None,
    max_open: int | None = None,
    time_limit: float | None = None,
    mip_gap: float = 0.0,
    solver: Solver | None = None,
) -> SitingResult:
    """Open sites and route demand to them at least fixed plus transport cost, within capacity.

    Formulation
    -----------
    Sets: demand points ``I`` with ``q_i > 0``, allowed sites ``J``, arcs
    ``A = {(i, j) : j ∈ J, d_ij finite}``, fixed sites ``F``.
    Data: demand ``q_i`` (t/yr), capacity ``c_j`` (t/yr), fixed cost ``f_j`` (per year), transport
    cost ``t_ij = cost_per_t_km_ij · d_ij`` (per t).
    Variables: ``y_j ∈ {0,1}``; multiple sourcing: flow ``g_ij ∈ [0, q_i]`` (t/yr); single
    sourcing: ``x_ij ∈ {0,1}`` with ``g_ij = q_i x_ij``.

    * minimise ``Σ_j f_j y_j + Σ_{(i,j)∈A} t_ij g_ij``
    * ``Σ_j g_ij = q_i`` for every ``i`` (demand met);
    * ``Σ_i g_ij <= c_j y_j`` for every ``j`` (capacity, only when open);
    * ``g_ij <= q_i y_j`` (strong linking; tightens the LP relaxation);
    * ``Σ_j y_j <= max_open`` when given; ``y_j = 1`` for ``j ∈ F``.

    Returns
    -------
    SitingResult
        ``assignment`` is the ``(n, m)`` flow matrix in t/yr, or with ``single_sourcing`` the site
        of each demand point (zero-demand points go to their nearest open reachable site, or -1
        when none is reachable).

    Raises
    ------
    InfeasibleError
        With the numbers: total allowed capacity below total demand; the ``max_open`` largest
        capacities below demand; a demand point with no reachable allowed site; under single
        sourcing, a demand larger than every reachable capacity; or HiGHS proving infeasibility.
    InputError
        Invalid shapes or values.
    """
    t0 = time.perf_counter()
    inp = _validate(
        dist, demand, capacity, fixed_cost, cost_per_t_km, fixed_open, allowed, max_open
    )
    arcs = _arcs_or_infeasible(inp, single_sourcing=single_sourcing, max_open=max_open)
    model = _build_model(inp, arcs, single_sourcing=single_sourcing, max_open=max_open)
    start = _start(inp, arcs, single_sourcing=single_sourcing, max_open=max_open)
    left = None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 0.01)
    res = default_solver(solver).solve(model, time_limit=left, mip_gap=mip_gap, start=start)
    if res.x is None and start is not None and res.status == "time_limit":
        # The limit came before HiGHS's own first solution: the start is the best found.
        res = replace(res, x=start, objective=float(model.c @ start))
    open_sites, assignment, flow = _read_solution(
        res, inp, arcs, single_sourcing=single_sourcing, max_open=max_open
    )
    d, q, cap, f, unit, fixed = inp.d, inp.q, inp.cap, inp.f, inp.unit, inp.fixed
    n, m = d.shape
    e = arcs.ai.size
    finite = np.where(np.isfinite(d), d, 0.0)
    objective = float(f[open_sites].sum() + (unit * finite * flow).sum())
    quick = _simple_bound(inp, arcs)
    solver_bound = res.dual_bound if math.isfinite(res.dual_bound) else -math.inf
    bound = min(objective, max(solver_bound, quick))
    gap = rel_gap(objective, bound)
    result = SitingResult(
        model="capacitated",
        open_sites=open_sites,
        assignment=assignment,
        objective=objective,
        lower_bound=float(bound),
        upper_bound=objective,
        gap=gap,
        status=status_of(gap, mip_gap),
        solve_seconds=time.perf_counter() - t0,
        details={"arcs": int(e), "single_sourcing": bool(single_sourcing)},
    )
    checks.check_capacitated(
        result,
        d,
        q,
        cap,
        f,
        cost_per_t_km,
        single_sourcing=single_sourcing,
        fixed_open=fixed,
        allowed=inp.allowed_mask,
        max_open=max_open,
    )
    logger.info(
        "capacitated n=%d m=%d arcs=%d single=%s: cost %.6g, %d sites, gap %.3g%%, %.2fs",
        n,
        m,
        e,
        single_sourcing,
        objective,
        open_sites.size,
        100 * gap,
        result.solve_seconds,
    )
    return result


@dataclass(frozen=True)
class _Inputs:
    """The validated inputs (arrays of the full problem) and the allowed/fixed sites."""

    d: np.ndarray
    q: np.ndarray
    cap: np.ndarray
    f: np.ndarray
    unit: np.ndarray
    allowed_mask: np.ndarray
    fixed: np.ndarray


@dataclass(frozen=True)
class _Arcs:
    """Rows with demand, allowed columns and the reachable arcs (positions in rows/cols)."""

    rows: np.ndarray
    cols: np.ndarray
    sub: np.ndarray
    ai: np.ndarray
    aj: np.ndarray
    total_q: float
    total_cap: float


def _validate(
    dist: ArrayLike,
    demand: ArrayLike,
    capacity: ArrayLike,
    fixed_cost: ArrayLike,
    cost_per_t_km: float | ArrayLike,
    fixed_open: Sequence[int],
    allowed: ArrayLike | None,
    max_open: int | None,
) -> _Inputs:
    """Step 1: check every input at once (InputError listing all problems)."""
    problems = ProblemCollector()
    d = as_dist(dist, problems, allow_inf=True)
    problems.raise_if_any()
    assert d is not None
    n, m = d.shape
    q = as_vector(demand, n, "demand", "rows (demand points)", problems)
    cap = as_vector(capacity, m, "capacity", "columns (candidate sites)", problems)
    f = as_vector(fixed_cost, m, "fixed_cost", "columns (candidate sites)", problems)
    try:
        unit = np.broadcast_to(np.asarray(cost_per_t_km, dtype=float), (n, m))
        if not np.isfinite(unit).all() or (unit < 0).any():
            problems.add(
                Problem("cost_per_t_km must be finite and non-negative", field="cost_per_t_km")
            )
    except ValueError:
        problems.add(
            Problem(
                f"cost_per_t_km must be a scalar or broadcast to ({n}, {m})",
                field="cost_per_t_km",
                value=np.shape(cost_per_t_km),
            )
        )
        unit = np.zeros((n, m))
    allowed_mask = as_allowed(allowed, m, problems)
    fixed = as_fixed(fixed_open, m, allowed_mask, problems)
    if max_open is not None:
        if (
            isinstance(max_open, bool)
            or not isinstance(max_open, (int, np.integer))
            or max_open < 1
        ):
            problems.add(
                Problem("max_open must be a positive integer", field="max_open", value=max_open)
            )
        elif len(fixed) > max_open:
            problems.add(
                Problem(
                    f"max_open = {max_open} is smaller than the number of fixed open sites "
                    f"({len(fixed)})",
                    field="max_open",
                    value=max_open,
                )
            )
    problems.raise_if_any()
    assert q is not None and cap is not None and f is not None

    return _Inputs(d, q, cap, f, unit, allowed_mask, fixed)


def _arcs_or_infeasible(inp: _Inputs, *, single_sourcing: bool, max_open: int | None) -> _Arcs:
    """Step 2: the arcs of the model, after the infeasibility tests that can name numbers."""
    d, q, cap, fixed = inp.d, inp.q, inp.cap, inp.fixed
    allowed_mask = inp.allowed_mask
    cols = np.flatnonzero(allowed_mask)
    total_q = float(q.sum())
    total_cap = float(cap[cols].sum())
    if total_cap < total_q * (1 - 1e-12):
        raise InfeasibleError(
            f"total capacity of allowed sites {fmt(total_cap)} t/yr < total demand "
            f"{fmt(total_q)} t/yr ({cols.size} allowed sites, {int((q > 0).sum())} demand points)"
        )
    if max_open is not None and max_open < cols.size:
        free = np.setdiff1d(cols, fixed)
        top = np.sort(cap[free])[::-1][: max_open - len(fixed)]
        best_cap = float(cap[fixed].sum() + top.sum())
        if best_cap < total_q * (1 - 1e-12):
            raise InfeasibleError(
                f"with at most {max_open} open sites the largest reachable capacity is "
                f"{fmt(best_cap)} t/yr < total demand {fmt(total_q)} t/yr"
            )
    rows = np.flatnonzero(q > 0)
    sub = d[np.ix_(rows, cols)]
    reach = np.isfinite(sub)
    unreachable = rows[~reach.any(axis=1)]
    if unreachable.size:
        raise InfeasibleError(
            f"{unreachable.size} demand point(s) with positive demand have no allowed site at a "
            f"finite distance: {listing(unreachable)}"
        )
    if single_sourcing:
        best_reach = np.where(reach, cap[cols][None, :], -np.inf).max(axis=1)
        too_big = np.flatnonzero(q[rows] > best_reach * (1 + 1e-12))
        if too_big.size:
            shown = "; ".join(
                f"demand point {int(rows[b])}: {fmt(float(q[rows[b]]))} t/yr > largest reachable "
                f"capacity {fmt(float(best_reach[b]))} t/yr"
                for b in too_big[:MAX_LISTED]
            )
            raise InfeasibleError(
                f"single sourcing is infeasible: {too_big.size} demand point(s) exceed the "
                "capacity "
                f"of every site they can reach ({shown})"
            )

    ai, aj = np.nonzero(reach)
    return _Arcs(rows, cols, sub, ai, aj, total_q, total_cap)


def _build_model(
    inp: _Inputs, arcs: _Arcs, *, single_sourcing: bool, max_open: int | None
) -> LinearModel:
    """Step 3: the sparse MIP (columns ``[y | arc variables]``, formulation in the docstring)."""
    q, cap, f, unit, fixed = inp.q, inp.cap, inp.f, inp.unit, inp.fixed
    rows, cols, sub, ai, aj = arcs.rows, arcs.cols, arcs.sub, arcs.ai, arcs.aj
    mj, nr = cols.size, rows.size
    e = ai.size
    qa = q[rows][ai]
    tcost = unit[rows[ai], cols[aj]] * sub[ai, aj]
    capj = cap[cols]
    # columns [y (mj) | arc vars (e)]; rows [demand (nr) | capacity (mj) | link (e) | max_open]
    arc_scale = qa if single_sourcing else np.ones(e)  # x_ij scaled by q_i in single sourcing
    xcol = mj + np.arange(e)
    r_parts = [ai, nr + aj, nr + mj + np.arange(e), nr + mj + np.arange(e), nr + np.arange(mj)]
    c_parts = [xcol, xcol, xcol, aj, np.arange(mj)]
    if single_sourcing:
        v_parts = [np.ones(e), qa, np.ones(e), -np.ones(e), -capj]
    else:
        v_parts = [np.ones(e), np.ones(e), np.ones(e), -qa, -capj]
    n_row = nr + mj + e
    row_lo = [np.ones(nr) if single_sourcing else q[rows], np.full(mj + e, -np.inf)]
    row_hi = [np.ones(nr) if single_sourcing else q[rows], np.zeros(mj + e)]
    if max_open is not None and max_open < mj:
        r_parts.append(np.full(mj, n_row))
        c_parts.append(np.arange(mj))
        v_parts.append(np.ones(mj))
        row_lo.append(np.array([-np.inf]))
        row_hi.append(np.array([float(max_open)]))
        n_row += 1
    a = sp.csc_matrix(
        (np.concatenate(v_parts), (np.concatenate(r_parts), np.concatenate(c_parts))),
        shape=(n_row, mj + e),
    )
    c = np.concatenate([f[cols], tcost * arc_scale])
    col_lo = np.concatenate([np.isin(cols, fixed).astype(float), np.zeros(e)])
    col_hi = np.concatenate([np.ones(mj), np.ones(e) if single_sourcing else qa])
    integer = np.concatenate(
        [np.ones(mj, np.int32), np.full(e, 1 if single_sourcing else 0, np.int32)]
    )
    return LinearModel(
        c, a, np.concatenate(row_lo), np.concatenate(row_hi), col_lo, col_hi, integer
    )


def _start(
    inp: _Inputs, arcs: _Arcs, *, single_sourcing: bool, max_open: int | None
) -> np.ndarray | None:
    """The greedy first answer (:mod:`.capacitated_start`) in the model's columns."""
    rows, cols, ai, aj = arcs.rows, arcs.cols, arcs.ai, arcs.aj
    tcost = inp.unit[rows[ai], cols[aj]] * arcs.sub[ai, aj]
    return greedy_start(
        q_rows=inp.q[rows],
        cap_cols=inp.cap[cols],
        f_cols=inp.f[cols],
        fixed_cols=np.isin(cols, inp.fixed),
        ai=ai,
        aj=aj,
        tcost=tcost,
        single_sourcing=single_sourcing,
        max_open=max_open,
    )


def _simple_bound(inp: _Inputs, arcs: _Arcs) -> float:
    rows, cols, ai, aj = arcs.rows, arcs.cols, arcs.ai, arcs.aj
    return simple_bound(
        q_rows=inp.q[rows],
        cap_cols=inp.cap[cols],
        f_cols=inp.f[cols],
        fixed_cols=np.isin(cols, inp.fixed),
        ai=ai,
        tcost=inp.unit[rows[ai], cols[aj]] * arcs.sub[ai, aj],
    )


def _read_solution(
    res: Solution, inp: _Inputs, arcs: _Arcs, *, single_sourcing: bool, max_open: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 4: open sites, assignment and the (n, m) flow matrix of the solver's answer."""
    d, q = inp.d, inp.q
    n, m = d.shape
    rows, cols, ai, aj = arcs.rows, arcs.cols, arcs.ai, arcs.aj
    mj = cols.size
    total_q, total_cap = arcs.total_q, arcs.total_cap
    if res.status == "infeasible":
        raise InfeasibleError(
            f"no assignment respects the capacities: total demand {fmt(total_q)} t/yr, total "
            f"allowed capacity {fmt(total_cap)} t/yr"
            + (f", at most {max_open} sites" if max_open is not None else "")
            + (", single sourcing (demands cannot be split)" if single_sourcing else "")
        )
    if res.x is None:
        raise SolverError(f"HiGHS returned no solution for capacitated location ({res.status})")
    y = res.x[:mj] > 0.5
    open_sites = np.sort(cols[y])
    xv = res.x[mj:]
    if single_sourcing:
        chosen = xv > 0.5
        assignment: np.ndarray = np.full(n, -1, dtype=np.int64)
        assignment[rows[ai[chosen]]] = cols[aj[chosen]]
        zero = np.flatnonzero(q <= 0)
        if zero.size and open_sites.size:
            zd = d[np.ix_(zero, open_sites)]
            ok = np.isfinite(zd).any(axis=1)
            assignment[zero[ok]] = open_sites[np.argmin(zd[ok], axis=1)]
        flow = np.zeros((n, m))
        hit = assignment >= 0
        flow[np.flatnonzero(hit), assignment[hit]] = q[hit]
    else:
        flow = np.zeros((n, m))
        flow[rows[ai], cols[aj]] = np.clip(xv, 0.0, None)
        assignment = flow
    return open_sites, assignment, flow
