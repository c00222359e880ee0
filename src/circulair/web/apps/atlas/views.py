"""Atlas pages: pick a study preset or define a siting scenario, follow the run, see the map;
my runs and how each is shared.

Who sees which run is decided in :mod:`~circulair.web.apps.atlas.selectors` (a siting run: its
creator, administrators, the organisation it is shared with; others get 404). A share link
``/atlas/shared/<token>/`` shows the run read-only, with its status and exports under the same
prefix (the token is in the path; the run's id is not). Starting a siting run needs an account:
an anonymous form post is sent to the login page before anything (upload, job) is stored.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circulair.core.errors import InputError, gettext_noop
from circulair.web.apps.atlas import presenters, selectors, services
from circulair.web.apps.atlas.forms import ExtrapolateForm, SiteForm
from circulair.web.apps.common import jobs
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.texts import problem_message, problem_text
from circulair.web.apps.geography import selectors as geo_sel
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.organisations.selectors import organisations_of


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
        "runs": selectors.without_failed(selectors.run_list(request.user))[:15],
    }
    if problems is not None:
        context.update(problems=problems, mode=mode)
    return render(request, "atlas/index.html", context, status=status)


def _problems_to_form(form: ExtrapolateForm | SiteForm, e: InputError) -> list[str]:
    """Put each refused value next to its field (the form keeps what was typed); return the
    problems that belong to no field of the form, for the list above the forms."""
    loose = []
    for p in e.problems:
        if p.field in form.fields and not p.file:
            shown = f" ({p.value})" if p.value is not None else ""
            form.add_error(p.field, problem_message(p) + shown)
        else:
            loose.append(problem_text(p))
    return loose


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
            problems = _problems_to_form(form, e)
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


def _shared_job(request: HttpRequest, token: str) -> Job:
    """The run a share link opens; the same 404 as a missing run for a wrong or old token."""
    try:
        return selectors.run_by_token(token, request.user)
    except Job.DoesNotExist as e:
        raise Http404("no atlas run") from e


EXPORTS = ("geojson", "csv", "png")


def _urls(job: Job, token: str = "") -> dict[str, Any]:
    """Where the run page's status and exports are: by id, or under the share link."""
    if token:
        status_url = reverse("atlas:shared_status", args=[token])
        export = {f: reverse("atlas:shared_export", args=[token, f]) for f in EXPORTS}
    else:
        status_url = reverse("atlas:run_status", args=[job.pk])
        export = {f: reverse("atlas:run_export", args=[job.pk, f]) for f in EXPORTS}
    return {"status_url": status_url, "export_urls": export}


def _detail(request: HttpRequest, job: Job, token: str = "") -> HttpResponse:
    result = job.result or {}
    owner = not token and services.may_share(request.user, job)
    done = job.status == Job.Status.DONE
    return render(
        request,
        "atlas/run.html",
        {
            "job": job,
            "result": result,
            "certificate": presenters.certificate(result) if done else None,
            "sizes": presenters.sizes_view(result),
            # a not-proven run may go again with more time, while its limit is under the cap
            "may_again": done
            and owner
            and job.kind == "atlas.site"
            and int(job.params.get("time_limit") or 0) < services.time_limit_max(request.user),
            "geojson": json.dumps(presenters.run_geojson(result)) if job.result else "null",
            "region": geo_sel.region_default(),
            "share_token": token,
            "is_owner": owner,
            "may_cancel": not token and not job.finished and services.may_cancel(request.user, job),
            "share": selectors.run_share_of(job) if not token else None,
            **_urls(job, token),
        },
    )


def _status(request: HttpRequest, job: Job, token: str = "") -> HttpResponse:
    resp = render(request, "atlas/_status.html", {"job": job, **_urls(job, token)})
    if job.finished:
        resp["HX-Refresh"] = "true"
    return resp


def _export(job: Job, fmt: str) -> HttpResponse:
    if not job.result:
        raise Http404("the run has no result (yet)")
    name = f"circulair-atlas-{job.pk}"
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


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _job(request, pk))


def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    return _status(request, _job(request, pk))


def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _export(_job(request, pk), fmt)


def _private(resp: HttpResponse) -> HttpResponse:
    """A page opened by a share link is kept by no shared cache: stopping to share is at once."""
    resp["Cache-Control"] = "private, no-store"
    return resp


def shared_detail(request: HttpRequest, token: str) -> HttpResponse:
    return _private(_detail(request, _shared_job(request, token), token))


def shared_status(request: HttpRequest, token: str) -> HttpResponse:
    return _private(_status(request, _shared_job(request, token), token))


def shared_export(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    return _private(_export(_shared_job(request, token), fmt))


def _mine(
    request: HttpRequest, *, new_link: str = "", new_link_run: int | None = None
) -> HttpResponse:
    return render(
        request,
        "atlas/mine.html",
        {
            "runs": selectors.runs_mine(request.user)[:100],
            "shared_with_me": selectors.runs_shared_with(request.user)[:100],
            "organisations": organisations_of(request.user).order_by("name"),
            "new_link": new_link,
            "new_link_run": new_link_run,
        },
    )


@login_required
def runs_mine(request: HttpRequest) -> HttpResponse:
    """My runs, with how each is shared and the controls to change it."""
    return _mine(request)


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a queued run, or stop a running one at its next progress report; a run the caller
    may not see is a 404, one they may see but did not start a 403."""
    job = services.run_cancel(request.user, _job(request, pk))
    if job.status == Job.Status.CANCELLED:
        messages.success(request, _("Run #%(pk)d is cancelled.") % {"pk": job.pk})
    elif not job.finished:
        messages.success(request, _("Run #%(pk)d stops at its next step.") % {"pk": job.pk})
    return redirect("atlas:run", pk=job.pk)


@login_required
@require_POST
def run_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a not-proven run again with twice its time limit; the new run's page."""
    job = _job(request, pk)
    try:
        again = services.run_again_longer(request.user, job)
    except InputError as e:
        messages.error(request, "; ".join(problem_message(p) for p in e.problems) or str(e))
        return redirect("atlas:run", pk=job.pk)
    except jobs.JobLimitError as e:
        messages.error(request, str(e))
        return redirect("atlas:run", pk=job.pk)
    return redirect("atlas:run", pk=again.pk)


@login_required
@require_POST
def run_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share a run with an organisation, create its link (shown once, on the answer), or stop
    sharing; a run the caller may not see is a 404, one they may see but do not own a 403."""
    job = _job(request, pk)
    if not services.may_share(request.user, job):
        raise PermissionDenied(_("Only the person who started this run may share it."))
    action = request.POST.get("action", "")
    try:
        if action == "organisation":
            raw = request.POST.get("organisation", "")
            digits = raw.isascii() and raw.isdigit()
            org = Organisation.objects.filter(pk=int(raw)).first() if digits else None
            if org is None:
                raise InputError.coded(
                    "organisation_missing",
                    gettext_noop("choose one of your organisations"),
                    field="organisation",
                    value=raw,
                )
            services.run_share_with_organisation(request.user, job, org)
            messages.success(request, _("Shared with %(org)s.") % {"org": org.name})
        elif action == "link":
            token = services.run_share_link_create(request.user, job)
            return _mine(request, new_link=services.share_link(token), new_link_run=job.pk)
        elif action == "stop":
            services.run_share_stop(request.user, job)
            messages.success(request, _("Run #%(pk)d is no longer shared.") % {"pk": job.pk})
        else:
            raise InputError.coded(
                "action_unknown", gettext_noop("unknown action"), field="action", value=action
            )
    except InputError as e:
        for p in e.problems:
            messages.error(request, problem_text(p))
    return redirect("atlas:mine")


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
        {
            "runs": runs,
            "rows": rows,
            "all_runs": selectors.without_failed(selectors.run_list(request.user))[:50],
        },
    )
