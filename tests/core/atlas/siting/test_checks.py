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


def test_check_rejects_tampered_results(line: np.ndarray, ones: np.ndarray) -> None:
    r = p_median(line, ones, 2)
    bad = SitingResult(**{**r.__dict__, "objective": 3.0})
    with pytest.raises(SolverError, match=r"reported objective 3\.0 != recomputed 4\.0"):
        checks.check_p_median(bad, line, ones, 2)
    bad = SitingResult(**{**r.__dict__, "assignment": np.array([0, 1, 1, 4, 4, 4])})
    with pytest.raises(SolverError, match="assigned to a closed site"):
        checks.check_p_median(bad, line, ones, 2)
    with pytest.raises(SolverError, match=r"fixed sites not open: \[0\]"):
        checks.check_p_median(r, line, ones, 2, fixed_open=[0])
    with pytest.raises(SolverError, match=r"2 sites open, expected p = 3"):
        checks.check_p_median(r, line, ones, 3)
    s = set_cover(line, 1.0)
    with pytest.raises(SolverError, match=r"> radius 0\.5 km"):
        checks.check_set_cover(s, line, 0.5)
    c = capacitated_facility_location(np.array([[0.0, 10.0]]), [200], [150, 100], [0, 0], 1.0)
    with pytest.raises(SolverError, match=r"loaded 150 t/yr > capacity 100 t/yr"):
        checks.check_capacitated(c, np.array([[0.0, 10.0]]), [200], [100, 100], [0, 0], 1.0)


def test_solver_error_when_check_fails(
    line: np.ndarray, ones: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args, **kwargs):
        raise SolverError("p_median: the solution failed the independent check")

    monkeypatch.setattr(checks, "check_p_median", broken)
    with pytest.raises(SolverError):
        p_median(line, ones, 2)
