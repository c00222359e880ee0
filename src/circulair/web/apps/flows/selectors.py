"""Reads of the flows app. Every read starts from the datasets the user may see
(``flows.dataset.view``), so a page, an export, the API and the Sankey hold only permitted
flows; aggregation is a GROUP BY in the database, refined in Python on the (few) groups."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count, QuerySet, Sum

from circulair.core.flows.aggregate import group_key, year_over_year
from circulair.core.flows.codes import default_catalogue
from circulair.core.flows.disclosure import Disclosure, disclose
from circulair.core.flows.indicators import Shares, residual_per_inhabitant, shares
from circulair.core.flows.records import Flow as CoreFlow
from circulair.core.flows.sankey import Sankey, sankey
from circulair.web.apps.common import permissions
from circulair.web.apps.exchange import selectors as ex_selectors
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


def _visible(model: Any, user: Any, dataset: Dataset | None, year: int | None) -> QuerySet[Any]:
    """Rows of ``model`` (flows or their totals) in the datasets the user may see."""
    qs = model.objects.filter(dataset__in=datasets_visible(user).values("pk"))
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def flows_visible(
    user: Any, *, dataset: Dataset | None = None, year: int | None = None
) -> QuerySet[Flow]:
    """The flow records the user may see: what the export and the rows read."""
    return _visible(Flow, user, dataset, year)


def totals_visible(
    user: Any, *, dataset: Dataset | None = None, year: int | None = None
) -> QuerySet[FlowTotal]:
    """The flow totals the user may see: what every aggregation reads."""
    return _visible(FlowTotal, user, dataset, year)


def years(qs: QuerySet[Any]) -> list[int]:
    return sorted(qs.values_list("year", flat=True).distinct())


def _core_flow(row: dict[str, Any]) -> CoreFlow:
    """A grouped row of totals (its tonnes in ``t``) as a core flow."""
    return CoreFlow(
        year=row.get("year", 0),
        tonnes=float(row["t"] or 0.0),
        waste_code=row.get("chapter", ""),
        material=row.get("material", ""),
        treatment=row.get("treatment", ""),
        rung=row.get("rung") or None,
        origin_nace=row.get("division", ""),
        origin_refnis=row.get("origin_refnis", ""),
    )


def _grouped(qs: QuerySet[FlowTotal], fields: Sequence[str]) -> list[CoreFlow]:
    """One core flow per combination of the database columns ``fields`` (with the tonnes of
    the group), so core's aggregation, indicators and Sankey run on a handful of records."""
    return [
        _core_flow(row) for row in qs.values(*fields).annotate(t=Sum("tonnes")).order_by(*fields)
    ]


def registers_disclosed(*, by: str, year: int | None = None) -> Disclosure:
    """Every company's register in the region summed per group of ``by``, with small-group
    suppression (:mod:`circulair.core.flows.disclosure`): what anyone may see of the registers,
    without one company's figure being readable from it. The contributors of a group are the
    organisations whose registers hold tonnes in it."""
    cat = default_catalogue()
    fields = sorted(set(GROUPINGS[by]))
    qs = FlowTotal.objects.filter(
        dataset__kind=Dataset.Kind.REGISTER, dataset__organisation__isnull=False
    )
    if year is not None:
        qs = qs.filter(year=year)
    groups: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    rows = qs.values(*fields, "dataset__organisation").annotate(t=Sum("tonnes")).order_by()
    for row in rows:
        key = group_key(_core_flow(row), by, cat)
        groups[key][int(row["dataset__organisation"])] += float(row["t"] or 0.0)
    return disclose(groups)


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


def year_change(qs: QuerySet[FlowTotal], by: str) -> list[dict[str, Any]]:
    """Per key of ``by``: the tonnes of the latest year, of the year before and the change in
    percent (None when the year before has none); largest first. Empty with one year only."""
    fields = sorted({"year", *GROUPINGS[by]})
    rows = year_over_year(_grouped(qs, fields), by, default_catalogue())
    latest = max((r["year"] for r in rows), default=None)
    if latest is None or not any(r["year"] == latest - 1 for r in rows):
        return []
    keys = {r["key"] for r in rows}
    out = {r["key"]: r for r in rows if r["year"] == latest}
    for k in keys - set(out):  # a key the latest year no longer has
        prev = next(r["tonnes"] for r in rows if r["key"] == k and r["year"] == latest - 1)
        out[k] = {"key": k, "year": latest, "tonnes": 0.0, "previous": prev, "change_pct": -100.0}
    return sorted(
        (r for r in out.values() if r["tonnes"] or r["previous"]),
        key=lambda r: (-r["tonnes"], r["key"]),
    )


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


#: Rank on the R-ladder of a flow's rung and of an exchange request's intended route (lower
#: keeps more value); disposal, below the ladder, counts as 10.
RUNG_RANK = {"r3-reuse": 3, "r8-recycle": 8, "r9-recover": 9, "disposal": 10}
ROUTE_RANK = {"reuse": 3, "repair": 4, "remanufacture": 6, "recycle": 8, "recover": 9}
LOW_RUNGS = ("r9-recover", "disposal")


def opportunities(dataset: Dataset, *, within_km: float = 100.0) -> list[dict[str, Any]]:
    """A register's flows treated at a low rung (energy recovery, disposal) in its latest year,
    per material, with the open exchange requests within ``within_km`` (road distance between
    municipality centres) that would take them higher on the ladder. Ranked by tonnes x rung
    gain of the best request, then tonnes; a material without a request is still listed (it
    can be offered), with gain 0."""
    latest = dataset.totals.order_by("-year").values_list("year", flat=True).first()
    if latest is None or dataset.organisation is None:
        return []
    org = dataset.organisation
    rows = (
        dataset.totals.filter(year=latest, rung__in=LOW_RUNGS)
        .values("material", "rung")
        .annotate(t=Sum("tonnes"))
    )
    here = org.municipality
    requests = [
        r
        for r in ex_selectors.open_for_matching().filter(kind="request")
        if r.organisation_id != org.pk
    ]
    out = []
    for row in rows:
        rank = RUNG_RANK[row["rung"]]
        found: list[dict[str, Any]] = []
        for r in requests:
            if not ex_selectors.compatible(row["material"], r.material):
                continue
            km = (
                ex_selectors.distance_km(here.lat, here.lon, r.municipality.lat, r.municipality.lon)
                if here is not None and r.municipality is not None
                else None
            )
            gain = rank - ROUTE_RANK.get(r.route, 9)
            if gain > 0 and (km is None or km <= within_km):
                found.append({"listing": r, "km": km, "gain": gain})
        found.sort(key=lambda x: (-x["gain"], x["km"] if x["km"] is not None else 1e9))
        t = float(row["t"] or 0.0)
        best = int(found[0]["gain"]) if found else 0
        out.append(
            {
                "material": row["material"],
                "rung": row["rung"],
                "year": latest,
                "tonnes": t,
                "gain": best,
                "score": t * best,
                "requests": found[:3],
            }
        )
    out.sort(key=lambda o: (-o["score"], -o["tonnes"], o["material"]))
    return out
