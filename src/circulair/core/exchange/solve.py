"""Solving an allocation through :mod:`circulair.core.optim`: exact two-phase MIPs for small
components with minimum lots, weighted LPs with lot repair for the rest, and the clean-up of
solver noise.

Formulation, method and proofs: :mod:`circulair.core.exchange.allocation`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from circulair.core.errors import SolverError
from circulair.core.exchange.listing_arrays import ListingArrays
from circulair.core.exchange.taxonomy import UNITS
from circulair.core.exchange.threads import parallel
from circulair.core.optim import LinearModel, LoadedModel, Solver

__all__ = ["ZERO", "LpBlock", "incidence", "polish", "repair_lots", "solve_exact", "solve_mip"]

ZERO = 1e-6  # amounts at or below this (units) are solver noise (tolerance ~1e-7)


def incidence(
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    q_off: NDArray[np.float64],
    q_req: NDArray[np.float64],
) -> tuple[sp.csc_matrix, NDArray[np.float64]]:
    """Offer and request rows (Σ x <= q) of a set of pairs, and their right-hand sides."""
    m = len(o)
    uo, io = np.unique(o, return_inverse=True)
    ur, ir = np.unique(r, return_inverse=True)
    cols = np.arange(m)
    a = sp.csc_matrix(
        (
            np.ones(2 * m),
            (np.concatenate([io.ravel(), len(uo) + ir.ravel()]), np.concatenate([cols, cols])),
        ),
        shape=(len(uo) + len(ur), m),
    )
    a.sort_indices()
    return a, np.concatenate([q_off[uo], q_req[ur]]).astype(np.float64)


def solve_mip(
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    d: NDArray[np.float64],
    ub: NDArray[np.float64],
    lot: NDArray[np.float64],
    q_off: NDArray[np.float64],
    q_req: NDArray[np.float64],
    time_limit: float | None,
    solver: Solver,
) -> NDArray[np.float64] | None:
    """Exact two-phase solve of one component with minimum lots; None if not proven optimal."""
    a, rhs = incidence(o, r, q_off, q_req)
    m = len(o)
    semi = lot > 0
    integrality = np.where(semi, 2, 0).astype(np.int32)  # 2 = HiGHS semi-continuous
    col_lo = np.where(semi, lot, 0.0)
    no_lo = np.full(a.shape[0], -np.inf)
    phase1 = LinearModel(np.ones(m), a, no_lo, rhs, col_lo, ub, integrality, maximize=True)
    sol = solver.solve(phase1, time_limit=time_limit, mip_gap=0.0)
    if sol.status != "optimal" or sol.x is None:
        return None
    flow = float(np.sum(sol.x))
    a2 = sp.vstack([a, sp.csr_matrix(np.ones((1, m)))]).tocsc()
    phase2 = LinearModel(
        d, a2, np.r_[no_lo, flow * (1.0 - 1e-9) - 1e-9], np.r_[rhs, np.inf], col_lo, ub, integrality
    )
    sol = solver.solve(phase2, time_limit=time_limit, mip_gap=0.0)
    if sol.status != "optimal" or sol.x is None:
        return None
    return np.asarray(sol.x, dtype=np.float64)


def solve_exact(
    jobs: list[NDArray[np.int64]],
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    d: NDArray[np.float64],
    ub: NDArray[np.float64],
    lot: NDArray[np.float64],
    q_off: NDArray[np.float64],
    q_req: NDArray[np.float64],
    time_limit: float | None,
    solver: Solver,
    n_threads: int,
) -> tuple[NDArray[np.float64], NDArray[np.bool_], list[NDArray[np.int64]]]:
    """Solve each component of ``jobs`` (its pairs) with :func:`solve_mip`, on threads.

    Returns the amounts of all ``len(o)`` pairs (0 outside the components proven optimal), which
    pairs were solved exactly, and the components not proven optimal (for the LP fallback).
    """

    def run_mip(rows: NDArray[np.int64]) -> NDArray[np.float64] | None:
        return solve_mip(
            o[rows], r[rows], d[rows], ub[rows], lot[rows], q_off, q_req, time_limit, solver
        )

    m = len(o)
    x = np.zeros(m)
    mip_results = parallel(run_mip, jobs, n_threads)
    fallback = [rows for rows, xb in zip(jobs, mip_results, strict=True) if xb is None]
    solved_exactly = np.zeros(m, dtype=bool)
    for rows, xb in zip(jobs, mip_results, strict=True):
        if xb is not None:
            x[rows] = np.where(xb > ZERO, xb, 0.0)
            solved_exactly[rows] = True
    return x, solved_exactly, fallback


class LpBlock:
    """One HiGHS LP over a set of whole components: ``min Σ (d - M) x``.

    Why this objective is the lexicographic optimum: :mod:`circulair.core.exchange.allocation`.

    The model stays alive between lot-repair rounds so that forbidding pairs (upper bound 0)
    re-solves from the previous optimal basis instead of from scratch.
    """

    def __init__(
        self,
        rows: NDArray[np.int64],
        o: NDArray[np.int64],
        r: NDArray[np.int64],
        d: NDArray[np.float64],
        ub: NDArray[np.float64],
        big_m: NDArray[np.float64],
        q_off: NDArray[np.float64],
        q_req: NDArray[np.float64],
        time_limit: float | None,
        solver: Solver,
    ) -> None:
        self.rows = rows
        a, rhs = incidence(o, r, q_off, q_req)
        model = LinearModel(
            d - big_m,
            a,
            np.full(a.shape[0], -np.inf),
            rhs,
            np.zeros(len(o)),
            ub,
            np.zeros(len(o), dtype=np.int32),
        )
        # presolve off: faster on these network LPs (measured)
        self.model: LoadedModel = solver.load(
            model, time_limit=time_limit, options={"presolve": "off"}
        )
        self.solver_name = getattr(solver, "name", "solver")

    def solve(self) -> NDArray[np.float64]:
        sol = self.model.solve()
        if sol.status != "optimal" or sol.x is None:
            # x = 0 is always feasible and the objective bounded: a solver failure or the time
            # limit. No allocation that is not proven optimal is returned.
            name = "HiGHS" if self.solver_name == "highs" else self.solver_name
            raise SolverError(f"{name} did not solve the allocation model: {sol.status_text}")
        return np.asarray(sol.x, dtype=np.float64)

    def forbid(self, mask: NDArray[np.bool_]) -> bool:
        """Set the upper bound of the masked pairs to 0; whether any was masked."""
        cols = np.flatnonzero(mask).astype(np.int64)
        if len(cols) == 0:
            return False
        zeros = np.zeros(len(cols))
        self.model.set_col_bounds(cols, zeros, zeros)
        return True


def repair_lots(
    blocks: list[LpBlock],
    x: NDArray[np.float64],
    lot: NDArray[np.float64],
    solved_exactly: NDArray[np.bool_],
    unit: NDArray[np.int8],
    n_threads: int,
) -> tuple[int, int, dict[str, float]]:
    """Solve the LP blocks into ``x`` (in place), then forbid pairs below their lot and re-solve
    the blocks concerned until no lot is violated (heuristic in
    :mod:`circulair.core.exchange.allocation`).

    ``unit`` is the unit code of each pair. Returns the rounds, the pairs removed for lots and
    the first round's matched quantity per unit (an upper bound when pairs were removed).
    """
    todo = blocks
    rounds, removed = 0, 0
    upper: dict[str, float] = {}
    while todo:
        rounds += 1
        results = parallel(LpBlock.solve, todo, n_threads)
        for blk, xb in zip(todo, results, strict=True):
            x[blk.rows] = np.where(xb > ZERO, xb, 0.0)
        if rounds == 1:
            upper = {u: float(x[unit == i].sum()) for i, u in enumerate(UNITS) if (unit == i).any()}
        short = (x > 0) & (x < lot * (1.0 - 1e-9)) & ~solved_exactly
        if not short.any():
            break
        removed += int(short.sum())
        x[short] = 0.0
        todo = [b for b in blocks if b.forbid(short[b.rows])]
    return rounds, removed, upper


def polish(
    x: NDArray[np.float64],
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    off: ListingArrays,
    req: ListingArrays,
    lot: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Remove solver noise: zero tiny values, whole pieces, scale down tolerance overshoots."""
    x = np.where(x > ZERO, x, 0.0)
    pieces = off.unit[o] == UNITS.index("pieces")
    x[pieces] = np.rint(x[pieces])
    for _ in range(3):
        s_o = np.bincount(o, weights=x, minlength=len(off))
        s_r = np.bincount(r, weights=x, minlength=len(req))
        f_o = np.where(s_o > off.quantity, off.quantity / np.maximum(s_o, 1e-300), 1.0)
        f_r = np.where(s_r > req.quantity, req.quantity / np.maximum(s_r, 1e-300), 1.0)
        f = np.minimum(f_o[o], f_r[r])
        if (f >= 1.0).all():
            break
        x = x * f
        x[pieces] = np.floor(x[pieces] + 1e-9)
    return x
