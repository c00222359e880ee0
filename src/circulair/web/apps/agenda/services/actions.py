"""Actions/projects: create, update, status transitions, CSV/XLSX import and export."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from circulair.core.agenda import evaluation as ev
from circulair.core.errors import (
    FILE_EMPTY,
    IMPORT_LISTED,
    InputError,
    Problem,
    ProblemCollector,
    gettext_noop,
    problem,
)
from circulair.core.tables import write_table
from circulair.web.apps.agenda import selectors
from circulair.web.apps.agenda.models import (
    Action,
    ActionResult,
    Programme,
)
from circulair.web.apps.agenda.services.checks import (
    _bool,
    _date,
    _list,
    _member_of,
    _record,
    organisation_ref,
    parse_figures,
)
from circulair.web.apps.agenda.services.history import _snapshot
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import (
    change_record,
    changes_diff,
    changes_insert,
    imported,
)
from circulair.web.apps.common.jobs import Progress
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.tables import Source, iter_table, looked_up, lookups
from circulair.web.apps.common.uploads import READING, upload_keep
from circulair.web.apps.common.writes import Inserter, Spool
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.organisations.models import Organisation

log = logging.getLogger(__name__)

ACTION_FIELDS = (
    "title",
    "description",
    "organisation",
    "agenda",
    "work_path",
    "lever",
    "value_chain",
    "r_strategies",
    "municipality",
    "partners",
    "programme",
    "start",
    "end",
    "status",
    "results",
    "figures",
    "public",
    "impact_project",
)
#: Columns of the action import/export (one row per action; lists separated by ';';
#: figures as "label=value unit; …").
ACTION_COLUMNS = (
    "title",
    "organisation",
    "agenda",
    "status",
    "start",
    "end",
    "work_path",
    "lever",
    "value_chain",
    "r_strategies",
    "municipality",
    "partners",
    "programme",
    "description",
    "results",
    "figures",
    "public",
    "impact_project",
)
ACTION_REQUIRED = ("title", "agenda")
#: The statuses an action may have (read once: ``Status.values`` is built anew on every call).
STATUSES = tuple(Action.Status.values)
#: Said of a work path, lever or value chain of another work agenda than the action's.
OTHER_AGENDA = {
    "work_path": gettext_noop("this work path belongs to another agenda"),
    "lever": gettext_noop("this lever belongs to another agenda"),
    "value_chain": gettext_noop("this value chain belongs to another agenda"),
}
ORGANISATION_REQUIRED = problem(
    "organisation_required", gettext_noop("an organisation is required"), field="organisation"
)


def action_check(
    data: dict[str, Any], problems: list[Problem], current: Action | None = None
) -> dict[str, Any]:
    """Resolve and check every field given; return model-ready values (unknown keys ignored)."""
    c: dict[str, Any] = {}
    get = data.get
    if "title" in data or current is None:
        title = str(get("title") or "").strip()
        if not title:
            problems.append(
                problem("title_required", gettext_noop("a title is required"), field="title")
            )
        c["title"] = title[:200]
    for f in ("description", "results"):
        if f in data:
            c[f] = str(get(f) or "")
    for f in ("public", "impact_project"):
        if f in data:
            c[f] = _bool(get(f))
    if "organisation" in data:
        org = organisation_ref(get("organisation"), "organisation", problems)
        if org is None and not any(p.field == "organisation" for p in problems):
            problems.append(ORGANISATION_REQUIRED)
        c["organisation"] = org
    if "agenda" in data or current is None:
        c["agenda"] = _record("work_agenda", get("agenda"), "agenda", problems, required=True)
    agenda = c.get("agenda", current.agenda if current else None)
    for f, kind in (("work_path", "work_path"), ("lever", "lever"), ("value_chain", "value_chain")):
        if f in data:
            c[f] = _record(kind, get(f), f, problems)
    for f in ("work_path", "value_chain"):
        rec = c.get(f, getattr(current, f, None) if current else None)
        if rec is not None and agenda is not None:
            refs = looked_up(
                ("agenda-of", rec.pk),
                lambda rec=rec: list(  # type: ignore[misc]
                    rec.relations.filter(role="agenda").values_list("to_record_id", flat=True)
                ),
            )
            if refs and agenda.pk not in refs:
                problems.append(
                    problem("record_other_agenda", OTHER_AGENDA[f], field=f, value=rec.slug)
                )
    if "r_strategies" in data:
        rs = [
            _record("r_strategy", v, "r_strategies", problems) for v in _list(get("r_strategies"))
        ]
        c["r_strategies"] = [r for r in rs if r is not None]
    if "partners" in data:
        ps = [organisation_ref(v, "partners", problems) for v in _list(get("partners"))]
        c["partners"] = [p for p in ps if p is not None]
    if "municipality" in data:
        m = str(get("municipality") or "").strip()
        if isinstance(get("municipality"), Municipality):
            c["municipality"] = get("municipality")
        elif m:
            muni = looked_up(
                ("municipality", m),
                lambda: (
                    Municipality.objects.filter(refnis=m).first()
                    or Municipality.objects.filter(name_nl__iexact=m).first()
                ),
            )
            if muni is None:
                problems.append(
                    problem(
                        "municipality_unknown",
                        gettext_noop("unknown municipality (REFNIS code or Dutch name)"),
                        field="municipality",
                        value=m,
                    )
                )
            c["municipality"] = muni
        else:
            c["municipality"] = None
    if "programme" in data:
        p = get("programme")
        if isinstance(p, Programme) or p in (None, ""):
            c["programme"] = p or None
        else:
            text = str(p).strip()
            prog = looked_up(
                ("programme", text),
                lambda: (
                    Programme.objects.filter(pk=int(text)).first()
                    if text.isdigit()
                    else Programme.objects.filter(name=text).first()
                ),
            )
            if prog is None:
                problems.append(
                    problem(
                        "programme_unknown",
                        gettext_noop("unknown programme (id or exact name)"),
                        field="programme",
                        value=text,
                    )
                )
            c["programme"] = prog
    for f in ("start", "end"):
        if f in data:
            c[f] = _date(get(f), f, problems)
    if "status" in data:
        st = str(get("status") or ev.PLANNED)
        if st not in STATUSES:
            problems.append(
                problem(
                    "status_unknown",
                    gettext_noop("expected one of %(allowed)s"),
                    field="status",
                    value=st,
                    allowed=", ".join(STATUSES),
                )
            )
        c["status"] = st
    if "figures" in data:
        c["figures"] = parse_figures(get("figures"), problems)
    start = c.get("start", current.start if current else None)
    end = c.get("end", current.end if current else None)
    status = c.get("status", current.status if current else ev.PLANNED)
    if start and end and end < start:
        problems.append(
            problem(
                "action_ends_before_start",
                gettext_noop("the action ends before it starts"),
                field="end",
                value=end,
            )
        )
    if status != ev.PLANNED and start is None:
        problems.append(
            problem(
                "action_start_required",
                gettext_noop("a running, completed or stopped action needs a start date"),
                field="start",
            )
        )
    if status in (ev.COMPLETED, ev.STOPPED) and end is None:
        problems.append(
            problem(
                "action_end_required",
                gettext_noop("a completed or stopped action needs an end date"),
                field="end",
            )
        )
    return c


def _apply(action: Action, clean: dict[str, Any]) -> None:
    m2m = {k: clean.pop(k) for k in ("r_strategies", "partners", "figures") if k in clean}
    for k, v in clean.items():
        setattr(action, k, v)
    try:
        action.full_clean(exclude=["organisation"] if action.organisation_id is None else None)
    except ValidationError as e:
        raise InputError(
            [Problem(" ".join(msgs), field=f) for f, msgs in e.message_dict.items()]
        ) from None
    action.save()
    if "r_strategies" in m2m:
        action.r_strategies.set(m2m["r_strategies"])
    if "partners" in m2m:
        action.partners.set([p for p in m2m["partners"] if p.pk != action.organisation_id])
    if "figures" in m2m:
        action.figures.all().delete()
        ActionResult.objects.bulk_create(
            ActionResult(action=action, label=lab, value=v, unit=u) for lab, v, u in m2m["figures"]
        )


# --- actions -------------------------------------------------------------------------------
@transaction.atomic
def action_create(*, user: Any, organisation: Organisation, data: dict[str, Any]) -> Action:
    """Create an action for an organisation the user belongs to (status as given, default
    planned; a new action may start as running/completed/stopped when its dates say so)."""
    _member_of(user, organisation)
    problems: list[Problem] = []
    data = {k: v for k, v in data.items() if k in ACTION_FIELDS and k != "organisation"}
    clean = action_check(data, problems)
    if problems:
        raise InputError(problems)
    action = Action(
        organisation=organisation,
        created_by=acting_user(user),
    )
    _apply(action, clean)
    after = _snapshot(action, ACTION_FIELDS)
    change_record(
        action,
        "create",
        {k: [None, v] for k, v in after.items() if v not in (None, "", [], False)},
        user,
    )
    return action


@transaction.atomic
def action_update(*, user: Any, action: Action, data: dict[str, Any]) -> Action:
    """Edit an action; a status change must follow the allowed transitions."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    _member_of(user, action.organisation)
    data = {k: v for k, v in data.items() if k in ACTION_FIELDS}
    problems: list[Problem] = []
    clean = action_check(data, problems, current=action)
    new_org = clean.get("organisation")
    if new_org is not None and new_org.pk != action.organisation_id:
        _member_of(user, new_org)  # moving an action to someone else's organisation: refused
    if (
        "status" in clean
        and clean["status"] != action.status
        and clean["status"] not in ev.TRANSITIONS[action.status]
    ):
        problems.append(_transition_refused(action.status, clean["status"]))
    if problems:
        raise InputError(problems)
    before = _snapshot(action, ACTION_FIELDS)
    _apply(action, clean)
    change_record(action, "update", changes_diff(before, _snapshot(action, ACTION_FIELDS)), user)
    return action


def _transition_refused(old: str, new: str) -> Problem:
    """The refusal of a status change the life cycle does not allow (planned → running →
    completed / stopped)."""
    allowed = sorted(ev.TRANSITIONS.get(old, frozenset()))
    return problem(
        "status_transition",
        gettext_noop("status cannot go from %(old)s to %(new)s; allowed: %(allowed)s")
        if allowed
        else gettext_noop("status cannot go from %(old)s to %(new)s; it is final"),
        field="status",
        value=new,
        old=old,
        new=new,
        allowed=", ".join(allowed),
    )


@transaction.atomic
def action_transition(
    *, user: Any, action: Action, status: str, on: dt.date | None = None
) -> Action:
    """Move an action along planned → running → completed / stopped; dates follow."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    _member_of(user, action.organisation)
    if status not in ev.TRANSITIONS.get(action.status, frozenset()):
        raise InputError([_transition_refused(action.status, status)])
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
    change_record(
        action, "status", changes_diff(before, _snapshot(action, ("status", "start", "end"))), user
    )
    return action


# --- tables (CSV / XLSX) ---------------------------------------------------------------------


def _keep(
    purpose: str, file_name: str, content: Source, user: Any, error: InputError | None = None
) -> Any:
    return upload_keep(purpose=purpose, name=file_name, content=content, user=user, error=error)


#: The columns of an imported action row, in :class:`Inserter` order.
IMPORT_ROW = (
    "title",
    "organisation_id",
    "agenda_id",
    "status",
    "start",
    "end",
    "work_path_id",
    "lever_id",
    "value_chain_id",
    "municipality_id",
    "programme_id",
    "description",
    "results",
    "public",
    "impact_project",
)


def _import_row(org: Organisation, clean: dict[str, Any]) -> tuple[tuple[Any, ...], Any]:
    """One checked row as (the action's values, its strategies, partners and figures or None)."""
    get = clean.get
    refs = [get(k) for k in ("agenda", "work_path", "lever", "value_chain", "municipality")]
    agenda, work_path, lever, chain, muni = (None if r is None else r.pk for r in refs)
    prog = get("programme")
    values = (
        clean["title"],
        org.pk,
        agenda,
        get("status", ev.PLANNED),
        get("start"),
        get("end"),
        work_path,
        lever,
        chain,
        muni,
        None if prog is None else prog.pk,
        get("description", ""),
        get("results", ""),
        get("public", False),
        get("impact_project", False),
    )
    rs, ps, figs = get("r_strategies"), get("partners"), get("figures")
    if not (rs or ps or figs):
        return values, None
    related = (
        list(dict.fromkeys(r.pk for r in rs or [])),
        list(dict.fromkeys(p.pk for p in ps or [] if p.pk != org.pk)),
        figs or [],
    )
    return values, related


def _import_write(spool: Spool, user: Any, upload: Any, file_name: str) -> None:
    """Write the spooled rows of an import a chunk at a time, each action with its strategies,
    partners, figures and one "imported" entry in the change log (naming the upload)."""
    by = acting_user(user)
    actions = Inserter(Action, IMPORT_ROW, created_by_id=getattr(by, "pk", None))
    rs: Any = Action._meta.get_field("r_strategies")
    ps: Any = Action._meta.get_field("partners")
    strategies = Inserter(
        Action.r_strategies.through, [rs.m2m_column_name(), rs.m2m_reverse_name()]
    )
    partners = Inserter(Action.partners.through, [ps.m2m_column_name(), ps.m2m_reverse_name()])
    figures = Inserter(ActionResult, ["action_id", "label", "value", "unit"])
    entry = {"upload": [None, upload.pk], "file": [None, file_name]}
    for chunk in spool.chunks():
        ids = actions.insert([values for values, _related in chunk])
        links = [(pk, rel) for pk, (_v, rel) in zip(ids, chunk, strict=True) if rel is not None]
        strategies.insert([(pk, r) for pk, (rids, _p, _f) in links for r in rids])
        partners.insert([(pk, o) for pk, (_r, pids, _f) in links for o in pids])
        figures.insert(
            [(pk, lab, val, unit) for pk, (_r, _p, figs) in links for lab, val, unit in figs]
        )
        changes_insert(Action, ids, "import", entry, user=user, upload=upload)


def actions_import(
    *,
    user: Any,
    content: Source,
    file_name: str,
    organisation: Organisation | None = None,
    progress: Progress | None = None,
) -> QuerySet[Action]:
    """Import actions from CSV/XLSX (columns :data:`ACTION_COLUMNS`). Every bad cell is named by
    file, line and column; nothing is saved unless every row is valid; the file is kept.

    Every row is checked before any is written (the checked rows wait on disk), then all are
    written in one transaction: on SQLite other users' writes wait for the write phase only
    (about 2 s per 100,000 rows), not for the checks.
    Returns the imported actions (a query, in file order). ``progress`` (a background import)
    is told when the checks end and the write begins."""
    allowed: dict[int, bool] = {}
    row_rules = Inserter(Action, IMPORT_ROW)
    started = time.perf_counter()
    with lookups(), Spool() as spool:
        try:
            header, rows = iter_table(content, file_name)
            missing = [c for c in ACTION_REQUIRED if c not in header]
            if organisation is None and "organisation" not in header:
                missing.append("organisation")
            if missing:
                raise InputError(
                    [
                        problem(
                            "columns_missing",
                            gettext_noop("missing columns %(missing)s; expected %(expected)s"),
                            file=file_name,
                            row=1,
                            missing=", ".join(missing),
                            expected=", ".join(ACTION_COLUMNS),
                        )
                    ]
                )
            problems = ProblemCollector(IMPORT_LISTED, file=file_name)
            count = 0
            for line, raw in rows:
                count += 1
                rp: list[Problem] = []
                data = {k: v for k, v in raw.items() if k in ACTION_COLUMNS and k != "organisation"}
                data.setdefault("status", ev.PLANNED)
                org = organisation
                if raw.get("organisation"):
                    org = organisation_ref(raw["organisation"], "organisation", rp)
                if org is None and not rp:
                    rp.append(ORGANISATION_REQUIRED)
                if org is not None:
                    if org.pk not in allowed:
                        allowed[org.pk] = permissions.can(user, "agenda.organisation.act", org)
                    if not allowed[org.pk]:
                        rp.append(
                            problem(
                                "not_a_member",
                                gettext_noop("you are not a member of this organisation"),
                                field="organisation",
                                value=org.name,
                            )
                        )
                clean = action_check(data, rp)
                if not rp and org is not None:
                    values, related = _import_row(org, clean)
                    rp = row_rules.check(values)
                    if not rp and not problems:
                        spool.add((values, related))
                problems.extend(p.at(file=file_name, row=line) for p in rp)
            if not count:
                problems.add(problem("file_empty", FILE_EMPTY, file=file_name))
            problems.raise_if_any()
        except InputError as e:
            _keep("agenda-actions", file_name, content, user, e)
            raise
        checked = time.perf_counter()
        if progress is not None:
            progress(READING, "storing")
        with transaction.atomic():
            up = _keep("agenda-actions", file_name, content, user)
            _import_write(spool, user, up, file_name)
    log.info(
        "agenda actions import %s: %d rows, checked in %.1f s, written in %.1f s",
        file_name,
        count,
        checked - started,
        time.perf_counter() - checked,
    )
    return imported(Action, up)


def actions_export(qs: Any, fmt: str = "csv") -> bytes:
    """Export actions with the import's columns (an export re-imports unchanged)."""
    rows = []
    for a in qs.select_related(*selectors.LIST_RELATED, "programme").prefetch_related(
        "r_strategies", "partners", "figures"
    ):
        rows.append(
            [
                a.title,
                a.organisation.name,
                a.agenda.slug,
                a.status,
                a.start.isoformat() if a.start else "",
                a.end.isoformat() if a.end else "",
                a.work_path.slug if a.work_path else "",
                a.lever.slug if a.lever else "",
                a.value_chain.slug if a.value_chain else "",
                "; ".join(r.slug for r in a.r_strategies.all()),
                a.municipality.refnis if a.municipality else "",
                "; ".join(p.name for p in a.partners.all()),
                a.programme.name if a.programme else "",
                a.description,
                a.results,
                "; ".join(f"{f.label}={f.value:g} {f.unit}" for f in a.figures.all()),
                "yes" if a.public else "no",
                "yes" if a.impact_project else "no",
            ]
        )
    return write_table(list(ACTION_COLUMNS), rows, fmt)
