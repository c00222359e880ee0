"""Knowledge-base pages: kinds, lists (live search with HTMX), record detail with citations."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from circulair.core.knowledge.schema import KINDS
from circulair.web.apps.knowledge import selectors
from circulair.web.apps.knowledge.filtersets import RecordFilter
from circulair.web.apps.knowledge.models import Record


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
    attributes = [
        (k, record.localized(v) if not isinstance(v, list) else v)
        for k, v in record.attributes.items()
    ]
    citations = [c for c in record.citations.all() if not c.variant]
    variant_citations: dict[str, list[object]] = {}
    for c in record.citations.all():
        if c.variant:
            variant_citations.setdefault(c.variant, []).append(c)
    variants = [(v, variant_citations.get(v.name, [])) for v in record.variants.all()]
    return render(
        request,
        "knowledge/record_detail.html",
        {
            "record": record,
            "spec": KINDS[kind],
            "attributes": attributes,
            "citations": citations,
            "variants": variants,
            "outgoing": selectors.outgoing_by_role(record),
            "incoming": [
                (KINDS[k], recs) for k, recs in selectors.incoming_by_kind(record).items()
            ],
        },
    )


def r_ladder(request: HttpRequest) -> HttpResponse:
    strategies = list(selectors.record_list(kind="r_strategy").order_by("order", "slug"))
    numbered = sorted(
        (r for r in strategies if r.attributes.get("rank") is not None),
        key=lambda r: r.attributes["rank"],
    )
    others = [r for r in strategies if r.attributes.get("rank") is None]
    loops = {lp.attributes.get("code"): lp for lp in selectors.record_list(kind="loop")}
    rows = [(r, loops.get(r.attributes.get("loop"))) for r in numbered]
    return render(
        request,
        "knowledge/r_ladder.html",
        {
            "rows": rows,
            "others": others,
            "principles": selectors.record_list(kind="circular_principle"),
        },
    )
