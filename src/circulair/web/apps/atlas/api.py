"""Atlas API: presets, starting runs (extrapolation or siting) and reading their results."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from circulair.core.atlas.plan import MODELS
from circulair.web.apps.atlas import presenters, selectors, services
from circulair.web.apps.common import jobs
from circulair.web.apps.common.fields import FiniteFloatField
from circulair.web.apps.portal.models import Job


class RunLimitReached(exceptions.APIException):
    """Too many active runs (for the account or the server): 429, the message names the limit."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "run_limit"


class PresetSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name_nl = serializers.CharField()
    name_en = serializers.CharField()
    attributes = serializers.DictField()
    citations = serializers.SerializerMethodField()

    def get_citations(self, obj: Any) -> list[str]:
        return [f"{c.source.code}:{c.line_start}-{c.line_end}" for c in obj.citations.all()]


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "params",
            "status",
            "progress",
            "message",
            "result",
            "error",
            "created_at",
            "finished_at",
        ]


class RunRequestSerializer(serializers.Serializer):
    """Start a run: ``mode`` ``extrapolate`` (a study preset) or ``site`` (a siting model)."""

    mode = serializers.ChoiceField(choices=["extrapolate", "site"])
    preset = serializers.CharField(required=False, allow_blank=True)
    partition = serializers.CharField(required=False, allow_blank=True)
    streams = serializers.IntegerField(required=False, min_value=1, max_value=20)
    model = serializers.ChoiceField(choices=list(MODELS), required=False)
    p = serializers.IntegerField(required=False, min_value=1)
    radius_km = FiniteFloatField(required=False, min_value=0.001)
    road_factor = FiniteFloatField(required=False, min_value=1.0, max_value=3.0)
    rate_kg_per_inhabitant = FiniteFloatField(required=False, min_value=0)
    candidates = serializers.ChoiceField(choices=["all", "central_cities"], required=False)
    archetype = serializers.CharField(required=False, allow_blank=True)
    fixed_open = serializers.ListField(child=serializers.CharField(), required=False)
    capacity_t = FiniteFloatField(required=False, min_value=0.001)
    fixed_cost = FiniteFloatField(required=False, min_value=0)
    cost_per_t_km = FiniteFloatField(required=False, min_value=0)
    single_sourcing = serializers.BooleanField(required=False)
    time_limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=1800,
        help_text="Solver seconds, capped per role: CIRCULAIR_ATLAS_TIME_LIMIT_USER (default "
        "300) for an account, CIRCULAIR_ATLAS_TIME_LIMIT_STAFF (1,800) for staff.",
    )
    demand = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="Demand points instead of population: rows with refnis | postal_code | "
        "lat,lon and weight (t/yr), as in the demand CSV.",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["mode"] == "extrapolate" and not data.get("preset"):
            raise serializers.ValidationError({"preset": "required for mode 'extrapolate'"})
        if data["mode"] == "site" and not data.get("model"):
            raise serializers.ValidationError({"model": "required for mode 'site'"})
        return data


class AtlasRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Atlas runs. ``POST`` starts one; extrapolations finish at once (201), siting runs in the
    background (202) unless ``?wait=true``; poll ``GET /atlas/runs/{id}/`` for progress.

    Anyone may run and read the study presets; a siting run needs an account (401/403 without
    one) and only its creator (and superusers) can read it: others get 404. At most
    ``CIRCULAIR_JOBS_PER_USER`` siting runs per account and ``CIRCULAIR_ATLAS_JOBS_MAX`` in all
    may be queued or running; a run over a limit is refused with 429."""

    serializer_class = RunSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields: list[str] = ["status", "kind"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database needed
            return Job.objects.none()
        return selectors.run_list(self.request.user)

    @extend_schema(
        request=RunRequestSerializer,
        responses={201: RunSerializer, 202: RunSerializer},
        parameters=[OpenApiParameter("wait", bool, description="run in the request")],
    )
    def create(self, request: Request) -> Response:
        ser = RunRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        mode = data.pop("mode")
        wait = request.query_params.get("wait") in ("1", "true", "yes")
        if mode == "extrapolate":
            params = {k: data[k] for k in ("preset", "partition", "streams") if k in data}
            job = services.run_start(
                kind="atlas.extrapolate", params=params, user=request.user, background=False
            )
        else:
            if not request.user.is_authenticated:
                raise exceptions.NotAuthenticated("Log in to run a siting model.")
            services.time_limit_check(data, request.user)
            if "demand" in data:
                # validated now (every bad row named), stored as a kept upload for the job
                import csv
                import io

                rows = [{k: str(v) for k, v in r.items()} for r in data.pop("demand")]
                cols = sorted({k for r in rows for k in r})
                buf = io.StringIO()
                w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
                w.writeheader()
                w.writerows(rows)
                data["demand_upload"] = services.table_upload(
                    purpose="demand",
                    content=buf.getvalue().encode(),
                    file_name="demand.json",
                    user=request.user,
                )
            try:
                job = services.run_start(
                    kind="atlas.site", params=data, user=request.user, background=not wait
                )
            except jobs.JobLimitError as e:
                raise RunLimitReached(str(e)) from e
        if job.status == Job.Status.FAILED:
            err = job.error or {}
            return Response(
                {
                    "error": {
                        "status": 400,
                        "message": err.get("message", ""),
                        "problems": err.get("problems", []),
                        "fields": {},
                        "run": job.pk,
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        code = status.HTTP_201_CREATED if job.finished else status.HTTP_202_ACCEPTED
        return Response(RunSerializer(job).data, status=code)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def geojson(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        return Response(presenters.run_geojson(job.result or {}))

    @extend_schema(responses=PresetSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def presets(self, request: Request) -> Response:
        """The study's extrapolation presets, with the figures they must reproduce."""
        return Response(PresetSerializer(services.preset_list(), many=True).data)
