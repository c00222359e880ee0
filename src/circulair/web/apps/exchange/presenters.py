"""What the exchange's public insight page and its CSV show, shaped from what ``selectors``
read: totals per material, province and unit, and the deal flows between municipality centres."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from circulair.core.exchange.breakdown import ScorePart, parts_total, rounded_contributions
from circulair.core.tables import write_table
from circulair.web.apps.exchange import selectors
from circulair.web.apps.exchange.models import Listing, Match, material_name


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
    deals = list(selectors.accepted_deals())
    for m in deals:
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
                "unit_label": str(Listing.Unit(o.unit).label)
                if o.unit in Listing.Unit.values
                else o.unit,
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
            "unit_label": Listing.Unit(k[2]).label if k[2] in Listing.Unit.values else k[2],
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
        "breakdown": deals_breakdown(deals),
    }


def _labels() -> dict[str, str]:
    return {
        "distance": _("distance"),
        "quantity": _("quantity fit"),
        "route": _("route on the R-ladder"),
        "quality": _("quality"),
    }


def score_breakdown(
    parts: tuple[ScorePart, ...], distance_km: float | None, *, average: bool = False
) -> dict[str, Any]:
    """A score taken apart for people: one line per component ("afstand 12 km: 0,30 van 0,40")
    and as API records. ``distance_km`` must be the distance the page already shows (public
    points for a stranger), never one from an exact location the viewer may not see; ``None``
    (and ``average``, for the mean over several deals) leaves the km out."""
    shown = rounded_contributions(parts, 2)
    labels = _labels()
    lines = []
    for p, c in zip(parts, shown, strict=True):
        label = labels[p.code]
        if p.code == "distance" and distance_km is not None:
            label = _("%(label)s %(km)s km") % {
                "label": label,
                "km": number_format(distance_km, 0, use_l10n=True),
            }
        numbers = {
            "label": label,
            "contribution": number_format(c, 2, use_l10n=True),
            "weight": number_format(p.weight, 2, use_l10n=True),
        }
        if average:
            lines.append(_("%(label)s: on average %(contribution)s of %(weight)s") % numbers)
        else:
            lines.append(_("%(label)s: %(contribution)s of %(weight)s") % numbers)
    total = parts_total(parts)
    return {
        "text": "; ".join(lines) + " = " + number_format(total, 2, use_l10n=True),
        "lines": lines,
        "rows": [{"code": p.code, "text": t} for p, t in zip(parts, lines, strict=True)],
        "score": total,
        "score_text": number_format(total, 2, use_l10n=True),
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


def _stored_parts(m: Match) -> tuple[tuple[ScorePart, ...], float] | None:
    """The parts kept with a proposal and the public km they were computed on (None if the
    match is older than that)."""
    kept = m.score_parts or {}
    rows = kept.get("parts") or []
    if not rows or "distance_km" not in kept:
        return None
    parts = tuple(
        ScorePart(r["code"], float(r["value"]), float(r["weight"]), r["weight"] * r["value"])
        for r in rows
    )
    return parts, float(kept["distance_km"])


def kept_breakdown(m: Match) -> dict[str, Any] | None:
    """The breakdown kept with the proposal, without recomputing anything (None if older)."""
    kept = _stored_parts(m)
    return None if kept is None else score_breakdown(*kept)


def match_breakdown(m: Match) -> dict[str, Any] | None:
    """Why a proposed or decided match has its score: the parts kept at the proposal. For an
    older match without them, the parts recomputed now, only while they still add up to the
    stored score (else None: an explanation of another number would mislead)."""
    kept = _stored_parts(m)
    if kept is None:
        parts = selectors.pair_score_parts(m.offer, m.request)
        if abs(parts_total(parts) - m.score) > 1e-9:
            return None
        kept = parts, selectors.public_distance_km(m.offer, m.request)
    return score_breakdown(*kept)


def deals_breakdown(deals: list[Match]) -> dict[str, Any] | None:
    """The mean of each part over the accepted deals that kept their parts: what, on the whole,
    makes the exchange's deals score as they do (None when no deal kept its parts)."""
    kept = [k[0] for k in (_stored_parts(m) for m in deals) if k is not None]
    if not kept:
        return None
    n = len(kept)
    mean = tuple(
        ScorePart(
            ps[0].code,
            sum(p.value for p in ps) / n,
            sum(p.weight for p in ps) / n,
            sum(p.contribution for p in ps) / n,
        )
        for ps in zip(*kept, strict=True)
    )
    return {**score_breakdown(mean, None, average=n > 1), "deals": n}


#: Columns of the allocation's CSV, the same as ``circulair exchange match --format csv``.
ALLOCATION_COLUMNS = (
    "offer",
    "offer_title",
    "offer_org",
    "request",
    "request_title",
    "request_org",
    "material",
    "material_code",
    "quantity",
    "unit",
    "km",
)
#: Transfers listed on the page (the CSV holds all of them).
ALLOCATION_SHOWN = 200


def _unit_label(unit: str) -> str:
    return str(Listing.Unit(unit).label) if unit in Listing.Unit.values else unit


def allocation_page() -> dict[str, Any]:
    """The latest allocation run as the page shows it: when, how long, per unit, transfers."""
    latest = selectors.allocation_latest()
    result: dict[str, Any] = (latest.result or {}) if latest is not None else {}
    rows = [
        {**r, "material_name": material_name(r["material"]), "unit_label": _unit_label(r["unit"])}
        for r in (result.get("rows") or [])[:ALLOCATION_SHOWN]
    ]
    per_unit = [{**u, "unit_label": _unit_label(u["unit"])} for u in result.get("per_unit") or []]
    return {
        "latest": latest,
        "running": selectors.allocation_running(),
        "rows": rows,
        "count": len(result.get("rows") or []),
        "per_unit": per_unit,
        "pairs": result.get("pairs", 0),
        "seconds": result.get("seconds", 0.0),
    }


def allocation_csv(result: dict[str, Any]) -> bytes:
    """Every transfer of a run, material names in the reader's language (codes beside)."""
    rows = [
        [
            *(r[c] for c in ALLOCATION_COLUMNS[:6]),
            material_name(r["material"]),
            r["material"],
            r["quantity"],
            r["unit"],
            r["km"],
        ]
        for r in result.get("rows") or []
    ]
    return write_table(list(ALLOCATION_COLUMNS), rows, "csv")
