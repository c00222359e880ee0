"""Agenda API (``/api/v1/agenda/…``): actions, signatories, programmes, bottlenecks, evaluation.

Reads follow the pages' visibility; writes go through the services, which check the role: an
action outside one's view is a 404, one in view but not one's own organisation's a 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action as drf_action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from circulair.web.apps.agenda import presenters, selectors, services
from circulair.web.apps.agenda.filtersets import (
    ActionFilter,
    BottleneckFilter,
    ProgrammeFilter,
    SignatoryFilter,
)
from circulair.web.apps.agenda.models import Action, Bottleneck, Programme, Signatory
from circulair.web.apps.common.api import Pagination as PortalPagination
from circulair.web.apps.common.fields import query_int
from circulair.web.apps.common.history import history_of
from circulair.web.apps.common.public_cache import PublicListMixin, public_data
from circulair.web.apps.organisations.models import Organisation


class Pagination(PortalPagination):
    django_paginator_class = selectors.CachedCountPaginator


class _Slug(serializers.SlugRelatedField):
    def __init__(self, **kw: Any) -> None:
        super().__init__(slug_field="slug", read_only=True, **kw)


class ActionSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    organisation_id = serializers.IntegerField(read_only=True)
    agenda = _Slug()
    work_path = _Slug()
    lever = _Slug()
    value_chain = _Slug()
    r_strategies = _Slug(many=True)
    municipality = serializers.CharField(source="municipality.refnis", read_only=True, default=None)

    class Meta:
        model = Action
        fields = [
            "id",
            "title",
            "description",
            "organisation",
            "organisation_id",
            "agenda",
            "work_path",
            "lever",
            "value_chain",
            "r_strategies",
            "municipality",
            "programme",
            "start",
            "end",
            "status",
            "results",
            "public",
            "impact_project",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance: Action) -> dict[str, Any]:
        """The same fields and values as the declared serializer (tested against it), read
        straight from the instance: the generic field machinery cost about half a 50-row
        list's CPU time."""
        a, f = instance, self.fields

        def slug(rec: Any) -> str | None:
            return rec.slug if rec is not None else None

        return {
            "id": a.pk,
            "title": a.title,
            "description": a.description,
            "organisation": a.organisation.name,
            "organisation_id": a.organisation_id,
            "agenda": slug(a.agenda),
            "work_path": slug(a.work_path),
            "lever": slug(a.lever),
            "value_chain": slug(a.value_chain),
            "r_strategies": [r.slug for r in a.r_strategies.all()],
            "municipality": a.municipality.refnis if a.municipality is not None else None,
            "programme": a.programme_id,
            "start": f["start"].to_representation(a.start) if a.start else None,
            "end": f["end"].to_representation(a.end) if a.end else None,
            "status": a.status,
            "results": a.results,
            "public": a.public,
            "impact_project": a.impact_project,
            "created_at": f["created_at"].to_representation(a.created_at),
            "updated_at": f["updated_at"].to_representation(a.updated_at),
        }


class ActionWriteSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    agenda = serializers.CharField(required=False)
    work_path = serializers.CharField(required=False, allow_blank=True)
    lever = serializers.CharField(required=False, allow_blank=True)
    value_chain = serializers.CharField(required=False, allow_blank=True)
    r_strategies = serializers.ListField(child=serializers.CharField(), required=False)
    municipality = serializers.CharField(required=False, allow_blank=True)
    partners = serializers.ListField(child=serializers.CharField(), required=False)
    programme = serializers.IntegerField(required=False, allow_null=True)
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Action.Status.choices, required=False)
    results = serializers.CharField(required=False, allow_blank=True)
    figures = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="[{label, value, unit}]"
    )
    public = serializers.BooleanField(required=False)
    impact_project = serializers.BooleanField(required=False)


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Action.Status.choices)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("organisation", int, description="Organisation id"),
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 1, "maximum": 9999},
                description="Active in year",
            ),
        ]
    )
)
class ActionViewSet(
    PublicListMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Actions you may see (public ones, your organisations' and your agendas'). ``POST`` creates
    one for an organisation you belong to; ``PATCH`` edits your organisation's action;
    ``/actions/{id}/transition/`` moves its status."""

    pagination_class = Pagination
    serializer_class = ActionSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = ActionFilter

    def get_queryset(self) -> Any:
        return selectors.action_list(self.request.user).order_by("-start", "-pk")

    def public_version(self) -> object:
        return selectors.register_version()

    def organisation_ref(self, org_id: int) -> Organisation:
        org = Organisation.objects.filter(pk=org_id).first()
        if org is None:
            raise Http404("no such organisation")
        return org

    @extend_schema(request=ActionWriteSerializer, responses=ActionSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = ActionWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        if "organisation" not in data:
            raise serializers.ValidationError({"organisation": ["required"]})
        org = self.organisation_ref(data.pop("organisation"))
        a = services.action_create(user=request.user, organisation=org, data=data)
        return Response(
            ActionSerializer(selectors.action_detail(request.user, a.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ActionWriteSerializer, responses=ActionSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        a = self.get_object()  # 404 when not visible
        if not selectors.can_edit_action(request.user, a):
            raise PermissionDenied("only members of the action's organisation may edit it")
        ser = ActionWriteSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        if "organisation" in data:
            data["organisation"] = self.organisation_ref(data["organisation"])
        services.action_update(user=request.user, action=a, data=data)
        return Response(ActionSerializer(selectors.action_detail(request.user, a.pk)).data)

    @extend_schema(request=TransitionSerializer, responses=ActionSerializer)
    @drf_action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        a = self.get_object()
        ser = TransitionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.action_transition(user=request.user, action=a, status=ser.validated_data["status"])
        return Response(ActionSerializer(selectors.action_detail(request.user, a.pk)).data)

    @drf_action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        a = self.get_object()
        return Response(
            [
                {
                    "at": h.at,
                    "user": h.user.username if h.user else None,
                    "action": h.action,
                    "changes": h.changes,
                }
                for h in history_of(a)
            ]
        )


class SignatorySerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    organisation_id = serializers.IntegerField(source="organisation.pk", read_only=True)
    agenda = _Slug()

    class Meta:
        model = Signatory
        fields = ["id", "organisation", "organisation_id", "agenda", "year_signed", "min_actions"]


class SignatoryWriteSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    agenda = serializers.CharField()
    year_signed = serializers.IntegerField()
    min_actions = serializers.IntegerField(required=False, allow_null=True)


class SignatoryViewSet(PublicListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Signatories of the work agendas (public). ``POST``: agenda leads and administrators."""

    pagination_class = Pagination
    serializer_class = SignatorySerializer
    filterset_class = SignatoryFilter

    def get_queryset(self) -> Any:
        return selectors.signatory_list()

    def public_version(self) -> object:
        return selectors.register_version()

    @extend_schema(request=SignatoryWriteSerializer, responses=SignatorySerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = SignatoryWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        agenda = selectors.agenda_record(d["agenda"])
        problems: list[Any] = []
        org = services.organisation_ref(d["organisation"], "organisation", problems)
        if org is None:
            raise Http404("no such organisation")
        s = services.signatory_create(
            user=request.user,
            organisation=org,
            agenda=agenda,
            year_signed=d["year_signed"],
            min_actions=d.get("min_actions"),
        )
        return Response(SignatorySerializer(s).data, status=status.HTTP_201_CREATED)


class ProgrammeSerializer(serializers.ModelSerializer):
    kind = _Slug()
    agenda = _Slug()
    lever = _Slug()
    projects = serializers.IntegerField(source="n_projects", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "kind",
            "agenda",
            "lever",
            "year",
            "stage",
            "budget_eur",
            "outcome",
            "projects",
        ]


class ProgrammeWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.CharField(help_text="programme_type slug, e.g. gerichte-call")
    agenda = serializers.CharField(required=False, allow_blank=True)
    lever = serializers.CharField(required=False, allow_blank=True)
    year = serializers.IntegerField()
    budget_eur = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    outcome = serializers.CharField(required=False, allow_blank=True)


class AdvanceSerializer(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True)


class ProgrammeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Calls, Green Deals, living labs and networks with their lifecycle stage. ``POST`` (agenda
    lead or administrator) creates one; ``/programmes/{id}/advance/`` moves it one stage on."""

    pagination_class = Pagination
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter

    def get_queryset(self) -> Any:
        return selectors.programme_list()

    @extend_schema(request=ProgrammeWriteSerializer, responses=ProgrammeSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = ProgrammeWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        p = services.programme_create(user=request.user, data=dict(ser.validated_data))
        return Response(
            ProgrammeSerializer(selectors.programme_list().get(pk=p.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=AdvanceSerializer, responses=ProgrammeSerializer)
    @drf_action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str | None = None) -> Response:
        p = self.get_object()
        ser = AdvanceSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.programme_advance(
            user=request.user, programme=p, outcome=ser.validated_data.get("outcome", "")
        )
        return Response(ProgrammeSerializer(selectors.programme_list().get(pk=p.pk)).data)


class BottleneckSerializer(serializers.ModelSerializer):
    agenda = _Slug()

    class Meta:
        model = Bottleneck
        fields = ["id", "title", "description", "agenda", "policy_level", "status", "created_at"]


class BottleneckWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    agenda = serializers.CharField()
    policy_level = serializers.ChoiceField(choices=Bottleneck.Level.choices)
    reported_by = serializers.IntegerField(
        required=False, allow_null=True, help_text="id of your organisation"
    )


class BottleneckViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The bottleneck register: obstacles per agenda, policy level and status. ``POST`` reports
    one on behalf of your organisation (leads and administrators also without)."""

    pagination_class = Pagination
    serializer_class = BottleneckSerializer
    filterset_class = BottleneckFilter

    def get_queryset(self) -> Any:
        return selectors.bottleneck_list()

    @extend_schema(request=BottleneckWriteSerializer, responses=BottleneckSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = BottleneckWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        org_id = d.pop("reported_by", None)
        org = Organisation.objects.filter(pk=org_id).first() if org_id else None
        if org_id and org is None:
            raise Http404("no such organisation")
        b = services.bottleneck_create(user=request.user, data=d, reported_by=org)
        return Response(BottleneckSerializer(b).data, status=status.HTTP_201_CREATED)


class EvaluationView(APIView):
    """The yearly evaluation of one agenda (rule in ``rule``)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("agenda", str, description="agenda slug, e.g. maakindustrie"),
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 2000, "maximum": 2100},
                description="the year evaluated (default: this year)",
            ),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        year = query_int(
            request.query_params,
            "year",
            default=timezone.localdate().year,
            minimum=2000,
            maximum=2100,
        )
        assert year is not None
        slug = request.query_params.get("agenda") or selectors.MANUFACTURING
        return Response(
            public_data(
                request,
                "agenda-evaluation",
                selectors.register_version(),
                lambda: presenters.evaluation_json(selectors.agenda_record(slug), year),
            )
        )
