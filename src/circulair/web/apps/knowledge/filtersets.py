"""One FilterSet per model, shared by the HTML lists and the API."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from circulair.core.knowledge.schema import KINDS
from circulair.web.apps.knowledge.models import Record


class RecordFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=[(k, s.label_en) for k, s in KINDS.items()], label=_("Kind")
    )
    q = django_filters.CharFilter(method="search", label=_("Search"))
    related_to = django_filters.CharFilter(
        method="filter_related",
        label=_("Related to (kind:slug)"),
    )
    source = django_filters.CharFilter(
        field_name="citations__source__code", distinct=True, label=_("Cited source")
    )

    class Meta:
        model = Record
        fields = ["kind", "q", "related_to", "source"]

    def search(self, qs: QuerySet[Record], name: str, value: str) -> QuerySet[Record]:
        return qs.filter(
            Q(name_nl__icontains=value)
            | Q(name_en__icontains=value)
            | Q(description_nl__icontains=value)
            | Q(description_en__icontains=value)
            | Q(slug__icontains=value)
        )

    def filter_related(self, qs: QuerySet[Record], name: str, value: str) -> QuerySet[Record]:
        kind, _sep, slug = value.partition(":")
        if not slug:
            raise ValidationError(
                {"related_to": "expected kind:slug, e.g. work_agenda:maakindustrie"}
            )
        return qs.filter(
            relations__to_record__kind=kind, relations__to_record__slug=slug
        ).distinct()
