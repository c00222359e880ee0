"""Evaluation facts: the register read as the plain facts the core's yearly evaluation and the
annual report count (actions counted by the evaluation rule)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from circulair.core.agenda import evaluation as ev
from circulair.web.apps.agenda.models import (
    Action,
    ActionResult,
    Bottleneck,
    Programme,
    Signatory,
)
from circulair.web.apps.agenda.selectors.changelog import register_version
from circulair.web.apps.agenda.selectors.references import (
    commitment_of,
    r_loops,
    records,
    records_of_agenda,
)
from circulair.web.apps.common.public_cache import cached
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Organisation


def _active_q(year: int, prefix: str = "") -> Q:
    """Database side of :func:`circulair.core.agenda.evaluation.counts_in_year`."""
    p = prefix
    return Q(
        **{f"{p}status__in": sorted(ev.COUNTED_STATUSES), f"{p}start__lte": dt.date(year, 12, 31)}
    ) & (Q(**{f"{p}end__isnull": True}) | Q(**{f"{p}end__gte": dt.date(year, 1, 1)}))


def latest_year_with_actions(agenda: Record, *, until: int) -> int | None:
    """The latest year, ``until`` at the most, in which one of the agenda's actions counts; None
    when none ever does. The evaluation page opens on it: the current year is often still empty.
    """
    if Action.objects.filter(_active_q(until), agenda=agenda).exists():
        return until
    # Every counted action left ended before ``until``: it counts last in the year it ended
    # (when it started by then; see ev.counts_in_year).
    last = Action.objects.filter(
        agenda=agenda,
        status__in=sorted(ev.COUNTED_STATUSES),
        start__year__lte=ExtractYear("end"),
        end__lt=dt.date(until, 1, 1),
    ).aggregate(last=Max("end"))["last"]
    return last.year if last else None


def action_facts(agenda: Record, year: int) -> list[ev.ActionFact]:
    """The agenda's actions that may count for ``year`` (the core applies the rule again).

    Unordered on purpose: with the list's ORDER BY the database would walk the start-date index
    instead of the (agenda, status, start) one. Knowledge records are fetched by id and mapped.
    """
    slugs = dict(
        Record.objects.filter(
            kind__in=["work_path", "value_chain", "lever", "r_strategy"]
        ).values_list("pk", "slug")
    )
    rows = list(
        Action.objects.filter(_active_q(year), agenda=agenda)
        .order_by()
        .values_list(
            "id",
            "organisation_id",
            "status",
            "start",
            "end",
            "work_path_id",
            "value_chain_id",
            "lever_id",
            "programme_id",
        )
    )
    partners: dict[int, set[int]] = {}
    rs: dict[int, set[str]] = {}
    active = _active_q(year, "action__") & Q(action__agenda=agenda)
    for aid, oid in (
        Action.partners.through.objects.filter(active)
        .order_by()
        .values_list("action_id", "organisation_id")
    ):
        partners.setdefault(aid, set()).add(oid)
    for aid, rid in (
        Action.r_strategies.through.objects.filter(active)
        .order_by()
        .values_list("action_id", "record_id")
    ):
        rs.setdefault(aid, set()).add(slugs[rid])
    get = slugs.get
    return [
        ev.ActionFact(
            id=r[0],
            owner=r[1],
            status=r[2],
            start=r[3],
            end=r[4],
            partners=frozenset(partners.get(r[0], ())),
            work_path=get(r[5]) if r[5] else None,
            value_chain=get(r[6]) if r[6] else None,
            lever=get(r[7]) if r[7] else None,
            r_strategies=frozenset(rs.get(r[0], ())),
            programme=r[8],
        )
        for r in rows
    ]


#: Seconds an evaluation stays cached. The key holds the id of the latest change-log entry, so
#: any change made through the services (pages, API, CLI, imports) is seen at once; edits in the
#: Django admin (not logged) are seen after at most this long.
EVALUATION_CACHE_SECONDS = 60


def evaluation(agenda: Record, year: int) -> ev.Evaluation:
    """The agenda's evaluation for ``year`` (cached per register version, see above)."""
    return cached(
        f"agenda-eval:{agenda.pk}:{year}:{register_version()}",
        EVALUATION_CACHE_SECONDS,
        lambda: _evaluation(agenda, year),
    )


def _evaluation(agenda: Record, year: int) -> ev.Evaluation:
    sigs = [
        ev.SignatoryFact(organisation=o, name=n, year_signed=y, min_actions=m)
        for o, n, y, m in Signatory.objects.filter(agenda=agenda).values_list(
            "organisation_id", "organisation__name", "year_signed", "min_actions"
        )
    ]
    progs = [
        ev.ProgrammeFact(id=i, kind=k, stage=s, outcome=o)
        for i, k, s, o in Programme.objects.filter(agenda=agenda).values_list(
            "id", "kind__slug", "stage", "outcome"
        )
    ]
    bns = [
        ev.BottleneckFact(id=i, title=t, status=s, policy_level=p)
        for i, t, s, p in Bottleneck.objects.filter(agenda=agenda).values_list(
            "id", "title", "status", "policy_level"
        )
    ]
    return ev.evaluate(
        agenda=agenda.slug,
        year=year,
        actions=action_facts(agenda, year),
        signatories=sigs,
        work_paths=list(records_of_agenda("work_path", agenda).values_list("slug", flat=True)),
        value_chains=list(records_of_agenda("value_chain", agenda).values_list("slug", flat=True)),
        levers=list(records("lever").values_list("slug", flat=True)),
        r_loops=r_loops(),
        programmes=progs,
        stages=list(Programme.Stage.values),
        bottlenecks=bns,
        agenda_min_actions=commitment_of(agenda),
    )


def manufacturer_share(year: int) -> ev.Share:
    """Share of manufacturers (NACE C, >= 10 employees) with an action counted in ``year``
    (cached like the evaluation; organisations' NACE/size edits show within a minute)."""
    return cached(
        f"agenda-share:{year}:{register_version()}",
        EVALUATION_CACHE_SECONDS,
        lambda: manufacturer_share_uncached(year),
    )


def manufacturer_share_uncached(year: int) -> ev.Share:
    orgs = [
        ev.OrganisationFact(id=i, nace_code=n, employee_class=c)
        for i, n, c in Organisation.objects.exclude(nace_code="").values_list(
            "id", "nace_code", "employee_class"
        )
    ]
    active_q = _active_q(year)
    owners = set(
        Action.objects.filter(active_q)
        .order_by()
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    partners = set(
        Action.partners.through.objects.filter(_active_q(year, "action__"))
        .order_by()
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    return ev.manufacturer_share(orgs, owners | partners)


# --- the annual report's figures -----------------------------------------------------------
def counted_actions(year: int) -> QuerySet[Action]:
    """The actions the evaluation rule counts in ``year`` (every agenda)."""
    return Action.objects.filter(_active_q(year))


@dataclass(frozen=True)
class ReportCounts:
    """The annual report's key figures of ``year``, per agenda (or lever) id."""

    by_agenda: dict[int, int]
    by_lever: dict[int, int]
    completed: dict[int, int]
    started: dict[int, int]
    signatories: dict[int, int]
    programmes: dict[int, int]
    open_bottlenecks: dict[int, int]
    #: agenda id → (label, unit, total) of the counted actions' results, by label
    figures: dict[int, list[tuple[str, str, float]]]


def report_counts(year: int) -> ReportCounts:
    """Grouped counts of the counted actions, signatories, programmes, open bottlenecks and
    results of ``year`` (eight queries, whatever the register's size)."""
    active = counted_actions(year)
    by_agenda = dict(active.values_list("agenda_id").annotate(n=Count("id")))
    by_lever = dict(
        active.exclude(lever__isnull=True).values_list("lever_id").annotate(n=Count("id"))
    )
    completed = dict(
        active.filter(status=ev.COMPLETED).values_list("agenda_id").annotate(n=Count("id"))
    )
    started = dict(active.filter(start__year=year).values_list("agenda_id").annotate(n=Count("id")))
    sigs = dict(
        Signatory.objects.filter(year_signed__lte=year)
        .values_list("agenda_id")
        .annotate(n=Count("id"))
    )
    progs = dict(
        Programme.objects.filter(year__lte=year)
        .exclude(agenda__isnull=True)
        .values_list("agenda_id")
        .annotate(n=Count("id"))
    )
    open_bn = dict(
        Bottleneck.objects.filter(status__in=["open", "escalated"])
        .values_list("agenda_id")
        .annotate(n=Count("id"))
    )
    figures: dict[int, list[tuple[str, str, float]]] = {}
    for aid, label, unit, total in (
        ActionResult.objects.filter(action__in=active)
        .values_list("action__agenda_id", "label", "unit")
        .annotate(total=Sum("value"))
        .order_by("action__agenda_id", "label")
    ):
        figures.setdefault(aid, []).append((label, unit, total))
    return ReportCounts(
        by_agenda=by_agenda,
        by_lever=by_lever,
        completed=completed,
        started=started,
        signatories=sigs,
        programmes=progs,
        open_bottlenecks=open_bn,
        figures=figures,
    )


def impact_projects(year: int, **kw: Any) -> list[Action]:
    """Up to six public counted actions of ``year`` (``kw``: agenda= or lever=), impact projects
    first. Public only: the report is public, so it never names an organisation-private action
    (the key figures still count every action)."""
    qs = counted_actions(year).filter(public=True, **kw)
    qs = qs.select_related("organisation", "work_path", "lever", "agenda")
    return list(qs.order_by("-impact_project", "-status", "title")[:6])


def highlights(year: int, **kw: Any) -> list[Action]:
    """Up to three public completed actions of ``year`` with results, the latest first (public
    only, as :func:`impact_projects`)."""
    return list(
        counted_actions(year)
        .filter(status=ev.COMPLETED, public=True, **kw)
        .exclude(results="")
        .select_related("organisation")
        .order_by("-end", "title")[:3]
    )
