"""What the doers pages and the command line show, shaped from what ``selectors`` read: the list
page's rows and facet blocks, the map's GeoJSON, and the export rows."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from circulair.web.apps.doers import selectors
from circulair.web.apps.doers.models import Case
from circulair.web.apps.knowledge.models import name_in_language


def case_rows(ids: list[int]) -> list[dict[str, Any]]:
    """What the list page shows of these cases, in this order, as plain values (2 queries).

    Why: twenty Case instances with five related records and two prefetches, resolved by the
    template attribute by attribute, cost about a third of a search page's CPU time.
    """
    status, category = dict(Case.Status.choices), dict(Case.Category.choices)
    found, agendas = selectors.case_row_values(ids)
    out = []
    for pk in ids:
        r = found.get(pk)
        if r is None:
            continue
        out.append(
            {
                "pk": pk,
                "slug": r[1],
                "url": f"/doers/{r[1]}/",
                "title": r[2],
                "status": r[3],
                "status_label": str(status.get(r[3], r[3])),
                "organisation": r[4] or r[5] or "",
                "municipality": r[6] or "",
                "category_label": str(category.get(r[7], r[7])),
                "agendas": [name_in_language(nl, en) for nl, en in agendas.get(pk, [])],
                "summary": Truncator(r[8]).words(40, truncate=" …"),
            }
        )
    return out


def with_case_rows(res: selectors.Results) -> selectors.Results:
    """The search result with its page's cases as list-page rows (``case_rows``)."""
    return dataclasses.replace(res, cases=case_rows(res.ids))


def facet_blocks(
    params: dict[str, str], facets: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The list page's facets: a titled block per facet, each value with its count and the link
    that chooses it (or, when chosen, drops it)."""
    en = get_language() == "en"
    cats = dict(Case.Category.choices)
    titles = {
        "agenda": _("Work agenda"),
        "province": _("Province"),
        "r": _("R-strategy"),
        "category": _("Category"),
    }
    blocks = []
    for key in selectors.FACETS:
        items = []
        for f in facets[key]:
            label = (
                str(cats.get(f["value"], f["value"]))
                if key == "category"
                else (f["label_en"] if en and f["label_en"] else f["label_nl"])
            )
            chosen = params.get(key) == f["value"]
            other = {k: v for k, v in params.items() if k != key}
            if not chosen:
                other[key] = f["value"]
            items.append(
                {
                    "label": label,
                    "count": f["count"],
                    "chosen": chosen,
                    "value": f["value"],
                    "url": "?" + urlencode(other),
                }
            )
        blocks.append({"key": key, "title": titles[key], "items": items})
    return blocks


def map_features(
    user: Any, params: dict[str, str], *, focus: str = "", per_marker: int = 10
) -> dict[str, Any]:
    """GeoJSON of the current result set: one marker per municipality (its centroid) listing
    up to ``per_marker`` cases (the focused case always among them)."""
    groups: dict[str, dict[str, Any]] = {}
    for slug, title, org, refnis, name, lat, lon in selectors.map_rows(user, params):
        g = groups.setdefault(
            refnis, {"name": name, "lat": lat, "lon": lon, "cases": [], "count": 0, "focus": False}
        )
        g["count"] += 1
        item = {"slug": slug, "title": title, "organisation": org, "url": f"/doers/{slug}/"}
        if slug == focus:
            g["focus"] = True
            g["cases"].insert(0, item)
        elif len(g["cases"]) < per_marker:
            g["cases"].append(item)
    feats = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [g["lon"], g["lat"]]},
            "properties": {
                "refnis": refnis,
                "municipality": g["name"],
                "count": g["count"],
                "focus": g["focus"],
                "cases": g["cases"][: per_marker + 1],
            },
        }
        for refnis, g in sorted(groups.items())
    ]
    return {"type": "FeatureCollection", "features": feats}


def case_export_rows(user: Any = None) -> list[dict[str, Any]]:
    """Every visible case (all of them for the command line) as flat rows, in import columns."""
    out = []
    for c in selectors.cases_for_export(user):
        out.append(
            {
                "slug": c.slug,
                "title": c.title,
                "summary": c.summary,
                "body": c.body,
                "organisation": c.organisation_id or "",
                "organisation_name": c.organisation_name,
                "agendas": ",".join(a.slug for a in c.agendas.all()),
                "r_strategies": ",".join(r.slug for r in c.r_strategies.all()),
                "value_chain": c.value_chain.slug if c.value_chain else "",
                "sector_group": c.sector_group.slug if c.sector_group else "",
                "refnis": c.municipality.refnis if c.municipality else "",
                "province": c.province.refnis if c.province else "",
                "category": c.category,
                "links": " ".join(c.links),
                "status": c.status,
            }
        )
    return out
