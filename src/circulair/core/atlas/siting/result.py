"""The answer of every siting model and the status/gap conventions they share.

``gap = (upper_bound - lower_bound) / max(|upper_bound|, 1e-12)``; status ``"optimal"`` when
``gap <= 1e-9``, ``"within_gap"`` when ``gap <= mip_gap``, else ``"time_limit"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["OPT_TOL", "SitingResult", "nearest", "rel_gap", "status_of"]

OPT_TOL = 1e-9  # relative gap below which an answer is reported as proven optimal


@dataclass(frozen=True)
class SitingResult:
    """Answer of a siting model.

    Attributes
    ----------
    model : str
        Model name (``"p_median"``, ``"set_cover"``, ``"max_cover"``, ``"capacitated"``).
    open_sites : numpy.ndarray
        Sorted indices (columns of ``dist``) of the open sites.
    assignment : numpy.ndarray
        For each demand point the index of its site (shape ``(n,)``), or for multiple sourcing the
        ``(n, m)`` flow matrix in t/yr.
    objective : float
        Objective value of the returned solution, recomputed by the independent check.
    lower_bound, upper_bound : float
        Proven bounds on the optimal objective. For minimisation ``upper_bound == objective``; for
        maximisation (max cover) ``lower_bound == objective``.
    gap : float
        Relative optimality gap ``(upper_bound - lower_bound) / max(|upper_bound|, tiny)``.
    status : str
        ``"optimal"`` (gap below 1e-9), ``"within_gap"`` (gap below the requested ``mip_gap``) or
        ``"time_limit"`` (stopped by the time limit with a feasible answer).
    solve_seconds : float
        Wall time of the whole call.
    sense : str
        ``"min"`` or ``"max"``.
    covered : numpy.ndarray or None
        For coverage models, whether each demand point lies within the radius of an open site.
    details : dict
        Model-specific diagnostics (sizes, iterations, pruning rounds, ...).
    """

    model: str
    open_sites: np.ndarray
    assignment: np.ndarray
    objective: float
    lower_bound: float
    upper_bound: float
    gap: float
    status: str
    solve_seconds: float
    sense: str = "min"
    covered: np.ndarray | None = None
    details: dict[str, Any] = field(default_factory=dict)


def rel_gap(ub: float, lb: float) -> float:
    """Relative gap between an upper and a lower bound (0 when equal)."""
    if ub == lb:
        return 0.0
    return max(0.0, (ub - lb) / max(abs(ub), 1e-12))


def status_of(gap: float, mip_gap: float) -> str:
    """Status word of a relative gap (module docstring)."""
    if gap <= OPT_TOL:
        return "optimal"
    if gap <= mip_gap:
        return "within_gap"
    return "time_limit"


def nearest(d: np.ndarray, sites: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest site among ``sites`` for every row: (site index, distance)."""
    sub = d[:, sites]
    pos = np.argmin(sub, axis=1)
    return sites[pos], sub[np.arange(d.shape[0]), pos]
