"""Reads of the flows app. Every read starts from the datasets the user may see
(``flows.dataset.view``), so a page, an export, the API and the Sankey hold only permitted
flows; aggregation is a GROUP BY in the database, refined in Python on the (few) groups."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count, QuerySet, Sum

from circulair.core.flows.aggregate import group_key
from circulair.core.flows.codes import default_catalogue
from circulair.core.flows.indicators import Shares, residual_per_inhabitant, shares
from circulair.core.flows.records import Flow as CoreFlow
from circulair.core.flows.sankey import Sankey, sankey
from circulair.web.apps.common import permissions
from circulair.web.apps.flows.models import Dataset, Flow, FlowTotal
from circulair.web.apps.geography import selectors as geo_selectors

#: The groupings a page or the API offers, and the database columns each needs.
GROUPINGS: dict[str, tuple[str, ...]] = {
    "year": ("year",),
    "material": ("material",),
    "chapter": ("chapter",),
    "nace_section": ("division",),
    "refnis": ("origin_refnis",),
    "arrondissement": ("origin_refnis",),
    "province": ("origin_refnis",),
    "treatment": ("treatment",),
    "rung": ("rung",),
    "family": ("treatment",),
}


def datasets_visible(user: Any) -> QuerySet[Dataset]:
    qs = Dataset.objects.select_related("organisation", "created_by", "upload")
    return permissions.restrict(user, "flows.dataset.view", qs)


def dataset_get(user: Any, pk: int) -> Dataset:
    """A dataset the user may see (404 otherwise: a company's register is not disclosed)."""
    return datasets_visible(user).get(pk=pk)


def flows_visible(
    user: Any, *, dataset: Dataset | None = None, year: int | None = None
) -> QuerySet[Flow]:
    qs = Flow.objects.filter(dataset__in=datasets_visible(user).values("pk"))
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def totals_visible(
    user: Any, *, dataset: Dataset | None = None, year: int | None = None
) -> QuerySet[FlowTotal]:
    """The flow totals the user may see: what every aggregation reads."""
    qs = FlowTotal.objects.filter(dataset__in=datasets_visible(user).values("pk"))
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def years(qs: QuerySet[Any]) -> list[int]:
    return sorted(qs.values_list("year", flat=True).distinct())


def _grouped(qs: QuerySet[FlowTotal], fields: Sequence[str]) -> list[CoreFlow]:
    """One core flow per combination of the database columns ``fields`` (with the tonnes of
    the group), so core's aggregation, indicators and Sankey run on a handful of records."""
    out = []
    for row in qs.values(*fields).annotate(t=Sum("tonnes")).order_by(*fields):
        out.append(
            CoreFlow(
                year=row.get("year", 0),
                tonnes=float(row["t"] or 0.0),
                waste_code=row.get("chapter", ""),
                material=row.get("material", ""),
                treatment=row.get("treatment", ""),
                rung=row.get("rung") or None,
                origin_nace=row.get("division", ""),
                origin_refnis=row.get("origin_refnis", ""),
            )
        )
    return out


def aggregate(qs: QuerySet[FlowTotal], by: Sequence[str]) -> list[dict[str, Any]]:
    """Tonnes and share per group of ``by`` (keys of :data:`GROUPINGS`), largest first."""
    cat = default_catalogue()
    fields = sorted({f for b in by for f in GROUPINGS[b]})
    sums: dict[tuple[str, ...], list[float]] = defaultdict(list)
    for f in _grouped(qs, fields):
        sums[tuple(group_key(f, b, cat) for b in by)].append(f.tonnes)
    totals = {k: math.fsum(v) for k, v in sums.items()}
    grand = math.fsum(totals.values())
    rows: list[dict[str, Any]] = [
        {"key": k, "tonnes": t, "share": (t / grand if grand else None)} for k, t in totals.items()
    ]
    rows.sort(key=lambda r: (-r["tonnes"], r["key"]))
    return rows


def treatment_shares(qs: QuerySet[FlowTotal]) -> Shares:
    """Rung shares, recycling rate and the shares to energy recovery and disposal, for the flows
    whose treatment is known (municipal statistics have none)."""
    return shares(_grouped(qs.exclude(treatment=""), ["treatment", "rung"]), default_catalogue())


def flow_sankey(
    qs: QuerySet[FlowTotal], *, label: Callable[[str, str], str] | None = None, other: str = "other"
) -> Sankey:
    """Origin sector -> material -> rung, for the flows with a known treatment; ``label``
    names a node (column, key) in the reader's language."""
    fields = ["division", "material", "rung", "treatment"]
    flows = _grouped(qs.exclude(treatment=""), fields)
    return sankey(flows, default_catalogue(), label=label, other_label=other)


def residual_by_municipality(qs: QuerySet[FlowTotal], year: int) -> list[dict[str, Any]]:
    """Residual household waste per inhabitant of each municipality with statistics in
    ``year`` (kg), from the fractions and the geography's population."""
    cat = default_catalogue()
    rows = (
        qs.filter(year=year)
        .exclude(fraction="")
        .values("origin_refnis", "fraction")
        .annotate(t=Sum("tonnes"))
    )
    by_refnis: dict[str, dict[str, float]] = defaultdict(dict)
    for r in rows:
        by_refnis[r["origin_refnis"]][r["fraction"]] = float(r["t"] or 0.0)
    munis = geo_selectors.municipalities_by_refnis(by_refnis)
    out = []
    for refnis, fractions in sorted(by_refnis.items()):
        m = munis.get(refnis)
        if m is None or m.population <= 0:
            continue
        out.append(
            {
                "refnis": refnis,
                "name": m.name_nl,
                "population": m.population,
                "kg_per_inhabitant": residual_per_inhabitant(fractions, m.population, cat),
                "tonnes": math.fsum(fractions.values()),
            }
        )
    return out


def dataset_counts(qs: QuerySet[Dataset]) -> dict[str, int]:
    return dict(qs.values_list("kind").annotate(n=Count("pk")))
