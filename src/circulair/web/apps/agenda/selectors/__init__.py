"""Reads of the agenda register: visibility, roles, knowledge references, evaluation facts.

Reads only: what the pages, the API and the command line show is shaped in ``presenters``.
The knowledge references live in :mod:`.references`, the register's version in :mod:`.changelog`
and the facts the yearly evaluation and the annual report count in :mod:`.facts`; their public
names are importable from here.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.functional import cached_property

from circulair.web.apps.agenda.models import (
    Action,
    Bottleneck,
    Programme,
    Signatory,
)
from circulair.web.apps.agenda.selectors.changelog import register_version
from circulair.web.apps.agenda.selectors.facts import (
    EVALUATION_CACHE_SECONDS,
    ReportCounts,
    action_facts,
    counted_actions,
    evaluation,
    highlights,
    impact_projects,
    latest_year_with_actions,
    manufacturer_share,
    manufacturer_share_uncached,
    report_counts,
)
from circulair.web.apps.agenda.selectors.references import (
    AGENDA_ALIASES,
    MANUFACTURING,
    SHARE_INDICATOR,
    SHARE_REGION,
    agenda_record,
    commitment_of,
    labels,
    r_loops,
    records,
    records_of_agenda,
)
from circulair.web.apps.common import permissions
from circulair.web.apps.common.public_cache import cached
from circulair.web.apps.knowledge.models import Record

__all__ = [
    "ACTION_ROW",
    "AGENDA_ALIASES",
    "EVALUATION_CACHE_SECONDS",
    "LIST_DEFERRED",
    "LIST_RELATED",
    "MANUFACTURING",
    "SHARE_INDICATOR",
    "SHARE_REGION",
    "SIGNATORY_ROW",
    "CachedCountPaginator",
    "ReportCounts",
    "action_detail",
    "action_facts",
    "action_list",
    "action_row_values",
    "action_visible_to",
    "actions_for_export",
    "agenda_overview",
    "agenda_record",
    "agendas_led",
    "bottleneck_list",
    "can_edit_action",
    "can_lead",
    "commitment_of",
    "counted_actions",
    "evaluation",
    "highlights",
    "impact_projects",
    "labels",
    "latest_year_with_actions",
    "led_agenda_ids",
    "manufacturer_share",
    "manufacturer_share_uncached",
    "my_org_ids",
    "programme_list",
    "programmes_of_year",
    "r_loops",
    "records",
    "records_of_agenda",
    "register_version",
    "report_counts",
    "signatory_list",
    "years_with_actions",
]


# --- roles (the rules are in common.permissions) -------------------------------------------
my_org_ids = permissions.member_org_ids
led_agenda_ids = permissions.led_agenda_ids


def can_edit_action(user: Any, action: Action) -> bool:
    return permissions.can(user, "agenda.action.edit", action)


def can_lead(user: Any, agenda_id: int | None) -> bool:
    return agenda_id is not None and permissions.can(user, "agenda.lead", agenda_id)


def agendas_led(user: Any) -> set[int]:
    """Ids of the work agendas ``user`` may lead (rule ``agenda.lead``; all for administrators)."""
    agendas = Record.objects.filter(kind="work_agenda")
    return set(permissions.restrict(user, "agenda.lead", agendas).values_list("pk", flat=True))


# --- register reads ------------------------------------------------------------------------
LIST_RELATED = ("organisation", "agenda", "work_path", "lever", "value_chain", "municipality")


def action_visible_to(user: Any) -> QuerySet[Action]:
    """The actions ``user`` may see (rule ``agenda.action.view``)."""
    qs = Action.objects.select_related(*LIST_RELATED)
    return permissions.restrict(user, "agenda.action.view", qs)


#: Columns a list row never shows (the related records' JSON attributes cost most to load).
LIST_DEFERRED = [
    f"{rel}__{f}"
    for rel in ("agenda", "work_path", "lever", "value_chain")
    for f in ("attributes", "description_nl", "description_en", "data_file")
]


def action_list(user: Any) -> QuerySet[Action]:
    return (
        action_visible_to(user)
        .defer(*LIST_DEFERRED)
        .prefetch_related(
            Prefetch(
                "r_strategies", queryset=Record.objects.only("id", "slug", "name_nl", "name_en")
            )
        )
    )


#: The list page's columns of an action, in this order (``action_row_values``).
ACTION_ROW = (
    "pk",
    "title",
    "public",
    "organisation__name",
    "agenda__name_nl",
    "agenda__name_en",
    "work_path__name_nl",
    "work_path__name_en",
    "lever__name_nl",
    "lever__name_en",
    "start",
    "status",
)


def action_row_values(
    ids: list[int],
) -> tuple[dict[int, tuple[Any, ...]], dict[int, list[tuple[str, str]]]]:
    """The ``ACTION_ROW`` values of these actions by id, and each one's R-strategies as
    (Dutch, English) names in the knowledge base's order (2 queries).

    Why plain values: a 50-row page built from model instances with six related records each,
    then resolved attribute by attribute by the template, cost about 70 ms of CPU.
    """
    found = {r[0]: r for r in Action.objects.filter(pk__in=ids).values_list(*ACTION_ROW)}
    loops: dict[int, list[tuple[str, str]]] = {}
    for aid, nl, en_name in (
        Action.r_strategies.through.objects.filter(action_id__in=ids)
        .order_by("action_id", "record__order", "record__slug")
        .values_list("action_id", "record__name_nl", "record__name_en")
    ):
        loops.setdefault(aid, []).append((nl, en_name))
    return found, loops


class CachedCountPaginator(Paginator):
    """Counts once per query and register version: the count is most of a list page's
    database time at 100,000 actions, and it only changes when the register does."""

    @cached_property
    def count(self) -> int:

        try:
            sql = str(self.object_list.query)  # type: ignore[attr-defined]
        except Exception:
            return int(super().count)
        key = "agenda-count:" + hashlib.sha1(f"{sql}:{register_version()}".encode()).hexdigest()
        return int(
            cached(
                key, EVALUATION_CACHE_SECONDS, lambda: int(super(CachedCountPaginator, self).count)
            )
        )


def actions_for_export(agenda: Record | None = None) -> QuerySet[Action]:
    """Every action (the operator's command line), of one agenda when given, by id."""
    qs = permissions.restrict(None, "agenda.action.view", Action.objects.all()).order_by("pk")
    return qs.filter(agenda=agenda) if agenda is not None else qs


def action_detail(user: Any, pk: int) -> Action:
    a = (
        action_visible_to(user)
        .select_related("programme", "created_by")
        .prefetch_related("r_strategies", "partners", "figures")
        .filter(pk=pk)
        .first()
    )
    if a is None:
        raise Http404("no such action")
    return a


def signatory_list() -> QuerySet[Signatory]:
    return Signatory.objects.select_related("organisation", "agenda").order_by(
        "agenda__order", "organisation__name"
    )


#: The signatories page's columns (plain values render several times faster than instances).
SIGNATORY_ROW = (
    "pk",
    "organisation__name",
    "agenda__name_nl",
    "agenda__name_en",
    "year_signed",
    "min_actions",
)


def programme_list() -> QuerySet[Programme]:
    # Meta.ordering is not applied to aggregate queries: order explicitly for stable pages.
    return (
        Programme.objects.select_related("kind", "agenda", "lever")
        .annotate(n_projects=Count("projects"))
        .order_by("-year", "name", "pk")
    )


def programmes_of_year(year: int) -> list[Programme]:
    return list(programme_list().filter(year=year))


def bottleneck_list() -> QuerySet[Bottleneck]:
    return Bottleneck.objects.select_related("agenda", "reported_by")


def years_with_actions() -> list[int]:
    ys = Action.objects.exclude(start__isnull=True).dates("start", "year")
    return sorted({d.year for d in ys}, reverse=True)


def agenda_overview() -> list[dict[str, Any]]:
    """Every agenda with its number of signatories and actions (two grouped queries)."""
    sigs = dict(Signatory.objects.values_list("agenda_id").annotate(n=Count("id")))
    acts = dict(Action.objects.values_list("agenda_id").annotate(n=Count("id")))
    return [
        {"record": r, "signatories": sigs.get(r.pk, 0), "actions": acts.get(r.pk, 0)}
        for r in records("work_agenda")
    ]
