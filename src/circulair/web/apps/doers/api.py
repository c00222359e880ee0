"""Doers API: published cases for everyone (ranked search, filters, facets); writes for members
of the case's organisation, catalogue moderators and administrators (publishing, sending back
and archiving: moderators and administrators), through the same services."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from circulair.web.apps.common.fields import query_int
from circulair.web.apps.common.public_cache import public_data
from circulair.web.apps.doers import selectors, services
from circulair.web.apps.doers.models import Case


class CaseSerializer(serializers.ModelSerializer):
    agendas = serializers.SerializerMethodField()
    r_strategies = serializers.SerializerMethodField()
    value_chain: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    sector_group: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    province: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="refnis", read_only=True, allow_null=True
    )
    refnis = serializers.CharField(
        source="municipality.refnis", default=None, read_only=True, allow_null=True
    )
    municipality = serializers.CharField(
        source="municipality.name_nl", default=None, read_only=True, allow_null=True
    )
    score = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    in_review = serializers.BooleanField(
        read_only=True, help_text="a draft submitted for review, waiting for a moderator"
    )

    class Meta:
        model = Case
        fields = [
            "slug",
            "title",
            "summary",
            "body",
            "organisation",
            "organisation_name",
            "agendas",
            "r_strategies",
            "value_chain",
            "sector_group",
            "province",
            "refnis",
            "municipality",
            "category",
            "links",
            "status",
            "origin",
            "score",
            "url",
            "created_at",
            "updated_at",
            "published_at",
            "in_review",
            "review_requested_at",
            "moderation_remark",
        ]
        extra_kwargs = {
            "moderation_remark": {
                "help_text": "what a moderator asked the author to change (until the next submit)"
            }
        }

    def get_agendas(self, obj: Case) -> list[str]:
        return [a.slug for a in obj.agendas.all()]

    def get_r_strategies(self, obj: Case) -> list[str]:
        return [r.slug for r in obj.r_strategies.all()]

    def get_score(self, obj: Case) -> float | None:
        """Relevance under the documented rule (only when searching with ``q``)."""
        scores = self.context.get("scores") or {}
        return round(scores[obj.pk], 6) if obj.pk in scores else None

    def get_url(self, obj: Case) -> str:
        return f"/doers/{obj.slug}/"

    def to_representation(self, instance: Case) -> dict[str, Any]:
        """The declared fields' values (tested equal to the generic path), read straight from
        the instance: the generic field machinery cost about a third of a list's CPU time."""
        c, f = instance, self.fields

        def attr(obj: Any, name: str) -> Any:
            return getattr(obj, name) if obj is not None else None

        return {
            "slug": c.slug,
            "title": c.title,
            "summary": c.summary,
            "body": c.body,
            "organisation": c.organisation_id,
            "organisation_name": c.organisation_name,
            "agendas": self.get_agendas(c),
            "r_strategies": self.get_r_strategies(c),
            "value_chain": attr(c.value_chain, "slug"),
            "sector_group": attr(c.sector_group, "slug"),
            "province": attr(c.province, "refnis"),
            "refnis": attr(c.municipality, "refnis"),
            "municipality": attr(c.municipality, "name_nl"),
            "category": c.category,
            "links": c.links,
            "status": c.status,
            "origin": c.origin,
            "score": self.get_score(c),
            "url": self.get_url(c),
            "created_at": f["created_at"].to_representation(c.created_at),
            "updated_at": f["updated_at"].to_representation(c.updated_at),
            "published_at": f["published_at"].to_representation(c.published_at)
            if c.published_at
            else None,
            "in_review": c.in_review,
            "review_requested_at": f["review_requested_at"].to_representation(c.review_requested_at)
            if c.review_requested_at
            else None,
            "moderation_remark": c.moderation_remark,
        }


@extend_schema_serializer(component_name="CaseCitation")
class CitationSerializer(serializers.Serializer):
    source = serializers.CharField(source="source.code")  # type: ignore[assignment]
    locator = serializers.CharField()
    line_start = serializers.IntegerField()
    line_end = serializers.IntegerField()


class CaseDetailSerializer(CaseSerializer):
    citations = CitationSerializer(many=True, read_only=True)
    images = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "citations", "images"]

    # one case: the generic path, which also renders the nested citations
    to_representation = serializers.ModelSerializer.to_representation

    def get_images(self, obj: Case) -> list[dict[str, str]]:
        return [{"url": i.image.url, "caption": i.caption} for i in obj.images.all()]


class CaseWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    slug = serializers.SlugField(max_length=120, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    organisation = serializers.IntegerField(required=False, allow_null=True)
    organisation_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    agendas = serializers.ListField(child=serializers.CharField(), required=False)
    r_strategies = serializers.ListField(child=serializers.CharField(), required=False)
    value_chain = serializers.CharField(required=False, allow_blank=True)
    sector_group = serializers.CharField(required=False, allow_blank=True)
    refnis = serializers.CharField(required=False, allow_blank=True)
    province = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Case.Category.choices, required=False)
    links = serializers.ListField(child=serializers.CharField(), required=False)


class SendBackSerializer(serializers.Serializer):
    remark = serializers.CharField(
        max_length=services.MAX_REMARK, help_text="what the author should change (required)"
    )


@extend_schema_serializer(many=False)
class CaseListResponse(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    facets = serializers.DictField(child=serializers.ListField(child=serializers.DictField()))
    results = CaseSerializer(many=True)


FILTERS = [
    OpenApiParameter(n, str, description=d)
    for n, d in (
        ("q", "full-text search (all words; the last one as a prefix), ranked by relevance"),
        ("agenda", "work agenda slug"),
        ("province", "province REFNIS code"),
        ("r", "R-strategy slug"),
        ("category", "category"),
        ("municipality", "REFNIS code"),
        ("organisation", "organisation id"),
        ("status", "draft, published or archived"),
    )
] + [
    OpenApiParameter(
        "in_review",
        bool,
        description="true: drafts submitted for review, the longest waiting first (moderators "
        "and administrators see every one; members their organisations'); false: every other "
        "case",
    ),
    OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="page number"),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": 1000},
        description="results per page (max 1000)",
    ),
]


def _flag(request: Request, name: str) -> str | None:
    """A boolean query parameter as ``"true"``/``"false"`` (absent: None; anything else: 400)."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw in ("true", "True", "1"):
        return "true"
    if raw in ("false", "False", "0"):
        return "false"
    raise serializers.ValidationError({name: [f"expected true or false (got {raw!r})"]})


class CaseViewSet(viewsets.GenericViewSet):
    """Cases of the doers catalogue. Anonymous users see published cases; members also their
    organisations' drafts; catalogue moderators and administrators every case. ``POST`` creates
    a draft; ``PATCH`` edits; ``/submit/`` asks a moderator to publish a draft; ``/publish/``
    (approve), ``/send-back/`` (with a remark), ``/unpublish/``, ``/archive/`` change the
    status. The moderators' queue: ``?status=draft&in_review=true``, oldest first."""

    serializer_class = CaseSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    lookup_field = "slug"
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.case_visible_to(self.request.user)

    def get_object(self) -> Case:
        try:
            return selectors.case_detail(self.request.user, self.kwargs["slug"])
        except Case.DoesNotExist:
            raise Http404("no such case") from None

    @extend_schema(parameters=FILTERS, responses=CaseListResponse)
    def list(self, request: Request) -> Response:
        params = {
            k: str(v)
            for k, v in request.query_params.items()
            if k
            in (
                "q",
                "agenda",
                "province",
                "r",
                "category",
                "municipality",
                "organisation",
                "status",
            )
        }
        size = query_int(request.query_params, "page_size", default=50, minimum=1, maximum=1000)
        page = query_int(request.query_params, "page", default=1, minimum=1)
        assert size is not None and page is not None
        flag = _flag(request, "in_review")
        if flag is not None:
            params["in_review"] = flag

        def build() -> dict[str, Any]:
            res = selectors.case_results(request.user, params, page=page, page_size=size)
            url = request.build_absolute_uri()
            pg = res.page
            return {
                "count": res.total,
                "next": replace_query_param(url, "page", pg.next_page_number())
                if pg.has_next()
                else None,
                "previous": replace_query_param(url, "page", pg.previous_page_number())
                if pg.has_previous()
                else None,
                "facets": res.facets,
                "results": CaseSerializer(
                    res.cases, many=True, context={"scores": res.scores, "request": request}
                ).data,
            }

        return Response(public_data(request, "doers-cases", selectors.catalogue_version(), build))

    @extend_schema(responses=CaseDetailSerializer)
    def retrieve(self, request: Request, slug: str | None = None) -> Response:
        return Response(CaseDetailSerializer(self.get_object()).data)

    @extend_schema(request=CaseWriteSerializer, responses={201: CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        ser = CaseWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        case = services.case_create(user=request.user, data=dict(ser.validated_data))
        return Response(
            CaseDetailSerializer(selectors.case_detail(request.user, case.slug)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=CaseWriteSerializer, responses=CaseDetailSerializer)
    def partial_update(self, request: Request, slug: str | None = None) -> Response:
        case = self.get_object()
        ser = CaseWriteSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        case = services.case_update(user=request.user, case=case, data=dict(ser.validated_data))
        return Response(CaseDetailSerializer(selectors.case_detail(request.user, case.slug)).data)

    def _status(self, request: Request, op: Any) -> Response:
        case = op(user=request.user, case=self.get_object())
        return Response(CaseDetailSerializer(selectors.case_detail(request.user, case.slug)).data)

    @extend_schema(request=None, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str | None = None) -> Response:
        return self._status(request, services.case_publish)

    @extend_schema(request=None, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, slug: str | None = None) -> Response:
        return self._status(request, services.case_unpublish)

    @extend_schema(request=None, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, slug: str | None = None) -> Response:
        return self._status(request, services.case_archive)

    @extend_schema(request=None, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, slug: str | None = None) -> Response:
        """Ask a moderator to publish this draft (its organisation's members); every catalogue
        moderator gets an e-mail."""
        return self._status(request, services.case_submit)

    @extend_schema(request=SendBackSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, slug: str | None = None) -> Response:
        """Return a draft to its author with a remark (moderators and administrators); the
        author gets an e-mail and reads the remark on the case until the next submit."""
        case = self.get_object()
        ser = SendBackSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        case = services.case_send_back(
            user=request.user, case=case, remark=ser.validated_data["remark"]
        )
        return Response(CaseDetailSerializer(selectors.case_detail(request.user, case.slug)).data)
