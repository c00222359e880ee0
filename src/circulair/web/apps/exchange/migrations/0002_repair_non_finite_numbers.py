"""Repair numbers stored before the exchange refused NaN and infinity.

An import once accepted ``quantity=1e400`` (read as infinity); one such listing made the public
listing API answer 500 for everyone (JSON has no infinity). This closes such listings with
nothing left, puts non-finite coordinates on the municipality centre and resets non-finite
radii; a match with a non-finite number is withdrawn (it never was a valid deal).
"""

from __future__ import annotations

import math
from typing import Any

from django.db import migrations

MAX_ABS = 1e15


def _bad(x: Any) -> bool:
    return x is not None and (not math.isfinite(x) or abs(x) > MAX_ABS)


def repair(apps: Any, schema_editor: Any) -> None:
    Listing = apps.get_model("exchange", "Listing")
    Match = apps.get_model("exchange", "Match")
    SavedSearch = apps.get_model("exchange", "SavedSearch")
    for x in Listing.objects.select_related("municipality").iterator():
        fields = []
        if _bad(x.quantity) or _bad(x.remaining):
            x.quantity = x.remaining = 0.0
            x.status = "closed"
            fields += ["quantity", "remaining", "status"]
        if _bad(x.lat) or _bad(x.lon):
            x.lat, x.lon = x.municipality.lat, x.municipality.lon
            fields += ["lat", "lon"]
        if _bad(x.radius_km):
            x.radius_km = 50.0
            fields.append("radius_km")
        if _bad(x.primary_km):
            x.primary_km = None
            fields.append("primary_km")
        if fields:
            x.save(update_fields=fields)
    for m in Match.objects.iterator():
        if _bad(m.quantity) or _bad(m.distance_km) or _bad(m.score):
            m.quantity = m.distance_km = m.score = 0.0
            m.status = "withdrawn"
            m.save(update_fields=["quantity", "distance_km", "score", "status"])
    for s in SavedSearch.objects.iterator():
        if _bad(s.radius_km):
            s.radius_km = 50.0
            s.save(update_fields=["radius_km"])


class Migration(migrations.Migration):

    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
