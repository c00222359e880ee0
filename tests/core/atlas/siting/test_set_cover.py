"""Set covering: hand instances, infeasibility messages, brute force (with max cover)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from circulair.core.atlas.siting import max_cover, set_cover
from circulair.core.errors import InfeasibleError


def test_set_cover_line(line: np.ndarray) -> None:
    r = set_cover(line, 1.0)
    assert r.objective == 2 and r.open_sites.tolist() == [1, 4]
    assert r.covered.all() and r.status == "optimal"
    assert set_cover(line, 0.5).objective == 6
    assert set_cover(line, 20).objective == 1
    r = set_cover(line, 1.0, fixed_open=[0])
    assert r.objective == 3 and 0 in r.open_sites
    # zero-weight points need not be covered
    r = set_cover(line, 1.0, weights=[1, 1, 1, 0, 0, 0])
    assert r.objective == 1 and r.open_sites.tolist() == [1]


def test_set_cover_radius_too_small_names_points(line: np.ndarray) -> None:
    with pytest.raises(InfeasibleError) as exc:
        set_cover(line, 1.0, allowed=[0, 1, 2])
    text = str(exc.value)
    assert "3 demand point(s) have no allowed candidate site within the radius" in text
    assert "demand point 3: nearest allowed candidate at 8 km" in text
    assert "demand point 5: nearest allowed candidate at 10 km" in text
    assert "at least 10 km" in text


@pytest.mark.parametrize("seed", range(15))
def test_set_cover_and_max_cover_brute_force(siting: SimpleNamespace, seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n, m = int(rng.integers(2, 12)), int(rng.integers(2, 8))
    d, w = siting.instance(rng, n, m)
    radius = float(rng.uniform(1.5, 6))
    fixed = [0] if seed % 2 else []
    expect = siting.brute_set_cover(d, radius, fixed)
    if expect is None:
        with pytest.raises(InfeasibleError):
            set_cover(d, radius, fixed_open=fixed)
    else:
        assert set_cover(d, radius, fixed_open=fixed).objective == expect
    p = int(rng.integers(max(1, len(fixed)), m + 1))
    best = siting.brute_max_cover(d, w, p, radius, fixed)
    assert max_cover(d, w, p, radius, fixed_open=fixed).objective == pytest.approx(best)
