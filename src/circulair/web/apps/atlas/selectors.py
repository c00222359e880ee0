"""Reads and exports of atlas runs (GeoJSON, CSV, PNG map)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import QuerySet

from circulair.web.apps.geography.models import Municipality, Region
from circulair.web.apps.portal.models import Job

KINDS = ("atlas.extrapolate", "atlas.site")


def run_list() -> QuerySet[Job]:
    return Job.objects.filter(kind__in=KINDS).order_by("-created_at")


def run_get(pk: int) -> Job:
    return Job.objects.get(pk=pk, kind__in=KINDS)


def run_geojson(result: dict[str, Any]) -> dict[str, Any]:
    feats: list[dict[str, Any]] = []
    for f in result.get("facilities", []):
        if f.get("lat") is None:
            continue
        props = {k: v for k, v in f.items() if k not in ("lat", "lon")}
        props["type"] = "facility"
        feats.append({"type": "Feature", "properties": props,
                      "geometry": {"type": "Point", "coordinates": [f["lon"], f["lat"]]}})
    fac = {f.get("id") or f["refnis"]: f for f in result.get("facilities", [])
           if f.get("id") or f.get("refnis")}
    for a in result.get("assignments", []):
        to = fac.get(a["to"])
        if to is None:
            continue
        feats.append({"type": "Feature",
                      "properties": {"type": "assignment", "from": a["from"], "to": a["to"],
                                     "km": a["km"], "quantity": a["quantity"]},
                      "geometry": {"type": "LineString",
                                   "coordinates": [[a["from_lon"], a["from_lat"]],
                                                   [to["lon"], to["lat"]]]}})
    return {"type": "FeatureCollection", "features": feats,
            "properties": {"totals": result.get("totals", {}), "kind": result.get("kind")}}


def run_csv(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    rows = result.get("facilities", [])
    cols = list(rows[0]) if rows else ["count"]
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def run_png(result: dict[str, Any], region: Region, title: str = "") -> bytes:
    """A static map: municipalities in grey, assignment lines, facilities sized by area."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = list(Municipality.objects.filter(region=region).values_list("lon", "lat"))
    fig, ax = plt.subplots(figsize=(10, 6), dpi=100)
    if pts:
        xs, ys = zip(*pts, strict=True)
        ax.scatter(xs, ys, s=4, c="#b9c6bf", zorder=1)
    fac = {f.get("id") or f["refnis"]: f for f in result.get("facilities", [])
           if f.get("id") or f.get("refnis")}
    for a in result.get("assignments", []):
        to = fac.get(a["to"])
        if to:
            ax.plot([a["from_lon"], to["lon"]], [a["from_lat"], to["lat"]], lw=0.4,
                    c="#7fb069", zorder=2)
    located = [f for f in result.get("facilities", []) if f.get("lat") is not None]
    if located:
        sizes = [max(20.0, (f.get("m2") or 10000) / 400) for f in located]
        ax.scatter([f["lon"] for f in located], [f["lat"] for f in located], s=sizes,
                   c="#1f7a4d", alpha=0.8, edgecolors="#145536", zorder=3)
    totals = result.get("totals", {})
    ha = totals.get("ha")
    ax.set_title((title or result.get("title") or "") + (f" — {ha:g} ha" if ha else "")
                 + f" — {totals.get('count', 0)} facilities")
    ax.set_aspect(1 / 0.63)  # ~cos(51°): keeps Flanders' proportions
    ax.set_axis_off()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
