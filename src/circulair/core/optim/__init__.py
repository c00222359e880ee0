"""The one LP/MIP layer of the engines: a model description and a solver (HiGHS by default).

Siting (:mod:`circulair.core.atlas.siting`) and the exchange allocation
(:mod:`circulair.core.exchange.allocation`) build a :class:`LinearModel` and call
``solver.solve(model, ...)``; every function that solves takes ``solver`` as a parameter, with
:func:`default_solver` (HiGHS) when it is ``None``.
"""

from __future__ import annotations

from circulair.core.optim.highs import HighsSolver
from circulair.core.optim.model import LinearModel, LoadedModel, Solution, Solver

__all__ = ["HighsSolver", "LinearModel", "LoadedModel", "Solution", "Solver", "default_solver"]


def default_solver(solver: Solver | None = None) -> Solver:
    """``solver``, or a HiGHS solver when it is ``None``."""
    return solver if solver is not None else HighsSolver()
