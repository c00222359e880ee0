"""What the exchange's public insight page and its CSV show, shaped from what ``selectors``
read: totals per material, province and unit, and the deal flows between municipality centres."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from circulair.web.apps.exchange import selectors
from circulair.web.apps.exchange.models import Listing


def insight() -> dict[str, Any]:
    """Offered, requested and matched quantities per material and province; deal flows.

    Public: flows join municipality centres and t·km use the distance between them, never the
    exact points of the deals."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
        lambda: {"offered": 0.0, "requested": 0.0, "matched": 0.0}
    )
    for x in selectors.insight_listings():
        key = (x.material, x.municipality.province.name_nl, x.unit)
        rows[key]["offered" if x.kind == Listing.Kind.OFFER else "requested"] += x.quantity
    flows = []
    # Quantities are added per unit only: tonnes, m³ and pieces never make one figure.
    per_unit: dict[str, dict[str, float]] = defaultdict(
        lambda: {"matched": 0.0, "transport": 0.0, "avoided": 0.0, "deals": 0}
    )
    for m in selectors.accepted_deals():
        o, r = m.offer, m.request
        km = selectors.public_distance_km(o, r)
        rows[(o.material, o.municipality.province.name_nl, o.unit)]["matched"] += m.quantity
        u = per_unit[o.unit]
        u["matched"] += m.quantity
        u["transport"] += m.quantity * km
        u["deals"] += 1
        if r.primary_km is not None:
            u["avoided"] += m.quantity * (r.primary_km - km)
        flows.append(
            {
                "from": o.municipality.name_nl,
                "to": r.municipality.name_nl,
                "from_lat": o.municipality.lat,
                "from_lon": o.municipality.lon,
                "to_lat": r.municipality.lat,
                "to_lon": r.municipality.lon,
                "quantity": m.quantity,
                "unit": o.unit,
                "material": o.material,
            }
        )
    table = [
        {"material": k[0], "province": k[1], "unit": k[2], **v} for k, v in sorted(rows.items())
    ]
    tonnes = per_unit.get("t", {"matched": 0.0, "transport": 0.0, "avoided": 0.0})
    units = [
        {"unit": unit, "unit_label": Listing.Unit(unit).label, **v}
        for unit, v in sorted(per_unit.items())
    ]
    return {
        "rows": table,
        "flows": flows,
        "per_unit": units,
        "matched_t": tonnes["matched"],
        "tkm": tonnes["transport"],
        "tkm_avoided": tonnes["avoided"],
        "deals": len(flows),
    }
