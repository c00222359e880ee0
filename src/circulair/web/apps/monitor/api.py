"""Monitor API: indicators, targets with their assessment, observations and their import."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from circulair.core.monitor.compute import STATUS_RULE
from circulair.web.apps.common.permissions import api_permission
from circulair.web.apps.monitor import selectors, services
from circulair.web.apps.monitor.filtersets import ObservationFilter
from circulair.web.apps.monitor.models import Indicator, Observation, Target


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "slug",
            "name_nl",
            "name_en",
            "unit",
            "direction",
            "description_nl",
            "description_en",
        ]


class ObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.slug")

    class Meta:
        model = Observation
        fields = [
            "indicator",
            "region",
            "year",
            "value",
            "unit",
            "source",
            "note",
            "origin",
            "updated_at",
        ]


class TargetSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.slug")
    assessment = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "slug",
            "name_nl",
            "name_en",
            "indicator",
            "region",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
            "target_type",
            "unit",
            "assessment",
        ]

    def get_assessment(self, obj: Target) -> dict[str, Any]:
        cached = self.context.get("assessments", {}).get(obj.slug)
        if cached is not None:
            return dict(cached)
        return selectors.assessment_of(obj)[0].as_dict()


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.order_by("slug")
    serializer_class = IndicatorSerializer
    lookup_field = "slug"


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Targets with their assessment (status, distance, required vs observed pace,
    projection). The status rule is in ``/monitor/targets/rule/``."""

    queryset = Target.objects.select_related("indicator")
    serializer_class = TargetSerializer
    lookup_field = "slug"
    pagination_class = None

    def get_serializer_context(self) -> dict[str, Any]:
        ctx = super().get_serializer_context()
        if self.action == "list":
            ctx["assessments"] = {
                t.slug: a.as_dict() for t, a, _s in selectors.target_assessments()
            }
        return ctx

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"])
    def rule(self, request: Request) -> Response:
        return Response({"rule": STATUS_RULE})


class ObservationViewSet(viewsets.ReadOnlyModelViewSet):
    """Observations; ``POST /monitor/observations/import/`` (a CSV or XLSX, logged in)
    imports a file all-or-nothing and answers 400 with every bad row."""

    queryset = Observation.objects.select_related("indicator").order_by(
        "indicator__slug", "region", "year"
    )
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter

    @extend_schema(request={"multipart/form-data": ImportSerializer}, responses={201: dict})
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[parsers.MultiPartParser],
        permission_classes=[api_permission("monitor.observations.import")],
    )
    def import_file(self, request: Request) -> Response:
        ser = ImportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        f = ser.validated_data["file"]
        rep = services.observations_import(content=f.read(), file_name=f.name, user=request.user)
        return Response(
            {"created": rep.created, "updated": rep.updated, "unchanged": rep.unchanged},
            status=status.HTTP_201_CREATED,
        )
