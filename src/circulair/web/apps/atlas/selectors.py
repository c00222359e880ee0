"""Reads and exports of atlas runs (GeoJSON, CSV, PNG map), and who may see which run.

Who sees a run:

- a siting run (``atlas.site``) only its creator, and superusers: its inputs can be a
  planner's own demand points or candidate sites. Anyone else is answered 404, as if it did not
  exist, so ids cannot be probed. Staff who are not superusers are ordinary users here: being
  able to open the admin is no reason to read planners' demand tables.
- a study preset (``atlas.extrapolate``) everyone, whoever started it: its inputs are the
  cited presets and a partition every visitor can pick, so its result holds nothing private.

Every list (recent runs, compare, the API) holds exactly the runs its reader may open, and
reading it first fails the jobs whose worker stopped (``jobs.reap_stale``).
"""

from __future__ import annotations

import io
from typing import Any

from django.db.models import Q, QuerySet

from circulair.core.tables import write_table
from circulair.web.apps.common import jobs
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.permissions import is_administrator
from circulair.web.apps.geography.models import Municipality, Region

KINDS = ("atlas.extrapolate", "atlas.site")
PUBLIC_KINDS = ("atlas.extrapolate",)


def run_list(user: Any = None) -> QuerySet[Job]:
    """The atlas runs ``user`` may see (anonymous or ``None``: the public ones), newest first."""
    jobs.reap_stale()
    qs = Job.objects.filter(kind__in=KINDS)
    if not is_administrator(user):
        mine = Q(created_by=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
        qs = qs.filter(Q(kind__in=PUBLIC_KINDS) | mine)
    return qs.order_by("-created_at")


def run_get(pk: int, user: Any = None) -> Job:
    """One run ``user`` may see; ``Job.DoesNotExist`` for another's private run."""
    return run_list(user).get(pk=pk)


def run_geojson(result: dict[str, Any]) -> dict[str, Any]:
    feats: list[dict[str, Any]] = []
    for f in result.get("facilities", []):
        if f.get("lat") is None:
            continue
        props = {k: v for k, v in f.items() if k not in ("lat", "lon")}
        props["type"] = "facility"
        feats.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [f["lon"], f["lat"]]},
            }
        )
    fac = {
        f.get("id") or f["refnis"]: f
        for f in result.get("facilities", [])
        if f.get("id") or f.get("refnis")
    }
    for a in result.get("assignments", []):
        to = fac.get(a["to"])
        if to is None:
            continue
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "type": "assignment",
                    "from": a["from"],
                    "to": a["to"],
                    "km": a["km"],
                    "quantity": a["quantity"],
                },
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[a["from_lon"], a["from_lat"]], [to["lon"], to["lat"]]],
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": feats,
        "properties": {"totals": result.get("totals", {}), "kind": result.get("kind")},
    }


def run_csv(result: dict[str, Any]) -> str:
    rows = result.get("facilities", [])
    cols = list(rows[0]) if rows else ["count"]
    return write_table(cols, ([r.get(c, "") for c in cols] for r in rows), "csv").decode()


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
    fac = {
        f.get("id") or f["refnis"]: f
        for f in result.get("facilities", [])
        if f.get("id") or f.get("refnis")
    }
    for a in result.get("assignments", []):
        to = fac.get(a["to"])
        if to:
            ax.plot(
                [a["from_lon"], to["lon"]],
                [a["from_lat"], to["lat"]],
                lw=0.4,
                c="#7fb069",
                zorder=2,
            )
    located = [f for f in result.get("facilities", []) if f.get("lat") is not None]
    if located:
        sizes = [max(20.0, (f.get("m2") or 10000) / 400) for f in located]
        ax.scatter(
            [f["lon"] for f in located],
            [f["lat"] for f in located],
            s=sizes,
            c="#1f7a4d",
            alpha=0.8,
            edgecolors="#145536",
            zorder=3,
        )
    totals = result.get("totals", {})
    ha = totals.get("ha")
    ax.set_title(
        (title or result.get("title") or "")
        + (f" — {ha:g} ha" if ha else "")
        + f" — {totals.get('count', 0)} facilities"
    )
    ax.set_aspect(1 / 0.63)  # ~cos(51°): keeps Flanders' proportions
    ax.set_axis_off()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
