"""What the geography's API shows beside its lists: municipalities as GeoJSON for maps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from circulair.web.apps.geography.models import Municipality


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
