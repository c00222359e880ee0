"""Signatories, the agenda's commitment, work paths and agenda leads."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from circulair.core.errors import InputError, Problem, gettext_noop, problem
from circulair.core.numbers import number_problem
from circulair.core.tables import write_table
from circulair.web.apps.agenda import selectors
from circulair.web.apps.agenda.models import (
    AgendaLead,
    AgendaSetting,
    Signatory,
)
from circulair.web.apps.agenda.services.actions import _keep
from circulair.web.apps.agenda.services.checks import (
    _lead_of,
    _record,
    organisation_ref,
)
from circulair.web.apps.agenda.services.history import _snapshot
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import change_record, changes_diff
from circulair.web.apps.common.tables import Source, iter_table
from circulair.web.apps.common.writes import validated_create
from circulair.web.apps.knowledge.models import Record, Relation
from circulair.web.apps.organisations.models import Organisation

log = logging.getLogger(__name__)

SIGNATORY_COLUMNS = ("organisation", "agenda", "year_signed", "min_actions")


# --- signatories, commitments, leads -------------------------------------------------------
MAX_ACTIONS_PER_YEAR = 1000  # a commitment above this is a typo (the shipped rule is 5)


def _signatory_numbers(year_signed: Any, min_actions: Any) -> list[Problem]:
    """The year signed (2000-2100) and the own commitment (0-1000 actions a year, or none)."""
    out = [
        p
        for p in [
            number_problem(
                year_signed, field="year_signed", minimum=2000, maximum=2100, integer=True
            )
        ]
        if p
    ]
    if min_actions is not None:
        p = number_problem(
            min_actions, field="min_actions", minimum=0, maximum=MAX_ACTIONS_PER_YEAR, integer=True
        )
        if p:
            out.append(p)
    return out


@transaction.atomic
def signatory_create(
    *,
    user: Any,
    organisation: Organisation,
    agenda: Record,
    year_signed: int,
    min_actions: int | None = None,
) -> Signatory:
    _lead_of(user, agenda)
    problems = _signatory_numbers(year_signed, min_actions)
    if Signatory.objects.filter(organisation=organisation, agenda=agenda).exists():
        problems.append(
            problem(
                "signatory_twice",
                gettext_noop("this organisation has already signed this agenda"),
                field="organisation",
                value=organisation.name,
            )
        )
    if problems:
        raise InputError(problems)
    s = validated_create(
        Signatory,
        organisation=organisation,
        agenda=agenda,
        year_signed=int(year_signed),
        min_actions=min_actions,
    )
    change_record(
        s,
        "create",
        {
            "organisation": [None, organisation.name],
            "agenda": [None, agenda.slug],
            "year_signed": [None, s.year_signed],
            "min_actions": [None, min_actions],
        },
        user,
    )
    return s


@transaction.atomic
def signatory_update(
    *,
    user: Any,
    signatory: Signatory,
    year_signed: int | None = None,
    min_actions: int | str | None = "keep",
) -> Signatory:
    _lead_of(user, signatory.agenda)
    problems = _signatory_numbers(
        signatory.year_signed if year_signed is None else year_signed,
        None if min_actions in (None, "keep") else min_actions,
    )
    if problems:
        raise InputError(problems)
    before = _snapshot(signatory, ("year_signed", "min_actions"))
    if year_signed is not None:
        signatory.year_signed = int(year_signed)
    if min_actions != "keep":
        signatory.min_actions = None if min_actions is None else int(min_actions)
    signatory.full_clean()
    signatory.save()
    change_record(
        signatory,
        "update",
        changes_diff(before, _snapshot(signatory, ("year_signed", "min_actions"))),
        user,
    )
    return signatory


def signatories_import(*, user: Any, content: Source, file_name: str) -> list[Signatory]:
    """Import signatories (columns :data:`SIGNATORY_COLUMNS`); all-or-nothing, file kept."""
    try:
        header, rows = iter_table(content, file_name)
        missing = [c for c in SIGNATORY_COLUMNS[:3] if c not in header]
        if missing:
            raise InputError.coded(
                "columns_missing",
                gettext_noop("missing columns %(missing)s; expected %(expected)s"),
                file=file_name,
                row=1,
                missing=", ".join(missing),
                expected=", ".join(SIGNATORY_COLUMNS),
            )
        problems: list[Problem] = []
        prepared: list[tuple[Organisation, Record, int, int | None]] = []
        seen: set[tuple[int, int]] = set()
        count = 0
        for line, raw in rows:
            count += 1
            rp: list[Problem] = []
            org = organisation_ref(raw.get("organisation"), "organisation", rp)
            if org is None and not rp:
                rp.append(
                    problem(
                        "organisation_missing",
                        gettext_noop("an organisation is required"),
                        field="organisation",
                    )
                )
            agenda = _record("work_agenda", raw.get("agenda"), "agenda", rp, required=True)
            year = raw.get("year_signed", "")
            mins = raw.get("min_actions", "")
            rp.extend(_signatory_numbers(year, mins or None))
            if agenda is not None and not permissions.can(user, "agenda.lead", agenda):
                rp.append(
                    problem(
                        "signatory_not_lead",
                        gettext_noop(
                            "only the agenda's lead or an administrator may add its signatories"
                        ),
                        field="agenda",
                        value=agenda.slug,
                    )
                )
            if org is not None and agenda is not None:
                key = (org.pk, agenda.pk)
                if (
                    key in seen
                    or Signatory.objects.filter(organisation=org, agenda=agenda).exists()
                ):
                    rp.append(
                        problem(
                            "signatory_twice",
                            gettext_noop("this organisation has already signed this agenda"),
                            field="organisation",
                            value=org.name,
                        )
                    )
                seen.add(key)
            problems.extend(p.at(file=file_name, row=line) for p in rp)
            if not rp:
                assert org is not None and agenda is not None  # else rp is not empty
                prepared.append((org, agenda, int(year), int(mins) if mins else None))
        if not count:
            problems.append(
                problem("file_empty", gettext_noop("the file has no rows"), file=file_name)
            )
        if problems:
            raise InputError(problems)
    except InputError as e:
        _keep("agenda-signatories", file_name, content, user, e)
        raise
    with transaction.atomic():
        _keep("agenda-signatories", file_name, content, user)
        return [
            signatory_create(user=None, organisation=o, agenda=a, year_signed=y, min_actions=m)
            for o, a, y, m in prepared
        ]


def signatories_export(qs: Any, fmt: str = "csv") -> bytes:
    rows = [
        [
            s.organisation.name,
            s.agenda.slug,
            s.year_signed,
            "" if s.min_actions is None else s.min_actions,
        ]
        for s in qs
    ]
    return write_table(list(SIGNATORY_COLUMNS), rows, fmt)


@transaction.atomic
def agenda_commitment_set(*, user: Any, agenda: Record, min_actions: int) -> AgendaSetting:
    """Set the yearly number of actions the agenda's signatories commit to."""
    _lead_of(user, agenda)
    p = number_problem(
        min_actions, field="min_actions", minimum=0, maximum=MAX_ACTIONS_PER_YEAR, integer=True
    )
    if p:
        raise InputError([p])
    s, _created = AgendaSetting.objects.get_or_create(
        agenda=agenda, defaults={"min_actions_per_year": selectors.commitment_of(agenda)}
    )
    old = s.min_actions_per_year
    s.min_actions_per_year = int(min_actions)
    s.save()
    change_record(
        s,
        "update",
        changes_diff(
            {"min_actions_per_year": old}, {"min_actions_per_year": s.min_actions_per_year}
        ),
        user,
    )
    return s


@transaction.atomic
def work_path_create(
    *, user: Any, agenda: Record, name_nl: str, name_en: str = "", description_nl: str = ""
) -> Record:
    """Add a work path to an agenda (lead or administrator). It is a knowledge-base record with
    origin ``admin`` (the shipped data load never touches those), referring to the agenda."""
    _lead_of(user, agenda)
    name = name_nl.strip()
    if not name:
        raise InputError.coded(
            "name_missing", gettext_noop("a Dutch name is required"), field="name_nl"
        )
    base = f"{agenda.slug}-{slugify(name)[:60]}"
    slug, i = base, 2
    while Record.objects.filter(kind="work_path", slug=slug).exists():
        slug, i = f"{base}-{i}", i + 1
    order = (
        selectors.records_of_agenda("work_path", agenda)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
        or 0
    ) + 1
    rec = Record.objects.create(
        kind="work_path",
        slug=slug,
        name_nl=name[:300],
        name_en=name_en.strip()[:300],
        description_nl=description_nl,
        order=order,
        origin=Record.Origin.ADMIN,
        attributes={"added_by_lead": True},
    )
    Relation.objects.create(from_record=rec, role="agenda", to_record=agenda)
    change_record(
        rec,
        "create",
        {
            "kind": [None, "work_path"],
            "slug": [None, slug],
            "agenda": [None, agenda.slug],
            "name_nl": [None, rec.name_nl],
        },
        user,
    )
    return rec


def agenda_lead_add(*, user: Any, agenda: Record, lead: Any) -> AgendaLead:
    permissions.require(user, "agenda.leads.name")
    obj, _c = AgendaLead.objects.get_or_create(agenda=agenda, user=lead)
    return obj
