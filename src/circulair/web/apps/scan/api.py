"""Scan API: questionnaire versions (public), the responses you may see (your organisations';
scan coordinators and administrators: every government's, read-only), answers, submission,
the report as data, and the network's aggregates (small groups unmasked for analysts)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from circulair.web.apps.scan import presenters, selectors, services
from circulair.web.apps.scan.models import QuestionnaireVersion, Response


class QuestionnaireSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionnaireVersion
        fields = ["id", "code", "version", "title_nl", "title_en", "published_at", "content"]


class ResponseSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    questionnaire = serializers.SerializerMethodField()
    overall = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id",
            "organisation",
            "year",
            "questionnaire",
            "status",
            "answers",
            "overall",
            "created_at",
            "updated_at",
            "submitted_at",
        ]

    def get_questionnaire(self, obj: Response) -> str:
        return f"{obj.questionnaire.code} v{obj.questionnaire.version}"

    def get_overall(self, obj: Response) -> float | None:
        return round(float(obj.score["overall"]), 2) if obj.score else None


class StartSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(allow_null=True))


class QuestionnaireViewSet(viewsets.ReadOnlyModelViewSet):
    """Published questionnaire versions with their questions (readable by anyone)."""

    serializer_class = QuestionnaireSerializer
    queryset = QuestionnaireVersion.objects.order_by("code", "version")
    permission_classes = [permissions.AllowAny]


class ResponseViewSet(viewsets.ReadOnlyModelViewSet):
    """The scans you may see: your organisations'; scan coordinators and administrators see
    every government's, read-only. ``POST`` starts a round; ``/answers/`` saves answers (draft
    only); ``/submit/`` freezes and scores (both: members of the government only, 403 for
    others who may see it); ``/report/`` returns the tailored report."""

    serializer_class = ResponseSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> Any:
        return selectors.responses_visible_to(self.request.user).order_by("-year", "pk")

    def _visible(self, pk: str | None) -> Response:
        try:
            return selectors.response_of(self.request.user, int(pk or 0))
        except ValueError as e:
            raise Http404 from e

    def _writable(self, pk: str | None) -> Response:
        r = self._visible(pk)
        selectors.require_answerer(self.request.user, r)
        return r

    @extend_schema(request=StartSerializer, responses={201: ResponseSerializer})
    def create(self, request: Request) -> ApiResponse:
        ser = StartSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        org = (
            selectors.government_organisations(request.user)
            .filter(pk=ser.validated_data["organisation"])
            .first()
        )
        if org is None:
            raise Http404("not one of your government organisations")
        r = services.response_start(
            user=request.user, organisation=org, year=ser.validated_data["year"]
        )
        return ApiResponse(ResponseSerializer(r).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswersSerializer, responses={200: ResponseSerializer})
    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk: str | None = None) -> ApiResponse:
        r = self._writable(pk)
        ser = AnswersSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        missing = services.answers_save(
            user=request.user, response=r, answers=ser.validated_data["answers"]
        )
        return ApiResponse({**ResponseSerializer(r).data, "missing": missing})

    @extend_schema(request=None, responses={200: ResponseSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> ApiResponse:
        r = services.response_submit(user=request.user, response=self._writable(pk))
        return ApiResponse(ResponseSerializer(r).data)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str | None = None) -> ApiResponse:
        return ApiResponse(presenters.report_data(self._visible(pk)))


@extend_schema(responses={200: dict})
@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def network(request: Request) -> ApiResponse:
    """Aggregates over submitted scans (never one government's answers); ``?year=``. Analysts,
    scan coordinators and administrators also get the small groups (``unmasked``, with a
    not-for-publication ``notice``)."""
    raw = request.query_params.get("year", "")
    view = presenters.network_view(
        year=int(raw) if raw.isdigit() else None,
        unmasked=selectors.may_see_small_groups(request.user),
    )
    return ApiResponse({k: v for k, v in view.items()})
