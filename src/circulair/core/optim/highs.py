"""HiGHS (``highspy``) behind the :class:`~circulair.core.optim.model.Solver` interface.

The only module of ``circulair.core`` that talks to HiGHS. A :class:`LinearModel` is passed in one
``passModel`` call (column-wise sparse arrays, no per-variable Python loop); the status, the
primal solution and the dual bound come back as a :class:`Solution`.
"""

from __future__ import annotations

import math
import time
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from circulair.core.errors import SolverError
from circulair.core.optim.model import LinearModel, Solution

__all__ = ["HighsSolver"]

# The plain core class: ``highspy.Highs`` adds Python callbacks and prints a banner on creation.
_HighsCls = getattr(getattr(highspy, "_core", None), "_Highs", highspy.Highs)


def _f64(v: NDArray[Any], inf_to: float | None = None) -> NDArray[np.float64]:
    arr = np.asarray(v, dtype=np.float64)
    if inf_to is not None:
        inf = highspy.kHighsInf
        arr = np.where(np.isposinf(arr), inf, np.where(np.isneginf(arr), -inf, arr))
    return np.ascontiguousarray(arr, dtype=np.float64)


class _HighsModel:
    """A model loaded into one HiGHS instance (kept for re-solves after bound changes)."""

    def __init__(
        self, model: LinearModel, options: dict[str, Any], start: NDArray[np.float64] | None
    ) -> None:
        a = sp.csc_matrix(model.a)
        a.sort_indices()
        h = _HighsCls()
        h.setOptionValue("output_flag", False)
        for key, value in options.items():
            h.setOptionValue(key, value)
        n_row, n_col = int(a.shape[0]), int(a.shape[1])
        status = h.passModel(
            n_col,
            n_row,
            int(a.nnz),
            1,
            -1 if model.maximize else 1,
            0.0,
            _f64(model.c),
            _f64(model.col_lo, 1.0),
            _f64(model.col_hi, 1.0),
            _f64(model.row_lo, 1.0),
            _f64(model.row_hi, 1.0),
            a.indptr.astype(np.int32),
            a.indices.astype(np.int32),
            a.data.astype(np.float64),
            np.asarray(model.integrality, dtype=np.int32),
        )
        if status == highspy.HighsStatus.kError:
            raise SolverError("HiGHS rejected the model (passModel returned an error)")
        if start is not None:
            h.setSolution(
                n_col,
                np.arange(n_col, dtype=np.int32),
                np.ascontiguousarray(start, dtype=np.float64),
            )
        self._h = h
        self._is_mip = model.is_mip

    def solve(self) -> Solution:
        t0 = time.perf_counter()
        h = self._h
        h.run()
        ms = h.getModelStatus()
        info = h.getInfo()
        has_sol = info.primal_solution_status == 2
        x = np.asarray(h.getSolution().col_value, dtype=np.float64) if has_sol else None
        obj = float(info.objective_function_value) if has_sol else math.nan
        text = h.modelStatusToString(ms)
        if ms == highspy.HighsModelStatus.kOptimal:
            st = "optimal"
            bound = float(info.mip_dual_bound) if self._is_mip else obj
        elif ms == highspy.HighsModelStatus.kInfeasible:
            st, bound = "infeasible", math.nan
        elif ms == highspy.HighsModelStatus.kTimeLimit:
            st = "time_limit"
            bound = float(info.mip_dual_bound) if self._is_mip else -math.inf
        else:
            st, bound = f"error:{text}", math.nan
        return Solution(st, x, obj, bound, time.perf_counter() - t0, text)

    def set_col_bounds(
        self, cols: NDArray[np.int64], lo: NDArray[np.float64], hi: NDArray[np.float64]
    ) -> None:
        c = np.asarray(cols, dtype=np.int32)
        self._h.changeColsBounds(len(c), c, _f64(lo), _f64(hi))


class HighsSolver:
    """The default solver: HiGHS through ``highspy``, silent, one instance per model.

    Parameters
    ----------
    options : dict, optional
        HiGHS options applied to every model (e.g. ``{"threads": 1}``).
    """

    name = "highs"

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options = dict(options or {})

    def load(
        self,
        model: LinearModel,
        *,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        start: NDArray[np.float64] | None = None,
        options: dict[str, Any] | None = None,
    ) -> _HighsModel:
        """Pass ``model`` to a fresh HiGHS instance; ``None`` leaves an option at its default."""
        opts = dict(self.options)
        if mip_gap is not None:
            opts["mip_rel_gap"] = float(mip_gap)
        if time_limit is not None:
            opts["time_limit"] = max(float(time_limit), 0.01)
        opts.update(options or {})
        return _HighsModel(model, opts, start)

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
        return self.load(
            model, time_limit=time_limit, mip_gap=mip_gap, start=start, options=options
        ).solve()
