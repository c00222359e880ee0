"""The search index's upkeep: the ranking's term rows and the SQLite full-text triggers."""

from __future__ import annotations

from django.db import connection

from circulair.core.doers.search import term_weights
from circulair.web.apps.doers.models import Case, CaseTerm
from circulair.web.apps.doers.selectors import fts as _fts

TERM_BATCH = 500


def case_terms_sync(case_ids: list[int] | None = None) -> int:
    """Rewrite the ranking's term rows (``CaseTerm``) of these cases (all when ``None``) from
    their ``search_text``; returns the number of rows written.

    Every write path that sets ``search_text`` calls this (forms, API, import, seeding, admin);
    ``search_index_ensure`` repairs cases that were bulk-inserted without it.
    """
    table, written = CaseTerm._meta.db_table, 0
    ids = (
        case_ids
        if case_ids is not None
        else list(Case.objects.order_by("pk").values_list("pk", flat=True))
    )
    with connection.cursor() as cur:
        for i in range(0, len(ids), TERM_BATCH):
            chunk = ids[i : i + TERM_BATCH]
            marks = ",".join(["%s"] * len(chunk))
            cur.execute(f"DELETE FROM {table} WHERE case_id IN ({marks})", chunk)
            rows = [
                (pk, term, w)
                for pk, text in Case.objects.filter(pk__in=chunk).values_list("pk", "search_text")
                for term, w in term_weights(text).items()
            ]
            cur.executemany(
                f"INSERT INTO {table} (case_id, term, weight) VALUES (%s, %s, %s)", rows
            )
            written += len(rows)
    return written


def search_index_ensure() -> bool:
    """(Re)create the SQLite FTS5 triggers when missing (a table remake drops them) and rebuild;
    on both engines, write the term rows of cases that have text but none (bulk inserts).

    Returns True when an index had to be rebuilt or completed. PostgreSQL's tsvector column is
    kept by its trigger.
    """
    missing = list(
        Case.objects.exclude(search_text="")
        .exclude(pk__in=CaseTerm.objects.values("case_id"))
        .values_list("pk", flat=True)
    )
    if missing:
        case_terms_sync(missing)
    if connection.vendor != "sqlite":
        return bool(missing)
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE name LIKE 'doers_case_fts%'")
        names = {row[0] for row in cur.fetchall()}
        if set(_fts.SQLITE_OBJECTS) <= names:
            return bool(missing)
        for sql in _fts.SQLITE_DOWN:
            cur.execute(sql)
        for sql in _fts.SQLITE_UP:
            cur.execute(sql)
    return True
