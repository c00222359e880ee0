"""Monitor indicators computed from the flows, with their rule in the note: residual household
waste per inhabitant (the 100 kg target), household waste per inhabitant and the household
selective-collection rate, for the region and each year the public municipal statistics cover.

A region value is published only when the municipalities with statistics for that year hold
at least :data:`COVERAGE` of the region's inhabitants (a mean over a few municipalities is not
the region's). A figure from another origin (a source document, an editor's import) is never
overwritten: such a year is skipped and said so. A recomputation replaces the figures it
produced before, each change in the history with the dataset's upload."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from circulair.core.flows.codes import default_catalogue
from circulair.core.flows.indicators import household_recycling_rate, residual_per_inhabitant
from circulair.core.monitor.model import Observation as CoreObservation
from circulair.web.apps.flows.models import Dataset, FlowTotal
from circulair.web.apps.geography import selectors as geo_selectors
from circulair.web.apps.monitor import services as monitor_services
from circulair.web.apps.monitor.models import Observation

COVERAGE = 0.95
SOURCE = "Circulair flows: municipal household-waste statistics"
INDICATORS = (
    "residual-household-waste-per-inhabitant",
    "household-waste-per-inhabitant",
    "recycling-rate-household",
)


@dataclass
class Published:
    """What a recomputation did: figures stored, and each year skipped with its reason."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)


def indicators_publish(*, user: Any = None, upload: Any = None) -> Published:
    """Recompute the flow indicators of the default region from every public municipal
    dataset and store them in the monitor (see the module)."""
    region = geo_selectors.region_default()
    munis = {m.refnis: m.population for m in geo_selectors.municipality_list(region=region)}
    total_pop = sum(munis.values())
    public = Dataset.objects.filter(kind=Dataset.Kind.MUNICIPAL, organisation__isnull=True)
    rows = (
        FlowTotal.objects.filter(dataset__in=public, origin_refnis__in=munis)
        .values("year", "origin_refnis", "fraction")
        .annotate(t=Sum("tonnes"))
    )
    by_year: dict[int, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        by_year[r["year"]][r["origin_refnis"]][r["fraction"]] = float(r["t"] or 0.0)
    cat = default_catalogue()
    others = set(
        Observation.objects.filter(indicator__slug__in=INDICATORS, region=region.code)
        .exclude(source=SOURCE)
        .values_list("indicator__slug", "year")
    )
    out = Published()
    figures: list[CoreObservation] = []
    for year, per_muni in sorted(by_year.items()):
        pop = sum(munis[r] for r in per_muni)
        if not total_pop or pop < COVERAGE * total_pop:
            out.skipped.append(
                {
                    "year": year,
                    "reason": "coverage",
                    "municipalities": len(per_muni),
                    "share": pop / total_pop if total_pop else 0.0,
                }
            )
            continue
        fractions: dict[str, float] = defaultdict(float)
        for f in per_muni.values():
            for k, t in f.items():
                fractions[k] += t
        values = {
            INDICATORS[0]: residual_per_inhabitant(fractions, pop, cat),
            INDICATORS[1]: 1000.0 * math.fsum(fractions.values()) / pop,
            INDICATORS[2]: _percent(household_recycling_rate(fractions, cat)),
        }
        note = (
            f"{len(per_muni)} municipalities, {pop} inhabitants ({100 * pop / total_pop:.1f} % of "
            "the region). Residual: the residual and bulky fractions; recycling rate: the "
            "selectively collected fractions' share of all household waste."
        )
        for slug, value in values.items():
            if value is None:
                continue
            if (slug, year) in others:
                out.skipped.append({"year": year, "reason": "other_origin", "indicator": slug})
                continue
            unit = "%" if slug == INDICATORS[2] else "kg/inh"
            figures.append(CoreObservation(slug, region.code, year, value, unit, SOURCE, note))
    if figures:
        rep = monitor_services.figures_store(figures, user=user, upload=upload)
        out.created, out.updated, out.unchanged = rep.created, rep.updated, rep.unchanged
    return out


def _percent(x: float | None) -> float | None:
    return None if x is None else 100.0 * x
