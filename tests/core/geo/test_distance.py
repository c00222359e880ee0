"""Great-circle distances: hand-checked values and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circulair.core.errors import InputError
from circulair.core.geo import EARTH_RADIUS_KM, distance_matrix_km, haversine_km

BRUSSELS = (50.8467, 4.3525)  # Grand-Place
ANTWERP = (51.2211, 4.3997)  # Grote Markt

lat = st.floats(-90, 90, allow_nan=False)
lon = st.floats(-180, 180, allow_nan=False)


def test_known_values():
    quarter = math.pi / 2 * EARTH_RADIUS_KM  # equator to pole along a meridian
    assert float(haversine_km(0, 0, 90, 0)) == pytest.approx(quarter, rel=1e-12)
    assert float(haversine_km(0, 0, 0, 180)) == pytest.approx(2 * quarter, rel=1e-12)
    assert float(haversine_km(0, 0, 0, 1)) == pytest.approx(2 * quarter / 180, rel=1e-12)
    assert EARTH_RADIUS_KM == 6371.0088
    assert float(haversine_km(*BRUSSELS, *ANTWERP)) == pytest.approx(41.8, abs=0.5)
    # Leuven - Gent ~ 74 km straight line
    assert float(haversine_km(50.8798, 4.7005, 51.0543, 3.7174)) == pytest.approx(71.5, abs=1.5)


def test_broadcasting_and_matrix():
    d = haversine_km(
        np.array([BRUSSELS[0], ANTWERP[0]]),
        np.array([BRUSSELS[1], ANTWERP[1]]),
        BRUSSELS[0],
        BRUSSELS[1],
    )
    assert d.shape == (2,) and d[0] == 0.0
    m = distance_matrix_km([BRUSSELS, ANTWERP], [BRUSSELS, ANTWERP, (51.05, 3.72)])
    assert m.shape == (2, 3) and m.dtype == np.float64
    assert m[0, 1] == pytest.approx(m[1, 0]) and m[0, 0] == 0.0
    assert distance_matrix_km([], [BRUSSELS]).shape == (0, 1)
    scaled = distance_matrix_km([BRUSSELS], [ANTWERP], road_factor=1.3)
    assert scaled[0, 0] == pytest.approx(1.3 * m[0, 1])


@pytest.mark.parametrize("rf", [0.9, -1, float("nan"), float("inf")])
def test_road_factor_below_one_is_refused(rf):
    with pytest.raises(InputError) as e:
        distance_matrix_km([BRUSSELS], [ANTWERP], road_factor=rf)
    assert e.value.problems[0].field == "road_factor"


def test_bad_points_are_refused():
    with pytest.raises(InputError, match="shape"):
        distance_matrix_km([1.0, 2.0, 3.0], [BRUSSELS])
    with pytest.raises(InputError, match="out of range"):
        distance_matrix_km([(91.0, 0.0)], [BRUSSELS])


@given(lat, lon, lat, lon)
def test_symmetry_and_range(a, b, c, d):
    x = float(haversine_km(a, b, c, d))
    assert x == pytest.approx(float(haversine_km(c, d, a, b)), abs=1e-9)
    assert 0.0 <= x <= math.pi * EARTH_RADIUS_KM + 1e-9


@given(lat, lon)
def test_zero_on_identity(a, b):
    assert float(haversine_km(a, b, a, b)) == 0.0


@settings(max_examples=300)
@given(lat, lon, lat, lon, lat, lon)
def test_triangle_inequality(a1, o1, a2, o2, a3, o3):
    ab = float(haversine_km(a1, o1, a2, o2))
    bc = float(haversine_km(a2, o2, a3, o3))
    ac = float(haversine_km(a1, o1, a3, o3))
    assert ac <= ab + bc + 1e-6


@given(
    st.lists(st.tuples(lat, lon), min_size=1, max_size=5),
    st.lists(st.tuples(lat, lon), min_size=1, max_size=5),
    st.floats(1.0, 3.0),
)
def test_road_factor_scales_linearly(pa, pb, rf):
    base = distance_matrix_km(pa, pb)
    np.testing.assert_allclose(
        distance_matrix_km(pa, pb, road_factor=rf), base * rf, rtol=1e-12, atol=1e-9
    )
