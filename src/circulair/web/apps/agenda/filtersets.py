"""One FilterSet per model, shared by the HTML lists and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.agenda.models import Action, Bottleneck, Programme, Signatory
from circulair.web.apps.knowledge.models import Record


def _by_record_id(qs: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
    """Filter on a knowledge record by slug, resolved to its id first: filtering through a join
    on the slug keeps the database from walking the (agenda, status, start, id) index in order."""
    kind = {"agenda": "work_agenda"}.get(name, name)
    pk = Record.objects.filter(kind=kind, slug=value).values_list("pk", flat=True).first()
    return qs.filter(**{f"{name}_id": pk}) if pk is not None else qs.none()


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    agenda = django_filters.CharFilter(method=_by_record_id, label=_("Agenda"))
    status = django_filters.ChoiceFilter(choices=Action.Status.choices, label=_("Status"))
    lever = django_filters.CharFilter(method=_by_record_id, label=_("Lever"))
    work_path = django_filters.CharFilter(method=_by_record_id, label=_("Work path"))
    value_chain = django_filters.CharFilter(method=_by_record_id, label=_("Value chain"))
    organisation = django_filters.NumberFilter(
        field_name="organisation_id", label=_("Organisation")
    )
    # a date's year is 1 to 9999 (year=0 was a 500)
    year = django_filters.NumberFilter(
        method="active_in", label=_("Active in year"), min_value=1, max_value=9999
    )
    impact_project = django_filters.BooleanFilter(label=_("Impact project"))

    class Meta:
        model = Action
        fields = [
            "q",
            "agenda",
            "status",
            "lever",
            "work_path",
            "value_chain",
            "organisation",
            "year",
            "impact_project",
        ]

    def search(self, qs: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        return qs.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def active_in(self, qs: QuerySet[Action], name: str, value: Any) -> QuerySet[Action]:
        y = int(value)
        return qs.filter(
            Q(start__lte=dt.date(y, 12, 31)), Q(end__isnull=True) | Q(end__gte=dt.date(y, 1, 1))
        )


class SignatoryFilter(django_filters.FilterSet):
    agenda = django_filters.CharFilter(field_name="agenda__slug", label=_("Agenda"))
    year_signed = django_filters.NumberFilter(label=_("Year signed"))

    class Meta:
        model = Signatory
        fields = ["agenda", "year_signed"]


class ProgrammeFilter(django_filters.FilterSet):
    agenda = django_filters.CharFilter(field_name="agenda__slug", label=_("Agenda"))
    kind = django_filters.CharFilter(field_name="kind__slug", label=_("Type"))
    stage = django_filters.ChoiceFilter(choices=Programme.Stage.choices, label=_("Stage"))
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = Programme
        fields = ["agenda", "kind", "stage", "year"]


class BottleneckFilter(django_filters.FilterSet):
    agenda = django_filters.CharFilter(field_name="agenda__slug", label=_("Agenda"))
    status = django_filters.ChoiceFilter(choices=Bottleneck.Status.choices, label=_("Status"))
    policy_level = django_filters.ChoiceFilter(
        choices=Bottleneck.Level.choices, label=_("Policy level")
    )

    class Meta:
        model = Bottleneck
        fields = ["agenda", "status", "policy_level"]
