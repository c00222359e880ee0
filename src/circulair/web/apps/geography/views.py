"""Pages of the reference geography: municipalities by unit and partition import."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circulair.core.errors import InputError
from circulair.web.apps.common import permissions
from circulair.web.apps.common.texts import problem_texts
from circulair.web.apps.geography import selectors, services
from circulair.web.apps.geography.filtersets import MunicipalityFilter
from circulair.web.apps.geography.models import Partition

# A whole region on one page (Flanders 285, all of Belgium 581): the list has no pager.
MUNICIPALITIES_PER_PAGE = 1000


def municipality_list(request: HttpRequest) -> HttpResponse:
    region = selectors.region_default()
    # Bound even without parameters: an unbound FilterSet is not valid, and the first visit
    # listed "0 municipalities" until a filter was chosen.
    f = MunicipalityFilter(request.GET, queryset=selectors.municipality_list(region=region))
    qs = f.qs if f.is_valid() else selectors.municipality_list(region=region).none()
    page = Paginator(qs.order_by("refnis"), MUNICIPALITIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    template = (
        "geography/_municipality_rows.html"
        if request.headers.get("HX-Request")
        else "geography/municipality_list.html"
    )
    return render(
        request,
        template,
        {
            "filter": f,
            "page": page,
            "region": region,
            "total": qs.count(),
            "arrondissements": selectors.arrondissement_list(region=region).order_by("refnis"),
            "provinces": selectors.province_list(region=region).order_by("refnis"),
            "partitions": selectors.partition_list(region=region),
        },
    )


class PartitionImportForm(forms.Form):
    name = forms.CharField(max_length=200, label=gettext_lazy("Name"))
    file = forms.FileField(label=gettext_lazy("CSV file (refnis,unit[,unit_name])"))


def partition_list(request: HttpRequest) -> HttpResponse:
    region = selectors.region_default()
    return render(
        request,
        "geography/partition_list.html",
        {
            "region": region,
            "partitions": selectors.partition_list(region=region),
            "form": PartitionImportForm(),
        },
    )


@login_required
def partition_import(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "geography.partition.import")
    region = selectors.region_default()
    form = PartitionImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            part = services.partition_import(
                region=region,
                name=form.cleaned_data["name"],
                file_name=upload.name,
                content=upload.read(),
                user=request.user,
            )
        except InputError as e:
            problems = problem_texts(e.problems)
        else:
            messages.success(
                request, _("Partition imported: %(n)d units.") % {"n": part.units.count()}
            )
            return redirect("geography:partition", slug=part.slug)
    return render(
        request,
        "geography/partition_list.html",
        {
            "region": region,
            "partitions": selectors.partition_list(region=region),
            "form": form,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


def partition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = selectors.region_default()
    part = get_object_or_404(Partition, region=region, slug=slug)
    units = part.units.prefetch_related("municipalities").order_by("code")
    return render(request, "geography/partition_detail.html", {"partition": part, "units": units})
