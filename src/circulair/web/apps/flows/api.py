"""Flows API: the datasets you may see, their flows, and aggregations / the Sankey over the
flows you may see (``?dataset=&year=&by=``), the same reads as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.request import Request
from rest_framework.response import Response

from circulair.core.flows.disclosure import DOMINANCE, MIN_CONTRIBUTORS
from circulair.web.apps.flows import presenters, selectors
from circulair.web.apps.flows.forms import FilterForm
from circulair.web.apps.flows.models import Dataset, Flow


class DatasetSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", allow_null=True)

    class Meta:
        model = Dataset
        fields = [
            "id",
            "kind",
            "name",
            "organisation",
            "source",
            "licence",
            "rows",
            "tonnes",
            "year_from",
            "year_to",
            "created_at",
        ]


class FlowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Flow
        fields = [
            "id",
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
            "family",
            "origin_nace",
            "origin_refnis",
            "destination",
            "destination_number",
            "destination_country",
            "collector",
            "transport",
            "line",
        ]


class DatasetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DatasetSerializer
    filterset_class = None

    def get_queryset(self) -> Any:
        return selectors.datasets_visible(self.request.user)

    @extend_schema(responses={200: FlowSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def flows(self, request: Request, pk: str | None = None) -> Response:
        ds = self.get_object()
        page = self.paginate_queryset(ds.flows.all())
        return self.get_paginated_response(FlowSerializer(page, many=True).data)


_PARAMS = [
    OpenApiParameter("dataset", int, description="one dataset"),
    OpenApiParameter("year", int, description="one year"),
    OpenApiParameter("by", str, description=", ".join(selectors.GROUPINGS)),
]


def _filters(request: Request) -> tuple[Dataset | None, int | None, list[str]]:
    raw = request.query_params
    by = [b for b in (raw.get("by") or "material").split(",") if b]
    form = FilterForm({"dataset": raw.get("dataset"), "year": raw.get("year")})
    if not form.is_valid() or any(b not in selectors.GROUPINGS for b in by):
        problems: dict[str, list[str]] = {k: [str(x) for x in v] for k, v in form.errors.items()}
        bad = [b for b in by if b not in selectors.GROUPINGS]
        if bad:
            problems["by"] = [
                f"unknown grouping {bad[0]!r}; expected one of " + ", ".join(selectors.GROUPINGS)
            ]
        raise serializers.ValidationError(problems)
    ds = None
    if form.cleaned_data.get("dataset"):
        try:
            ds = selectors.dataset_get(request.user, form.cleaned_data["dataset"])
        except Dataset.DoesNotExist:
            raise Http404 from None
    return ds, form.cleaned_data.get("year"), by


@extend_schema(parameters=_PARAMS, responses={200: dict})
@api_view(["GET"])
def aggregate(request: Request) -> Response:
    """Tonnes per group of the flows you may see; ``by`` may name several groupings
    (``by=year,rung``). The total of the rows is the total of the flows (mass is conserved)."""
    ds, year, by = _filters(request)
    qs = selectors.totals_visible(request.user, dataset=ds, year=year)
    rows = presenters.aggregate_rows(selectors.aggregate(qs, by), by)
    s = selectors.treatment_shares(qs)
    return Response(
        {
            "by": by,
            "rows": [
                {
                    "key": list(r["key"]),
                    "label": r["labels"],
                    "tonnes": r["tonnes"],
                    "share": r["share"],
                }
                for r in rows
            ],
            "total_t": sum(r["tonnes"] for r in rows),
            "recycling_rate": s.recycling_rate,
            "energy_share": s.energy_share,
            "disposal_share": s.disposal_share,
        }
    )


@extend_schema(parameters=_PARAMS[:2], responses={200: dict})
@api_view(["GET"])
def sankey(request: Request) -> Response:
    """Nodes (columns: origin sector, material, rung) and links, in tonnes."""
    ds, year, _by = _filters(request)
    qs = selectors.totals_visible(request.user, dataset=ds, year=year)
    sk = presenters.sankey_of(qs)
    return Response({"nodes": sk.nodes, "links": sk.links})


@extend_schema(
    parameters=[_PARAMS[1], OpenApiParameter("by", str, description="one grouping")],
    responses={200: dict},
)
@api_view(["GET"])
def registers(request: Request) -> Response:
    """Every company's register in the region summed per group, for anyone, with small-group
    suppression: a group of fewer than ``min_contributors`` organisations, or one where a single
    organisation holds more than ``dominance`` of the tonnes, is hidden (``tonnes`` null, with
    ``reason`` and its code), and so are as many others as it takes for the hidden figures not
    to be derivable from the published total (null too when even that cannot be kept)."""
    _ds, year, by = _filters(request)
    if len(by) != 1:
        raise serializers.ValidationError({"by": ["one grouping, e.g. by=material"]})
    d = selectors.registers_disclosed(by=by[0], year=year)
    return Response(
        {
            "by": by[0],
            "year": year,
            "rows": [
                {
                    "key": r["key"],
                    "label": r["label"],
                    "tonnes": r["tonnes"],
                    "share": None if r["percent"] is None else r["percent"] / 100.0,
                    "hidden": r["tonnes"] is None,
                    "reason_code": c.reason or "",
                    "reason": r["reason"],
                }
                for r, c in zip(presenters.disclosed_rows(d, by[0]), d.cells, strict=True)
            ],
            "total_t": d.total,
            "min_contributors": MIN_CONTRIBUTORS,
            "dominance": DOMINANCE,
        }
    )
