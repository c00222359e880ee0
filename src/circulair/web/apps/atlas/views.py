"""Atlas pages: pick a study preset or define a siting scenario, follow the run, see the map.

Who sees which run is decided in :mod:`~circulair.web.apps.atlas.selectors` (a siting run: its
creator only; others get 404). Starting a siting run needs an account: an anonymous form post
is sent to the login page before anything (upload, job) is stored.
"""

from __future__ import annotations

import contextlib
import json

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from circulair.core.errors import InputError
from circulair.web.apps.atlas import presenters, selectors, services
from circulair.web.apps.atlas.forms import ExtrapolateForm, SiteForm
from circulair.web.apps.common import jobs
from circulair.web.apps.geography import selectors as geo_sel
from circulair.web.apps.portal.models import Job


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "atlas/index.html",
        {
            "extrapolate_form": ExtrapolateForm(),
            "site_form": SiteForm(),
            "presets": services.preset_list(),
            "runs": selectors.run_list(request.user)[:15],
        },
    )


def run_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("atlas:index")
    mode = request.POST.get("mode")
    if mode == "site" and not request.user.is_authenticated:
        return redirect_to_login(reverse("atlas:index"))
    eform = ExtrapolateForm(request.POST if mode == "extrapolate" else None)
    sform = SiteForm(
        request.POST if mode == "site" else None, request.FILES if mode == "site" else None
    )
    form = eform if mode == "extrapolate" else sform
    problems: list[str] = []
    code = 400
    if mode in ("extrapolate", "site") and form.is_valid():
        kind = "atlas.extrapolate" if mode == "extrapolate" else "atlas.site"
        params = dict(form.cleaned_data) if mode == "extrapolate" else sform.params()
        try:
            if mode == "site":
                services.time_limit_check(params, request.user)
            for field, purpose in (("demand_file", "demand"), ("candidates_file", "candidates")):
                upload = sform.cleaned_data.get(field) if mode == "site" else None
                if upload is not None:
                    params[f"{purpose}_upload"] = services.table_upload(
                        purpose=purpose,
                        content=upload.read(),
                        file_name=upload.name,
                        user=request.user,
                    )
            job = services.run_start(kind=kind, params=params, user=request.user)
        except InputError as e:
            problems = [str(p) for p in e.problems]
        except jobs.JobLimitError as e:
            problems, code = [str(e)], 429
        else:
            return redirect("atlas:run", pk=job.pk)
    elif mode not in ("extrapolate", "site"):
        problems = [_("Choose a study scenario or a siting model.")]
    return render(
        request,
        "atlas/index.html",
        {
            "extrapolate_form": eform,
            "site_form": sform,
            "presets": services.preset_list(),
            "runs": selectors.run_list(request.user)[:15],
            "problems": problems,
            "mode": mode,
        },
        status=code,
    )


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
