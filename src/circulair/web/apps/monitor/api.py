"""Monitor API: indicators, targets with their assessment, observations and their import, and
the imports waiting under the four-eyes rule with a second editor's approval or rejection."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from circulair.core.monitor.compute import STATUS_RULE
from circulair.web.apps.common.api import ErrorSerializer, JobSerializer
from circulair.web.apps.common.fields import FiniteFloatField
from circulair.web.apps.common.permissions import api_permission
from circulair.web.apps.common.uploads import import_is_large
from circulair.web.apps.monitor import selectors, services
from circulair.web.apps.monitor.filtersets import ObservationFilter
from circulair.web.apps.monitor.models import ImportBatch, Indicator, Observation, Target
from circulair.web.apps.monitor.services import approval

IMPORT = "monitor.observations.import"


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
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Store values the plausibility rule refuses (a thousandfold away from the stored "
            "neighbouring values, or rounding to 0 in an empty series)."
        ),
    )


class ImportReportSerializer(serializers.Serializer):
    """What an import stored (figures new, updated, unchanged)."""

    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


@extend_schema_field({"type": "string", "enum": ImportBatch.Status.values})
class _BatchStatusField(serializers.CharField):
    """pending (waiting for a second editor), approved or rejected."""


class FigureSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    region = serializers.CharField()
    year = serializers.IntegerField()
    value = FiniteFloatField()
    unit = serializers.CharField()
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    note = serializers.CharField(allow_blank=True)


class ImportBatchSerializer(serializers.ModelSerializer):
    """An import kept aside under the four-eyes rule: ``created``/``replaced``/``unchanged``
    are what approving would change (once approved: what it changed); ``figures`` the
    validated rows (in the indicators' units)."""

    id = serializers.IntegerField(source="pk", read_only=True)
    file = serializers.CharField(source="upload.original_name", read_only=True)
    status = _BatchStatusField(read_only=True)
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True, default=None
    )
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )
    figures = FigureSerializer(many=True, read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "file",
            "status",
            "created",
            "replaced",
            "unchanged",
            "created_by",
            "created_at",
            "decided_by",
            "decided_at",
            "reason",
            "figures",
        ]
        read_only_fields = fields


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=approval.REASON_MAX)


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

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={
            201: OpenApiResponse(
                ImportReportSerializer, description="Imported: the figures are stored."
            ),
            202: OpenApiResponse(
                ImportBatchSerializer,
                description=(
                    "Four-eyes rule on: the file is valid and waits, unpublished, for a second "
                    "monitor editor (``/monitor/imports/{id}/approve/``). A file larger than "
                    "``CIRCULAIR_IMPORT_JOB_BYTES`` is imported by a worker instead: the body "
                    "is that job and ``Location`` its ``/jobs/{id}/`` to poll."
                ),
            ),
            400: OpenApiResponse(
                ErrorSerializer,
                description="The file was refused; ``problems`` lists every bad row.",
            ),
            403: OpenApiResponse(
                ErrorSerializer, description="Not logged in, or not a monitor editor."
            ),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[parsers.MultiPartParser],
        permission_classes=[api_permission(IMPORT)],
    )
    def import_file(self, request: Request) -> Response:
        ser = ImportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        f = ser.validated_data["file"]
        if import_is_large(f.size):  # minutes of work: the worker's, followed at /jobs/{id}/
            job = services.observations_import_start(
                content=f,
                file_name=f.name,
                user=request.user,
                confirm=ser.validated_data["confirm"],
            )
            body = JobSerializer(job, context={"request": request}).data
            return Response(
                body,
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": reverse("job-detail", args=[job.pk])},
            )
        rep = services.observations_import(
            content=f,
            file_name=f.name,
            user=request.user,
            confirm=ser.validated_data["confirm"],
        )
        if rep.batch is not None:
            return Response(ImportBatchSerializer(rep.batch).data, status=status.HTTP_202_ACCEPTED)
        return Response(
            {"created": rep.created, "updated": rep.updated, "unchanged": rep.unchanged},
            status=status.HTTP_201_CREATED,
        )


_DECISION_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="The import was already decided."),
    403: OpenApiResponse(
        ErrorSerializer,
        description="Not logged in, not a monitor editor, or the importer (who may not decide).",
    ),
    404: OpenApiResponse(ErrorSerializer, description="No such import."),
}


class ImportBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imports kept aside under the four-eyes rule (``CIRCULAIR_MONITOR_FOUR_EYES``), newest
    first; monitor editors and administrators only. A second editor (not the importer)
    approves one (its figures are stored and public) or rejects it with a reason."""

    queryset = ImportBatch.objects.select_related("upload", "created_by", "decided_by")
    serializer_class = ImportBatchSerializer
    permission_classes = [api_permission(IMPORT)]
    lookup_field = "pk"  # the upload's id: the same number as the page /monitor/imports/<id>/
    lookup_url_kwarg = "id"

    @extend_schema(request=None, responses={200: ImportBatchSerializer, **_DECISION_ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, **kwargs: Any) -> Response:
        batch = approval.batch_approve(user=request.user, batch=self.get_object())
        return Response(ImportBatchSerializer(batch).data)

    @extend_schema(
        request=RejectSerializer,
        responses={
            200: ImportBatchSerializer,
            **_DECISION_ERRORS,
            400: OpenApiResponse(
                ErrorSerializer, description="No reason given, or the import was already decided."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, **kwargs: Any) -> Response:
        batch = self.get_object()
        approval.require_decider(request.user, batch)
        ser = RejectSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        batch = approval.batch_reject(
            user=request.user, batch=batch, reason=ser.validated_data["reason"]
        )
        return Response(ImportBatchSerializer(batch).data)
