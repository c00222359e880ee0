"""Page contexts of the flows app: every key of a grouping shown by its name in the user's
language (material, treatment, rung, List-of-Waste chapter, NACE section, municipality), every
figure with its unit."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from circulair.core.exchange.taxonomy import load_taxonomy
from circulair.core.flows.codes import default_catalogue
from circulair.core.flows.disclosure import (
    COMPLEMENTARY,
    DOMINANT,
    FEW,
    MIN_CONTRIBUTORS,
    Disclosure,
)
from circulair.core.flows.indicators import Shares
from circulair.core.flows.sankey import Sankey
from circulair.web.apps.flows import selectors
from circulair.web.apps.geography import presenters as geo_presenters
from circulair.web.apps.geography import selectors as geo_selectors

GROUP_LABELS = {
    "year": gettext_lazy("year"),
    "material": gettext_lazy("material"),
    "chapter": gettext_lazy("List-of-Waste chapter"),
    "nace_section": gettext_lazy("sector of the origin (NACE section)"),
    "refnis": gettext_lazy("municipality of the origin"),
    "arrondissement": gettext_lazy("arrondissement of the origin"),
    "province": gettext_lazy("province of the origin"),
    "treatment": gettext_lazy("treatment operation"),
    "rung": gettext_lazy("rung of the R-ladder"),
    "family": gettext_lazy("kind of treatment"),
}

RUNG_LABELS = {
    "r3-reuse": gettext_lazy("R3 Reuse (preparing for re-use)"),
    "r8-recycle": gettext_lazy("R8 Recycle"),
    "r9-recover": gettext_lazy("R9 Recover (energy)"),
    "disposal": gettext_lazy("Disposal"),
    "preliminary": gettext_lazy("Not yet final (storage, exchange, pre-treatment)"),
    "": gettext_lazy("Treatment not known"),
    "unknown": gettext_lazy("Treatment not known"),
}

FAMILY_LABELS = {
    "reuse": gettext_lazy("preparing for re-use"),
    "recovery": gettext_lazy("recovery"),
    "disposal": gettext_lazy("disposal"),
    "": gettext_lazy("not known"),
    "unknown": gettext_lazy("not known"),
}

NACE_SECTIONS = {
    "A": gettext_lazy("A Agriculture, forestry and fishing"),
    "B": gettext_lazy("B Mining and quarrying"),
    "C": gettext_lazy("C Manufacturing"),
    "D": gettext_lazy("D Electricity, gas, steam and air conditioning supply"),
    "E": gettext_lazy("E Water supply, sewerage, waste management and remediation"),
    "F": gettext_lazy("F Construction"),
    "G": gettext_lazy("G Wholesale and retail trade"),
    "H": gettext_lazy("H Transportation and storage"),
    "I": gettext_lazy("I Accommodation and food service"),
    "J": gettext_lazy("J Information and communication"),
    "K": gettext_lazy("K Financial and insurance activities"),
    "L": gettext_lazy("L Real estate activities"),
    "M": gettext_lazy("M Professional, scientific and technical activities"),
    "N": gettext_lazy("N Administrative and support service activities"),
    "O": gettext_lazy("O Public administration and defence"),
    "P": gettext_lazy("P Education"),
    "Q": gettext_lazy("Q Human health and social work"),
    "R": gettext_lazy("R Arts, entertainment and recreation"),
    "S": gettext_lazy("S Other service activities"),
    "T": gettext_lazy("T Households as employers"),
    "U": gettext_lazy("U Extraterritorial organisations"),
    "unknown": gettext_lazy("Households and unknown origins"),
}


def language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def key_label(by: str, key: str) -> str:
    """The name of one group's key in the user's language."""
    lang = language()
    cat = default_catalogue()
    if by == "material":
        try:
            return load_taxonomy().node(key).name(lang)
        except KeyError:
            return key
    if by == "treatment":
        t = cat.treatments.get(key)
        return f"{key} {t.name[lang]}" if t else str(RUNG_LABELS["unknown"])
    if by == "rung":
        return str(RUNG_LABELS.get(key, key))
    if by == "family":
        return str(FAMILY_LABELS.get(key, key))
    if by == "chapter":
        names = cat.chapters.get(key)
        return f"{key} {names[lang]}" if names else key
    if by == "nace_section":
        return str(NACE_SECTIONS.get(key, key))
    if by in ("refnis", "arrondissement", "province"):
        return _place(by, key)
    return key


def _place(by: str, key: str) -> str:
    if by == "refnis":
        m = geo_selectors.municipalities_by_refnis([key]).get(key)
        return f"{m.name_nl} ({key})" if m else (key or _("not known"))
    return key or _("not known")


def aggregate_rows(rows: list[dict[str, Any]], by: list[str]) -> list[dict[str, Any]]:
    """The aggregation's rows with a label per key, for the table and the CSV export."""
    return [
        {
            **r,
            "labels": [key_label(b, k) for b, k in zip(by, r["key"], strict=True)],
            "percent": None if r["share"] is None else 100.0 * r["share"],
        }
        for r in rows
    ]


HIDDEN_REASONS = {
    FEW: gettext_lazy("fewer than %(n)d organisations"),
    DOMINANT: gettext_lazy("one organisation holds most of it"),
    COMPLEMENTARY: gettext_lazy("hidden so that the hidden figures cannot be derived"),
}


def disclosed_rows(d: Disclosure, by: str) -> list[dict[str, Any]]:
    """The public register table's rows: each group's name, and its tonnes and share of the
    total, or why it is hidden."""
    return [
        {
            "key": c.key,
            "label": key_label(by, str(c.key)),
            "tonnes": c.tonnes,
            "percent": (100.0 * c.tonnes / d.total if c.tonnes is not None and d.total else None),
            "reason": str(HIDDEN_REASONS[c.reason]) % {"n": MIN_CONTRIBUTORS} if c.reason else "",
        }
        for c in d.cells
    ]


def shares_rows(s: Shares) -> list[dict[str, Any]]:
    """Tonnes and share of each rung, in ladder order."""
    order = ["r3-reuse", "r8-recycle", "r9-recover", "disposal", "preliminary"]
    keys = [k for k in order if k in s.by_rung] + sorted(set(s.by_rung) - set(order))
    return [
        {
            "rung": k,
            "label": str(RUNG_LABELS.get(k, k)),
            "tonnes": s.by_rung[k],
            "percent": 100.0 * s.by_rung[k] / s.total_t if s.total_t else None,
        }
        for k in keys
    ]


def sankey_of(qs: Any) -> Sankey:
    """The Sankey of ``qs`` with its nodes named in the user's language."""
    return selectors.flow_sankey(qs, label=key_label, other=_("other"))


def opportunity_rows(opps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Opportunities with their material and rung named, and the requests' routes."""
    return [
        {
            **o,
            "material_label": key_label("material", o["material"]),
            "rung_label": str(RUNG_LABELS.get(o["rung"], o["rung"])),
            "requests": [
                {**r, "route_label": r["listing"].get_route_display()} for r in o["requests"]
            ],
        }
        for o in opps
    ]


def residual_map(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The region's map coloured by residual household waste per inhabitant (None without
    statistics)."""
    if not rows:
        return None
    return geo_presenters.choropleth_map(
        geo_selectors.region_default(),
        {r["refnis"]: round(r["kg_per_inhabitant"], 1) for r in rows},
        title=_("Residual household waste"),
        unit=_("kg per inhabitant"),
        layer="residual",
    )
