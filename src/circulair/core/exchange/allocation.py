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
passes :func:`~circulair.core.exchange.pairs.pair_checks` (recomputed haversine distance
within the radius), no listing exceeds its quantity, minimum lots and whole pieces hold, and the
reported totals are recomputed - and raises SolverError otherwise.

Where the parts live: input checks in :mod:`~circulair.core.exchange.inputs`, the components and
their packing into models in :mod:`~circulair.core.exchange.components`, the solves and the
clean-up in :mod:`~circulair.core.exchange.solve`, the result in
:mod:`~circulair.core.exchange.allocation_result` and the independent check in
:mod:`~circulair.core.exchange.allocation_check`; this module runs them and re-exports the names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from circulair.core.exchange.allocation_check import check_allocation
from circulair.core.exchange.allocation_result import Allocation, build_allocation
from circulair.core.exchange.components import pack, split_components
from circulair.core.exchange.inputs import (
    as_arrays,
    check_candidate_pairs,
    check_road_factor,
    pair_positions,
)
from circulair.core.exchange.listing import Listing
from circulair.core.exchange.listing_arrays import ListingArrays
from circulair.core.exchange.match_table import MatchTable
from circulair.core.exchange.pairs import pair_distance_km
from circulair.core.exchange.solve import LpBlock, polish, repair_lots, solve_exact
from circulair.core.exchange.threads import thread_count
from circulair.core.optim import Solver, default_solver

__all__ = ["Allocation", "allocate", "check_allocation"]

logger = logging.getLogger(__name__)


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
    rf = check_road_factor(road_factor)
    o, r = pair_positions(pairs, len(off), len(req))
    check_candidate_pairs(off, req, o, r, rf)
    d = pair_distance_km(off, req, o, r, rf)
    m = len(o)
    ub = np.minimum(off.quantity[o], req.quantity[r])
    lot = np.maximum(off.min_quantity[o], req.min_quantity[r])
    comps = split_components(len(off), len(req), o, r, d, lot, exact_lots_max_pairs)
    n_threads = thread_count(workers)
    t1 = time.perf_counter()
    t_build = t1 - t0
    mip_jobs = comps.exact_rows()
    x, solved_exactly, fallback = solve_exact(
        mip_jobs, o, r, d, ub, lot, off.quantity, req.quantity, time_limit, slv, n_threads
    )
    t_mip = time.perf_counter() - t1
    # Pack the other components into LP models of up to BATCH_PAIRS pairs (larger ones alone).
    blocks = [
        LpBlock(
            rows,
            o[rows],
            r[rows],
            d[rows],
            ub[rows],
            comps.big_m[rows],
            off.quantity,
            req.quantity,
            time_limit,
            slv,
        )
        for rows in pack(comps.lp_rows() + fallback)
    ]
    t1 = time.perf_counter()
    rounds, removed, upper = repair_lots(blocks, x, lot, solved_exactly, off.unit[o], n_threads)
    t_solve = time.perf_counter() - t1
    x = polish(x, o, r, off, req, lot)
    pos = np.flatnonzero(x > 0)
    details: dict[str, Any] = {
        "pairs": m,
        "components": comps.count,
        "largest_component": int(comps.size.max()) if comps.count else 0,
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
    alloc = build_allocation(
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
        comps.count,
        len(blocks),
        len(alloc),
        alloc.matched,
        alloc.status,
        time.perf_counter() - t0,
    )
    return alloc
