"""Importing cases from a CSV or XLSX file: all rows or none."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from circulair.core.errors import InputError, Problem, gettext_noop, problem
from circulair.web.apps.common.tables import Row, Source, iter_table
from circulair.web.apps.common.uploads import upload_keep
from circulair.web.apps.doers.models import Case
from circulair.web.apps.doers.services.access import can_publish, is_staff
from circulair.web.apps.doers.services.cases import case_create
from circulair.web.apps.doers.services.review import _set_status
from circulair.web.apps.doers.services.validation import _validate
from circulair.web.apps.organisations.services import organisation_find

log = logging.getLogger(__name__)

IMPORT_COLUMNS = ("title", "summary")
IMPORT_OPTIONAL = (
    "slug",
    "body",
    "organisation",
    "organisation_name",
    "agendas",
    "r_strategies",
    "value_chain",
    "sector_group",
    "refnis",
    "province",
    "category",
    "links",
    "status",
)


def cases_import(*, content: Source, file_name: str, user: Any = None) -> list[Case]:
    """Import cases from CSV/XLSX; every bad row is named, nothing is saved unless all are valid,
    and the file is kept. ``organisation`` is an organisation id or exact name; list columns
    (agendas, r_strategies, links) are separated by commas or semicolons."""

    try:
        rows = _table_rows(content, file_name)
        problems: list[Problem] = []
        prepared: list[tuple[dict[str, Any], str]] = []
        seen: dict[str, int] = {}
        count = 0
        for line, raw in rows:
            count += 1
            row_problems: list[Problem] = []
            data = {k: v for k, v in raw.items() if k in IMPORT_COLUMNS + IMPORT_OPTIONAL}
            org = data.get("organisation", "")
            if org and not org.isdigit():
                o = organisation_find(org)
                data["organisation"] = str(o.pk) if o else f"name:{org}"
            status = data.pop("status", "") or Case.Status.DRAFT
            if status not in (Case.Status.DRAFT, Case.Status.PUBLISHED):
                row_problems.append(
                    problem(
                        "case_status_unknown",
                        gettext_noop("expected draft or published"),
                        field="status",
                        value=status,
                    )
                )
            elif status == Case.Status.PUBLISHED and not can_publish(user):
                row_problems.append(
                    problem(
                        "case_publish_staff",
                        gettext_noop("only staff publish cases"),
                        field="status",
                        value=status,
                    )
                )
            if not data.get("summary"):
                row_problems.append(
                    problem(
                        "summary_missing", gettext_noop("a summary is required"), field="summary"
                    )
                )
            slug = data.get("slug") or slugify(data.get("title", ""))[:100]
            if slug in seen:
                row_problems.append(
                    problem(
                        "slug_twice",
                        gettext_noop("the same slug as line %(first)s"),
                        field="slug",
                        value=slug,
                        first=seen[slug],
                    )
                )
            seen[slug] = line
            if not is_staff(user) and not data.get("organisation"):
                row_problems.append(
                    problem(
                        "organisation_missing",
                        gettext_noop("choose one of your organisations"),
                        field="organisation",
                    )
                )
            if str(data.get("organisation", "")).startswith("name:"):
                row_problems.append(
                    problem(
                        "organisation_unknown",
                        gettext_noop("unknown organisation"),
                        field="organisation",
                        value=org,
                    )
                )
                data.pop("organisation")
            _validate(data, user, row_problems)
            problems.extend(p.at(file=file_name, row=line) for p in row_problems)
            prepared.append((data, status))
        if not count:
            problems.append(
                problem("file_empty", gettext_noop("the file has no rows"), file=file_name)
            )
        if problems:
            raise InputError(problems)
    except InputError as e:
        upload_keep(purpose="doers", name=file_name, content=content, user=user, error=e)
        raise
    with transaction.atomic():
        upload_keep(purpose="doers", name=file_name, content=content, user=user)
        out = []
        for data, status in prepared:
            case = case_create(user=user, data=data)
            if status == Case.Status.PUBLISHED:
                _set_status(case, status)
            out.append(case)
    log.info("cases import %s: %d rows", file_name, len(out))
    return out


def _table_rows(content: Source, file_name: str) -> Iterator[Row]:
    """Rows of a CSV (UTF-8) or XLSX file as (file line, {lower-case column: text}), read as
    they are checked."""
    header, rows = iter_table(content, file_name)
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise InputError.single(
            f"missing columns {missing}; expected {list(IMPORT_COLUMNS)} "
            f"and optionally {list(IMPORT_OPTIONAL)}",
            file=file_name,
            row=1,
        )
    return rows
