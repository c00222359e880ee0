"""Distances between places.

Why: siting engines need many distances at once (every municipality to every candidate site), so
the functions are vectorised with numpy. Great-circle distance on a sphere of the mean Earth
radius, R1 = 6371.0088 km (IUGG), is within ~0.5 % of the ellipsoidal distance — far below the
uncertainty of a road factor, which turns straight lines into expected road distances.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from circulair.core.errors import InputError

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG R1) in kilometres."""


def haversine_km(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Great-circle distance in km between points given in decimal degrees.

    Arguments broadcast like numpy arrays (scalars give a 0-d array; use ``float()``). The
    haversine form is used because it stays accurate for the short distances that dominate
    regional planning, where the spherical law of cosines loses precision.
    """
    p1, l1, p2, l2 = (np.radians(np.asarray(x, dtype=np.float64)) for x in (lat1, lon1, lat2, lon2))
    h = np.sin((p2 - p1) / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2.0) ** 2
    return np.asarray(
        2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))), dtype=np.float64
    )


def distance_matrix_km(
    points_a: ArrayLike | Sequence[tuple[float, float]],
    points_b: ArrayLike | Sequence[tuple[float, float]],
    road_factor: float = 1.0,
) -> NDArray[np.float64]:
    """(n, m) matrix of distances in km from each of ``points_a`` to each of ``points_b``.

    Points are (lat, lon) pairs, shape (n, 2) and (m, 2). ``road_factor`` (>= 1) scales the
    great-circle distance to an expected road distance (about 1.2-1.4 in Flanders); it must be
    at least 1 because no road is shorter than the straight line.
    """
    rf = float(road_factor)
    if not np.isfinite(rf) or rf < 1.0:
        raise InputError.single(
            "road_factor must be a number >= 1 (road distance is never "
            "shorter than the straight line)",
            field="road_factor",
            value=road_factor,
        )
    a = _points(points_a, "points_a")
    b = _points(points_b, "points_b")
    d = haversine_km(a[:, None, 0], a[:, None, 1], b[None, :, 0], b[None, :, 1])
    return np.ascontiguousarray(d * rf, dtype=np.float64)


def _points(points: ArrayLike | Sequence[tuple[float, float]], name: str) -> NDArray[np.float64]:
    arr = np.asarray(points, dtype=np.float64)
    if arr.size == 0:
        return arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise InputError.single(
            "expected (lat, lon) pairs, shape (n, 2)", field=name, value=f"shape {arr.shape}"
        )
    bad = ~np.isfinite(arr).all(axis=1) | (np.abs(arr[:, 0]) > 90) | (np.abs(arr[:, 1]) > 180)
    if bad.any():
        raise InputError.single(
            "coordinates out of range (lat within ±90, lon within ±180)",
            field=name,
            row=int(np.argmax(bad)),
            value=arr[int(np.argmax(bad))].tolist(),
        )
    return arr
