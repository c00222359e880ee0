"""Read API of the knowledge base."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from circulair.core.knowledge import labels
from circulair.core.knowledge.schema import KINDS
from circulair.web.apps.knowledge import selectors
from circulair.web.apps.knowledge.filtersets import RecordFilter
from circulair.web.apps.knowledge.models import Citation, Record, Relation, Source, Variant


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["code", "title", "title_en", "publisher", "year", "language", "url"]


class CitationSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.code")  # type: ignore[assignment]
    page = serializers.SerializerMethodField(help_text="The source page showing the passage.")

    class Meta:
        model = Citation
        fields = ["source", "locator", "line_start", "line_end", "variant", "page"]

    def get_page(self, obj: Citation) -> str:
        url = reverse("knowledge:source", args=[obj.source.code])
        return f"{url}?lines={obj.line_start}-{obj.line_end}"


class FactSerializer(serializers.Serializer):
    key = serializers.CharField()
    label_nl = serializers.CharField()
    label_en = serializers.CharField()
    text_nl = serializers.CharField()
    text_en = serializers.CharField()


class VariantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Variant
        fields = ["name", "label_nl", "label_en", "attributes"]


class RelationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="to_record.kind")
    slug = serializers.CharField(source="to_record.slug")

    class Meta:
        model = Relation
        fields = ["role", "kind", "slug"]


class RecordSerializer(serializers.ModelSerializer):
    citations = CitationSerializer(many=True, read_only=True)
    variants = VariantSerializer(many=True, read_only=True)
    refs = RelationSerializer(source="relations", many=True, read_only=True)
    facts = serializers.SerializerMethodField(
        help_text="The attributes labelled and rendered (units, yes/no) in Dutch and English."
    )

    class Meta:
        model = Record
        fields = [
            "kind",
            "slug",
            "name_nl",
            "name_en",
            "description_nl",
            "description_en",
            "order",
            "attributes",
            "facts",
            "refs",
            "variants",
            "citations",
        ]

    @extend_schema_field(FactSerializer(many=True))
    def get_facts(self, obj: Record) -> list[dict[str, str]]:
        nl = labels.facts(obj.kind, obj.attributes, "nl")
        en = labels.facts(obj.kind, obj.attributes, "en")
        return [
            {
                "key": a.key,
                "label_nl": a.label,
                "label_en": b.label,
                "text_nl": a.text,
                "text_en": b.text,
            }
            for a, b in zip(nl, en, strict=True)
        ]


class KindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label_en = serializers.CharField()
    label_nl = serializers.CharField()
    count = serializers.IntegerField()


class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    """The source documents every citation points into."""

    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    lookup_field = "code"
    filterset_fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "related_to",
                {"type": "string", "pattern": "^([^:]*:.+)?$"},
                description="Related to (kind:slug), e.g. work_agenda:maakindustrie",
            )
        ]
    )
)
class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Knowledge-base records of every kind, each with its citations, variants and references.

    Filter with ``kind``, ``q`` (text search), ``related_to=kind:slug`` and ``source``.
    """

    serializer_class = RecordSerializer
    filterset_class = RecordFilter
    lookup_value_regex = r"[a-z_]+/[a-z0-9-]+"
    lookup_field = "key"

    def get_queryset(self) -> Any:
        return Record.objects.prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
            "variants",
            Prefetch("relations", queryset=Relation.objects.select_related("to_record")),
        ).order_by("kind", "order", "slug")

    def get_object(self) -> Record:
        kind, _sep, slug = self.kwargs["key"].partition("/")
        if kind not in KINDS:
            raise Http404(f"unknown kind '{kind}'")
        obj = self.get_queryset().filter(kind=kind, slug=slug).first()
        if obj is None:
            raise Http404(f"no {kind} record with slug '{slug}'")
        return obj

    @extend_schema(responses=KindSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def kinds(self, request: Request) -> Response:
        """Every record kind of the schema with its number of records."""
        return Response(KindSerializer(selectors.kind_counts(), many=True).data)
