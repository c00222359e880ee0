"""The one HiGHS wrapper: statuses, bounds, warm re-solves, solver as a parameter."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from circulair.core.atlas.siting import p_median
from circulair.core.optim import HighsSolver, LinearModel, Solution, default_solver


def _knapsack() -> LinearModel:
    # max 5a + 4b + 3c  s.t.  2a + 3b + c <= 5, binary: optimum 9 at a = b = 1 (8 without b)
    a = sp.csc_matrix(np.array([[2.0, 3.0, 1.0]]))
    return LinearModel(
        np.array([5.0, 4.0, 3.0]),
        a,
        np.array([-np.inf]),
        np.array([5.0]),
        np.zeros(3),
        np.ones(3),
        np.ones(3, dtype=np.int32),
        maximize=True,
    )


def test_mip_optimal_with_bound() -> None:
    sol = HighsSolver().solve(_knapsack(), mip_gap=0.0)
    assert sol.status == "optimal"
    assert sol.x is not None and np.allclose(sol.x, [1, 1, 0])
    assert sol.objective == 9.0 and math.isclose(sol.dual_bound, 9.0)


def test_infeasible_lp() -> None:
    a = sp.csc_matrix(np.array([[1.0]]))
    model = LinearModel(
        np.ones(1),
        a,
        np.array([2.0]),
        np.array([np.inf]),
        np.zeros(1),
        np.ones(1),
        np.zeros(1, dtype=np.int32),
    )
    sol = HighsSolver().solve(model)
    assert sol.status == "infeasible" and sol.x is None and math.isnan(sol.dual_bound)


def test_loaded_model_resolves_after_bound_change() -> None:
    loaded = HighsSolver().load(_knapsack(), mip_gap=0.0)
    assert loaded.solve().objective == 9.0
    loaded.set_col_bounds(np.array([1]), np.zeros(1), np.zeros(1))  # forbid b
    assert loaded.solve().objective == 8.0


class _Counting:
    """A solver wrapping HiGHS that counts the models it is given."""

    name = "counting"

    def __init__(self) -> None:
        self.inner = HighsSolver()
        self.calls = 0

    def load(self, model, **kw):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.inner.load(model, **kw)

    def solve(self, model, **kw) -> Solution:  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.inner.solve(model, **kw)


def test_solver_is_a_parameter_of_the_models() -> None:
    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 12.0, 30.0, 31.0])
    d = np.abs(x[:, None] - x[None, :])
    counting = _Counting()
    default = p_median(d, np.ones(8), 3)
    r = p_median(d, np.ones(8), 3, solver=counting)
    assert r.objective == default.objective
    assert default_solver(counting) is counting
    assert isinstance(default_solver(None), HighsSolver)
