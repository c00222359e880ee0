"""Atlas pages: pick a study preset or define a siting scenario, follow the run, see the map.

Who sees which run is decided in :mod:`~circulair.web.apps.atlas.selectors` (a siting run: its
creator only; others get 404). Starting a siting run needs an account: an anonymous form post
is sent to the login page before anything (upload, job) is stored.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from circulair.core.errors import InputError
from circulair.web.apps.atlas import presenters, selectors, services
from circulair.web.apps.atlas.forms import ExtrapolateForm, SiteForm
from circulair.web.apps.common import jobs
from circulair.web.apps.common.models import Job
from circulair.web.apps.geography import selectors as geo_sel


def _index(
    request: HttpRequest,
    eform: ExtrapolateForm,
    sform: SiteForm,
    *,
    problems: list[str] | None = None,
    mode: str | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "extrapolate_form": eform,
        "site_form": sform,
        "presets": services.preset_list(),
        "runs": selectors.run_list(request.user)[:15],
    }
    if problems is not None:
        context.update(problems=problems, mode=mode)
    return render(request, "atlas/index.html", context, status=status)


def index(request: HttpRequest) -> HttpResponse:
    return _index(request, ExtrapolateForm(), SiteForm())


def run_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("atlas:index")
    mode = request.POST.get("mode")
    if mode == "site" and not request.user.is_authenticated:
        return redirect_to_login(reverse("atlas:index"))
    site = mode == "site"
    eform = ExtrapolateForm(request.POST if mode == "extrapolate" else None)
    sform = SiteForm(request.POST if site else None, request.FILES if site else None)
    form = sform if site else eform
    problems: list[str] = []
    code = 400
    if mode in ("extrapolate", "site") and form.is_valid():
        try:
            if site:
                job = services.site_start(
                    params=sform.params(), uploads=sform.uploads(), user=request.user
                )
            else:
                job = services.run_start(
                    kind="atlas.extrapolate", params=dict(eform.cleaned_data), user=request.user
                )
        except InputError as e:
            problems = [str(p) for p in e.problems]
        except jobs.JobLimitError as e:
            problems, code = [str(e)], 429
        else:
            return redirect("atlas:run", pk=job.pk)
    elif mode not in ("extrapolate", "site"):
        problems = [_("Choose a study scenario or a siting model.")]
    return _index(request, eform, sform, problems=problems, mode=mode, status=code)


def _job(request: HttpRequest, pk: int) -> Job:
    """The run if ``request.user`` may see it; 404 otherwise (also for another's run)."""
    try:
        return selectors.run_get(pk, request.user)
    except Job.DoesNotExist as e:
        raise Http404(f"no atlas run {pk}") from e


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    result = job.result or {}
    return render(
        request,
        "atlas/run.html",
        {
            "job": job,
            "result": result,
            "geojson": json.dumps(presenters.run_geojson(result)) if job.result else "null",
            "region": geo_sel.region_default(),
        },
    )


def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    resp = render(request, "atlas/_status.html", {"job": job})
    if job.finished:
        resp["HX-Refresh"] = "true"
    return resp


def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    job = _job(request, pk)
    if not job.result:
        raise Http404("the run has no result (yet)")
    name = f"circulair-atlas-{pk}"
    if fmt == "geojson":
        resp: HttpResponse = JsonResponse(presenters.run_geojson(job.result))
    elif fmt == "csv":
        resp = HttpResponse(presenters.run_csv(job.result), content_type="text/csv; charset=utf-8")
    elif fmt == "png":
        points = selectors.municipality_points(geo_sel.region_default())
        resp = HttpResponse(presenters.run_png(job.result, points), content_type="image/png")
    else:
        raise Http404(fmt)
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp


def compare(request: HttpRequest) -> HttpResponse:
    ids = [request.GET.get("a"), request.GET.get("b")]
    runs = []
    for i in ids:
        if i and i.isdigit():
            with contextlib.suppress(Job.DoesNotExist):
                runs.append(selectors.run_get(int(i), request.user))
    rows = []
    if len(runs) == 2 and all(r.result for r in runs):
        a, b = (r.result["totals"] for r in runs)  # type: ignore[index]
        rows = presenters.compare_rows(a, b)
    return render(
        request,
        "atlas/compare.html",
        {"runs": runs, "rows": rows, "all_runs": selectors.run_list(request.user)[:50]},
    )
