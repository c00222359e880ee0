"""Allocation of offered quantities to requests over candidate pairs (lexicographic LP).

Why: ranked candidate lists (:func:`~circulair.core.exchange.matching.candidates`) let each party
look for itself, but when many requests compete for the same offers, first-come choices leave
material unmatched or travelling far. The allocation answers the planner's question: how much
can the exchange match at most, and with the least transport?

Formulation
-----------
Sets: offers ``i`` with quantity ``q_i``, requests ``j`` with ``q_j``, candidate pairs
``p = (i, j) ∈ P`` (compatible, within radius, same unit and frequency), road distance ``d_p``,
minimum lot ``L_p = max(min_i, min_j)``.

Variables: ``x_p >= 0``, the quantity shipped over pair ``p`` (in the pair's unit).

Constraints::

    Σ_{p ∋ i} x_p <= q_i           for every offer i      (never more than offered)
    Σ_{p ∋ j} x_p <= q_j           for every request j    (never more than requested)
    0 <= x_p <= min(q_i, q_j)      (the bound is implied; stated for presolve)
    x_p = 0  or  L_p <= x_p        when L_p > 0           (semi-continuous: minimum lots)

Objectives, lexicographic: (1) maximise ``Σ x_p`` (matched quantity), then (2) minimise
``Σ d_p x_p`` (t·km, or m³·km / piece·km). Pairs never join listings of different units, so the
problem splits into independent blocks per unit (and per connected component of the candidate
graph); maximising the sum maximises every block, and totals are reported per unit.

Solution method
---------------
The candidate graph is split into connected components (``scipy.sparse.csgraph``), each
solved on its own (small components are packed together into one model), in parallel threads,
through :mod:`circulair.core.optim` (HiGHS by default; ``allocate(solver=...)``):

* Components without minimum lots are linear programs, solved **once** with the weighted
  objective ``min Σ (d_p - M_c) x_p`` where ``M_c = P_c · D_c + 1``, ``P_c`` = min(number of
  offers, number of requests) of the component and ``D_c`` its largest ``d_p``. Proof that this
  is the lexicographic optimum: if an optimum ``x`` of the weighted problem did not carry the
  maximum flow, its residual graph would hold an augmenting path from an offer with slack to a
  request with slack, alternating forward pairs (``x_p`` can grow) and backward pairs (``x_p``
  can shrink), with one more forward than backward pair and at most ``P_c`` forward pairs (the
  path is simple and each forward pair leaves a distinct offer). Pushing ``δ > 0`` along it
  changes the weighted objective by ``δ (Σ_fwd d - Σ_bwd d - M_c) <= δ (P_c D_c - M_c) < 0``,
  contradicting optimality; so ``Σ x`` is maximal, and among maximal flows ``-M_c Σ x`` is a
  constant, leaving ``Σ d x`` minimised. The constraint matrix is the incidence matrix of a
  bipartite graph (totally unimodular), so a simplex vertex is integral when the quantities
  are: allocations in pieces are whole numbers.
* Minimum lots make the problem mixed-integer (semi-continuous ``x_p``). A component with
  lots and at most ``exact_lots_max_pairs`` pairs is solved exactly in **two phases** with
  HiGHS's branch and bound (gap 0): maximise ``Σ x``, then a fresh model with the row
  ``Σ x >= F* (1 - 1e-9)`` minimises ``Σ d x`` (the path argument above does not hold with
  lots, so no single weighted objective is used).
* Larger components with lots (branch and bound on 10^5 semi-continuous variables is too slow)
  get a repair heuristic around the LP: the LP is a relaxation of the mixed-integer problem, so
  when its optimum already respects every lot it is optimal. Otherwise the pairs carrying a
  positive amount below their lot are removed and the models concerned are solved again from
  their previous basis, until no lot is violated (each round removes at least one pair, so
  this ends). The result is feasible and lexicographically optimal over the pairs that remain,
  but not proven optimal: status ``lots_heuristic``, with the relaxation's matched quantity
  per unit as an upper bound (``details["matched_upper_bound"]``). The same fallback is used
  for a small component whose branch and bound hits ``time_limit``.

After the solve, values at or below 1e-6 are zeroed, pieces are rounded to whole numbers, and any
listing over its quantity by solver tolerance (~1e-7) has its pairs scaled down to fit exactly.
:func:`check_allocation` then verifies the result independently of the solver - every pair
passes :func:`~circulair.core.exchange.matching.pair_checks` (recomputed haversine distance
within the radius), no listing exceeds its quantity, minimum lots and whole pieces hold, and the
reported totals are recomputed - and raises SolverError otherwise.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import connected_components

from circulair.core.errors import InputError, Problem, SolverError, bullets
from circulair.core.exchange.inputs import as_arrays
from circulair.core.exchange.listing import Listing
from circulair.core.exchange.listing_arrays import ListingArrays
from circulair.core.exchange.match_table import MatchTable
from circulair.core.exchange.pairs import CRITERIA, pair_checks, pair_distance_km
from circulair.core.exchange.taxonomy import UNITS
from circulair.core.optim import LinearModel, LoadedModel, Solver, default_solver

__all__ = ["Allocation", "allocate", "check_allocation"]

logger = logging.getLogger(__name__)

_ZERO = 1e-6  # amounts at or below this (units) are solver noise (tolerance ~1e-7)
_BATCH_PAIRS = 50_000  # small components are packed into models of about this many pairs


@dataclass(frozen=True, eq=False)
class Allocation:
    """Quantities assigned to candidate pairs (only pairs with a positive quantity are listed).

    Attributes
    ----------
    offer, request : ndarray of int
        Positions in the offers / requests arrays given to :func:`allocate`.
    quantity : ndarray of float
        Amount shipped over the pair, in the pair's unit (per year for per-year listings).
    distance_km : ndarray of float
        Road distance of the pair (haversine × road factor).
    offer_allocated, request_allocated : ndarray of float
        Total allocated per listing (0 for listings without allocation).
    matched : dict
        Unit -> total matched quantity (the first objective, per unit).
    transport : dict
        Unit -> Σ quantity × km (the second objective: t·km, m³·km, piece·km).
    status : {"optimal", "lots_heuristic"}
        ``lots_heuristic`` when minimum lots forced pairs out after the first solve; the
        allocation is then feasible but not proven optimal (see the module docstring).
    details : dict
        Sizes and timings (pairs, components, largest component, models, seconds).
    """

    offer: NDArray[np.int64]
    request: NDArray[np.int64]
    quantity: NDArray[np.float64]
    distance_km: NDArray[np.float64]
    offer_allocated: NDArray[np.float64]
    request_allocated: NDArray[np.float64]
    matched: dict[str, float]
    transport: dict[str, float]
    status: str
    road_factor: float
    details: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.offer.shape[0])

    def records(self, offers: ListingArrays, requests: ListingArrays) -> list[dict[str, Any]]:
        """Rows as dicts with listing ids and units (for APIs and exports)."""
        return [
            {
                "offer_id": str(offers.id[o]),
                "request_id": str(requests.id[r]),
                "quantity": float(q),
                "unit": UNITS[int(offers.unit[o])],
                "distance_km": float(d),
            }
            for o, r, q, d in zip(
                self.offer, self.request, self.quantity, self.distance_km, strict=True
            )
        ]


def _pairs(
    pairs: MatchTable | tuple[ArrayLike, ArrayLike], n_o: int, n_r: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    if isinstance(pairs, MatchTable):
        o, r = pairs.offer, pairs.request
    else:
        try:
            o_raw, r_raw = pairs
        except (TypeError, ValueError):
            raise InputError.single(
                "pairs must be a MatchTable or (offer positions, request positions)", field="pairs"
            ) from None
        o = np.asarray(o_raw).ravel()
        r = np.asarray(r_raw).ravel()
        problems = []
        if o.shape != r.shape:
            problems.append(
                Problem(
                    "offer and request positions differ in length",
                    field="pairs",
                    value=f"{o.shape} vs {r.shape}",
                )
            )
        for name, a in (("offer", o), ("request", r)):
            if a.size and not np.issubdtype(a.dtype, np.integer):
                problems.append(Problem("positions must be whole numbers", field=name))
        if problems:
            raise InputError(problems)
    o = o.astype(np.int64)
    r = r.astype(np.int64)
    bad = (o < 0) | (o >= n_o) | (r < 0) | (r >= n_r)
    if bad.any():
        raise InputError(
            [
                Problem(
                    "no such offer/request position",
                    field="pairs",
                    row=int(p),
                    value=(int(o[p]), int(r[p])),
                )
                for p in np.flatnonzero(bad)
            ]
        )
    key = np.unique(o * max(n_r, 1) + r)  # drop duplicates, e.g. a union of two tables
    return key // max(n_r, 1), key % max(n_r, 1)


def allocate(
    offers: ListingArrays | Sequence[Listing],
    requests: ListingArrays | Sequence[Listing],
    pairs: MatchTable | tuple[ArrayLike, ArrayLike],
    *,
    road_factor: float = 1.3,
    time_limit: float | None = None,
    workers: int = -1,
    exact_lots_max_pairs: int = 2_000,
    check: bool = True,
    solver: Solver | None = None,
) -> Allocation:
    """Maximise the matched quantity over the candidate ``pairs``, then minimise transport.

    Parameters
    ----------
    offers, requests : ListingArrays or sequence of Listing
        The listings the pair positions refer to.
    pairs : MatchTable or (offer positions, request positions)
        Candidate pairs, e.g. ``candidates(...)`` (duplicates are ignored). Every pair must pass
        every candidate test with this ``road_factor``; otherwise InputError lists each failing
        pair and test.
    road_factor : float
        Road km per great-circle km, for the distances of the second objective.
    time_limit : float, optional
        Seconds per HiGHS model. An LP that hits it raises SolverError (no unproven result); a
        branch and bound that hits it falls back to the lot-repair heuristic.
    exact_lots_max_pairs : int
        Components with minimum lots up to this many pairs are solved exactly (mixed-integer);
        larger ones with the lot-repair heuristic (module docstring).
    workers : int
        Threads solving components at once (-1: one per core).
    check : bool
        Run :func:`check_allocation` on the result (raises SolverError on any violation).
    solver : Solver, optional
        LP/MIP solver (:mod:`circulair.core.optim`); HiGHS when None.

    Returns
    -------
    Allocation
        Formulation, method and proof in the module docstring.
    """
    t0 = time.perf_counter()
    slv = default_solver(solver)
    off = as_arrays(offers, "offer")
    req = as_arrays(requests, "request", off.taxonomy)
    rf = float(road_factor)
    if not (math.isfinite(rf) and rf >= 1.0):
        raise InputError.single(
            "road_factor must be a number >= 1", field="road_factor", value=road_factor
        )
    o, r = _pairs(pairs, len(off), len(req))
    checks = pair_checks(off, req, o, r, road_factor=rf)
    failing = [(p, name) for name in CRITERIA for p in np.flatnonzero(~checks[name])]
    if failing:
        raise InputError(
            [
                Problem(
                    f"pair is not a valid candidate: fails the '{name}' test",
                    field="pairs",
                    row=int(p),
                    value=(str(off.id[o[p]]), str(req.id[r[p]])),
                )
                for p, name in sorted(failing)
            ]
        )
    d = pair_distance_km(off, req, o, r, rf)
    m = len(o)
    ub = np.minimum(off.quantity[o], req.quantity[r])
    lot = np.maximum(off.min_quantity[o], req.min_quantity[r])
    # Components of the bipartite candidate graph (offer nodes 0..n_o-1, requests after).
    n_nodes = len(off) + len(req)
    g = sp.coo_matrix((np.ones(m), (o, len(off) + r)), shape=(n_nodes, n_nodes))
    _, label = connected_components(g, directed=False)
    comp = label[o]
    comp_ids, comp_of_pair, comp_size = np.unique(comp, return_inverse=True, return_counts=True)
    n_comp = len(comp_ids)
    dmax = np.zeros(n_comp)
    np.maximum.at(dmax, comp_of_pair, d)
    n_off_c = _distinct_per_component(comp_of_pair, o, n_comp)
    n_req_c = _distinct_per_component(comp_of_pair, r, n_comp)
    big_m = (np.minimum(n_off_c, n_req_c) * dmax + 1.0)[comp_of_pair]
    order = np.argsort(comp_of_pair, kind="stable")
    starts = np.r_[0, np.cumsum(comp_size)]
    has_lot = np.bincount(comp_of_pair, weights=(lot > 0).astype(np.float64), minlength=n_comp) > 0
    exact = has_lot & (comp_size <= exact_lots_max_pairs)
    n_threads = (os.cpu_count() or 1) if workers < 1 else workers
    x = np.zeros(m)
    t1 = time.perf_counter()
    t_build = t1 - t0
    mip_jobs = [order[starts[c] : starts[c + 1]] for c in np.flatnonzero(exact)]

    def run_mip(rows: NDArray[np.int64]) -> NDArray[np.float64] | None:
        return _solve_mip(
            o[rows],
            r[rows],
            d[rows],
            ub[rows],
            lot[rows],
            off.quantity,
            req.quantity,
            time_limit,
            slv,
        )

    mip_results = _parallel(run_mip, mip_jobs, n_threads)
    fallback = [rows for rows, xb in zip(mip_jobs, mip_results, strict=True) if xb is None]
    solved_exactly = np.zeros(m, dtype=bool)
    for rows, xb in zip(mip_jobs, mip_results, strict=True):
        if xb is not None:
            x[rows] = np.where(xb > _ZERO, xb, 0.0)
            solved_exactly[rows] = True
    t_mip = time.perf_counter() - t1
    # Pack the other components into LP models of up to _BATCH_PAIRS pairs (larger ones alone).
    batches: list[NDArray[np.int64]] = []
    current: list[NDArray[np.int64]] = []
    size = 0
    lp_rows = [
        order[starts[c] : starts[c + 1]]
        for c in np.argsort(-comp_size, kind="stable")
        if not exact[c]
    ] + fallback
    for rows in sorted(lp_rows, key=len, reverse=True):
        if size and size + len(rows) > _BATCH_PAIRS:
            batches.append(np.concatenate(current))
            current, size = [], 0
        current.append(rows)
        size += len(rows)
    if current:
        batches.append(np.concatenate(current))

    blocks = [
        _Block(
            rows,
            o[rows],
            r[rows],
            d[rows],
            ub[rows],
            big_m[rows],
            off.quantity,
            req.quantity,
            time_limit,
            slv,
        )
        for rows in batches
    ]
    t1 = time.perf_counter()
    todo = blocks
    rounds, removed = 0, 0
    upper: dict[str, float] = {}
    while todo:
        rounds += 1
        results = _parallel(_Block.solve, todo, n_threads)
        for blk, xb in zip(todo, results, strict=True):
            x[blk.rows] = np.where(xb > _ZERO, xb, 0.0)
        if rounds == 1:
            upper = {
                u: float(x[off.unit[o] == i].sum())
                for i, u in enumerate(UNITS)
                if (off.unit[o] == i).any()
            }
        short = (x > 0) & (x < lot * (1.0 - 1e-9)) & ~solved_exactly
        if not short.any():
            break
        removed += int(short.sum())
        x[short] = 0.0
        todo = [b for b in blocks if b.forbid(short[b.rows])]
    t_solve = time.perf_counter() - t1
    x = _polish(x, o, r, off, req, lot)
    pos = np.flatnonzero(x > 0)
    details: dict[str, Any] = {
        "pairs": m,
        "components": n_comp,
        "largest_component": int(comp_size.max()) if n_comp else 0,
        "models": len(blocks),
        "exact_lot_components": len(mip_jobs) - len(fallback),
        "rounds": rounds,
        "pairs_removed_for_lots": removed,
        "seconds_build": round(t_build, 3),
        "seconds_mip": round(t_mip, 3),
        "seconds_solve": round(t_solve, 3),
    }
    if removed:
        details["matched_upper_bound"] = upper
    alloc = _build(
        off,
        req,
        o[pos],
        r[pos],
        x[pos],
        d[pos],
        rf,
        "lots_heuristic" if removed or fallback else "optimal",
        details,
    )
    if check:
        t2 = time.perf_counter()
        check_allocation(off, req, alloc)
        alloc.details["seconds_check"] = round(time.perf_counter() - t2, 3)
    logger.info(
        "allocate offers=%d requests=%d pairs=%d components=%d models=%d: %d pairs "
        "allocated, matched %s, status %s, %.2fs",
        len(off),
        len(req),
        m,
        n_comp,
        len(blocks),
        len(alloc),
        alloc.matched,
        alloc.status,
        time.perf_counter() - t0,
    )
    return alloc


def _distinct_per_component(
    comp: NDArray[np.int64], node: NDArray[np.int64], n_comp: int
) -> NDArray[np.float64]:
    key = np.unique(comp * (int(node.max()) + 1 if len(node) else 1) + node)
    return np.bincount(key // (int(node.max()) + 1 if len(node) else 1), minlength=n_comp).astype(
        np.float64
    )


_T = TypeVar("_T")
_R = TypeVar("_R")


def _parallel(fn: Callable[[_T], _R], jobs: Sequence[_T], n_threads: int) -> list[_R]:
    """``[fn(j) for j in jobs]``, on threads (HiGHS releases the GIL while it solves)."""
    if n_threads > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            return list(pool.map(fn, jobs))
    return [fn(j) for j in jobs]


def _incidence(
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


def _solve_mip(
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
    a, rhs = _incidence(o, r, q_off, q_req)
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


class _Block:
    """One HiGHS LP over a set of whole components: ``min Σ (d - M) x`` (module docstring).

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
        a, rhs = _incidence(o, r, q_off, q_req)
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


def _polish(
    x: NDArray[np.float64],
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    off: ListingArrays,
    req: ListingArrays,
    lot: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Remove solver noise: zero tiny values, whole pieces, scale down tolerance overshoots."""
    x = np.where(x > _ZERO, x, 0.0)
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


def _build(
    off: ListingArrays,
    req: ListingArrays,
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    x: NDArray[np.float64],
    d: NDArray[np.float64],
    rf: float,
    status: str,
    details: dict[str, Any],
) -> Allocation:
    order = np.lexsort((r, o))
    o, r, x, d = o[order], r[order], x[order], d[order]
    unit = off.unit[o]
    matched: dict[str, float] = {
        u: float(x[unit == i].sum()) for i, u in enumerate(UNITS) if (unit == i).any()
    }
    transport: dict[str, float] = {
        u: float((x * d)[unit == i].sum()) for i, u in enumerate(UNITS) if (unit == i).any()
    }
    return Allocation(
        offer=o,
        request=r,
        quantity=x,
        distance_km=d,
        offer_allocated=np.bincount(o, weights=x, minlength=len(off)).astype(np.float64),
        request_allocated=np.bincount(r, weights=x, minlength=len(req)).astype(np.float64),
        matched=matched,
        transport=transport,
        status=status,
        road_factor=rf,
        details=details,
    )


def check_allocation(
    offers: ListingArrays, requests: ListingArrays, allocation: Allocation, *, rtol: float = 1e-9
) -> None:
    """Verify an allocation without trusting the solver; SolverError listing every violation.

    Checks: positions exist; quantities finite and > 0; every pair passes every candidate test
    (:func:`~circulair.core.exchange.matching.pair_checks`, with a freshly computed haversine
    distance); no offer or request receives more than its quantity (relative tolerance
    ``rtol``); every amount is at least the pair's minimum lot; pieces are whole numbers; the
    per-listing and per-unit totals and the transport objective match a recomputation.
    """
    a = allocation
    o, r, x = a.offer, a.request, a.quantity
    v: list[str] = []
    if ((o < 0) | (o >= len(offers)) | (r < 0) | (r >= len(requests))).any():
        raise SolverError("allocation refers to listings that do not exist")
    if not (np.isfinite(x).all() and (x > 0).all()):
        v.append(
            f"{int(np.count_nonzero(~(np.isfinite(x) & (x > 0))))} pair quantities are "
            "not finite positive numbers"
        )
    checks = pair_checks(offers, requests, o, r, road_factor=a.road_factor)
    for name in CRITERIA:
        for p in np.flatnonzero(~checks[name]):
            v.append(f"pair {offers.id[o[p]]} -> {requests.id[r[p]]} fails '{name}'")
    for kind, idx, lst in (("offer", o, offers), ("request", r, requests)):
        total = np.bincount(idx, weights=x, minlength=len(lst))
        over = np.flatnonzero(total > lst.quantity * (1.0 + rtol))
        v.extend(
            f"{kind} {lst.id[i]} allocated {total[i]!r} > quantity {lst.quantity[i]!r}"
            for i in over
        )
        given = a.offer_allocated if kind == "offer" else a.request_allocated
        if not np.allclose(given, total, rtol=rtol, atol=1e-9):
            v.append(f"reported {kind} totals differ from the recomputed ones")
    lot = np.maximum(offers.min_quantity[o], requests.min_quantity[r])
    for p in np.flatnonzero(x < lot * (1.0 - 1e-6)):
        v.append(
            f"pair {offers.id[o[p]]} -> {requests.id[r[p]]}: {x[p]!r} below the minimum "
            f"lot {lot[p]!r}"
        )
    pieces = offers.unit[o] == UNITS.index("pieces")
    if (x[pieces] != np.round(x[pieces])).any():
        v.append("an allocation in pieces is not a whole number")
    d = pair_distance_km(offers, requests, o, r, a.road_factor)
    unit = offers.unit[o]
    for i, u in enumerate(UNITS):
        sel = unit == i
        if not sel.any():
            continue
        for label, value, reported in (
            ("matched", x[sel].sum(), a.matched.get(u)),
            ("transport", (x * d)[sel].sum(), a.transport.get(u)),
        ):
            if reported is None or not math.isclose(value, reported, rel_tol=1e-9, abs_tol=1e-9):
                v.append(f"{label} {u} reported {reported!r}, recomputed {value!r}")
    if v:
        raise SolverError(
            f"allocation failed the independent check ({len(v)} violations):\n{bullets(v)}"
        )
