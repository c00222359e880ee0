"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

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
]


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "capabilities": CAPABILITIES,
        "map_tile_url": settings.CIRCULAIR_MAP_TILE_URL,
        "map_tile_attribution": settings.CIRCULAIR_MAP_TILE_ATTRIBUTION,
    }
