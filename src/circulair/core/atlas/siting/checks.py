"""Independent feasibility and objective checks for siting results.

Every siting model calls the matching ``check_*`` function on its answer before returning it. The
checks deliberately share no code with the models: they re-read the raw inputs, recompute the
objective from the returned open sites and assignment, and verify every constraint of the model.
A failed check raises :class:`~circulair.core.errors.SolverError` listing every violation found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike

from circulair.core.errors import MAX_LISTED, SolverError, bullets

__all__ = [
    "check_capacitated",
    "check_max_cover",
    "check_p_median",
    "check_set_cover",
]


class _Result(Protocol):
    @property
    def model(self) -> str: ...
    @property
    def open_sites(self) -> np.ndarray: ...
    @property
    def assignment(self) -> np.ndarray: ...
    @property
    def objective(self) -> float: ...


def _allowed_set(allowed: ArrayLike | None, m: int) -> set[int]:
    if allowed is None:
        return set(range(m))
    arr = np.asarray(allowed)
    if arr.dtype == bool:
        return {int(j) for j in np.flatnonzero(arr)}
    return {int(j) for j in arr.ravel()}


def _close(a: float, b: float, rtol: float) -> bool:
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))


def _raise(model: str, failures: list[str]) -> None:
    if failures:
        raise SolverError(
            f"{model}: the solution failed the independent check:\n" + bullets(failures)
        )


def _check_open_sites(
    open_sites: np.ndarray,
    m: int,
    allowed: ArrayLike | None,
    fixed_open: Sequence[int] | np.ndarray,
    failures: list[str],
) -> set[int]:
    sites = [int(j) for j in np.asarray(open_sites).ravel()]
    opened = set(sites)
    if len(opened) != len(sites):
        failures.append(f"open sites contain duplicates: {sites}")
    out_of_range = [j for j in sites if not 0 <= j < m]
    if out_of_range:
        failures.append(f"open sites out of range 0..{m - 1}: {out_of_range}")
    allowed_set = _allowed_set(allowed, m)
    not_allowed = sorted(opened - allowed_set)
    if not_allowed:
        failures.append(f"open sites not among the allowed candidates: {not_allowed}")
    missing_fixed = sorted({int(j) for j in fixed_open} - opened)
    if missing_fixed:
        failures.append(f"fixed sites not open: {missing_fixed}")
    return opened


def check_p_median(
    result: _Result,
    dist: ArrayLike,
    weights: ArrayLike,
    p: int,
    *,
    fixed_open: Sequence[int] | np.ndarray = (),
    allowed: ArrayLike | None = None,
    rtol: float = 1e-9,
) -> float:
    """Verify a p-median answer and return the recomputed objective.

    Checks: exactly ``p`` distinct open sites, all allowed, every fixed site open; every demand
    point assigned to an open site that is (one of) its nearest open sites; the reported objective
    equals ``sum_i w_i * dist[i, assignment[i]]``.

    Raises
    ------
    SolverError
        When any check fails; the message lists every violation.
    """
    d = np.asarray(dist, dtype=float)
    w = np.asarray(weights, dtype=float)
    n, m = d.shape
    failures: list[str] = []
    opened = _check_open_sites(result.open_sites, m, allowed, fixed_open, failures)
    if len(opened) != p:
        failures.append(f"{len(opened)} sites open, expected p = {p}")
    a = np.asarray(result.assignment)
    if a.shape != (n,):
        failures.append(f"assignment has shape {a.shape}, expected ({n},)")
        _raise(result.model, failures)
    a = a.astype(int)
    bad = [i for i in range(n) if int(a[i]) not in opened]
    if bad:
        failures.append(f"demand points assigned to a closed site: {bad[:MAX_LISTED]}")
        _raise(result.model, failures)
    open_list = sorted(opened)
    nearest = d[:, open_list].min(axis=1)
    assigned = d[np.arange(n), a]
    worse = np.flatnonzero(assigned > nearest + rtol * np.maximum(1.0, nearest))
    if worse.size:
        failures.append(
            f"demand points not assigned to their nearest open site: {worse[:MAX_LISTED].tolist()}"
        )
    recomputed = float(np.dot(w, assigned))
    if not _close(recomputed, float(result.objective), rtol):
        failures.append(f"reported objective {result.objective!r} != recomputed {recomputed!r}")
    _raise(result.model, failures)
    return recomputed


def check_set_cover(
    result: _Result,
    dist: ArrayLike,
    radius_km: float,
    *,
    weights: ArrayLike | None = None,
    fixed_open: Sequence[int] | np.ndarray = (),
    allowed: ArrayLike | None = None,
    rtol: float = 1e-9,
) -> float:
    """Verify a set-cover answer and return the recomputed objective (number of open sites).

    Checks: open sites distinct, allowed, fixed sites open; every demand point with positive weight
    (all points when ``weights`` is None) assigned to an open site within ``radius_km``.
    """
    d = np.asarray(dist, dtype=float)
    n, m = d.shape
    failures: list[str] = []
    opened = _check_open_sites(result.open_sites, m, allowed, fixed_open, failures)
    must = np.ones(n, dtype=bool) if weights is None else np.asarray(weights, dtype=float) > 0
    a = np.asarray(result.assignment).astype(int)
    if a.shape != (n,):
        failures.append(f"assignment has shape {a.shape}, expected ({n},)")
        _raise(result.model, failures)
    for i in np.flatnonzero(must):
        j = int(a[i])
        if j not in opened:
            failures.append(f"demand point {i} assigned to closed site {j}")
        elif not d[i, j] <= radius_km * (1 + rtol):
            failures.append(
                f"demand point {i} assigned to site {j} at {d[i, j]:.6g} km > radius {radius_km} km"
            )
    recomputed = float(len(opened))
    if not _close(recomputed, float(result.objective), rtol):
        failures.append(f"reported objective {result.objective!r} != open sites {recomputed:g}")
    _raise(result.model, failures)
    return recomputed


def check_max_cover(
    result: _Result,
    dist: ArrayLike,
    weights: ArrayLike,
    p: int,
    radius_km: float,
    *,
    fixed_open: Sequence[int] | np.ndarray = (),
    allowed: ArrayLike | None = None,
    rtol: float = 1e-9,
) -> float:
    """Verify a maximal-covering answer and return the recomputed covered weight.

    Checks: exactly ``p`` distinct allowed open sites including the fixed ones; every demand point
    assigned to an open site; the reported objective equals the total weight of the demand points
    whose nearest open site lies within ``radius_km``.
    """
    d = np.asarray(dist, dtype=float)
    w = np.asarray(weights, dtype=float)
    n, m = d.shape
    failures: list[str] = []
    opened = _check_open_sites(result.open_sites, m, allowed, fixed_open, failures)
    if len(opened) != p:
        failures.append(f"{len(opened)} sites open, expected p = {p}")
    a = np.asarray(result.assignment).astype(int)
    if a.shape != (n,):
        failures.append(f"assignment has shape {a.shape}, expected ({n},)")
        _raise(result.model, failures)
    bad = [i for i in range(n) if int(a[i]) not in opened]
    if bad:
        failures.append(f"demand points assigned to a closed site: {bad[:MAX_LISTED]}")
        _raise(result.model, failures)
    covered = d[:, sorted(opened)].min(axis=1) <= radius_km
    recomputed = float(w[covered].sum())
    if not _close(recomputed, float(result.objective), rtol):
        failures.append(f"reported objective {result.objective!r} != covered weight {recomputed!r}")
    _raise(result.model, failures)
    return recomputed


def check_capacitated(
    result: _Result,
    dist: ArrayLike,
    demand: ArrayLike,
    capacity: ArrayLike,
    fixed_cost: ArrayLike,
    cost_per_t_km: Any,
    *,
    single_sourcing: bool = False,
    fixed_open: Sequence[int] | np.ndarray = (),
    allowed: ArrayLike | None = None,
    max_open: int | None = None,
    rtol: float = 1e-7,
) -> float:
    """Verify a capacitated facility-location answer and return the recomputed cost.

    Checks: open sites distinct, allowed, fixed sites open, at most ``max_open``; flows
    non-negative, only to open sites over finite distances; every demand fully served; no site
    over capacity; single sourcing serves each demand point from one site; the reported objective
    equals ``sum_j fixed_cost_j + sum_ij cost_per_t_km_ij * dist_ij * flow_ij`` over open sites.
    """
    d = np.asarray(dist, dtype=float)
    q = np.asarray(demand, dtype=float)
    cap = np.asarray(capacity, dtype=float)
    f = np.asarray(fixed_cost, dtype=float)
    n, m = d.shape
    unit = np.broadcast_to(np.asarray(cost_per_t_km, dtype=float), (n, m))
    failures: list[str] = []
    opened = _check_open_sites(result.open_sites, m, allowed, fixed_open, failures)
    if max_open is not None and len(opened) > max_open:
        failures.append(f"{len(opened)} sites open > max_open = {max_open}")
    a = np.asarray(result.assignment)
    if single_sourcing:
        if a.shape != (n,):
            failures.append(f"assignment has shape {a.shape}, expected ({n},)")
            _raise(result.model, failures)
        flow = np.zeros((n, m))
        flow[np.arange(n), a.astype(int)] = q
    else:
        if a.shape != (n, m):
            failures.append(f"flow matrix has shape {a.shape}, expected ({n}, {m})")
            _raise(result.model, failures)
        flow = a.astype(float)
    scale = max(1.0, float(q.max(initial=0.0)))
    if (flow < -rtol * scale).any():
        failures.append(f"negative flows: minimum {flow.min():.6g} t/yr")
    closed = [j for j in range(m) if j not in opened]
    if closed and (flow[:, closed] > rtol * scale).any():
        failures.append("flow to closed sites")
    if (flow[~np.isfinite(d)] > rtol * scale).any():
        failures.append("flow over an arc with infinite distance")
    served = flow.sum(axis=1)
    short = np.flatnonzero(np.abs(served - q) > rtol * np.maximum(1.0, q))
    for i in short[:MAX_LISTED]:
        failures.append(f"demand point {i} served {served[i]:.6g} t/yr of {q[i]:.6g} t/yr")
    load = flow.sum(axis=0)
    over = np.flatnonzero(load > cap * (1 + rtol) + rtol)
    for j in over[:MAX_LISTED]:
        failures.append(f"site {j} loaded {load[j]:.6g} t/yr > capacity {cap[j]:.6g} t/yr")
    finite = np.where(np.isfinite(d), d, 0.0)
    recomputed = float(f[sorted(opened)].sum() + (unit * finite * flow).sum())
    if not _close(recomputed, float(result.objective), rtol):
        failures.append(f"reported objective {result.objective!r} != recomputed {recomputed!r}")
    _raise(result.model, failures)
    return recomputed
