"""What the monitor's pages and exports show, shaped from what ``selectors`` read: status labels,
the dashboard's cards with sparklines, an indicator's targets with charts and paces in %, and
observation rows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from circulair.core.monitor import charts
from circulair.core.monitor.compute import STATUS_LABELS, STATUS_RULE
from circulair.web.apps.common.models import Upload
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.monitor import selectors
from circulair.web.apps.monitor.models import ImportBatch, Indicator, Observation, Target


def status_label(status: str) -> str:
    lang = "en" if get_language() == "en" else "nl"
    return STATUS_LABELS.get(status, {}).get(lang, status)


def _svg(data: bytes) -> str:
    text = data.decode("utf-8")
    return mark_safe(text[text.index("<svg") :])


def target_labels(t: Target) -> dict[str, str]:
    """The texts of a target's chart in the active language."""
    return {
        "title": f"{t.name} ({t.region})",
        "unit": t.indicator.unit,
        "observed": _("observed"),
        "target": _("target"),
        "path": _("required path"),
        "trend": _("trend projection"),
        "band": _("90 % band"),
        "empty": _("no observations yet"),
    }


def figure_row(r: Record, regions: dict[str, str]) -> dict[str, Any]:
    """One figure of the source documents as shown beside a target or on its indicator: value,
    unit, year (None: the text gives none), region and its citations, linked to the record."""
    a = r.attributes
    return {
        "slug": r.slug,
        "name": r.name,
        "value": a["value"],
        "unit": a["unit"],
        "year": a.get("year"),
        "region": regions.get(a["region"], a["region"]),
        "note": a.get("note", ""),
        "url": reverse("knowledge:detail", args=["indicator_figure", r.slug]),
        "citations": [
            {"label": str(c), "locator": c.locator, "title": c.source.title}
            for c in r.citations.all()
        ],
    }


_WHY = {
    "on_track": gettext_lazy("The observed pace is at least the required pace."),
    "at_risk": gettext_lazy(
        "The observed pace is below the required pace, but the optimistic end of the "
        "projection band reaches the target."
    ),
    "off_track": gettext_lazy("The observed pace is below the required pace."),
    "met": gettext_lazy("The target level is reached."),
    "missed": gettext_lazy("The target level was not reached in the target year."),
    "no_data": gettext_lazy(
        "Fewer than two observations in the trend window: the observed pace cannot be "
        "compared with the required pace yet."
    ),
}


def explanation(t: Target, a: dict[str, Any], regions: dict[str, str]) -> dict[str, str]:
    """Why a target has its status, in the active language: ``missing`` names the series an
    evaluation lacks (the page links it to the import template), ``why`` explains the rest."""
    names = {"indicator": t.indicator.name, "region": regions.get(t.region, t.region)}
    if not a["n_observations"]:
        return {"missing": _("No series of “%(indicator)s” for %(region)s yet.") % names}
    if a["status"] == "no_data" and a["target_level"] is None:
        return {
            "missing": _(
                "No value of “%(indicator)s” for %(region)s in the baseline year %(year)s."
            )
            % {**names, "year": a["baseline_year"]}
        }
    return {"why": str(_WHY.get(a["status"], ""))}


def dashboard_cards() -> list[dict[str, Any]]:
    """Every target with its assessment, status label, sparkline, the reason in words (or the
    series it misses) and the source documents' figures that bear on it (its own indicator's
    and those of the indicators the knowledge base relates to it)."""
    assessed = selectors.target_assessments()
    related = selectors.related_indicators(t for t, _a, _s in assessed)
    figures = selectors.cited_figures(s for slugs in related.values() for s in slugs)
    regions = selectors.region_names()
    cards = []
    for t, a, series in assessed:
        ad = a.as_dict()
        cards.append(
            {
                "target": t,
                "a": ad,
                "status": a.status,
                "status_label": status_label(a.status),
                "spark": _svg(
                    charts.sparkline([o.year for o in series], [o.value for o in series], a.status)
                ),
                **explanation(t, ad, regions),
                "figures": [
                    figure_row(r, regions) for slug in related[t.slug] for r in figures[slug]
                ],
            }
        )
    return cards


def indicator_context(ind: Indicator) -> dict[str, Any]:
    """An indicator's page: each target with its chart and paces in %, the regions compared in
    one chart (when there are several), and every observation by region."""
    targets = []
    regions_named = selectors.region_names()
    for t in ind.targets.select_related("indicator"):
        a, series = selectors.assessment_of(t)
        chart = charts.target_chart(
            [o.year for o in series], [o.value for o in series], a.as_dict(), target_labels(t)
        )
        ad = a.as_dict()
        pct = {
            k: ad[k] * 100
            for k in ("required_rate", "observed_rate", "observed_rate_low", "observed_rate_high")
            if ad.get(k) is not None
        }
        targets.append(
            {
                "target": t,
                "a": ad,
                "pct": pct,
                "status_label": status_label(a.status),
                "chart": _svg(chart),
                **explanation(t, ad, regions_named),
            }
        )
    regions = selectors.indicator_regions(ind)
    comparison = None
    if regions:  # one region's series too: a figure of the sources shows as a point
        comparison = _svg(
            charts.comparison_chart(
                {r: ([o.year for o in obs], [o.value for o in obs]) for r, obs in regions.items()},
                {"title": ind.name, "unit": ind.unit, "highlight": "BE"},
            )
        )
    obs = [o for r in sorted(regions) for o in regions[r]]
    return {
        "indicator": ind,
        "targets": targets,
        "comparison": comparison,
        "regions_count": len(regions),
        "observations": obs,
        "figures": [
            figure_row(r, regions_named) for r in selectors.cited_figures([ind.slug])[ind.slug]
        ],
        "rule": STATUS_RULE,
    }


def target_png(t: Target) -> bytes:
    """A target's chart as PNG."""
    a, series = selectors.assessment_of(t)
    return charts.target_chart(
        [o.year for o in series],
        [o.value for o in series],
        a.as_dict(),
        target_labels(t),
        fmt="png",
    )


def as_rows(obs: list[Observation]) -> list[dict[str, Any]]:
    """Observations as export rows (the import's long format, with their origin)."""
    return [
        {
            "indicator": o.indicator.slug,
            "region": o.region,
            "year": o.year,
            "value": o.value,
            "unit": o.unit,
            "source": o.source,
            "note": o.note,
            "origin": o.origin,
        }
        for o in obs
    ]


def batch_of(upload: Upload) -> ImportBatch | None:
    """The four-eyes batch of an import (None: it was stored at once)."""
    try:
        return upload.monitor_batch  # type: ignore[no-any-return]
    except ObjectDoesNotExist:
        return None


def import_status(upload: Upload, batch: ImportBatch | None) -> tuple[str, str]:
    """(key, label) of an import: refused (a bad file), imported, or its batch's decision."""
    if upload.status == Upload.Status.REJECTED:
        return "refused", _("refused: %(n)d problems, nothing imported") % {
            "n": upload.problem_count
        }
    if batch is None:
        return "imported", _("imported")
    who = batch.decided_by.username if batch.decided_by else "—"
    if batch.status == ImportBatch.Status.APPROVED:
        return "approved", _("approved by %(name)s") % {"name": who}
    if batch.status == ImportBatch.Status.REJECTED:
        return "rejected", _("rejected by %(name)s") % {"name": who}
    return "pending", str(batch.get_status_display())


def import_row(upload: Any) -> dict[str, Any]:
    """One line of the imports page: file, who, when, figures created and replaced, status.

    A batch not (yet) stored shows what it would change (``expected``)."""
    batch = batch_of(upload)
    key, label = import_status(upload, batch)
    expected = batch is not None and batch.status != ImportBatch.Status.APPROVED
    return {
        "upload": upload,
        "batch": batch,
        "who": upload.created_by.username if upload.created_by else _("operator (command line)"),
        "created": batch.created if expected and batch else upload.n_created,
        "replaced": batch.replaced if expected and batch else upload.n_replaced,
        "expected": expected,
        "status": key,
        "status_label": label,
    }
