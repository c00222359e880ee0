"""Monitor pages: the dashboard of targets, an indicator's detail with charts, the import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from circulair.core.errors import InputError
from circulair.core.monitor.compute import STATUS_RULE
from circulair.core.monitor.importer import template_csv
from circulair.core.tables import write_table
from circulair.web.apps.common import permissions
from circulair.web.apps.monitor import presenters, selectors, services
from circulair.web.apps.monitor.forms import ImportForm
from circulair.web.apps.monitor.models import Indicator, Target


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "monitor/dashboard.html",
        {
            "cards": presenters.dashboard_cards(),
            "indicators": selectors.indicator_list(),
            "rule": STATUS_RULE,
        },
    )


def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    ind = get_object_or_404(Indicator, slug=slug)
    return render(request, "monitor/indicator.html", presenters.indicator_context(ind))


def target_png(request: HttpRequest, slug: str) -> HttpResponse:
    t = get_object_or_404(Target.objects.select_related("indicator"), slug=slug)
    resp = HttpResponse(presenters.target_png(t), content_type="image/png")
    resp["Content-Disposition"] = f'attachment; filename="{slug}.png"'
    return resp


def indicator_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    ind = get_object_or_404(Indicator, slug=slug)
    rows = presenters.as_rows(selectors.observations(ind))
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
        "indicators": selectors.indicator_list(),
        "regions": sorted(selectors.known_regions()),
        "recent": selectors.recent_imports(20),
    }
    return render(request, "monitor/import.html", ctx, status=400 if problems else 200)
