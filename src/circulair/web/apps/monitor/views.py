"""Monitor pages: the dashboard of targets, an indicator's detail with charts, the import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from circulair.core.errors import InputError
from circulair.core.monitor import charts
from circulair.core.monitor.compute import STATUS_LABELS, STATUS_RULE
from circulair.core.monitor.importer import template_csv
from circulair.core.tables import write_table
from circulair.web.apps.common import permissions
from circulair.web.apps.monitor import selectors, services
from circulair.web.apps.monitor.forms import ImportForm
from circulair.web.apps.monitor.models import Indicator, Observation, Target


def _status_label(status: str) -> str:
    lang = "en" if get_language() == "en" else "nl"
    return STATUS_LABELS.get(status, {}).get(lang, status)


def _svg(data: bytes) -> str:
    text = data.decode("utf-8")
    return mark_safe(text[text.index("<svg") :])


def _labels(t: Target) -> dict[str, str]:
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


def dashboard(request: HttpRequest) -> HttpResponse:
    cards = []
    for t, a, series in selectors.target_assessments():
        cards.append(
            {
                "target": t,
                "a": a.as_dict(),
                "status": a.status,
                "status_label": _status_label(a.status),
                "spark": _svg(
                    charts.sparkline([o.year for o in series], [o.value for o in series], a.status)
                ),
            }
        )
    indicators = Indicator.objects.order_by("slug")
    return render(
        request,
        "monitor/dashboard.html",
        {"cards": cards, "indicators": indicators, "rule": STATUS_RULE},
    )


def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    ind = get_object_or_404(Indicator, slug=slug)
    targets = []
    for t in ind.targets.select_related("indicator"):
        a, series = selectors.assessment_of(t)
        chart = charts.target_chart(
            [o.year for o in series], [o.value for o in series], a.as_dict(), _labels(t)
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
                "status_label": _status_label(a.status),
                "chart": _svg(chart),
            }
        )
    regions = selectors.indicator_regions(ind)
    comparison = None
    if len(regions) > 1:
        comparison = _svg(
            charts.comparison_chart(
                {r: ([o.year for o in obs], [o.value for o in obs]) for r, obs in regions.items()},
                {"title": ind.name, "unit": ind.unit, "highlight": "BE"},
            )
        )
    obs = [o for r in sorted(regions) for o in regions[r]]
    return render(
        request,
        "monitor/indicator.html",
        {
            "indicator": ind,
            "targets": targets,
            "comparison": comparison,
            "observations": obs,
            "rule": STATUS_RULE,
        },
    )


def target_png(request: HttpRequest, slug: str) -> HttpResponse:
    t = get_object_or_404(Target.objects.select_related("indicator"), slug=slug)
    a, series = selectors.assessment_of(t)
    png = charts.target_chart(
        [o.year for o in series], [o.value for o in series], a.as_dict(), _labels(t), fmt="png"
    )
    resp = HttpResponse(png, content_type="image/png")
    resp["Content-Disposition"] = f'attachment; filename="{slug}.png"'
    return resp


def indicator_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    ind = get_object_or_404(Indicator, slug=slug)
    rows = selectors.as_rows(selectors.observations(ind))
    cols = ["indicator", "region", "year", "value", "unit", "source", "note", "origin"]
    if fmt not in ("csv", "xlsx"):
        raise Http404(fmt)
    data = write_table(cols, ([r[c] for c in cols] for r in rows), fmt, sheet=slug)
    if fmt == "csv":
        resp = HttpResponse(data, content_type="text/csv; charset=utf-8")
    else:
        resp = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    resp["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    return resp


def template(request: HttpRequest) -> HttpResponse:
    wide = request.GET.get("wide") == "1"
    resp = HttpResponse(template_csv(wide=wide), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = (
        f'attachment; filename="observations-{"wide" if wide else "long"}-template.csv"'
    )
    return resp


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "monitor.observations.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            rep = services.observations_import(
                content=f.read(), file_name=f.name, user=request.user
            )
        except InputError as e:
            problems = [str(p) for p in e.problems]
        else:
            messages.success(
                request,
                _("Imported: %(c)d new, %(u)d updated, %(n)d unchanged.")
                % {"c": rep.created, "u": rep.updated, "n": rep.unchanged},
            )
            return redirect("monitor:dashboard")
    ctx: dict[str, Any] = {
        "form": form,
        "problems": problems,
        "indicators": Indicator.objects.order_by("slug"),
        "regions": sorted(selectors.known_regions()),
        "recent": Observation.objects.filter(origin=Observation.Origin.IMPORT)
        .select_related("indicator")
        .order_by("-updated_at")[:20],
    }
    return render(request, "monitor/import.html", ctx, status=400 if problems else 200)
