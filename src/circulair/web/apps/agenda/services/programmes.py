"""Programmes (calls, Green Deals, living labs) with their lifecycle, and bottlenecks."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from circulair.core.errors import EXPECTED_ONE_OF, InputError, Problem, gettext_noop, problem
from circulair.web.apps.agenda import selectors
from circulair.web.apps.agenda.models import (
    Bottleneck,
    Programme,
)
from circulair.web.apps.agenda.services.checks import (
    _lead_of,
    _member_of,
    _record,
)
from circulair.web.apps.agenda.services.history import _label, _snapshot
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import change_record, changes_diff
from circulair.web.apps.common.writes import validated_create
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Organisation

log = logging.getLogger(__name__)


# --- programmes ----------------------------------------------------------------------------
def _programme_clean(data: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    c: dict[str, Any] = {}
    if "name" in data:
        c["name"] = str(data["name"] or "").strip()
        if not c["name"]:
            problems.append(
                problem("name_missing", gettext_noop("a name is required"), field="name")
            )
    if "kind" in data:
        c["kind"] = _record("programme_type", data["kind"], "kind", problems, required=True)
    if "agenda" in data:
        c["agenda"] = _record("work_agenda", data["agenda"], "agenda", problems)
    if "lever" in data:
        c["lever"] = _record("lever", data["lever"], "lever", problems)
    if "year" in data:
        y = data["year"]
        if not str(y).isdigit() or not 2000 <= int(y) <= 2100:
            problems.append(
                problem(
                    "year_range",
                    gettext_noop("expected a year between 2000 and 2100"),
                    field="year",
                    value=y,
                )
            )
        else:
            c["year"] = int(y)
    for f in ("outcome",):
        if f in data:
            c[f] = str(data[f] or "")
    if "budget_eur" in data:
        c["budget_eur"] = data["budget_eur"] or None
    return c


def _programme_guard(user: Any, agenda: Record | None) -> None:
    permissions.require(user, "agenda.lead", agenda)  # no agenda: administrators only


@transaction.atomic
def programme_create(*, user: Any, data: dict[str, Any]) -> Programme:
    problems: list[Problem] = []
    c = _programme_clean({"name": "", "kind": "", "year": "", **data}, problems)
    if problems:
        raise InputError(problems)
    _programme_guard(user, c.get("agenda"))
    p = Programme(**c)
    p.full_clean()
    p.save()
    change_record(
        p, "create", {k: [None, _label(v)] for k, v in c.items() if v not in (None, "")}, user
    )
    return p


@transaction.atomic
def programme_update(*, user: Any, programme: Programme, data: dict[str, Any]) -> Programme:
    _programme_guard(user, programme.agenda)
    problems: list[Problem] = []
    c = _programme_clean(data, problems)
    if problems:
        raise InputError(problems)
    if "agenda" in c:
        _programme_guard(user, c["agenda"])
    fields = ("name", "kind", "agenda", "lever", "year", "stage", "budget_eur", "outcome")
    before = _snapshot(programme, fields)
    for k, v in c.items():
        setattr(programme, k, v)
    programme.full_clean()
    programme.save()
    change_record(programme, "update", changes_diff(before, _snapshot(programme, fields)), user)
    return programme


@transaction.atomic
def programme_advance(*, user: Any, programme: Programme, outcome: str = "") -> Programme:
    """Move a programme to the next lifecycle stage (launch → … → publication, one at a time)."""
    _programme_guard(user, programme.agenda)
    stages = list(Programme.Stage.values)
    i = stages.index(programme.stage)
    if i + 1 >= len(stages):
        raise InputError.coded(
            "programme_published",
            gettext_noop("the programme is already published (last stage)"),
            field="stage",
            value=programme.stage,
        )
    before = _snapshot(programme, ("stage", "outcome"))
    programme.stage = stages[i + 1]
    if outcome:
        programme.outcome = outcome
    programme.save()
    change_record(
        programme, "status", changes_diff(before, _snapshot(programme, ("stage", "outcome"))), user
    )
    return programme


# --- bottlenecks ---------------------------------------------------------------------------
@transaction.atomic
def bottleneck_create(
    *, user: Any, data: dict[str, Any], reported_by: Organisation | None = None
) -> Bottleneck:
    """Anyone who belongs to an organisation may report an obstacle (for that organisation);
    leads and administrators may report without one."""
    problems: list[Problem] = []
    title = str(data.get("title") or "").strip()
    if not title:
        problems.append(
            problem(
                "title_missing", gettext_noop("describe the obstacle in a title"), field="title"
            )
        )
    agenda = _record("work_agenda", data.get("agenda"), "agenda", problems, required=True)
    level = str(data.get("policy_level") or "")
    if level not in Bottleneck.Level.values:
        problems.append(
            problem(
                "policy_level_unknown",
                EXPECTED_ONE_OF,
                field="policy_level",
                value=level,
                expected=", ".join(Bottleneck.Level.values),
            )
        )
    if problems:
        raise InputError(problems)
    assert agenda is not None
    if reported_by is not None:
        _member_of(user, reported_by)
    elif user is not None and not selectors.can_lead(user, agenda.pk):
        raise PermissionDenied("report an obstacle on behalf of your organisation")
    b = validated_create(
        Bottleneck,
        title=title[:200],
        description=str(data.get("description") or ""),
        agenda=agenda,
        policy_level=level,
        reported_by=reported_by,
    )
    change_record(
        b,
        "create",
        {"title": [None, b.title], "agenda": [None, agenda.slug], "policy_level": [None, level]},
        user,
    )
    return b


@transaction.atomic
def bottleneck_set_status(*, user: Any, bottleneck: Bottleneck, status: str) -> Bottleneck:
    _lead_of(user, bottleneck.agenda)
    if status not in Bottleneck.Status.values:
        raise InputError.coded(
            "status_unknown",
            EXPECTED_ONE_OF,
            field="status",
            value=status,
            expected=", ".join(Bottleneck.Status.values),
        )
    old = bottleneck.status
    bottleneck.status = status
    bottleneck.save()
    change_record(bottleneck, "status", changes_diff({"status": old}, {"status": status}), user)
    return bottleneck
