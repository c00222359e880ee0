"""Atlas API: presets, starting runs (extrapolation or siting) and reading their results."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from circulair.core.atlas.plan import MODELS
from circulair.core.errors import InputError, gettext_noop
from circulair.web.apps.atlas import presenters, selectors, services
from circulair.web.apps.common import jobs
from circulair.web.apps.common.api import ErrorSerializer
from circulair.web.apps.common.fields import FiniteFloatField
from circulair.web.apps.common.models import Job
from circulair.web.apps.organisations.models import Organisation

MAX_ID = 2**63 - 1  # larger ids overflow a PostgreSQL bigint


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


class RunShareSerializer(serializers.Serializer):
    """With whom a run is shared besides its owner (null: nobody)."""

    organisation = serializers.IntegerField(
        source="organisation_id",
        allow_null=True,
        help_text="shared with this organisation's members",
    )
    organisation_name = serializers.CharField(source="organisation.name", allow_null=True)
    link = serializers.BooleanField(source="has_link", help_text="a share link exists")


class CertificateSerializer(serializers.Serializer):
    """What a siting result proves, in the request's language."""

    code = serializers.ChoiceField(choices=["optimal", "within_gap", "not_proven"])
    gap_percent = FiniteFloatField(
        allow_null=True, help_text="at most this far above the optimum (%)"
    )
    message = serializers.CharField()


class RunSerializer(serializers.ModelSerializer):
    shared_with = RunShareSerializer(source="atlas_share", read_only=True, allow_null=True)
    certificate = serializers.SerializerMethodField(
        help_text="siting runs: proven optimal, proven within the gap asked for, or best found "
        "and not proven (stopped on its time limit); null otherwise"
    )

    @extend_schema_field(CertificateSerializer(allow_null=True))
    def get_certificate(self, obj: Job) -> dict[str, Any] | None:
        return presenters.certificate(obj.result or {}) if obj.status == Job.Status.DONE else None

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
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "shared_with",
            "certificate",
        ]


class ShareRequestSerializer(serializers.Serializer):
    """Share a run: with one organisation its owner belongs to, and/or by a new link."""

    organisation = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="id of an organisation the run's owner is a member of (replaces an earlier one)",
    )
    link = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: create a share link (an earlier link stops working); its URL is in "
        "the answer, once",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("organisation") is None and not data.get("link"):
            raise serializers.ValidationError(
                {"organisation": [_("give an organisation, link: true, or both")]}
            )
        return data


class ShareResultSerializer(RunShareSerializer):
    """How the run is shared after the request, and the new link if it made one."""

    link_url = serializers.CharField(
        allow_null=True,
        help_text="the new share link (only when this request created it; it is not stored "
        "and cannot be shown again)",
    )


class _RunFields(serializers.Serializer):
    """What every request to start a run may hold (JSON or multipart)."""

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
    sector_group = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="With kbo_file: the NACE sector group whose establishments are the demand "
        "(a slug of the knowledge base's nace_sector_group records).",
    )
    kbo_weight = serializers.ChoiceField(
        choices=list(services.KBO_WEIGHTS),
        required=False,
        help_text="With kbo_file: count establishments, or their employees (needs an "
        "EmployeeClass column).",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["mode"] == "extrapolate" and not data.get("preset"):
            raise serializers.ValidationError({"preset": "required for mode 'extrapolate'"})
        if data["mode"] == "site" and not data.get("model"):
            raise serializers.ValidationError({"model": "required for mode 'site'"})
        return data


class RunRequestSerializer(_RunFields):
    """Start a run: ``mode`` ``extrapolate`` (a study preset) or ``site`` (a siting model).
    Files (a distance table, a KBO extract, candidate sites) are sent as multipart/form-data."""

    demand = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="Demand points instead of population: rows with refnis | postal_code | "
        "lat,lon and weight (t/yr), as in the demand CSV.",
    )


class RunUploadSerializer(_RunFields):
    """Start a run with files, as the siting form and ``circulair atlas site`` take them; each
    is checked first (400 naming file, line, column and value) and kept with the run."""

    demand_file = serializers.FileField(
        required=False,
        help_text="Demand CSV instead of population: refnis | postal_code | lat,lon; weight.",
    )
    kbo_file = serializers.FileField(
        required=False,
        help_text="Companies as demand: a KBO open-data extract (.zip); needs sector_group. "
        "A demand_file takes precedence.",
    )
    candidates_file = serializers.FileField(
        required=False,
        help_text="Candidate sites CSV: refnis | postal_code | lat,lon; optional "
        "type_environment, capacity_t, fixed_cost, existing.",
    )
    distance_file = serializers.FileField(
        required=False,
        help_text="Distances CSV from,to,km (demand point id, candidate site id; e.g. road "
        "distances) instead of great-circle × road_factor; every pair must be listed.",
    )


class AtlasRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Atlas runs. ``POST`` starts one; extrapolations finish at once (201), siting runs in the
    background (202) unless ``?wait=true``; poll ``GET /atlas/runs/{id}/`` for progress.

    A siting run takes everything ``circulair atlas site`` takes: as JSON, demand rows; as
    multipart/form-data, files: a demand table, a KBO extract (with ``sector_group`` and
    ``kbo_weight``), candidate sites and a distance table. A bad file is refused with 400
    naming file, line, column and value.

    Anyone may run and read the study presets; a siting run needs an account (401/403 without
    one) and only its creator, administrators and, once its owner shares it
    (``POST /atlas/runs/{id}/share/``), the members of that organisation can read it: others
    get 404. A share link (``/atlas/shared/<token>/``) opens a run's page and exports, not the
    API. At most
    ``CIRCULAIR_JOBS_PER_USER`` siting runs per account and ``CIRCULAIR_ATLAS_JOBS_MAX`` in all
    may be queued or running; a run over a limit is refused with 429."""

    serializer_class = RunSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields: list[str] = ["status", "kind"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database needed
            return Job.objects.none()
        return selectors.run_list(self.request.user).select_related("atlas_share__organisation")

    @extend_schema(
        request={
            "application/json": RunRequestSerializer,
            "multipart/form-data": RunUploadSerializer,
        },
        responses={201: RunSerializer, 202: RunSerializer},
        parameters=[OpenApiParameter("wait", bool, description="run in the request")],
    )
    def create(self, request: Request) -> Response:
        multipart = (request.content_type or "").startswith("multipart/")
        ser = (RunUploadSerializer if multipart else RunRequestSerializer)(data=request.data)
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
            uploads = {
                purpose: (f.read(), f.name)
                for purpose, field in services.UPLOAD_FIELDS.items()
                if (f := data.pop(field, None)) is not None
            }
            if "demand" in data:  # JSON rows: checked and kept as a demand table
                uploads["demand"] = (services.table_from_rows(data.pop("demand")), "demand.json")
            try:
                job = services.site_start(
                    params=data, uploads=uploads, user=request.user, background=not wait
                )
            except services.AccountRequiredError as e:
                raise exceptions.NotAuthenticated("Log in to run a siting model.") from e
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

    @extend_schema(
        request=None,
        responses={
            200: RunSerializer,
            403: OpenApiResponse(
                ErrorSerializer,
                description="Not logged in, or not the run's owner (nor an administrator).",
            ),
        },
        description="Cancel a run: a queued run is cancelled at once (status ``cancelled``), a "
        "running one stops at its next progress report; a finished run is answered unchanged.",
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        job = services.run_cancel(request.user, self.get_object())  # 404: a run not visible
        return Response(RunSerializer(job).data)

    @extend_schema(
        methods=["POST"],
        request=ShareRequestSerializer,
        responses={
            200: ShareResultSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Neither an organisation nor link: true, no such organisation, or "
                "the run's owner is not a member of it (``problems`` names the field).",
            ),
            403: OpenApiResponse(
                ErrorSerializer,
                description="Not logged in, or not the run's owner (nor an administrator).",
            ),
        },
        description="Share a run (owner or administrator): with the members of one organisation "
        "its owner belongs to and/or by a new link, whose URL is answered once.",
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={
            204: None,
            403: OpenApiResponse(
                ErrorSerializer,
                description="Not logged in, or not the run's owner (nor an administrator).",
            ),
        },
        description="Stop sharing a run: with its organisation and by link (the link stops "
        "working at once).",
    )
    @action(
        detail=True,
        methods=["post", "delete"],
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def share(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()  # 404 for a run the caller may not see
        if not services.may_share(request.user, job):
            raise PermissionDenied(_("Only the person who started this run may share it."))
        if request.method == "DELETE":
            services.run_share_stop(request.user, job)
            return Response(status=status.HTTP_204_NO_CONTENT)
        ser = ShareRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        link_url = None
        with transaction.atomic():  # an organisation and a link: both or neither
            if (org_id := ser.validated_data.get("organisation")) is not None:
                org = Organisation.objects.filter(pk=org_id).first()
                if org is None:
                    raise InputError.coded(
                        "organisation_unknown",
                        gettext_noop("no such organisation"),
                        field="organisation",
                        value=org_id,
                    )
                services.run_share_with_organisation(request.user, job, org)
            if ser.validated_data.get("link"):
                token = services.run_share_link_create(request.user, job)
                link_url = services.share_link(token)
        share = selectors.run_share_of(job)
        return Response(
            {
                "organisation": share.organisation_id if share else None,
                "organisation_name": share.organisation.name
                if share and share.organisation
                else None,
                "link": bool(share and share.has_link),
                "link_url": link_url,
            }
        )
