"""Capacitated facility location: hand instances, messages, brute force, properties."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.atlas.siting import capacitated_facility_location, checks
from circulair.core.errors import InfeasibleError, InputError


def test_cfl_hand_instances() -> None:
    d = np.array([[0.0, 10.0], [10.0, 0.0]])
    q = np.array([100.0, 100.0])
    # capacity forces both sites open
    r = capacitated_facility_location(d, q, [150, 150], [1000, 1000], 1.0)
    assert r.objective == 2000.0 and r.open_sites.tolist() == [0, 1]
    assert r.assignment.shape == (2, 2) and np.allclose(r.assignment, np.diag([100, 100]))
    # large capacity: one site, 1500 fixed + 100 t x 10 km
    r = capacitated_facility_location(d, q, [250, 250], [1500, 1500], 1.0)
    assert r.objective == 2500.0 and r.open_sites.size == 1
    # max_open = 1 with the small capacities is infeasible, with numbers
    with pytest.raises(InfeasibleError) as exc:
        capacitated_facility_location(d, q, [150, 150], [1000, 1000], 1.0, max_open=1)
    assert "largest reachable capacity is 150 t/yr < total demand 200 t/yr" in str(exc.value)


def test_cfl_split_vs_single_sourcing() -> None:
    d = np.array([[0.0, 10.0]])
    r = capacitated_facility_location(d, [200], [150, 100], [0, 0], 1.0)
    assert r.objective == pytest.approx(500.0)
    assert np.allclose(r.assignment, [[150, 50]])
    with pytest.raises(InfeasibleError) as exc:
        capacitated_facility_location(d, [200], [150, 100], [0, 0], 1.0, single_sourcing=True)
    assert "demand point 0: 200 t/yr > largest reachable capacity 150 t/yr" in str(exc.value)


def test_cfl_single_sourcing_bin_packing() -> None:
    # three demands of 60 t, two sites of 100 t: each site can take only one -> infeasible by HiGHS
    d = np.zeros((3, 2))
    with pytest.raises(InfeasibleError, match="no assignment respects the capacities"):
        capacitated_facility_location(
            d, [60, 60, 60], [100, 100], [1, 1], 1.0, single_sourcing=True
        )
    r = capacitated_facility_location(d, [60, 60, 0], [130, 100], [1, 1], 1.0, single_sourcing=True)
    assert r.objective == 1.0 and r.assignment.tolist() == [0, 0, 0]


def test_cfl_total_capacity_message() -> None:
    d = np.ones((2, 3))
    with pytest.raises(InfeasibleError) as exc:
        capacitated_facility_location(d, [500, 500], [300, 300, 300], [1, 1, 1], 1.0)
    assert str(exc.value) == (
        "total capacity of allowed sites 900 t/yr < total demand 1,000 t/yr "
        "(3 allowed sites, 2 demand points)"
    )
    # only the allowed sites count: 600 t/yr of the 900 t/yr
    with pytest.raises(InfeasibleError) as exc:
        capacitated_facility_location(
            d, [400, 400], [300, 300, 300], [1, 1, 1], 1.0, allowed=[0, 1]
        )
    assert str(exc.value) == (
        "total capacity of allowed sites 600 t/yr < total demand 800 t/yr "
        "(2 allowed sites, 2 demand points)"
    )
    # the same allowed sites are enough for 400 t/yr, and only they are opened
    r = capacitated_facility_location(
        d, [200, 200], [300, 300, 300], [1, 1, 1], 1.0, allowed=[0, 1]
    )
    assert set(r.open_sites.tolist()) <= {0, 1} and r.assignment[:, 2].sum() == 0


def test_cfl_unreachable_and_input_errors() -> None:
    d = np.array([[np.inf, np.inf], [1.0, 2.0]])
    with pytest.raises(InfeasibleError, match="no allowed site at a finite distance: 0"):
        capacitated_facility_location(d, [1, 1], [10, 10], [1, 1], 1.0)
    with pytest.raises(InputError) as exc:
        capacitated_facility_location(np.ones((2, 2)), [-5, 1], [10], [1, 1], 1.0)
    text = str(exc.value)
    assert "demand must be non-negative" in text and "-5" in text
    assert "capacity has 1 entries but dist has 2 columns" in text


@pytest.mark.parametrize("seed", range(12))
def test_cfl_brute_force(siting: SimpleNamespace, seed: int) -> None:
    rng = np.random.default_rng(2000 + seed)
    n, m = int(rng.integers(2, 5)), int(rng.integers(2, 4))
    d, _ = siting.instance(rng, n, m)
    q = rng.integers(1, 40, n).astype(float)
    cap = rng.integers(20, 80, m).astype(float)
    f = rng.integers(0, 100, m).astype(float)
    single = bool(seed % 2)
    expect = siting.brute_cfl(d, q, cap, f, 2.0, single)
    if not np.isfinite(expect):
        with pytest.raises(InfeasibleError):
            capacitated_facility_location(d, q, cap, f, 2.0, single_sourcing=single)
        return
    r = capacitated_facility_location(d, q, cap, f, 2.0, single_sourcing=single)
    assert r.objective == pytest.approx(expect, rel=1e-7)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), single=st.booleans())
def test_property_cfl_passes_check(
    siting: SimpleNamespace, data: st.DataObject, single: bool
) -> None:
    d, w, _, fixed = data.draw(siting.instances())
    m = d.shape[1]
    cap = np.full(m, max(1.0, w.sum()))  # always feasible
    f = np.arange(m, dtype=float)
    r = capacitated_facility_location(d, w, cap, f, 1.5, single_sourcing=single, fixed_open=fixed)
    got = checks.check_capacitated(r, d, w, cap, f, 1.5, single_sourcing=single, fixed_open=fixed)
    assert r.objective == pytest.approx(got)
