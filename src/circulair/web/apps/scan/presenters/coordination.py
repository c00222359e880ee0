"""The scan coordinator's overview: per government its latest round, status and overall score,
sortable, and the same rows for the CSV export. Shaped from what ``selectors`` read (every row
comes from the responses the user may see)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.scan.models import Response

#: ?sort= keys (a leading '-' sorts descending); governments without a value come last.
SORTS = ("organisation", "municipality", "year", "status", "score")
DEFAULT_SORT = "organisation"
CSV_HEADER = [
    "organisation",
    "municipality",
    "refnis",
    "year",
    "status",
    "overall_score",
    "submitted_at",
]


def parse_sort(raw: str | None) -> tuple[str, bool]:
    """(key, descending) of a ``?sort=`` value; an unknown key sorts by organisation."""
    text = (raw or "").strip()
    desc = text.startswith("-")
    key = text.lstrip("-")
    return (key, desc) if key in SORTS else (DEFAULT_SORT, False)


def _row(org: Organisation, r: Response | None) -> dict[str, Any]:
    muni = org.municipality
    overall = float(r.score["overall"]) if r is not None and r.score else None
    url = ""
    if r is not None:
        url = reverse("scan:report" if r.is_submitted else "scan:fill", args=[r.pk])
    return {
        "organisation": org.name,
        "organisation_id": org.pk,
        "municipality": muni.name if muni is not None else "",
        "refnis": muni.refnis if muni is not None else "",
        "response": r,
        "year": r.year if r is not None else None,
        "status": r.status if r is not None else None,
        "status_text": r.get_status_display() if r is not None else "",
        "score": overall,
        "submitted_at": r.submitted_at if r is not None else None,
        "url": url,
    }


def rows(
    governments: Iterable[Organisation], rounds: Iterable[Response], sort: str | None = None
) -> list[dict[str, Any]]:
    """One row per government (its latest round, or none yet), sorted by ``sort``."""
    latest = {r.organisation_id: r for r in rounds}
    out = [_row(org, latest.get(org.pk)) for org in governments]
    key, desc = parse_sort(sort)

    def value(row: dict[str, Any]) -> Any:
        v = row[key]
        return v.casefold() if isinstance(v, str) else v

    known = [x for x in out if x[key] not in (None, "")]
    unknown = [x for x in out if x[key] in (None, "")]
    by_name = sorted(known, key=lambda x: x["organisation"].casefold())  # stable tie order
    return sorted(by_name, key=value, reverse=desc) + sorted(
        unknown, key=lambda x: x["organisation"].casefold()
    )


def csv_rows(table: list[dict[str, Any]]) -> list[list[Any]]:
    """The overview's rows for :data:`CSV_HEADER` (status as its code: draft, submitted)."""
    return [
        [
            x["organisation"],
            x["municipality"],
            x["refnis"],
            x["year"] if x["year"] is not None else "",
            x["status"] or "",
            round(x["score"], 2) if x["score"] is not None else "",
            timezone.localtime(x["submitted_at"]).date().isoformat() if x["submitted_at"] else "",
        ]
        for x in table
    ]


def sort_links(sort: str | None) -> dict[str, str]:
    """The header links: each column sorts ascending, or descending when it is the current
    ascending sort."""
    key, desc = parse_sort(sort)
    return {k: f"-{k}" if k == key and not desc else k for k in SORTS}


def summary(table: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "governments": len(table),
        "with_round": sum(1 for x in table if x["response"] is not None),
        "submitted": sum(1 for x in table if x["status"] == Response.Status.SUBMITTED),
    }
