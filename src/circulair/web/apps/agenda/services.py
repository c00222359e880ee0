"""Writes of the agenda register. Every write checks the role, validates the whole input, saves in
a transaction and writes the change to :class:`ChangeLog` (who, when, field old → new).

Roles (see ``selectors``): administrators (staff) may do everything; the lead of an agenda manages
its signatories, commitment, programmes and bottleneck statuses; a member of an organisation
creates and edits only that organisation's actions. ``user=None`` is the command line, run by an
operator of the platform itself. A refused write raises ``PermissionDenied`` (HTTP 403).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from circulair.core.agenda import evaluation as ev
from circulair.core.errors import InputError, Problem
from circulair.core.numbers import number_problem
from circulair.core.tables import write_table
from circulair.web.apps.agenda import selectors
from circulair.web.apps.agenda.models import (
    Action,
    ActionResult,
    AgendaLead,
    AgendaSetting,
    Bottleneck,
    ChangeLog,
    Programme,
    Signatory,
)
from circulair.web.apps.common.tables import read_table
from circulair.web.apps.common.uploads import upload_keep
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.organisations.services import organisation_find

log = logging.getLogger(__name__)

ACTION_FIELDS = ("title", "description", "organisation", "agenda", "work_path", "lever",
                 "value_chain", "r_strategies", "municipality", "partners", "programme", "start",
                 "end", "status", "results", "figures", "public", "impact_project")
#: Columns of the action import/export (one row per action; lists separated by ';';
#: figures as "label=value unit; …").
ACTION_COLUMNS = ("title", "organisation", "agenda", "status", "start", "end", "work_path",
                  "lever", "value_chain", "r_strategies", "municipality", "partners",
                  "programme", "description", "results", "figures", "public", "impact_project")
ACTION_REQUIRED = ("title", "agenda")
SIGNATORY_COLUMNS = ("organisation", "agenda", "year_signed", "min_actions")


# --- history -------------------------------------------------------------------------------
def _label(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Record):
        return value.slug
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(_label(v)) for v in value)
    return str(value)


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        if f in ("r_strategies", "partners"):
            out[f] = _label(list(getattr(obj, f).all())) if obj.pk else []
        elif f == "figures":
            out[f] = [str(r) for r in obj.figures.all()] if obj.pk else []
        else:
            out[f] = _label(getattr(obj, f))
    return out


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _log(obj: Any, action: str, changes: dict[str, list[Any]], user: Any) -> None:
    if not changes and action == "update":
        return
    ChangeLog.objects.create(model=type(obj).__name__.lower(), object_id=obj.pk, action=action,
                             changes=changes,
                             user=user if getattr(user, "is_authenticated", False) else None)


# --- permission helpers --------------------------------------------------------------------
def _member_of(user: Any, organisation: Organisation) -> None:
    if user is None or selectors.is_admin(user):
        return
    if organisation.pk not in selectors.my_org_ids(user):
        raise PermissionDenied("you are not a member of this organisation")


def _lead_of(user: Any, agenda: Record) -> None:
    if user is None or selectors.can_lead(user, agenda.pk):
        return
    raise PermissionDenied("only the agenda's lead or an administrator may do this")


# --- validation ----------------------------------------------------------------------------
def _record(kind: str, value: Any, field: str, problems: list[Problem],
            required: bool = False) -> Record | None:
    if isinstance(value, Record):
        return value if value.kind == kind else None
    slug = str(value or "").strip()
    if not slug:
        if required:
            problems.append(Problem(f"required: a {kind} slug", field=field))
        return None
    if kind == "work_agenda":
        slug = selectors.AGENDA_ALIASES.get(slug, slug)
    rec = Record.objects.filter(kind=kind, slug=slug).first()
    if rec is None:
        problems.append(Problem(f"unknown {kind}; expected a slug of the knowledge base "
                                f"(see /kb/)", field=field, value=slug))
    return rec


def _org(value: Any, field: str, problems: list[Problem]) -> Organisation | None:
    if isinstance(value, Organisation):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    org = organisation_find(text)
    if org is None:
        problems.append(Problem("unknown organisation (id, enterprise number or exact name)",
                                field=field, value=text))
    return org


def _list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    return list(value)


def _date(value: Any, field: str, problems: list[Problem]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        problems.append(Problem("expected a date YYYY-MM-DD", field=field, value=value))
        return None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "ja", "y", "x", "on")


def parse_figures(value: Any, problems: list[Problem]) -> list[tuple[str, float, str]]:
    """Results in numbers: a list of (label, value, unit) or text "label=12.5 t; events=4 #"."""
    out: list[tuple[str, float, str]] = []
    if isinstance(value, list):
        items: list[Any] = value
    else:
        items = _list(value)
    for item in items:
        if isinstance(item, (list, tuple)) and len(item) == 3:
            label, num, unit = item
        elif isinstance(item, dict):
            label, num, unit = item.get("label"), item.get("value"), item.get("unit")
        else:
            text = str(item)
            label, _, rest = text.partition("=")
            parts = rest.strip().split(None, 1)
            num = parts[0] if parts else ""
            unit = parts[1] if len(parts) > 1 else ""
        text_num = str(num).replace(",", ".")
        bad = number_problem(text_num, field="figures")
        if bad is not None:
            problems.append(Problem("expected 'label=number unit' with a finite number (e.g. "
                                    "'collected=12.5 t')", field="figures", value=item))
            continue
        number = float(text_num)
        if not str(label or "").strip() or not str(unit or "").strip():
            problems.append(Problem("each figure needs a label and a unit "
                                    "(e.g. 'collected=12.5 t')", field="figures", value=item))
            continue
        out.append((str(label).strip()[:120], number, str(unit).strip()[:20]))
    return out


def _validate_action(data: dict[str, Any], problems: list[Problem],
                     current: Action | None = None) -> dict[str, Any]:
    """Resolve and check every field given; return model-ready values (unknown keys ignored)."""
    c: dict[str, Any] = {}
    get = data.get
    if "title" in data or current is None:
        title = str(get("title") or "").strip()
        if not title:
            problems.append(Problem("a title is required", field="title"))
        c["title"] = title[:200]
    for f in ("description", "results"):
        if f in data:
            c[f] = str(get(f) or "")
    for f in ("public", "impact_project"):
        if f in data:
            c[f] = _bool(get(f))
    if "organisation" in data:
        org = _org(get("organisation"), "organisation", problems)
        if org is None and not any(p.field == "organisation" for p in problems):
            problems.append(Problem("an organisation is required", field="organisation"))
        c["organisation"] = org
    if "agenda" in data or current is None:
        c["agenda"] = _record("work_agenda", get("agenda"), "agenda", problems, required=True)
    agenda = c.get("agenda", current.agenda if current else None)
    for f, kind in (("work_path", "work_path"), ("lever", "lever"),
                    ("value_chain", "value_chain")):
        if f in data:
            c[f] = _record(kind, get(f), f, problems)
    for f in ("work_path", "value_chain"):
        rec = c.get(f, getattr(current, f, None) if current else None)
        if rec is not None and agenda is not None:
            refs = rec.relations.filter(role="agenda").values_list("to_record_id", flat=True)
            if refs and agenda.pk not in refs:
                problems.append(Problem(f"this {f.replace('_', ' ')} belongs to another agenda",
                                        field=f, value=rec.slug))
    if "r_strategies" in data:
        rs = [_record("r_strategy", v, "r_strategies", problems)
              for v in _list(get("r_strategies"))]
        c["r_strategies"] = [r for r in rs if r is not None]
    if "partners" in data:
        ps = [_org(v, "partners", problems) for v in _list(get("partners"))]
        c["partners"] = [p for p in ps if p is not None]
    if "municipality" in data:
        m = str(get("municipality") or "").strip()
        if isinstance(get("municipality"), Municipality):
            c["municipality"] = get("municipality")
        elif m:
            muni = Municipality.objects.filter(refnis=m).first() or \
                Municipality.objects.filter(name_nl__iexact=m).first()
            if muni is None:
                problems.append(Problem("unknown municipality (REFNIS code or Dutch name)",
                                        field="municipality", value=m))
            c["municipality"] = muni
        else:
            c["municipality"] = None
    if "programme" in data:
        p = get("programme")
        if isinstance(p, Programme) or p in (None, ""):
            c["programme"] = p or None
        else:
            text = str(p).strip()
            prog = (Programme.objects.filter(pk=int(text)).first() if text.isdigit()
                    else Programme.objects.filter(name=text).first())
            if prog is None:
                problems.append(Problem("unknown programme (id or exact name)",
                                        field="programme", value=text))
            c["programme"] = prog
    for f in ("start", "end"):
        if f in data:
            c[f] = _date(get(f), f, problems)
    if "status" in data:
        st = str(get("status") or ev.PLANNED)
        if st not in Action.Status.values:
            problems.append(Problem(f"expected one of {Action.Status.values}", field="status",
                                    value=st))
        c["status"] = st
    if "figures" in data:
        c["figures"] = parse_figures(get("figures"), problems)
    start = c.get("start", current.start if current else None)
    end = c.get("end", current.end if current else None)
    status = c.get("status", current.status if current else ev.PLANNED)
    if start and end and end < start:
        problems.append(Problem("the action ends before it starts", field="end", value=end))
    if status != ev.PLANNED and start is None:
        problems.append(Problem("a running, completed or stopped action needs a start date",
                                field="start"))
    if status in (ev.COMPLETED, ev.STOPPED) and end is None:
        problems.append(Problem("a completed or stopped action needs an end date", field="end"))
    return c


def _apply(action: Action, clean: dict[str, Any]) -> None:
    m2m = {k: clean.pop(k) for k in ("r_strategies", "partners", "figures") if k in clean}
    for k, v in clean.items():
        setattr(action, k, v)
    try:
        action.full_clean(exclude=["organisation"] if action.organisation_id is None else None)
    except ValidationError as e:
        raise InputError([Problem(" ".join(msgs), field=f)
                          for f, msgs in e.message_dict.items()]) from None
    action.save()
    if "r_strategies" in m2m:
        action.r_strategies.set(m2m["r_strategies"])
    if "partners" in m2m:
        action.partners.set([p for p in m2m["partners"] if p.pk != action.organisation_id])
    if "figures" in m2m:
        action.figures.all().delete()
        ActionResult.objects.bulk_create(ActionResult(action=action, label=lab, value=v, unit=u)
                                         for lab, v, u in m2m["figures"])


# --- actions -------------------------------------------------------------------------------
@transaction.atomic
def action_create(*, user: Any, organisation: Organisation, data: dict[str, Any]) -> Action:
    """Create an action for an organisation the user belongs to (status as given, default
    planned; a new action may start as running/completed/stopped when its dates say so)."""
    _member_of(user, organisation)
    problems: list[Problem] = []
    data = {k: v for k, v in data.items() if k in ACTION_FIELDS and k != "organisation"}
    clean = _validate_action(data, problems)
    if problems:
        raise InputError(problems)
    action = Action(organisation=organisation,
                    created_by=user if getattr(user, "is_authenticated", False) else None)
    _apply(action, clean)
    after = _snapshot(action, ACTION_FIELDS)
    _log(action, "create", {k: [None, v] for k, v in after.items() if v not in (None, "", [],
                                                                               False)}, user)
    return action


@transaction.atomic
def action_update(*, user: Any, action: Action, data: dict[str, Any]) -> Action:
    """Edit an action; a status change must follow the allowed transitions."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    _member_of(user, action.organisation)
    data = {k: v for k, v in data.items() if k in ACTION_FIELDS}
    problems: list[Problem] = []
    clean = _validate_action(data, problems, current=action)
    new_org = clean.get("organisation")
    if new_org is not None and new_org.pk != action.organisation_id:
        _member_of(user, new_org)  # moving an action to someone else's organisation: refused
    if "status" in clean and clean["status"] != action.status \
            and clean["status"] not in ev.TRANSITIONS[action.status]:
        problems.append(Problem(f"status cannot go from {action.status} to {clean['status']}; "
                                f"allowed: {sorted(ev.TRANSITIONS[action.status]) or 'none'}",
                                field="status", value=clean["status"]))
    if problems:
        raise InputError(problems)
    before = _snapshot(action, ACTION_FIELDS)
    _apply(action, clean)
    _log(action, "update", _diff(before, _snapshot(action, ACTION_FIELDS)), user)
    return action


@transaction.atomic
def action_transition(*, user: Any, action: Action, status: str,
                      on: dt.date | None = None) -> Action:
    """Move an action along planned → running → completed / stopped; dates follow."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    _member_of(user, action.organisation)
    if status not in ev.TRANSITIONS.get(action.status, frozenset()):
        raise InputError.single(
            f"status cannot go from {action.status} to {status}; allowed: "
            f"{sorted(ev.TRANSITIONS[action.status]) or 'none'}", field="status", value=status)
    day = on or timezone.localdate()
    before = _snapshot(action, ("status", "start", "end"))
    if status == ev.RUNNING and action.start is None:
        action.start = day
    if status in (ev.COMPLETED, ev.STOPPED):
        if action.start is None:
            action.start = day
        if action.end is None or action.end > day:
            action.end = max(day, action.start)
    action.status = status
    action.save()
    _log(action, "status", _diff(before, _snapshot(action, ("status", "start", "end"))), user)
    return action


# --- tables (CSV / XLSX) ---------------------------------------------------------------------




def _keep(purpose: str, file_name: str, content: bytes, user: Any,
          error: InputError | None = None) -> Any:

    return upload_keep(purpose=purpose, name=file_name, content=content, user=user, error=error)


def actions_import(*, user: Any, content: bytes, file_name: str,
                   organisation: Organisation | None = None) -> list[Action]:
    """Import actions from CSV/XLSX (columns :data:`ACTION_COLUMNS`). Every bad cell is named by
    file, line and column; nothing is saved unless every row is valid; the file is kept."""
    try:
        header, rows = read_table(content, file_name)
        missing = [c for c in ACTION_REQUIRED if c not in header]
        if organisation is None and "organisation" not in header:
            missing.append("organisation")
        if missing:
            raise InputError.single(f"missing columns {missing}; expected {list(ACTION_COLUMNS)}",
                                    file=file_name, row=1)
        problems: list[Problem] = []
        prepared: list[tuple[Organisation, dict[str, Any]]] = []
        mine = selectors.my_org_ids(user) if user is not None else set()
        for line, raw in rows:
            rp: list[Problem] = []
            data = {k: v for k, v in raw.items() if k in ACTION_COLUMNS and k != "organisation"}
            data.setdefault("status", ev.PLANNED)
            org = organisation
            if raw.get("organisation"):
                org = _org(raw["organisation"], "organisation", rp)
            if org is None and not rp:
                rp.append(Problem("an organisation is required", field="organisation"))
            if org is not None and user is not None and not selectors.is_admin(user) \
                    and org.pk not in mine:
                rp.append(Problem("you are not a member of this organisation",
                                  field="organisation", value=org.name))
            clean = _validate_action(data, rp)
            problems.extend(p.at(file=file_name, row=line) for p in rp)
            if not rp and org is not None:
                prepared.append((org, clean))
        if not rows:
            problems.append(Problem("the file has no rows", file=file_name))
        if problems:
            raise InputError(problems)
    except InputError as e:
        _keep("agenda-actions", file_name, content, user, e)
        raise
    with transaction.atomic():
        up = _keep("agenda-actions", file_name, content, user)
        out = []
        for org, clean in prepared:
            a = Action(organisation=org,
                       created_by=user if getattr(user, "is_authenticated", False) else None)
            _apply(a, clean)
            _log(a, "import", {"upload": [None, up.pk], "file": [None, file_name]}, user)
            out.append(a)
    log.info("agenda actions import %s: %d rows", file_name, len(out))
    return out


def actions_export(qs: Any, fmt: str = "csv") -> bytes:
    """Export actions with the import's columns (an export re-imports unchanged)."""
    rows = []
    for a in qs.select_related(*selectors.LIST_RELATED, "programme").prefetch_related(
            "r_strategies", "partners", "figures"):
        rows.append([
            a.title, a.organisation.name, a.agenda.slug, a.status,
            a.start.isoformat() if a.start else "", a.end.isoformat() if a.end else "",
            a.work_path.slug if a.work_path else "", a.lever.slug if a.lever else "",
            a.value_chain.slug if a.value_chain else "",
            "; ".join(r.slug for r in a.r_strategies.all()),
            a.municipality.refnis if a.municipality else "",
            "; ".join(p.name for p in a.partners.all()),
            a.programme.name if a.programme else "", a.description, a.results,
            "; ".join(f"{f.label}={f.value:g} {f.unit}" for f in a.figures.all()),
            "yes" if a.public else "no", "yes" if a.impact_project else "no"])
    return write_table(list(ACTION_COLUMNS), rows, fmt)


# --- signatories, commitments, leads -------------------------------------------------------
MAX_ACTIONS_PER_YEAR = 1000  # a commitment above this is a typo (the shipped rule is 5)


def _signatory_numbers(year_signed: Any, min_actions: Any) -> list[Problem]:
    """The year signed (2000-2100) and the own commitment (0-1000 actions a year, or none)."""
    out = [p for p in [number_problem(year_signed, field="year_signed", minimum=2000,
                                      maximum=2100, integer=True)] if p]
    if min_actions is not None:
        p = number_problem(min_actions, field="min_actions", minimum=0,
                           maximum=MAX_ACTIONS_PER_YEAR, integer=True)
        if p:
            out.append(p)
    return out

@transaction.atomic
def signatory_create(*, user: Any, organisation: Organisation, agenda: Record, year_signed: int,
                     min_actions: int | None = None) -> Signatory:
    _lead_of(user, agenda)
    problems = _signatory_numbers(year_signed, min_actions)
    if Signatory.objects.filter(organisation=organisation, agenda=agenda).exists():
        problems.append(Problem("this organisation has already signed this agenda",
                                field="organisation", value=organisation.name))
    if problems:
        raise InputError(problems)
    s = Signatory.objects.create(organisation=organisation, agenda=agenda,
                                 year_signed=int(year_signed), min_actions=min_actions)
    _log(s, "create", {"organisation": [None, organisation.name], "agenda": [None, agenda.slug],
                       "year_signed": [None, s.year_signed],
                       "min_actions": [None, min_actions]}, user)
    return s


@transaction.atomic
def signatory_update(*, user: Any, signatory: Signatory, year_signed: int | None = None,
                     min_actions: int | str | None = "keep") -> Signatory:
    _lead_of(user, signatory.agenda)
    problems = _signatory_numbers(signatory.year_signed if year_signed is None else year_signed,
                                  None if min_actions in (None, "keep") else min_actions)
    if problems:
        raise InputError(problems)
    before = _snapshot(signatory, ("year_signed", "min_actions"))
    if year_signed is not None:
        signatory.year_signed = int(year_signed)
    if min_actions != "keep":
        signatory.min_actions = None if min_actions is None else int(min_actions)
    signatory.full_clean()
    signatory.save()
    _log(signatory, "update", _diff(before, _snapshot(signatory, ("year_signed",
                                                                   "min_actions"))), user)
    return signatory


def signatories_import(*, user: Any, content: bytes, file_name: str) -> list[Signatory]:
    """Import signatories (columns :data:`SIGNATORY_COLUMNS`); all-or-nothing, file kept."""
    try:
        header, rows = read_table(content, file_name)
        missing = [c for c in SIGNATORY_COLUMNS[:3] if c not in header]
        if missing:
            raise InputError.single(f"missing columns {missing}; expected "
                                    f"{list(SIGNATORY_COLUMNS)}", file=file_name, row=1)
        problems: list[Problem] = []
        prepared = []
        seen: set[tuple[int, int]] = set()
        for line, raw in rows:
            rp: list[Problem] = []
            org = _org(raw.get("organisation"), "organisation", rp)
            if org is None and not rp:
                rp.append(Problem("an organisation is required", field="organisation"))
            agenda = _record("work_agenda", raw.get("agenda"), "agenda", rp, required=True)
            year = raw.get("year_signed", "")
            mins = raw.get("min_actions", "")
            rp.extend(_signatory_numbers(year, mins or None))
            if agenda is not None and user is not None and not selectors.can_lead(user,
                                                                                  agenda.pk):
                rp.append(Problem("only the agenda's lead or an administrator may add its "
                                  "signatories", field="agenda", value=agenda.slug))
            if org is not None and agenda is not None:
                key = (org.pk, agenda.pk)
                if key in seen or Signatory.objects.filter(organisation=org,
                                                           agenda=agenda).exists():
                    rp.append(Problem("this organisation has already signed this agenda",
                                      field="organisation", value=org.name))
                seen.add(key)
            problems.extend(p.at(file=file_name, row=line) for p in rp)
            if not rp:
                prepared.append((org, agenda, int(year), int(mins) if mins else None))
        if not rows:
            problems.append(Problem("the file has no rows", file=file_name))
        if problems:
            raise InputError(problems)
    except InputError as e:
        _keep("agenda-signatories", file_name, content, user, e)
        raise
    with transaction.atomic():
        _keep("agenda-signatories", file_name, content, user)
        return [signatory_create(user=None, organisation=o, agenda=a, year_signed=y,
                                 min_actions=m) for o, a, y, m in prepared]


def signatories_export(qs: Any, fmt: str = "csv") -> bytes:
    rows = [[s.organisation.name, s.agenda.slug, s.year_signed,
             "" if s.min_actions is None else s.min_actions] for s in qs]
    return write_table(list(SIGNATORY_COLUMNS), rows, fmt)


@transaction.atomic
def agenda_commitment_set(*, user: Any, agenda: Record, min_actions: int) -> AgendaSetting:
    """Set the yearly number of actions the agenda's signatories commit to."""
    _lead_of(user, agenda)
    p = number_problem(min_actions, field="min_actions", minimum=0,
                       maximum=MAX_ACTIONS_PER_YEAR, integer=True)
    if p:
        raise InputError([p])
    s, _created = AgendaSetting.objects.get_or_create(
        agenda=agenda, defaults={"min_actions_per_year": selectors.commitment_of(agenda)})
    old = s.min_actions_per_year
    s.min_actions_per_year = int(min_actions)
    s.save()
    _log(s, "update", _diff({"min_actions_per_year": old},
                            {"min_actions_per_year": s.min_actions_per_year}), user)
    return s


@transaction.atomic
def work_path_create(*, user: Any, agenda: Record, name_nl: str, name_en: str = "",
                     description_nl: str = "") -> Record:
    """Add a work path to an agenda (lead or administrator). It is a knowledge-base record with
    origin ``admin`` (the shipped data load never touches those), referring to the agenda."""
    from django.utils.text import slugify

    from circulair.web.apps.knowledge.models import Relation

    _lead_of(user, agenda)
    name = name_nl.strip()
    if not name:
        raise InputError.single("a Dutch name is required", field="name_nl")
    base = f"{agenda.slug}-{slugify(name)[:60]}"
    slug, i = base, 2
    while Record.objects.filter(kind="work_path", slug=slug).exists():
        slug, i = f"{base}-{i}", i + 1
    order = (selectors.records_of_agenda("work_path", agenda).order_by("-order")
             .values_list("order", flat=True).first() or 0) + 1
    rec = Record.objects.create(kind="work_path", slug=slug, name_nl=name[:300],
                                name_en=name_en.strip()[:300], description_nl=description_nl,
                                order=order, origin=Record.Origin.ADMIN,
                                attributes={"added_by_lead": True})
    Relation.objects.create(from_record=rec, role="agenda", to_record=agenda)
    _log(rec, "create", {"kind": [None, "work_path"], "slug": [None, slug],
                         "agenda": [None, agenda.slug], "name_nl": [None, rec.name_nl]}, user)
    return rec


def agenda_lead_add(*, user: Any, agenda: Record, lead: Any) -> AgendaLead:
    if user is not None and not selectors.is_admin(user):
        raise PermissionDenied("only an administrator names agenda leads")
    obj, _c = AgendaLead.objects.get_or_create(agenda=agenda, user=lead)
    return obj


# --- programmes ----------------------------------------------------------------------------
def _programme_clean(data: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    c: dict[str, Any] = {}
    if "name" in data:
        c["name"] = str(data["name"] or "").strip()
        if not c["name"]:
            problems.append(Problem("a name is required", field="name"))
    if "kind" in data:
        c["kind"] = _record("programme_type", data["kind"], "kind", problems, required=True)
    if "agenda" in data:
        c["agenda"] = _record("work_agenda", data["agenda"], "agenda", problems)
    if "lever" in data:
        c["lever"] = _record("lever", data["lever"], "lever", problems)
    if "year" in data:
        y = data["year"]
        if not str(y).isdigit() or not 2000 <= int(y) <= 2100:
            problems.append(Problem("expected a year between 2000 and 2100", field="year",
                                    value=y))
        else:
            c["year"] = int(y)
    for f in ("outcome",):
        if f in data:
            c[f] = str(data[f] or "")
    if "budget_eur" in data:
        c["budget_eur"] = data["budget_eur"] or None
    return c


def _programme_guard(user: Any, agenda: Record | None) -> None:
    if user is None or selectors.is_admin(user):
        return
    if agenda is None or not selectors.can_lead(user, agenda.pk):
        raise PermissionDenied("only the agenda's lead or an administrator manages programmes")


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
    _log(p, "create", {k: [None, _label(v)] for k, v in c.items() if v not in (None, "")}, user)
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
    _log(programme, "update", _diff(before, _snapshot(programme, fields)), user)
    return programme


@transaction.atomic
def programme_advance(*, user: Any, programme: Programme, outcome: str = "") -> Programme:
    """Move a programme to the next lifecycle stage (launch → … → publication, one at a time)."""
    _programme_guard(user, programme.agenda)
    stages = list(Programme.Stage.values)
    i = stages.index(programme.stage)
    if i + 1 >= len(stages):
        raise InputError.single("the programme is already published (last stage)",
                                field="stage", value=programme.stage)
    before = _snapshot(programme, ("stage", "outcome"))
    programme.stage = stages[i + 1]
    if outcome:
        programme.outcome = outcome
    programme.save()
    _log(programme, "status", _diff(before, _snapshot(programme, ("stage", "outcome"))), user)
    return programme


# --- bottlenecks ---------------------------------------------------------------------------
@transaction.atomic
def bottleneck_create(*, user: Any, data: dict[str, Any],
                      reported_by: Organisation | None = None) -> Bottleneck:
    """Anyone who belongs to an organisation may report an obstacle (for that organisation);
    leads and administrators may report without one."""
    problems: list[Problem] = []
    title = str(data.get("title") or "").strip()
    if not title:
        problems.append(Problem("describe the obstacle in a title", field="title"))
    agenda = _record("work_agenda", data.get("agenda"), "agenda", problems, required=True)
    level = str(data.get("policy_level") or "")
    if level not in Bottleneck.Level.values:
        problems.append(Problem(f"expected one of {Bottleneck.Level.values}",
                                field="policy_level", value=level))
    if problems:
        raise InputError(problems)
    assert agenda is not None
    if reported_by is not None:
        _member_of(user, reported_by)
    elif user is not None and not selectors.can_lead(user, agenda.pk):
        raise PermissionDenied("report an obstacle on behalf of your organisation")
    b = Bottleneck.objects.create(title=title[:200], description=str(data.get("description")
                                                                     or ""),
                                  agenda=agenda, policy_level=level, reported_by=reported_by)
    _log(b, "create", {"title": [None, b.title], "agenda": [None, agenda.slug],
                       "policy_level": [None, level]}, user)
    return b


@transaction.atomic
def bottleneck_set_status(*, user: Any, bottleneck: Bottleneck, status: str) -> Bottleneck:
    _lead_of(user, bottleneck.agenda)
    if status not in Bottleneck.Status.values:
        raise InputError.single(f"expected one of {Bottleneck.Status.values}", field="status",
                                value=status)
    old = bottleneck.status
    bottleneck.status = status
    bottleneck.save()
    _log(bottleneck, "status", _diff({"status": old}, {"status": status}), user)
    return bottleneck


# --- evaluation → monitor ------------------------------------------------------------------
def manufacturer_share_record(*, year: int, user: Any = None) -> ev.Share:
    """Write the share of manufacturers with an action as an observation for the monitor's
    target "more than half of manufacturers work circularly" (indicator
    ``circular-manufacturers-share``), when there is at least one manufacturer to count."""
    from circulair.web.apps.monitor.services import observation_record

    share = selectors._manufacturer_share(year)  # uncached: organisations may have changed
    if share.percent is not None:
        observation_record(
            indicator=selectors.SHARE_INDICATOR, region=selectors.SHARE_REGION, year=year,
            value=round(share.percent, 2), unit="%", origin="agenda", user=user,
            source="Circulair agenda register (yearly evaluation)",
            note=f"{share.active} of {share.manufacturers} manufacturers (NACE C, >= 10 "
                 f"employees) registered on the platform have an action in {year}. "
                 + ev.SHARE_RULE)
    return share


# --- back-office edits ----------------------------------------------------------------------
def record_snapshot(obj: Any) -> dict[str, Any]:
    """Every stored field of a register record (M2M partners/R-strategies included), as the
    history shows them; used to log edits made in the Django admin."""
    fields = [f.name for f in obj._meta.concrete_fields
              if f.name != "id" and not getattr(f, "auto_now", False)
              and not getattr(f, "auto_now_add", False)]
    fields += [m.name for m in obj._meta.many_to_many if m.name in ("r_strategies", "partners")]
    return _snapshot(obj, fields)


def admin_change_log(*, obj: Any, before: dict[str, Any] | None, user: Any) -> None:
    """History entry for a back-office save (create when ``before`` is None) or deletion."""
    if before is None:
        _log(obj, "create", _diff({}, record_snapshot(obj)), user)
    else:
        _log(obj, "update", _diff(before, record_snapshot(obj)), user)


def admin_delete_log(*, obj: Any, user: Any) -> None:
    _log(obj, "delete", {k: [v, None] for k, v in record_snapshot(obj).items()}, user)
