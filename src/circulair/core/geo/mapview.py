"""Drawing a region's boundaries as SVG path data, with choropleth classes and a scale bar.

Why: the map pages must show the land offline and without a tile server or a JS mapping
library; server-side SVG is testable (count the paths) and prints. This module only computes
geometry and numbers; the web layer writes the markup with translated words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from circulair.core.geo.boundaries import Boundaries, chain, outline_segments

KM_PER_DEG_LAT = 111.32
PALETTE = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")
"""Five sequential greens (ColorBrewer Greens), light = low."""
NO_DATA = "#d9d9d9"


@dataclass(frozen=True)
class MapShapes:
    """Projected path data (SVG ``d``) of municipalities and of the groups' outlines."""

    width: int
    height: int
    municipalities: Mapping[str, str]
    arrondissements: Mapping[str, str]
    provinces: Mapping[str, str]
    km_per_px: float
    scale_km: int
    scale_px: float
    lon_lat_to_xy: tuple[float, float, float, float, float]  # lon0, lat1, kx, ky, pad

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Pixel position of a point (for markers and flow lines)."""
        lon0, lat1, kx, ky, pad = self.lon_lat_to_xy
        return round(pad + (lon - lon0) * kx, 1), round(pad + (lat1 - lat) * ky, 1)


def _d(rings: Sequence[Sequence[tuple[float, float]]], close: bool) -> str:
    parts = []
    for ring in rings:
        pts = list(ring[:-1]) if close and ring[0] == ring[-1] else list(ring)
        head = f"M{_n(pts[0][0])} {_n(pts[0][1])}"
        body = "".join(f"L{_n(x)} {_n(y)}" for x, y in pts[1:])
        parts.append(head + body + ("Z" if close else ""))
    return "".join(parts)


def _n(v: float) -> str:
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _nice_km(target: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if step >= target * 0.7:
            return step
    return 1000


def project(
    b: Boundaries,
    arrondissement_of: Mapping[str, str],
    province_of: Mapping[str, str],
    width: int = 960,
    pad: int = 8,
) -> MapShapes:
    """Project lon/lat to pixels (equirectangular, true to scale at the middle latitude), round to
    0.1 px, drop repeated points and derive the arrondissement and province outlines."""
    lon_min, lat_min, lon_max, lat_max = b.bounds()
    cos = math.cos(math.radians((lat_min + lat_max) / 2))
    k = (width - 2 * pad) / ((lon_max - lon_min) * cos)
    kx, ky = k * cos, k
    height = math.ceil((lat_max - lat_min) * ky + 2 * pad)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return round(pad + (lon - lon_min) * kx, 1), round(pad + (lat_max - lat) * ky, 1)

    rings_of: dict[str, list[list[tuple[float, float]]]] = {}
    for code, polys in b.polygons.items():
        rings = []
        for poly in polys:
            for ring in poly:
                pts: list[tuple[float, float]] = []
                for lon, lat in ring:
                    p = xy(lon, lat)
                    if not pts or pts[-1] != p:
                        pts.append(p)
                if len(set(pts)) >= 3:
                    rings.append(pts)
        rings_of[code] = rings
    km_per_px = KM_PER_DEG_LAT / ky
    scale_km = _nice_km(width / 6 * km_per_px)

    def outlines(group_of: Mapping[str, str]) -> dict[str, str]:
        segs = outline_segments(rings_of, group_of)
        return {g: _d(chain(s), close=False) for g, s in sorted(segs.items())}

    return MapShapes(
        width=width,
        height=height,
        municipalities={c: _d(r, close=True) for c, r in sorted(rings_of.items()) if r},
        arrondissements=outlines(arrondissement_of),
        provinces=outlines(province_of),
        km_per_px=km_per_px,
        scale_km=scale_km,
        scale_px=round(scale_km / km_per_px, 1),
        lon_lat_to_xy=(lon_min, lat_max, kx, ky, pad),
    )


def _round_sig(v: float, digits: int = 2) -> float:
    if v == 0:
        return 0.0
    return round(v, -math.floor(math.log10(abs(v))) + digits - 1)


def class_breaks(values: Sequence[float], n: int = len(PALETTE)) -> list[float]:
    """Upper bounds of up to ``n`` quantile classes (rounded to 2 significant digits, distinct);
    the last is the maximum. Empty when there are no values."""
    vals = sorted(values)
    if not vals:
        return []
    breaks: list[float] = []
    for i in range(1, n):
        q = _round_sig(vals[min(len(vals) - 1, math.ceil(i * len(vals) / n) - 1)])
        if q < vals[-1] and (not breaks or q > breaks[-1]):
            breaks.append(q)
    return [*breaks, vals[-1]]


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    """Index of the class a value falls in (``value <= break``), None without a value."""
    if value is None or not breaks:
        return None
    return next((i for i, b in enumerate(breaks) if value <= b), len(breaks) - 1)


def colour(index: int | None, classes: int) -> str:
    """Palette colour of a class, spread over the palette when there are fewer classes."""
    if index is None:
        return NO_DATA
    if classes <= 1:
        return PALETTE[-1]
    return PALETTE[round(index * (len(PALETTE) - 1) / (classes - 1))]
