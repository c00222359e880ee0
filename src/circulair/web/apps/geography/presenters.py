"""What the geography shows beside its lists: municipalities as GeoJSON, the choropleth map."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circulair.core.geo.mapview import KM_PER_DEG_LAT, class_breaks, class_of, colour
from circulair.web.apps.geography import selectors
from circulair.web.apps.geography.models import Municipality, Region


def municipalities_geojson(qs: Iterable[Municipality]) -> dict[str, Any]:
    """Municipalities as a GeoJSON FeatureCollection of points (their centres) for maps."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [m.lon, m.lat]},
                "properties": {
                    "refnis": m.refnis,
                    "name": m.name_nl,
                    "name_fr": m.name_fr,
                    "arrondissement": m.arrondissement.name_nl,
                    "province": m.province.name_nl,
                    "population": m.population,
                    "central_city": m.central_city,
                },
            }
            for m in qs
        ],
    }


_LAYERS = {
    "population": (gettext_lazy("Population"), gettext_lazy("inhabitants")),
    "density": (gettext_lazy("Population density"), gettext_lazy("inhabitants per km²")),
}


def _area_km2(polys: Any) -> float:
    """Area of lon/lat polygons in km² (shoelace on a local equirectangular plane)."""
    total = 0.0
    for poly in polys:
        for k, ring in enumerate(poly):
            lat0 = math.radians(ring[0][1])
            kx, ky = KM_PER_DEG_LAT * math.cos(lat0), KM_PER_DEG_LAT
            s = sum(
                (x1 * kx) * (y2 * ky) - (x2 * kx) * (y1 * ky)
                for (x1, y1), (x2, y2) in itertools.pairwise(ring)
            )
            total += abs(s) / 2 * (1 if k == 0 else -1)
    return total


def _num(v: float) -> str:
    return number_format(v, decimal_pos=0, use_l10n=True, force_grouping=True)


def choropleth(region: Region, layer: str) -> dict[str, Any]:
    """Everything the SVG map template needs: paths with fill and hover label, outlines of
    arrondissements and provinces, legend classes with units, a scale bar."""
    layer = layer if layer in _LAYERS else "population"
    b, _shapes = selectors.region_map(region)
    munis = list(selectors.municipality_list(region=region).order_by("refnis"))
    values: dict[str, float] = {}
    for m in munis:
        if layer == "population":
            values[m.refnis] = float(m.population)
        else:
            area = _area_km2(b.polygons.get(m.refnis, ()))
            if area > 0:
                values[m.refnis] = round(m.population / area, 1)
    title, unit = _LAYERS[layer]
    return choropleth_map(
        region,
        values,
        title=str(title),
        unit=str(unit),
        layer=layer,
        layers=[(k, v[0]) for k, v in _LAYERS.items()],
        munis=munis,
    )


def choropleth_map(
    region: Region,
    values: dict[str, float],
    *,
    title: str,
    unit: str,
    layer: str,
    layers: list[tuple[str, Any]] | None = None,
    munis: list[Municipality] | None = None,
) -> dict[str, Any]:
    """The SVG map of any value per municipality (REFNIS -> value; a municipality without one
    is drawn as "no data"): the one map of the geography, the monitor's and the flows'."""
    b, shapes = selectors.region_map(region)
    if munis is None:
        munis = list(selectors.municipality_list(region=region).order_by("refnis"))
    breaks = class_breaks(list(values.values()))
    no_data = _("no data")
    paths = []
    for m in munis:
        v = values.get(m.refnis)
        idx = class_of(v, breaks)
        paths.append(
            {
                "refnis": m.refnis,
                "name": m.name_nl,
                "d": shapes.municipalities.get(m.refnis, ""),
                "fill": colour(idx, len(breaks)),
                "label": f"{m.name_nl}: {_num(v)} {unit}"
                if v is not None
                else f"{m.name_nl}: {no_data}",
            }
        )
    lows = [min(values.values()) if values else 0, *breaks[:-1]]
    legend = [
        {
            "fill": colour(i, len(breaks)),
            "text": f"{_num(lo)} – {_num(hi)}",
            "y": 22 + i * 20,
        }
        for i, (lo, hi) in enumerate(zip(lows, breaks, strict=True))
    ]
    return {
        "layer": layer,
        "layers": layers or [],
        "title": title,
        "unit": unit,
        "shapes": shapes,
        "paths": paths,
        "arrondissements": sorted(shapes.arrondissements.items()),
        "provinces": sorted(shapes.provinces.items()),
        "legend": legend,
        "legend_height": 30 + 20 * len(legend),
        "official": b.official,
        "source": b.source,
        "scale_y": shapes.height - 14,
        "scale_x2": f"{10 + shapes.scale_px:.1f}",  # a string: templates localise floats
    }
