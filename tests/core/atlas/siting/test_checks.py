"""The independent check of siting answers rejects tampered results."""

from __future__ import annotations

import numpy as np
import pytest

from circulair.core.atlas.siting import (
    SitingResult,
    capacitated_facility_location,
    checks,
    p_median,
    set_cover,
)
from circulair.core.errors import SolverError

# points on a line: demand and candidates at x = 0, 1, 2, 10, 11, 12
X = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 12.0])
LINE = np.abs(X[:, None] - X[None, :])
ONES = np.ones(6)


def _instance(rng: np.random.Generator, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    a = rng.random((n, 2)) * 10
    b = rng.random((m, 2)) * 10
    d = np.round(np.linalg.norm(a[:, None] - b[None], axis=2), 3)
    w = rng.integers(0, 6, n).astype(float)
    return d, w


def test_check_rejects_tampered_results() -> None:
    r = p_median(LINE, ONES, 2)
    bad = SitingResult(**{**r.__dict__, "objective": 3.0})
    with pytest.raises(SolverError, match=r"reported objective 3\.0 != recomputed 4\.0"):
        checks.check_p_median(bad, LINE, ONES, 2)
    bad = SitingResult(**{**r.__dict__, "assignment": np.array([0, 1, 1, 4, 4, 4])})
    with pytest.raises(SolverError, match="assigned to a closed site"):
        checks.check_p_median(bad, LINE, ONES, 2)
    with pytest.raises(SolverError, match=r"fixed sites not open: \[0\]"):
        checks.check_p_median(r, LINE, ONES, 2, fixed_open=[0])
    with pytest.raises(SolverError, match=r"2 sites open, expected p = 3"):
        checks.check_p_median(r, LINE, ONES, 3)
    s = set_cover(LINE, 1.0)
    with pytest.raises(SolverError, match=r"> radius 0\.5 km"):
        checks.check_set_cover(s, LINE, 0.5)
    c = capacitated_facility_location(np.array([[0.0, 10.0]]), [200], [150, 100], [0, 0], 1.0)
    with pytest.raises(SolverError, match=r"loaded 150 t/yr > capacity 100 t/yr"):
        checks.check_capacitated(c, np.array([[0.0, 10.0]]), [200], [100, 100], [0, 0], 1.0)


def test_solver_error_when_check_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise SolverError("p_median: the solution failed the independent check")

    monkeypatch.setattr(checks, "check_p_median", broken)
    with pytest.raises(SolverError):
        p_median(LINE, ONES, 2)
