"""Role checks and the parsing of references, dates, flags and figures shared by the writes."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from circulair.core.errors import Problem, gettext_noop, problem
from circulair.core.numbers import number_problem
from circulair.web.apps.agenda import selectors
from circulair.web.apps.common import permissions
from circulair.web.apps.common.tables import looked_up
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.organisations.services import organisation_find

log = logging.getLogger(__name__)


# --- permission helpers --------------------------------------------------------------------
def _member_of(user: Any, organisation: Organisation) -> None:
    permissions.require(user, "agenda.organisation.act", organisation)


def _lead_of(user: Any, agenda: Record) -> None:
    permissions.require(user, "agenda.lead", agenda)


# --- validation ----------------------------------------------------------------------------
def _record(
    kind: str, value: Any, field: str, problems: list[Problem], required: bool = False
) -> Record | None:
    if isinstance(value, Record):
        return value if value.kind == kind else None
    slug = str(value or "").strip()
    if not slug:
        if required:
            problems.append(
                problem(
                    "record_required",
                    gettext_noop("required: a %(kind)s slug"),
                    field=field,
                    kind=kind,
                )
            )
        return None
    if kind == "work_agenda":
        slug = selectors.AGENDA_ALIASES.get(slug, slug)
    rec = looked_up(
        ("record", kind, slug), lambda: Record.objects.filter(kind=kind, slug=slug).first()
    )
    if rec is None:
        problems.append(
            problem(
                "record_unknown",
                gettext_noop("unknown %(kind)s; expected a slug of the knowledge base (see /kb/)"),
                field=field,
                value=slug,
                kind=kind,
            )
        )
    return rec


def organisation_ref(value: Any, field: str, problems: list[Problem]) -> Organisation | None:
    if isinstance(value, Organisation):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    org = looked_up(("organisation", text), lambda: organisation_find(text))
    if org is None:
        problems.append(
            problem(
                "organisation_unknown",
                gettext_noop("unknown organisation (id, enterprise number or exact name)"),
                field=field,
                value=text,
            )
        )
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
        problems.append(
            problem(
                "date_invalid", gettext_noop("expected a date YYYY-MM-DD"), field=field, value=value
            )
        )
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
            problems.append(
                problem(
                    "figure_invalid",
                    gettext_noop(
                        "expected 'label=number unit' with a finite number "
                        "(e.g. 'collected=12.5 t')"
                    ),
                    field="figures",
                    value=item,
                )
            )
            continue
        number = float(text_num)
        if not str(label or "").strip() or not str(unit or "").strip():
            problems.append(
                problem(
                    "figure_incomplete",
                    gettext_noop("each figure needs a label and a unit (e.g. 'collected=12.5 t')"),
                    field="figures",
                    value=item,
                )
            )
            continue
        out.append((str(label).strip()[:120], number, str(unit).strip()[:20]))
    return out
