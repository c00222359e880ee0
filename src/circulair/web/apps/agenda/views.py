"""Agenda pages: the register (actions, signatories, programmes, bottlenecks), the yearly
evaluation and the annual report. Views parse, call a selector or service, and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circulair.core.agenda import evaluation as ev
from circulair.core.errors import InputError
from circulair.web.apps.agenda import presenters, selectors, services
from circulair.web.apps.agenda.filtersets import (
    ActionFilter,
    BottleneckFilter,
    ProgrammeFilter,
    SignatoryFilter,
)
from circulair.web.apps.agenda.forms import (
    ActionForm,
    BottleneckForm,
    ProgrammeForm,
    SignatoryForm,
    UploadForm,
)
from circulair.web.apps.agenda.models import Action, Bottleneck, Programme, Signatory
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import history_of
from circulair.web.apps.common.pdf import pdf_response
from circulair.web.apps.common.public_cache import public_page
from circulair.web.apps.common.texts import problem_message, problem_text, problem_texts
from circulair.web.apps.common.uploads import import_is_large
from circulair.web.apps.organisations.models import Organisation

PAGE_SIZE = 50


def _year(request: HttpRequest, default: Callable[[], int | None] | None = None) -> int:
    """The year asked for; else what ``default()`` gives (asked only then), else this year."""
    try:
        y = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        y = 0
    if 2000 <= y <= 2100:
        return y
    return (default() if default else None) or timezone.localdate().year


def _page(request: HttpRequest, qs: Any) -> Any:
    try:
        size = min(max(int(request.GET.get("page_size", PAGE_SIZE)), 1), 500)
    except ValueError:
        size = PAGE_SIZE
    return selectors.CachedCountPaginator(qs, size).get_page(request.GET.get("page"))


def _download(content: bytes, name: str, fmt: str) -> HttpResponse:
    ctype = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    resp = HttpResponse(content, content_type=ctype)
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp


@public_page(selectors.register_version)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agenda/index.html",
        {
            "agendas": selectors.agenda_overview(),
            "year": _year(request),
        },
    )


# --- actions -------------------------------------------------------------------------------
@public_page(selectors.register_version)
def action_list(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "")
    qs = selectors.action_list(request.user)
    f = ActionFilter(request.GET, queryset=qs if fmt else qs.defer("description", "results"))
    if fmt in ("csv", "xlsx"):
        return _download(services.actions_export(f.qs, fmt), "agenda-actions", fmt)
    query = request.GET.copy()
    query.pop("page", None)
    page = _page(request, f.qs.values_list("pk", flat=True))
    return render(
        request,
        "agenda/action_list.html",
        {
            "filter": f,
            "page": page,
            "rows": presenters.action_rows(list(page.object_list)),
            "query": query.urlencode(),
            "agendas": selectors.records("work_agenda"),
            "levers": selectors.records("lever"),
            "statuses": Action.Status.choices,
        },
    )


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.action_detail(request.user, pk)
    editable = selectors.can_edit_action(request.user, a)
    return render(
        request,
        "agenda/action_detail.html",
        {
            "a": a,
            "editable": editable,
            "history": history_of(a),
            "next_statuses": [(s, Action.Status(s).label) for s in sorted(ev.TRANSITIONS[a.status])]
            if editable
            else [],
        },
    )


def _form_data(form: ActionForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("organisation", None)
    return data


def _problems_to_form(form: ActionForm, e: InputError) -> list[str]:
    """Put each problem next to its field; return the ones that belong to no field."""
    loose = []
    for p in e.problems:
        if p.field in form.fields:
            form.add_error(
                p.field, problem_message(p) + (f" ({p.value})" if p.value is not None else "")
            )
        else:
            loose.append(problem_text(p))
    return loose


def _my_org(request: HttpRequest, org_id: int) -> Organisation:
    """The organisation posted in a form; a crafted id of someone else's is a 403."""
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        raise Http404("no such organisation")
    permissions.require(request.user, "agenda.organisation.act", org)
    return org


@login_required
def action_new(request: HttpRequest) -> HttpResponse:
    form = ActionForm(
        request.POST or None,
        user=request.user,
        initial={"agenda": request.GET.get("agenda", ""), "status": "planned"},
    )
    if not permissions.restrict(
        request.user, "agenda.organisation.act", Organisation.objects.all()
    ).exists():
        return render(request, "agenda/no_org.html", status=403)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        org = _my_org(request, form.cleaned_data["organisation"])
        try:
            a = services.action_create(user=request.user, organisation=org, data=_form_data(form))
        except InputError as e:
            problems = _problems_to_form(form, e)
        else:
            messages.success(request, _("Action saved."))
            return redirect("agenda:action", pk=a.pk)
    bad = request.method == "POST"
    return render(
        request,
        "agenda/action_form.html",
        {"form": form, "problems": problems},
        status=400 if bad else 200,
    )


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.action_detail(request.user, pk)  # 404 when not visible
    if not selectors.can_edit_action(request.user, a):
        raise PermissionDenied("only members of the action's organisation may edit it")
    form = ActionForm(request.POST or None, user=request.user, initial=ActionForm.initial_from(a))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = _form_data(form)
        new_org = form.cleaned_data["organisation"]
        if new_org != a.organisation_id:
            data["organisation"] = _my_org(request, new_org)
        try:
            services.action_update(user=request.user, action=a, data=data)
        except InputError as e:
            problems = _problems_to_form(form, e)
        else:
            messages.success(request, _("Action saved."))
            return redirect("agenda:action", pk=a.pk)
    return render(
        request,
        "agenda/action_form.html",
        {"form": form, "problems": problems, "action": a},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def action_validate(request: HttpRequest) -> HttpResponse:
    """Inline validation (HTMX): the problems the service would report, nothing saved."""
    form = ActionForm(request.POST, user=request.user)
    problems: list[str] = []
    if not form.is_valid():
        problems = [
            f"{form.fields[f].label}: {' '.join(map(str, errs))}"
            if f in form.fields
            else " ".join(map(str, errs))
            for f, errs in form.errors.items()
        ]
    else:
        found: list[Any] = []
        services.action_check(_form_data(form), found)
        problems = [
            f"{form.fields[p.field].label if p.field in form.fields else p.field}: "
            + problem_message(p)
            for p in found
        ]
    return render(request, "agenda/_problems.html", {"problems": problems})


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.action_detail(request.user, pk)
    try:
        services.action_transition(
            user=request.user, action=a, status=request.POST.get("status", "")
        )
    except InputError as e:
        messages.error(request, str(e))
    return redirect("agenda:action", pk=pk)


# --- signatories ---------------------------------------------------------------------------
@public_page(selectors.register_version)
def signatory_list(request: HttpRequest) -> HttpResponse:
    f = SignatoryFilter(request.GET, queryset=selectors.signatory_list())
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return _download(services.signatories_export(f.qs, fmt), "agenda-signatories", fmt)
    form = SignatoryForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if form.is_valid():
            d = form.cleaned_data
            agenda = selectors.agenda_record(d["agenda"])
            problems: list[Any] = []
            org = services.organisation_ref(d["organisation"], "organisation", problems)
            try:
                if org is None:
                    raise InputError(problems or [])
                services.signatory_create(
                    user=request.user,
                    organisation=org,
                    agenda=agenda,
                    year_signed=d["year_signed"],
                    min_actions=d["min_actions"],
                )
            except InputError as e:
                for p in e.problems:
                    form.add_error(p.field if p.field in form.fields else None, problem_message(p))
            else:
                messages.success(request, _("Signatory added."))
                return redirect("agenda:signatories")
    page = _page(request, f.qs.values_list(*selectors.SIGNATORY_ROW))
    return render(
        request,
        "agenda/signatory_list.html",
        {
            "filter": f,
            "page": page,
            "rows": presenters.signatory_rows(page.object_list),
            "form": form,
            "agendas": selectors.records("work_agenda"),
            "can_add": bool(selectors.agendas_led(request.user)),
        },
        status=400 if form.errors else 200,
    )


def signatory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = get_object_or_404(Signatory.objects.select_related("organisation", "agenda"), pk=pk)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            mins = request.POST.get("min_actions", "").strip()
            services.signatory_update(
                user=request.user,
                signatory=s,
                year_signed=int(request.POST.get("year_signed") or s.year_signed),
                min_actions=int(mins) if mins else None,
            )
        except (ValueError, ValidationError) as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Signatory saved."))
        return redirect("agenda:signatory", pk=pk)
    return render(
        request,
        "agenda/signatory_detail.html",
        {
            "s": s,
            "history": history_of(s),
            "can_manage": selectors.can_lead(request.user, s.agenda_id),
            "commitment": s.min_actions
            if s.min_actions is not None
            else selectors.commitment_of(s.agenda),
        },
    )


# --- programmes ----------------------------------------------------------------------------
def programme_list(request: HttpRequest) -> HttpResponse:
    f = ProgrammeFilter(request.GET, queryset=selectors.programme_list())
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if form.is_valid():
            try:
                p = services.programme_create(user=request.user, data=form.cleaned_data)
            except InputError as e:
                for pr in e.problems:
                    form.add_error(
                        pr.field if pr.field in form.fields else None, problem_message(pr)
                    )
            else:
                return redirect("agenda:programme", pk=p.pk)
    return render(
        request,
        "agenda/programme_list.html",
        {
            "filter": f,
            "page": _page(request, f.qs),
            "form": form,
            "stages": Programme.Stage.choices,
            "agendas": selectors.records("work_agenda"),
            "kinds": selectors.records("programme_type"),
            "can_add": bool(selectors.agendas_led(request.user)),
        },
        status=400 if form.errors else 200,
    )


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Programme.objects.select_related("kind", "agenda", "lever"), pk=pk)
    stages = list(Programme.Stage.choices)
    idx = [s for s, _l in stages].index(p.stage)
    return render(
        request,
        "agenda/programme_detail.html",
        {
            "p": p,
            "stages": stages,
            "stage_index": idx,
            "projects": selectors.action_visible_to(request.user).filter(programme=p),
            "history": history_of(p),
            "can_manage": selectors.can_lead(request.user, p.agenda_id),
            "next_stage": stages[idx + 1][1] if idx + 1 < len(stages) else None,
        },
    )


@login_required
@require_POST
def programme_advance(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Programme, pk=pk)
    try:
        services.programme_advance(
            user=request.user, programme=p, outcome=request.POST.get("outcome", "")
        )
    except InputError as e:
        messages.error(request, str(e))
    return redirect("agenda:programme", pk=pk)


# --- bottlenecks ---------------------------------------------------------------------------
def bottleneck_list(request: HttpRequest) -> HttpResponse:
    f = BottleneckFilter(request.GET, queryset=selectors.bottleneck_list())
    form = BottleneckForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if form.is_valid():
            d = dict(form.cleaned_data)
            org_id = d.pop("reported_by")
            org = _my_org(request, org_id) if org_id else None
            try:
                services.bottleneck_create(user=request.user, data=d, reported_by=org)
            except InputError as e:
                for pr in e.problems:
                    form.add_error(
                        pr.field if pr.field in form.fields else None, problem_message(pr)
                    )
            else:
                messages.success(request, _("Obstacle registered."))
                return redirect("agenda:bottlenecks")
    return render(
        request,
        "agenda/bottleneck_list.html",
        {
            "filter": f,
            "page": _page(request, f.qs),
            "form": form,
            "statuses": Bottleneck.Status.choices,
            "levels": Bottleneck.Level.choices,
            "agendas": selectors.records("work_agenda"),
            "led": selectors.agendas_led(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def bottleneck_status(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_object_or_404(Bottleneck.objects.select_related("agenda"), pk=pk)
    try:
        services.bottleneck_set_status(
            user=request.user, bottleneck=b, status=request.POST.get("status", "")
        )
    except InputError as e:
        messages.error(request, str(e))
    return redirect("agenda:bottlenecks")


# --- evaluation and report -----------------------------------------------------------------
@public_page(selectors.register_version)
def evaluation(request: HttpRequest) -> HttpResponse:
    agenda = selectors.agenda_record(request.GET.get("agenda") or selectors.MANUFACTURING)
    # Without a year: the latest with a counted action, not a current year still empty.
    year = _year(
        request,
        default=lambda: selectors.latest_year_with_actions(agenda, until=timezone.localdate().year),
    )
    ctx = presenters.evaluation_context(agenda, year)
    ctx.update(
        agendas=selectors.records("work_agenda"),
        can_manage=selectors.can_lead(request.user, agenda.pk),
    )
    return render(request, "agenda/evaluation.html", ctx)


@login_required
@require_POST
def evaluation_manage(request: HttpRequest) -> HttpResponse:
    """Lead/admin: set the agenda's commitment, or record the manufacturer share."""
    agenda = selectors.agenda_record(request.POST.get("agenda", ""))
    year = _year(request)
    try:
        if request.POST.get("what") == "commitment":
            services.agenda_commitment_set(
                user=request.user,
                agenda=agenda,
                min_actions=int(request.POST.get("min_actions", "")),
            )
            messages.success(request, _("Commitment saved."))
        elif request.POST.get("what") == "work_path":
            services.work_path_create(
                user=request.user,
                agenda=agenda,
                name_nl=request.POST.get("name_nl", ""),
                name_en=request.POST.get("name_en", ""),
            )
            messages.success(request, _("Work path added."))
        elif request.POST.get("what") == "share":
            if not selectors.can_lead(request.user, agenda.pk):
                raise PermissionDenied("only the agenda's lead or an administrator")
            share = services.manufacturer_share_record(year=year, user=request.user)
            if share.percent is None:
                messages.error(
                    request,
                    _("No manufacturers (NACE C, 10+ employees) are registered: nothing recorded."),
                )
            else:
                messages.success(
                    request, _("Share recorded in the monitor: %(p).1f %%") % {"p": share.percent}
                )
    except (InputError, ValueError) as e:
        messages.error(request, str(e))
    return redirect(f"/agenda/evaluation/?agenda={agenda.slug}&year={year}")


def report(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    if request.GET.get("format") == "pdf" or request.path.endswith(".pdf"):
        # built by a worker once per year, language and register version; data the version
        # does not cover (size classes, the knowledge base) is at most an hour old
        hour = int(timezone.now().timestamp() // 3600)
        return pdf_response(
            request,
            report="agenda.annual",
            args={"year": year},
            family=f"agenda-annual-{year}",
            version=f"{selectors.register_version()}-{hour}",
            filename=f"annual-report-{year}.pdf",
        )
    return render(request, "agenda/report.html", presenters.report_context(year))


# --- import --------------------------------------------------------------------------------
@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        content = f  # read in chunks from the spooled upload
        try:
            if form.cleaned_data["kind"] == "signatories":
                n = len(
                    services.signatories_import(
                        user=request.user, content=content, file_name=f.name
                    )
                )
            elif import_is_large(f.size):  # minutes of work: a job, followed on its page
                job = services.actions_import_start(
                    user=request.user, content=content, file_name=f.name
                )
                return redirect("portal:job", pk=job.pk)
            else:
                n = services.actions_import(
                    user=request.user, content=content, file_name=f.name
                ).count()
        except InputError as e:
            problems = problem_texts(e.problems)
        else:
            messages.success(request, _("Imported %(n)d rows.") % {"n": n})
            return redirect(
                "agenda:actions" if form.cleaned_data["kind"] == "actions" else "agenda:signatories"
            )
    return render(
        request,
        "agenda/import.html",
        {"form": form, "problems": problems},
        status=400 if problems else 200,
    )
