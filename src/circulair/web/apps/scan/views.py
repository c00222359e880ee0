"""Scan pages: start a round, fill it in by steps, submit, the tailored report (HTML/PDF), the
network's aggregate view and the scan coordinator's overview.

Who sees a response is ``selectors.responses_visible_to``; who writes it, its government's
members only (``selectors.may_answer``): scan coordinators and administrators read it, and a
write of theirs is refused (403) before the form is read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circulair.core.errors import InputError
from circulair.core.scan import validate_answers
from circulair.core.tables import write_table
from circulair.web.apps.common import permissions
from circulair.web.apps.common.pdf import pdf_response
from circulair.web.apps.common.permissions import Role
from circulair.web.apps.common.texts import problem_message, problem_texts
from circulair.web.apps.common.uploads import import_is_large
from circulair.web.apps.scan import presenters, selectors, services
from circulair.web.apps.scan.forms import (
    PREFIX,
    SurveyImportForm,
    field_value,
    posted_values,
    step_answers,
)
from circulair.web.apps.scan.presenters import coordination
from circulair.web.apps.scan.services import imports


def index(request: HttpRequest) -> HttpResponse:
    govs = list(selectors.government_organisations(request.user))
    responses = list(selectors.responses_of(request.user))
    qv = selectors.questionnaire_versions().order_by("-version").first()
    q = services.questionnaire_of(qv) if qv else None
    return render(
        request,
        "scan/index.html",
        {
            "governments": govs,
            "responses": responses,
            "year": dt.date.today().year,
            "questionnaire": q,
            "sections": presenters.index_sections(q),
            "scoring_rule": presenters.RULE_TEXTS["scoring"],
            "may_follow": selectors.may_follow_network(request.user),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    try:
        org = selectors.government_organisations(request.user).get(
            pk=int(request.POST.get("organisation", "0"))
        )
    except (ValueError, Exception) as e:
        raise Http404("not one of your government organisations") from e
    try:
        r = services.response_start(
            user=request.user,
            organisation=org,
            year=int(request.POST.get("year") or dt.date.today().year),
        )
    except (InputError, ValueError) as e:
        messages.error(request, str(e))
        return redirect("scan:index")
    return redirect("scan:fill", pk=r.pk)


@login_required
def fill(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.response_of(request.user, pk)
    read_only = not selectors.may_answer(request.user, r)
    if request.method == "POST":
        selectors.require_answerer(request.user, r)
    if r.is_submitted:
        return redirect("scan:report", pk=r.pk)
    q = services.questionnaire_of(r.questionnaire)
    ids = [s.id for s in q.sections]
    step = request.GET.get("step") or request.POST.get("step") or ids[0]
    if step not in ids:
        raise Http404("no such step")
    problems: dict[str, str] = {}
    missing: list[str] = []
    posted: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        go = request.POST.get("go", "save")
        try:
            posted = step_answers(q, step, request.POST)
            services.answers_save(user=request.user, response=r, answers=posted)
        except InputError as e:
            problems = {str(p.field): problem_message(p) for p in e.problems}
            posted = posted_values(q, step, request.POST)
            status = 400
        else:
            i = ids.index(step)
            if go == "next" and i + 1 < len(ids):
                return redirect(f"{request.path}?step={ids[i + 1]}")
            if go == "previous" and i > 0:
                return redirect(f"{request.path}?step={ids[i - 1]}")
            if go == "submit":
                try:
                    services.response_submit(user=request.user, response=r)
                except InputError as e:
                    missing = [str(p.field) for p in e.problems]
                    status = 400
                else:
                    messages.success(request, _("Scan submitted. Here is your report."))
                    return redirect("scan:report", pk=r.pk)
            else:
                messages.success(request, _("Answers saved."))
                return redirect(f"{request.path}?step={step}")
    answers = dict(r.answers or {})
    section = q.section(step)
    questions = []
    for x in q.questions_in(step):
        value = posted[x.id] if problems else answers.get(x.id)
        questions.append(
            {
                "q": x,
                "name": PREFIX + x.id,
                "text": presenters.tr(x.text),
                "subtopic": presenters.tr(x.subtopic) if x.subtopic else "",
                "levels": [(i, presenters.tr(t)) for i, t in enumerate(x.levels)],
                "options": [(o.value, presenters.tr(o.text)) for o in x.options],
                "value": field_value(x, value),
                "error": problems.get(x.id, ""),
            }
        )
    if not missing:
        missing = validate_answers(q, answers) if request.GET.get("check") else []
    missing_rows = [
        {"id": m, "text": presenters.tr(q.question(m).text), "step": q.question(m).section}
        for m in missing
    ]
    i = ids.index(step)
    return render(
        request,
        "scan/fill.html",
        {
            "r": r,
            "q": q,
            "section": section,
            "section_title": presenters.tr(section.title),
            "questions": questions,
            "steps": presenters.fill_steps(q, answers),
            "step": step,
            "is_first": i == 0,
            "is_last": i == len(ids) - 1,
            "missing": missing_rows,
            "problems": problems,
            "read_only": read_only,
            "may_follow": selectors.may_follow_network(request.user),
        },
        status=status,
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.response_of(request.user, pk)
    if not r.is_submitted:
        return redirect("scan:fill", pk=r.pk)
    return render(request, "scan/report.html", presenters.report(r))


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.response_of(request.user, pk)
    if not r.is_submitted:
        raise Http404("only submitted scans have a report")
    hour = int(timezone.now().timestamp() // 3600)  # the knowledge base's texts: an hour old
    return pdf_response(
        request,
        report="scan.report",
        args={"response": r.pk},
        family=f"scan-report-{r.pk}",
        version=f"{selectors.submitted_version()}-{hour}",
        filename=f"scan-{r.year}-{r.pk}.pdf",
        attachment=True,
    )


@login_required
def network(request: HttpRequest) -> HttpResponse:
    years = selectors.network_years()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else (years[0] if years and raw != "all" else None)
    view = presenters.network_view(year=year, unmasked=selectors.may_see_small_groups(request.user))
    fmt = request.GET.get("format")
    if fmt == "csv":
        resp = HttpResponse(content_type="text/csv; charset=utf-8")
        label = "-not-for-publication" if view["unmasked"] else ""
        resp["Content-Disposition"] = (
            f'attachment; filename="scan-network-{year or "all"}{label}.csv"'
        )
        resp.write(
            write_table(
                ["dimension", "group", "metric", "value"], presenters.network_rows(view), "csv"
            )
        )
        return resp

    chart = presenters.network_chart(view)
    return render(
        request,
        "scan/network.html",
        {"view": view, "years": years, "year": year, "chart_svg": chart},
    )


@login_required
def coordination_overview(request: HttpRequest) -> HttpResponse:
    """Every government's latest round, status and overall score (scan coordinators and
    administrators); sortable (``?sort=``), and as CSV (``?format=csv``)."""
    if not selectors.may_follow_network(request.user):
        raise PermissionDenied(
            _("This needs the role %(roles)s or an administrator.")
            % {"roles": Role.SCAN_COORDINATOR.value}
        )
    sort = request.GET.get("sort")
    table = coordination.rows(selectors.governments(), selectors.latest_rounds(request.user), sort)
    if request.GET.get("format") == "csv":
        resp = HttpResponse(content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = 'attachment; filename="scan-coordination.csv"'
        resp.write(write_table(coordination.CSV_HEADER, coordination.csv_rows(table), "csv"))
        return resp
    key, desc = coordination.parse_sort(sort)
    return render(
        request,
        "scan/coordination.html",
        {
            "rows": table,
            "summary": coordination.summary(table),
            "sort_links": coordination.sort_links(sort),
            "sort": f"-{key}" if desc else key,
            "may_import": selectors.may_import_surveys(request.user),
        },
    )


@login_required
def survey_import(request: HttpRequest) -> HttpResponse:
    """``/scan/import/``: a survey export of many governments' rounds (scan coordinators and
    administrators), all or nothing; a large file is imported by a worker (the job's page).
    A small file's outcome is shown here, with the rounds kept in progress and what they miss."""
    permissions.require(request.user, "scan.survey.import")
    form = SurveyImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    result: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            if import_is_large(f.size):  # minutes of work: a job, followed on its page
                job = imports.survey_import_start(user=request.user, content=f, file_name=f.name)
                return redirect("portal:job", pk=job.pk)
            result = imports.survey_import(content=f, file_name=f.name, user=request.user)
        except InputError as e:
            problems = problem_texts(e.problems)
    return render(
        request,
        "scan/import.html",
        {
            "form": SurveyImportForm() if result else form,
            "problems": problems,
            "result": result,
            "outcome": imports.survey_import_outcome(result) if result else "",
            "columns": selectors.survey_import_columns(),
        },
        status=400 if problems or (request.method == "POST" and form.errors) else 200,
    )
