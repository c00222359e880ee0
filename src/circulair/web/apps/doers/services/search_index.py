"""The search index's upkeep: each case's indexed text, the ranking's term rows, the SQLite
full-text triggers, and the rebuild when the index rules change.

The indexed text (``Case.search_text``, the rule in ``circulair.core.doers.search``) reads:
the case's Dutch fields; for a seeded case still as shipped (origin ``data``), the English
title and summary of its knowledge-base record (a case edited by a user has only its Dutch
text: the shipped translation may no longer say the same); and the search words of its
R-strategies (``circulair.core.doers.concepts``). Its first line is the index version: the
core rules' fingerprint plus the R-strategies' names, so a new stemmer, new concept words or
a renamed strategy make every stored text stale, and ``search_index_ensure`` (run by the
seeding at every start, and after ``migrate``) rewrites the stale ones.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Prefetch

from circulair.core.doers.concepts import strategy_words
from circulair.core.doers.search import Doc, index_text, index_version, term_weights
from circulair.web.apps.doers.models import Case, CaseTerm
from circulair.web.apps.doers.selectors import fts as _fts
from circulair.web.apps.knowledge.models import Record

log = logging.getLogger(__name__)
TERM_BATCH = 500


def index_marker() -> str:
    """The current index version (1 query: the R-strategies' names are part of it)."""
    names = list(
        Record.objects.filter(kind="r_strategy")
        .order_by("slug")
        .values_list("slug", "name_nl", "name_en")
    )
    return index_version(repr(names))


def case_doc(
    case: Case,
    *,
    strategies: Iterable[Record] | None = None,
    english: tuple[str, str] | None = None,
) -> Doc:
    """The searchable text of a case (``search.Doc``).

    ``strategies``: its R-strategy records (default: read them, none for an unsaved case);
    ``english``: the shipped (title, summary) in English (default: read the knowledge-base
    record of a case of origin ``data``; nothing for other cases).
    """
    if strategies is None:
        strategies = list(case.r_strategies.all()) if case.pk else []
    if english is None:
        english = ("", "")
        if case.origin == Case.Origin.DATA and case.kb_slug:
            english = (
                Record.objects.filter(kind="case", slug=case.kb_slug)
                .values_list("name_en", "description_en")
                .first()
            ) or ("", "")
    words = [strategy_words(r.slug, r.name_nl, r.name_en) for r in strategies]
    return Doc(
        slug=case.slug,
        title=case.title,
        summary=case.summary,
        organisation=case.organisation_label,
        body=case.body,
        title_en=english[0],
        summary_en=english[1],
        tags_nl=" ".join(nl for nl, _en in words),
        tags_en=" ".join(en for _nl, en in words),
    )


def case_search_text(
    case: Case,
    *,
    strategies: Iterable[Record] | None = None,
    english: tuple[str, str] | None = None,
    marker: str | None = None,
) -> str:
    """The stored token text both full-text indexes read (see :func:`case_doc`; ``marker``:
    the :func:`index_marker`, read when not given)."""
    doc = case_doc(case, strategies=strategies, english=english)
    return index_text(doc, marker or index_marker())


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
    # one transaction per batch: outside one (``post_migrate``), SQLite would commit, and sync
    # its journal, after every inserted row
    with connection.cursor() as cur:
        for i in range(0, len(ids), TERM_BATCH):
            chunk = ids[i : i + TERM_BATCH]
            with transaction.atomic():
                marks = ",".join(["%s"] * len(chunk))
                cur.execute(f"DELETE FROM {table} WHERE case_id IN ({marks})", chunk)
                rows = [
                    (pk, term, w)
                    for pk, text in Case.objects.filter(pk__in=chunk).values_list(
                        "pk", "search_text"
                    )
                    for term, w in term_weights(text).items()
                ]
                cur.executemany(
                    f"INSERT INTO {table} (case_id, term, weight) VALUES (%s, %s, %s)", rows
                )
                written += len(rows)
    return written


def search_index_rebuild(case_ids: Sequence[int], marker: str | None = None) -> int:
    """Rewrite the indexed text and the term rows of these cases (in batches, a fixed number of
    queries per batch); the full-text indexes follow by their triggers. Returns the count."""
    marker = marker or index_marker()
    ids = sorted(case_ids)
    for i in range(0, len(ids), TERM_BATCH):
        chunk = ids[i : i + TERM_BATCH]
        cases = list(
            Case.objects.filter(pk__in=chunk)
            .select_related("organisation")
            .prefetch_related(Prefetch("r_strategies", queryset=Record.objects.order_by("pk")))
        )
        shipped = [c.kb_slug for c in cases if c.origin == Case.Origin.DATA and c.kb_slug]
        english = {
            slug: (name, desc)
            for slug, name, desc in Record.objects.filter(
                kind="case", slug__in=shipped
            ).values_list("slug", "name_en", "description_en")
        }
        for c in cases:
            eng = english.get(c.kb_slug, ("", "")) if c.origin == Case.Origin.DATA else ("", "")
            c.search_text = case_search_text(
                c, strategies=c.r_strategies.all(), english=eng, marker=marker
            )
        with transaction.atomic():  # a batch is written whole (and, on SQLite, synced once)
            Case.objects.bulk_update(cases, ["search_text"])
            case_terms_sync(chunk)
    return len(ids)


def _fts_ensure() -> bool:
    """SQLite: (re)create the FTS5 table and triggers when missing (a table remake drops them),
    filled from the stored texts. Returns True when they had to be made."""
    if connection.vendor != "sqlite":
        return False  # PostgreSQL's tsvector column is kept by its trigger
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE name LIKE 'doers_case_fts%'")
        names = {row[0] for row in cur.fetchall()}
        if set(_fts.SQLITE_OBJECTS) <= names:
            return False
        for sql in _fts.SQLITE_DOWN:
            cur.execute(sql)
        for sql in _fts.SQLITE_UP:
            cur.execute(sql)
    return True


def search_index_ensure() -> bool:
    """Bring the search index up to date: the SQLite full-text triggers, the indexed text of
    every case written under another index version (or none: bulk inserts), and the term rows
    of cases that have text but none.

    Returns True when anything had to be rebuilt or completed. Cheap when all is current (a
    few queries, one of them reads each case's version line).
    """
    t0 = time.perf_counter()
    made = _fts_ensure()
    marker = index_marker()
    stale = list(
        Case.objects.exclude(search_text__startswith=marker + "\n").values_list("pk", flat=True)
    )
    if stale:
        search_index_rebuild(stale, marker)
        log.info(
            "doers search index: %d case(s) reindexed (version %s) in %.2fs",
            len(stale),
            marker,
            time.perf_counter() - t0,
        )
    missing = list(
        Case.objects.exclude(search_text="")
        .exclude(pk__in=CaseTerm.objects.values("case_id"))
        .values_list("pk", flat=True)
    )
    if missing:
        case_terms_sync(missing)
    return made or bool(stale) or bool(missing)


def search_index_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver: reindex after a migration, once the database is at the latest
    migration of every app (a partial or backward migrate leaves it to the next one)."""
    if using != connection.alias:
        return  # the index upkeep works on the default database
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    if not set(loader.graph.leaf_nodes()) <= set(loader.applied_migrations or {}):
        return
    search_index_ensure()
