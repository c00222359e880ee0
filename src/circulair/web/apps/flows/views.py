"""Pages of the flows app: the analysis page (datasets, aggregation, Sankey, rung shares,
residual waste per inhabitant), a dataset's page, the two imports, exports and templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circulair.core.errors import InputError
from circulair.core.flows.disclosure import DOMINANCE, MIN_CONTRIBUTORS
from circulair.core.flows.sankey import layout_svg
from circulair.core.tables import write_table
from circulair.web.apps.common import permissions
from circulair.web.apps.common.texts import problem_texts
from circulair.web.apps.common.uploads import import_is_large
from circulair.web.apps.flows import presenters, selectors, services
from circulair.web.apps.flows.forms import FilterForm, MunicipalImportForm, RegisterImportForm
from circulair.web.apps.flows.models import Dataset
from circulair.web.apps.organisations.models import Organisation

TEMPLATES = {
    "register": (
        [
            "date",
            "waste_code",
            "description",
            "quantity",
            "unit",
            "treatment",
            "processor",
            "processor_number",
            "country",
            "collector",
            "transport",
        ],
        [
            [
                "2024-03-31",
                "15 01 01",
                "Karton",
                "12.5",
                "t",
                "R3",
                "Papier Recycling NV",
                "0403.170.701",
                "BE",
                "Transport NV",
                "road",
            ]
        ],
    ),
    "municipal": (
        ["refnis", "year", "fraction", "tonnes"],
        [["24062", "2024", "residual", "9500"], ["24062", "2024", "bulky", "1800"]],
    ),
}


def _dataset_or_404(request: HttpRequest, pk: int) -> Dataset:
    try:
        return selectors.dataset_get(request.user, pk)
    except Dataset.DoesNotExist:
        raise Http404 from None


def _filters(request: HttpRequest) -> tuple[Dataset | None, int | None, str]:
    form = FilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        raise Http404
    data = form.cleaned_data if request.GET else {}
    ds = _dataset_or_404(request, data["dataset"]) if data.get("dataset") else None
    return ds, data.get("year"), data.get("by") or "material"


def _analysis(
    request: HttpRequest, ds: Dataset | None, year: int | None, by: str
) -> dict[str, Any]:
    qs = selectors.totals_visible(request.user, dataset=ds, year=year)
    all_years = selectors.years(selectors.totals_visible(request.user, dataset=ds))
    shares = selectors.treatment_shares(qs)
    sk = presenters.sankey_of(qs)
    residual_year = year or (all_years[-1] if all_years else None)
    residual = selectors.residual_by_municipality(qs, residual_year) if residual_year else []
    return {
        "dataset": ds,
        "year": year,
        "by": by,
        "years": all_years,
        "groupings": [(k, str(v)) for k, v in presenters.GROUP_LABELS.items()],
        "group_label": presenters.GROUP_LABELS[by],
        "rows": presenters.aggregate_rows(selectors.aggregate(qs, [by]), [by]),
        "total": sum(r["tonnes"] for r in selectors.aggregate(qs, ["year"])),
        "shares": shares,
        "shares_rows": presenters.shares_rows(shares),
        "sankey_svg": layout_svg(sk, title=_("Flows: origin sector → material → treatment"))
        if sk.links
        else "",
        "change": [
            {**r, "label": presenters.key_label(by, r["key"])}
            for r in (selectors.year_change(qs, by) if year is None and by != "year" else [])
        ],
        "residual": residual,
        "map": presenters.residual_map(residual),
        "residual_year": residual_year,
        "query": request.GET.urlencode(),
    }


def index(request: HttpRequest) -> HttpResponse:
    ds, year, by = _filters(request)
    ctx = _analysis(request, ds, year, by)
    ctx["datasets"] = selectors.datasets_visible(request.user)[:100]
    ctx["may_import_statistics"] = permissions.can(request.user, "flows.statistics.import")
    if ds is None:  # every company's register, as anyone may see it: small groups hidden
        registers = selectors.registers_disclosed(by=by, year=year)
        ctx["registers"] = presenters.disclosed_rows(registers, by)
        ctx["registers_total"] = registers.total
        ctx["min_contributors"] = MIN_CONTRIBUTORS
        ctx["dominance_percent"] = round(100 * DOMINANCE)
    return render(request, "flows/index.html", ctx)


def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ds = _dataset_or_404(request, pk)
    _, year, by = _filters(request)
    ctx = _analysis(request, ds, year, by)
    ctx["flows"] = ds.flows.all()[:200]
    ctx["may_delete"] = permissions.can(request.user, "flows.dataset.delete", ds)
    own = ds.organisation is not None and permissions.can(
        request.user, "exchange.organisation.act", ds.organisation
    )
    ctx["opportunities"] = presenters.opportunity_rows(selectors.opportunities(ds)) if own else []
    return render(request, "flows/dataset.html", ctx)


@login_required
@require_POST
def dataset_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ds = _dataset_or_404(request, pk)
    services.dataset_delete(dataset=ds, user=request.user)
    messages.success(request, _("The dataset “%(name)s” was removed.") % {"name": ds.name})
    return redirect("flows:index")


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The flows the user may see (of a dataset, a year) as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404(fmt)
    ds, year, _by = _filters(request)
    qs = selectors.flows_visible(request.user, dataset=ds, year=year).order_by("dataset", "line")
    cols = [
        "dataset",
        "year",
        "date",
        "waste_code",
        "hazardous",
        "material",
        "fraction",
        "description",
        "tonnes",
        "treatment",
        "rung",
        "origin_nace",
        "origin_refnis",
        "destination",
        "destination_number",
        "destination_country",
        "collector",
        "transport",
    ]
    rows = ([getattr(f, c + "_id" if c == "dataset" else c) for c in cols] for f in qs.iterator())
    data = write_table(cols, rows, fmt, sheet="flows")
    kind = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    resp = HttpResponse(data, content_type=kind)
    resp["Content-Disposition"] = f'attachment; filename="flows.{fmt}"'
    return resp


def sankey_svg(request: HttpRequest) -> HttpResponse:
    ds, year, _by = _filters(request)
    qs = selectors.totals_visible(request.user, dataset=ds, year=year)
    sk = presenters.sankey_of(qs)
    svg = layout_svg(sk, title=_("Flows: origin sector → material → treatment"))
    resp = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="flows-sankey.svg"'
    return resp


def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in TEMPLATES:
        raise Http404(kind)
    header, rows = TEMPLATES[kind]
    resp = HttpResponse(write_table(header, rows, "csv"), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="flows-{kind}-template.csv"'
    return resp


@login_required
def import_register(request: HttpRequest) -> HttpResponse:
    orgs = Organisation.objects.filter(pk__in=permissions.member_org_ids(request.user))
    form = RegisterImportForm(request.POST or None, request.FILES or None, organisations=orgs)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            if import_is_large(f.size):  # close to a minute of work: a job, followed on its page
                job = services.register_import_start(
                    organisation=form.cleaned_data["organisation"],
                    content=f,
                    file_name=f.name,
                    user=request.user,
                    name=form.cleaned_data["name"],
                )
                return redirect("portal:job", pk=job.pk)
            ds = services.register_import(
                organisation=form.cleaned_data["organisation"],
                content=f,
                file_name=f.name,
                user=request.user,
                name=form.cleaned_data["name"],
            )
        except InputError as e:
            problems = problem_texts(e.problems)
        else:
            messages.success(request, _("Imported %(n)d flows.") % {"n": ds.rows})
            return redirect("flows:dataset", pk=ds.pk)
    ctx = {"form": form, "problems": problems, "kind": "register", "no_org": not orgs.exists()}
    return render(request, "flows/import.html", ctx, status=400 if problems else 200)


@login_required
def import_municipal(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "flows.statistics.import")
    form = MunicipalImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        fields = {k: form.cleaned_data[k] for k in ("name", "source", "licence")}
        try:
            if import_is_large(f.size):
                job = services.municipal_import_start(
                    content=f, file_name=f.name, user=request.user, **fields
                )
                return redirect("portal:job", pk=job.pk)
            ds = services.municipal_import(content=f, file_name=f.name, user=request.user, **fields)
        except InputError as e:
            problems = problem_texts(e.problems)
        else:
            messages.success(request, _("Imported %(n)d flows.") % {"n": ds.rows})
            return redirect("flows:dataset", pk=ds.pk)
    ctx = {"form": form, "problems": problems, "kind": "municipal", "no_org": False}
    return render(request, "flows/import.html", ctx, status=400 if problems else 200)


@login_required
@require_POST
def opportunity_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn one of the register's opportunities into a draft offer on the exchange."""
    ds = _dataset_or_404(request, pk)
    try:
        listing = services.opportunity_offer(
            user=request.user, dataset=ds, material=request.POST.get("material", "")
        )
    except InputError as e:
        messages.error(request, "; ".join(problem_texts(e.problems)))
        return redirect("flows:dataset", pk=ds.pk)
    messages.success(request, _("A draft offer was made: check it and publish it on the exchange."))
    return redirect("exchange:listing", pk=listing.pk)
