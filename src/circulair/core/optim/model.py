"""Solver-neutral description of a linear or mixed-integer model and of its solution.

A model is given in the column-wise sparse form every LP/MIP solver accepts:

.. math::

    \\min / \\max \\; c^\\top x \\quad \\text{s.t.} \\quad
    r^{lo} \\le A x \\le r^{hi}, \\qquad l \\le x \\le u,

with ``integrality[j]`` = 0 (continuous), 1 (integer) or 2 (semi-continuous: ``x_j = 0`` or
``l_j <= x_j <= u_j``). Infinite bounds are written as ``numpy.inf``. The engines (siting,
exchange allocation) build a :class:`LinearModel` from NumPy/SciPy arrays and hand it to a
:class:`Solver` (HiGHS by default, :class:`~circulair.core.optim.highs.HighsSolver`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = ["LinearModel", "LoadedModel", "Solution", "Solver"]

CONTINUOUS, INTEGER, SEMI_CONTINUOUS = 0, 1, 2


@dataclass(frozen=True, eq=False)
class LinearModel:
    """A sparse LP/MIP: objective, constraint matrix, row and column bounds, integrality.

    Attributes
    ----------
    c : ndarray, shape (n_cols,)
        Objective coefficients.
    a : scipy.sparse matrix, shape (n_rows, n_cols)
        Constraint matrix (converted to CSC with sorted indices by the solver).
    row_lo, row_hi : ndarray, shape (n_rows,)
        Row bounds (``-inf`` / ``inf`` for one-sided rows).
    col_lo, col_hi : ndarray, shape (n_cols,)
        Column bounds.
    integrality : ndarray of int, shape (n_cols,)
        0 continuous, 1 integer, 2 semi-continuous.
    maximize : bool
        Sense of the objective.
    """

    c: NDArray[np.float64]
    a: sp.spmatrix
    row_lo: NDArray[np.float64]
    row_hi: NDArray[np.float64]
    col_lo: NDArray[np.float64]
    col_hi: NDArray[np.float64]
    integrality: NDArray[Any]
    maximize: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return int(self.a.shape[0]), int(self.a.shape[1])

    @property
    def is_mip(self) -> bool:
        """Whether any column is integer or semi-continuous."""
        return bool(np.any(self.integrality))


@dataclass(frozen=True, eq=False)
class Solution:
    """What a solver returned.

    Attributes
    ----------
    status : str
        ``"optimal"``, ``"time_limit"``, ``"infeasible"`` or ``"error:<solver status>"``.
    x : ndarray or None
        Column values when the solver holds a feasible primal solution.
    objective : float
        Objective of ``x`` (NaN without a solution).
    dual_bound : float
        Proven bound on the optimum (the MIP dual bound; for an LP solved to optimality the
        objective; ``-inf`` for an LP stopped early; NaN when infeasible or failed).
    seconds : float
        Wall time of the solve.
    status_text : str
        The solver's own wording of its status, for messages.
    """

    status: str
    x: NDArray[np.float64] | None
    objective: float
    dual_bound: float
    seconds: float
    status_text: str = ""


class LoadedModel(Protocol):
    """A model held by a solver, to be solved again after changing column bounds."""

    def solve(self) -> Solution:
        """Solve (again, from the previous basis where the solver keeps one)."""
        ...

    def set_col_bounds(
        self, cols: NDArray[np.int64], lo: NDArray[np.float64], hi: NDArray[np.float64]
    ) -> None:
        """Change the bounds of some columns."""
        ...


class Solver(Protocol):
    """An LP/MIP solver the engines can use (:class:`~circulair.core.optim.highs.HighsSolver`)."""

    name: str

    def load(
        self,
        model: LinearModel,
        *,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        start: NDArray[np.float64] | None = None,
        options: dict[str, Any] | None = None,
    ) -> LoadedModel:
        """Pass ``model`` to the solver without solving it."""
        ...

    def solve(
        self,
        model: LinearModel,
        *,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        start: NDArray[np.float64] | None = None,
        options: dict[str, Any] | None = None,
    ) -> Solution:
        """Load and solve ``model`` once."""
        ...
