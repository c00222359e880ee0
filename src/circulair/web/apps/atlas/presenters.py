"""A run's result as the pages, the API and the CLI show it: GeoJSON, CSV, a PNG map and the
comparison of two runs. Pure functions of the stored result (the PNG is given the points it
draws), so the CLI can use them on a result it computed itself."""

from __future__ import annotations

import io
import math
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circulair.core.tables import write_table


def certificate(result: dict[str, Any]) -> dict[str, Any] | None:
    """What a siting result proves, in words of the active language: ``code`` is ``optimal``,
    ``within_gap`` (within the gap asked for) or ``not_proven`` (stopped on its time limit: the
    best answer found, with how far above the optimum it can at most be). None for results
    without a solver (extrapolations)."""
    status = result.get("status")
    if result.get("kind") != "siting" or status is None:
        return None
    gap = result.get("gap")
    pct = None if gap is None or not math.isfinite(gap) else 100 * float(gap)
    # "at most": rounded up to the hundredth shown, never down.
    shown = number_format(math.ceil(pct * 100 - 1e-9) / 100, 2) if pct is not None else ""
    limit = (result.get("params") or {}).get("time_limit")
    if status == "optimal":
        return {"code": "optimal", "gap_percent": pct, "message": _("Proven optimal.")}
    if status == "within_gap":
        return {
            "code": "within_gap",
            "gap_percent": pct,
            "message": _("Proven within %(gap)s %% of the optimum (the gap asked for).")
            % {"gap": shown},
        }
    if pct is None:
        text = _(
            "Best found, not proven: the run stopped at its time limit before a bound on "
            "the optimum was known."
        )
    else:
        text = _("Best found, not proven: at most %(gap)s %% above the optimum.") % {"gap": shown}
    if limit:
        text += " " + _(
            "The run stopped at its time limit of %(s)s s; a longer limit may close the gap."
        ) % {"s": number_format(int(limit) if float(limit).is_integer() else float(limit))}
    return {"code": "not_proven", "gap_percent": pct, "message": text}


def _facilities_by_id(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f.get("id") or f["refnis"]: f
        for f in result.get("facilities", [])
        if f.get("id") or f.get("refnis")
    }


def run_geojson(result: dict[str, Any]) -> dict[str, Any]:
    """Facilities as points and assignments as lines from demand point to facility."""
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
    fac = _facilities_by_id(result)
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


def run_png(result: dict[str, Any], points: list[tuple[float, float]], title: str = "") -> bytes:
    """A static map: municipalities (``points``, lon/lat) in grey, assignment lines, facilities
    sized by area."""
    # matplotlib is imported here, not at module level: it takes a good part of a second to
    # import and only this export (not the pages, the API or the CLI) draws with it.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 6), dpi=100)
    if points:
        xs, ys = zip(*points, strict=True)
        ax.scatter(xs, ys, s=4, c="#b9c6bf", zorder=1)
    fac = _facilities_by_id(result)
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


#: Size labels as people read them: an archetype's sizes (the plan's identifiers) and the study's
#: area classes (003:12066-12074, numbers written per language).
SIZE_LABELS = {
    "large": gettext_lazy("large"),
    "small": gettext_lazy("small"),
    "single": gettext_lazy("one size"),
    "< 1,000 m²": gettext_lazy("< 1,000 m²"),
    "1,000 - 5,000 m²": gettext_lazy("1,000 - 5,000 m²"),
    "5,000 - 20,000 m²": gettext_lazy("5,000 - 20,000 m²"),
    "20,000 - 50,000 m²": gettext_lazy("20,000 - 50,000 m²"),
    "> 60,000 m²": gettext_lazy("> 60,000 m²"),
}


def size_label(label: str | None) -> str:
    """A facility's size class in the reader's language (an unknown label as it is)."""
    return str(SIZE_LABELS.get(label, label)) if label else ""


def sizes_view(result: dict[str, Any]) -> dict[str, Any]:
    """The run page's sizes: the per-size totals and each facility with its size labelled."""
    by_size = (result.get("totals") or {}).get("by_size") or {}
    return {
        "by_size": [(size_label(k), v) for k, v in by_size.items()],
        "facilities": [
            {**f, "size_label": size_label(f.get("size") or f.get("size_class"))}
            for f in result.get("facilities") or []
        ],
    }


def compare_rows(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows (label, a, b, b - a) comparing two runs' totals: counts, hectares, m², per size."""
    rows = []
    for key, label in (("count", _("Facilities")), ("ha", _("Hectares")), ("m2", "m²")):
        va, vb = a.get(key), b.get(key)
        diff = (vb - va) if isinstance(va, (int, float)) and isinstance(vb, (int, float)) else None
        rows.append({"label": label, "a": va, "b": vb, "diff": diff})
    for s in sorted(set(a.get("by_size", {})) | set(b.get("by_size", {}))):
        ca = a.get("by_size", {}).get(s, {}).get("count", 0)
        cb = b.get("by_size", {}).get(s, {}).get("count", 0)
        rows.append(
            {"label": f"{_('Facilities')} ({size_label(s)})", "a": ca, "b": cb, "diff": cb - ca}
        )
    return rows
