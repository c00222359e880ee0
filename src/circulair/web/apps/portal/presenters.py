"""Template context shared by every page, and the knowledge base's cases as GeoJSON for the map."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.knowledge.models import Record

# The platform's capabilities, in navigation order; ``ready`` ones link to a page.
CAPABILITIES = [
    {"key": "knowledge", "label": _("Knowledge base"), "url": "knowledge:index", "ready": True},
    {"key": "map", "label": _("Map"), "url": "portal:map", "ready": True},
    {"key": "monitor", "label": _("Monitor"), "url": "monitor:dashboard", "ready": True},
    {"key": "agenda", "label": _("Agenda"), "url": "agenda:index", "ready": True},
    {"key": "doers", "label": _("Doers"), "url": "doers:list", "ready": True},
    {"key": "atlas", "label": _("Atlas"), "url": "atlas:index", "ready": True},
    {"key": "exchange", "label": _("Exchange"), "url": "exchange:list", "ready": True},
    {"key": "scan", "label": _("Scan"), "url": "scan:index", "ready": True},
    {"key": "flows", "label": _("Flows"), "url": "flows:index", "ready": True},
]


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "capabilities": CAPABILITIES,
        "map_tile_url": settings.CIRCULAIR_MAP_TILE_URL,
        "map_tile_attribution": settings.CIRCULAIR_MAP_TILE_ATTRIBUTION,
    }


def cases_geojson(cases: Iterable[Record], where: Mapping[str, Municipality]) -> dict[str, Any]:
    """The knowledge base's ``case`` records placed at their municipality's centre (``where``:
    REFNIS → municipality), as a GeoJSON FeatureCollection; cases without one are left out."""
    feats = []
    for c in cases:
        m = where.get(c.attributes.get("municipality_refnis"))
        if m is None:
            continue
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [m.lon, m.lat]},
                "properties": {
                    "slug": c.slug,
                    "name": c.name,
                    "organisation": c.attributes.get("organisation", ""),
                    "municipality": m.name_nl,
                    "url": f"/kb/case/{c.slug}/",
                },
            }
        )
    return {"type": "FeatureCollection", "features": feats}
