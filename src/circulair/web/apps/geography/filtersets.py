"""FilterSets of the reference geography (HTML lists and API)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.geography.models import Arrondissement, Municipality, Partition


class MunicipalityFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__slug", label=_("Region"))
    arrondissement = django_filters.CharFilter(
        field_name="arrondissement__refnis", label=_("Arrondissement (REFNIS)")
    )
    province = django_filters.CharFilter(
        field_name="province__refnis", label=_("Province (REFNIS)")
    )
    central_city = django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda v: v == "true",
        label=_("Central city"),
    )
    partition = django_filters.CharFilter(method="filter_partition", label=_("Partition"))
    unit = django_filters.CharFilter(method="filter_unit", label=_("Partition unit"))
    postal_code = django_filters.CharFilter(
        field_name="postal_codes", lookup_expr="icontains", label=_("Postal code")
    )
    q = django_filters.CharFilter(method="search", label=_("Name"))

    class Meta:
        model = Municipality
        fields = [
            "region",
            "arrondissement",
            "province",
            "central_city",
            "partition",
            "unit",
            "postal_code",
            "q",
        ]

    def search(self, qs: QuerySet[Municipality], name: str, value: str) -> QuerySet[Municipality]:
        return qs.filter(
            Q(name_nl__icontains=value) | Q(name_fr__icontains=value) | Q(refnis=value)
        )

    def filter_partition(
        self, qs: QuerySet[Municipality], name: str, value: str
    ) -> QuerySet[Municipality]:
        if not Partition.objects.filter(slug=value).exists():
            raise ValidationError({"partition": f"unknown partition '{value}'"})
        return qs.filter(partition_units__partition__slug=value)

    def filter_unit(
        self, qs: QuerySet[Municipality], name: str, value: str
    ) -> QuerySet[Municipality]:
        part = self.data.get("partition")
        if not part:
            raise ValidationError({"unit": "give a partition together with unit"})
        return qs.filter(partition_units__partition__slug=part, partition_units__code=value)


class ArrondissementFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__slug")
    province = django_filters.CharFilter(field_name="province__refnis")

    class Meta:
        model = Arrondissement
        fields = ["region", "province"]


class PartitionFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__slug")
    kind = django_filters.ChoiceFilter(choices=Partition.Kind.choices)

    class Meta:
        model = Partition
        fields = ["region", "kind"]
