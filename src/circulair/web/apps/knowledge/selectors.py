"""Reads of the knowledge base, with the prefetches the pages and the API need."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from circulair.core.knowledge.schema import KINDS
from circulair.web.apps.knowledge.models import Citation, Record, Relation, Source, SourceText


def record_list(*, kind: str | None = None, q: str = "") -> QuerySet[Record]:
    qs = Record.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(
            Q(name_nl__icontains=q)
            | Q(name_en__icontains=q)
            | Q(description_nl__icontains=q)
            | Q(description_en__icontains=q)
            | Q(slug__icontains=q)
        )
    return qs.prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("source"))
    )


def record_detail(*, kind: str, slug: str) -> Record:
    return Record.objects.prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
        "variants",
        Prefetch("relations", queryset=Relation.objects.select_related("to_record")),
        Prefetch("incoming", queryset=Relation.objects.select_related("from_record")),
    ).get(kind=kind, slug=slug)


def kind_counts() -> list[dict[str, Any]]:
    counts = dict(Record.objects.values_list("kind").annotate(n=Count("id")).order_by())
    return [
        {"kind": k, "label_en": s.label_en, "label_nl": s.label_nl, "count": counts.get(k, 0)}
        for k, s in KINDS.items()
    ]


def records_without_citation() -> QuerySet[Record]:
    return Record.objects.filter(citations__isnull=True)


def source_list() -> QuerySet[Source]:
    return Source.objects.annotate(n_citations=Count("citations")).order_by("code")


def records_of_kind(*, kind: str) -> list[Record]:
    """Every record of one kind, for turning a value that names one (a slug, a code) into its
    name."""
    return list(
        Record.objects.filter(kind=kind).only("kind", "slug", "name_nl", "name_en", "attributes")
    )


def source_detail(*, code: str) -> Source:
    return Source.objects.get(code=code)


def source_text(*, source: Source) -> SourceText | None:
    """The installed extraction of a source, or None when it is not installed."""
    return SourceText.objects.filter(source=source).first()


def citations_at(*, source: Source, start: int, end: int) -> QuerySet[Citation]:
    """The citations of exactly these lines of a source, with their records."""
    return (
        Citation.objects.filter(source=source, line_start=start, line_end=end)
        .select_related("record")
        .order_by("record__kind", "record__order", "record__slug", "position")
    )


def source_citations(*, source: Source) -> QuerySet[Citation]:
    """Every citation into a source, in the order of the text."""
    return (
        Citation.objects.filter(source=source)
        .select_related("record")
        .order_by("line_start", "line_end", "record__kind", "record__slug")
    )
