"""Maximal covering: hand instances, input errors, property check (with set cover)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.atlas.siting import checks, max_cover, set_cover
from circulair.core.errors import InfeasibleError, InputError


def test_max_cover_line(line: np.ndarray) -> None:
    w = np.array([1, 1, 1, 5, 1, 1.0])
    r = max_cover(line, w, 1, 1.0)
    assert r.objective == 7.0 and r.open_sites.tolist() == [4]
    assert r.covered.tolist() == [False, False, False, True, True, True]
    assert r.sense == "max" and r.upper_bound == pytest.approx(7.0) and r.status == "optimal"
    assert max_cover(line, w, 2, 1.0).objective == 10.0
    assert max_cover(line, w, 1, 1.0, fixed_open=[0]).objective == 2.0
    assert max_cover(line, w, 1, 0.5, allowed=[0]).objective == 1.0


def test_coverage_input_errors(line: np.ndarray) -> None:
    with pytest.raises(InputError, match="radius_km must be a finite non-negative number"):
        set_cover(line, -1)
    with pytest.raises(InputError, match="weights has 2 entries but dist has 6 rows"):
        max_cover(line, [1, 2], 1, 1.0)
    with pytest.raises(InputError, match="no candidate site is allowed"):
        set_cover(line, 1.0, allowed=np.zeros(6, bool))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), radius=st.floats(0.5, 8.0))
def test_property_coverage_passes_check(
    siting: SimpleNamespace, data: st.DataObject, radius: float
) -> None:
    d, w, p, fixed = data.draw(siting.instances())
    r = max_cover(d, w, p, radius, fixed_open=fixed)
    assert r.objective == checks.check_max_cover(r, d, w, p, radius, fixed_open=fixed)
    try:
        s = set_cover(d, radius, weights=w, fixed_open=fixed)
    except InfeasibleError:
        assert ((d > radius).all(axis=1) & (w > 0)).any()
    else:
        assert s.objective == checks.check_set_cover(s, d, radius, weights=w, fixed_open=fixed)
