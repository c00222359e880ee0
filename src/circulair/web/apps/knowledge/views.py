"""Knowledge-base pages: kinds, lists (live search with HTMX), record detail with citations."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from circulair.core.knowledge.schema import KINDS
from circulair.web.apps.knowledge import presenters, selectors
from circulair.web.apps.knowledge.filtersets import RecordFilter
from circulair.web.apps.knowledge.models import Record, Source


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledge/index.html", {"kinds": selectors.kind_counts()})


def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404(f"unknown kind {kind}")
    data = request.GET.copy()
    data["kind"] = kind
    f = RecordFilter(data, queryset=selectors.record_list())
    records = f.qs if f.is_valid() else selectors.record_list(kind=kind)
    template = (
        "knowledge/_record_rows.html"
        if request.headers.get("HX-Request")
        else "knowledge/record_list.html"
    )
    return render(
        request,
        template,
        {"spec": spec, "kind": kind, "records": records, "q": request.GET.get("q", "")},
    )


def record_detail(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404(f"unknown kind {kind}")
    try:
        record = selectors.record_detail(kind=kind, slug=slug)
    except Record.DoesNotExist as e:
        raise Http404(f"no {kind} {slug}") from e
    return render(request, "knowledge/record_detail.html", presenters.record_context(record, kind))


def r_ladder(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledge/r_ladder.html", presenters.r_ladder_context())


def source_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A source document and, for ``?lines=836-839``, the cited passage (when its text is
    installed) with the section the citation names."""
    try:
        source = selectors.source_detail(code=code)
    except Source.DoesNotExist as e:
        raise Http404(f"no source {code}") from e
    ctx = presenters.source_context(source, request.GET.get("lines", ""))
    return render(request, "knowledge/source_detail.html", ctx)
