"""What the exchange's public insight page and its CSV show, shaped from what ``selectors``
read: totals per material, province and unit, and the deal flows between municipality centres."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from circulair.core.exchange.breakdown import ScorePart, parts_total, rounded_contributions
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
    labels_flow = selectors.material_labels()
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
                "material": labels_flow.get(o.material, o.material),
                "material_slug": o.material,
            }
        )
    labels = selectors.material_labels()
    table = [
        {
            "material": labels.get(k[0], k[0]),
            "material_slug": k[0],
            "province": k[1],
            "unit": k[2],
            **v,
        }
        for k, v in sorted(rows.items())
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


def _labels() -> dict[str, str]:
    return {
        "distance": _("distance"),
        "quantity": _("quantity fit"),
        "route": _("route on the R-ladder"),
        "quality": _("quality"),
    }


def score_breakdown(parts: tuple[ScorePart, ...], distance_km: float) -> dict[str, Any]:
    """A score taken apart for people: one line per component ("afstand 12 km: 0,30 van 0,40")
    and as API records. ``distance_km`` must be the distance the page already shows (public
    points for a stranger), never one from an exact location the viewer may not see."""
    shown = rounded_contributions(parts, 2)
    labels = _labels()
    lines = []
    for p, c in zip(parts, shown, strict=True):
        label = labels[p.code]
        if p.code == "distance":
            label = _("%(label)s %(km)s km") % {
                "label": label,
                "km": number_format(distance_km, 0, use_l10n=True),
            }
        lines.append(
            _("%(label)s: %(contribution)s of %(weight)s")
            % {
                "label": label,
                "contribution": number_format(c, 2, use_l10n=True),
                "weight": number_format(p.weight, 2, use_l10n=True),
            }
        )
    total = parts_total(parts)
    return {
        "text": "; ".join(lines) + " = " + number_format(total, 2, use_l10n=True),
        "lines": lines,
        "score": total,
        "components": [
            {
                "code": p.code,
                "label": labels[p.code],
                "value": p.value,
                "weight": p.weight,
                "contribution": p.contribution,
            }
            for p in parts
        ],
    }
