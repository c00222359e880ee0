"""Monitor pages: the dashboard of targets, an indicator's detail with charts, the import, and
the imports' log with the four-eyes decision on a pending batch."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circulair.core.errors import InputError
from circulair.core.monitor.compute import STATUS_RULE
from circulair.core.monitor.importer import template_csv
from circulair.core.monitor.importer.plausibility import refused_as_implausible
from circulair.core.tables import write_table
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import history_of
from circulair.web.apps.common.models import Upload
from circulair.web.apps.common.texts import problem_message, problem_texts
from circulair.web.apps.common.uploads import import_is_large
from circulair.web.apps.monitor import presenters, selectors, services
from circulair.web.apps.monitor.forms import DecideForm, ImportForm
from circulair.web.apps.monitor.models import Indicator, Target
from circulair.web.apps.monitor.services import approval


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
    implausible = False
    if request.method == "POST" and form.is_valid():
        f, confirm = form.cleaned_data["file"], form.cleaned_data["confirm"]
        try:
            if import_is_large(f.size):  # minutes of work: a job
                job = services.observations_import_start(
                    content=f, file_name=f.name, user=request.user, confirm=confirm
                )
                return redirect("portal:job", pk=job.pk)
            rep = services.observations_import(
                content=f, file_name=f.name, user=request.user, confirm=confirm
            )
        except InputError as e:
            problems = problem_texts(e.problems)
            implausible = any(refused_as_implausible(p) for p in e.problems)
        else:
            summary = services.import_summary(rep)
            messages.success(request, services.import_outcome(summary))
            return redirect(summary["url"])
    ctx: dict[str, Any] = {
        "form": form,
        "problems": problems,
        "implausible": implausible,
        "indicators": selectors.indicator_list(),
        "regions": sorted(selectors.known_regions()),
        "recent": selectors.recent_imports(20),
        "four_eyes": services.four_eyes(),
        "pending": selectors.pending_batches().count(),
    }
    return render(request, "monitor/import.html", ctx, status=400 if problems else 200)


@login_required
def imports_view(request: HttpRequest) -> HttpResponse:
    """Every import of figures: file, who, when, figures created and replaced, status."""
    permissions.require(request.user, "monitor.observations.import")
    page = Paginator(selectors.imports_list(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitor/imports.html",
        {
            "page": page,
            "rows": [presenters.import_row(u) for u in page],
            "four_eyes": services.four_eyes(),
        },
    )


def _batch_context(request: HttpRequest, up: Upload, **extra: Any) -> dict[str, Any]:
    batch = presenters.batch_of(up)
    key, label = presenters.import_status(up, batch)
    return {
        "upload": up,
        "batch": batch,
        "status": key,
        "status_label": label,
        "figures": selectors.batch_figures(batch) if batch and key != "approved" else [],
        "changes": selectors.import_changes(up),
        "history": list(reversed(history_of(batch))) if batch else [],
        "may_decide": batch is not None and approval.may_decide(request.user, batch),
        "own": batch is not None and batch.created_by_id == request.user.pk,
        "form": DecideForm(),
        **extra,
    }


@login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: what it changed, or (waiting) what it would change, and its decision."""
    permissions.require(request.user, "monitor.observations.import")
    up = get_object_or_404(
        Upload.objects.select_related("created_by"), pk=pk, purpose="observations"
    )
    return render(request, "monitor/import_batch.html", _batch_context(request, up))


@login_required
@require_POST
def import_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A second editor approves or rejects a waiting batch (the importer is refused first)."""
    permissions.require(request.user, "monitor.observations.import")
    up = get_object_or_404(Upload, pk=pk, purpose="observations")
    batch = presenters.batch_of(up)
    if batch is None:
        raise Http404("no batch")
    approval.require_decider(request.user, batch)
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise InputError.single(
                "choose approve or reject", field="decision", value=request.POST.get("decision")
            )
        if form.cleaned_data["decision"] == "approve":
            approval.batch_approve(user=request.user, batch=batch)
            messages.success(request, _("Approved: the figures are public."))
        else:
            approval.batch_reject(
                user=request.user, batch=batch, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Rejected: the importer was told why."))
    except InputError as e:
        up = Upload.objects.get(pk=up.pk)  # the batch as it is now (decided meanwhile?)
        ctx = _batch_context(
            request, up, problems=[problem_message(p) for p in e.problems], form=form
        )
        return render(request, "monitor/import_batch.html", ctx, status=400)
    return redirect("monitor:import_batch", pk=up.pk)
