"""Reads of the doers catalogue: visibility, full-text search with one ranking rule, facets, map.

Matching runs in the database's full-text index (SQLite FTS5 or PostgreSQL ``to_tsvector('simple',
…)``, both over the pre-tokenised, pre-stemmed ``search_text``). The ranking formula of
``circulair.core.doers.search`` is evaluated in SQL from the term table (``CaseTerm``): integer
sums of weights and the same IEEE double arithmetic on both engines, so both return the same
order and scores (tested against the Python rule). Only the requested page leaves the database.
Every function here runs a fixed number of queries whatever the page size (tested).
The review of drafts (moderators, the queue) is read in ``review``.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib.postgres.search import SearchQuery
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import F, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import translation
from numpy.typing import NDArray

from circulair.core.doers import search
from circulair.web.apps.common import permissions, public_cache
from circulair.web.apps.doers.models import Case, CaseCitation, CaseImage, CaseTerm
from circulair.web.apps.doers.selectors.review import catalogue_moderators as catalogue_moderators
from circulair.web.apps.doers.selectors.review import review_queue as review_queue
from circulair.web.apps.geography.models import Province
from circulair.web.apps.knowledge.models import Record

FACETS = ("agenda", "province", "r", "category")


def case_visible_to(user: Any) -> QuerySet[Case]:
    """The cases ``user`` may see (rule ``doers.case.view``)."""
    return permissions.restrict(user, "doers.case.view", Case.objects.all())


def case_detail(user: Any, slug: str) -> Case:
    """One visible case with everything the detail page shows; Case.DoesNotExist otherwise."""
    return (
        _with_relations(case_visible_to(user))
        .prefetch_related(
            Prefetch("citations", queryset=CaseCitation.objects.select_related("source")),
            Prefetch("images", queryset=CaseImage.objects.all()),
        )
        .get(slug=slug)
    )


def _with_relations(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related(
        "organisation", "municipality", "province", "value_chain", "sector_group"
    ).prefetch_related(
        Prefetch("agendas", queryset=Record.objects.order_by("order", "slug")),
        Prefetch("r_strategies", queryset=Record.objects.order_by("order", "slug")),
    )


def fts_match(qs: QuerySet[Case], query: search.Query) -> QuerySet[Case]:
    """Restrict ``qs`` to the cases the engine's full-text index matches for ``query``."""
    if query.empty:
        return qs
    if connection.vendor == "postgresql":
        return qs.filter(
            search_vector=SearchQuery(query.tsquery(), config="simple", search_type="raw")
        )
    return qs.filter(
        pk__in=RawSQL(
            "SELECT rowid FROM doers_case_fts WHERE doers_case_fts MATCH %s", (query.fts5(),)
        )
    )


def apply_filters(qs: QuerySet[Case], params: dict[str, str]) -> QuerySet[Case]:
    """The facet filters (one value each): agenda, province, r, category, municipality,
    organisation, status, in_review (``true``: drafts waiting for a moderator; ``false``: the
    others)."""
    if params.get("agenda"):
        qs = qs.filter(
            pk__in=Case.agendas.through.objects.filter(record__slug=params["agenda"]).values(
                "case_id"
            )
        )
    if params.get("r"):
        qs = qs.filter(
            pk__in=Case.r_strategies.through.objects.filter(record__slug=params["r"]).values(
                "case_id"
            )
        )
    if params.get("province"):
        qs = qs.filter(province__refnis=params["province"])
    if params.get("municipality"):
        qs = qs.filter(municipality__refnis=params["municipality"])
    if params.get("category"):
        qs = qs.filter(category=params["category"])
    if params.get("organisation") and str(params["organisation"]).isdigit():
        qs = qs.filter(organisation_id=int(params["organisation"]))
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("in_review") in ("true", "false"):
        qs = qs.filter(review_requested_at__isnull=params["in_review"] == "false")
    return qs


def ranked(qs: QuerySet[Case], query: search.Query) -> list[tuple[int, float]]:
    """(id, score) of every case in ``qs`` matching ``query``, best first, ties by slug.

    One query. The full-text index's match over ``qs`` (the visible, filtered cases) is the
    driving derived table; one derived table per query word gives that word's ``f`` per case
    (:func:`search.score_weights`): the largest weight among its stem tokens (one row per case
    and token), and for the last word also each prefix's summed weights over the index range of
    the tokens it starts; the inner joins keep the cases having every word. Score
    ``Σ f·(K1+1)/(f+K1)`` in explicit doubles (PostgreSQL reads a bare ``2.2`` as numeric),
    added word by word in query order as :func:`search.score` does. Ties by slug in code-point
    order (``COLLATE "C"`` on PostgreSQL, whose database collation may ignore hyphens). The ids
    also feed the facets.
    """
    terms = CaseTerm._meta.db_table
    joins: list[str] = []
    join_params: list[Any] = []
    parts: list[str] = []
    part_params: list[Any] = []
    for i in range(len(query.terms)):
        stems = query.stems(i)
        selects = [
            f"SELECT case_id, weight AS f FROM {terms} "
            f"WHERE term IN ({', '.join(['%s'] * len(stems))})"
        ]
        join_params += stems
        for prefix in query.prefixes(i):
            upper = search.prefix_upper(prefix)
            cond = "term >= %s" + (" AND term < %s" if upper else "")
            join_params += [prefix] + ([upper] if upper else [])
            selects.append(
                f"SELECT case_id, SUM(weight) AS f FROM {terms} WHERE {cond} GROUP BY case_id"
            )
        union = " UNION ALL ".join(selects)
        table = f"(SELECT case_id, MAX(f) AS f FROM ({union}) u{i} GROUP BY case_id)"
        joins.append(f"JOIN {table} t{i} ON t{i}.case_id = m.rid")
        parts.append(
            f"CAST(t{i}.f AS DOUBLE PRECISION) * CAST(%s AS DOUBLE PRECISION) "
            f"/ (t{i}.f + CAST(%s AS DOUBLE PRECISION))"
        )
        part_params += [search.K1 + 1, search.K1]
    matched_sql, matched_params = (
        fts_match(qs, query)
        .order_by()
        .annotate(rid=F("id"), rslug=F("slug"))
        .values("rid", "rslug")
        .query.sql_with_params()
    )
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    sql = (
        f"SELECT m.rid, {' + '.join(parts)} AS score FROM ({matched_sql}) m "
        f"{' '.join(joins)} ORDER BY score DESC, m.rslug{collate} ASC"
    )
    params = [*part_params, *matched_params, *join_params]
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    # PostgreSQL's planner does not count the cost of reading each case's (TOASTed) tsvector,
    # so for a word in a quarter of the cases it scans the table (138 ms at 20,000 cases)
    # instead of using the GIN index (25 ms); this transaction forbids the scan.
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute(sql, params)
        return cur.fetchall()


@dataclass
class Results:
    """One page of a catalogue search with its facets."""

    q: str
    query: search.Query
    total: int
    page: Page[Any]
    cases: list[Any]  # Case instances, or plain rows (``presenters.case_rows``) for the list page
    ids: list[int] = field(default_factory=list)  # the page's case ids, in order
    scores: dict[int, float] = field(default_factory=dict)
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class _Counted:
    """A queryset whose length is already known, for ``Paginator`` (saves its COUNT query)."""

    def __init__(self, qs: QuerySet[Any], count: int):
        self.qs, self.n = qs, count

    def count(self) -> int:
        return self.n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, window: slice) -> list[Any]:
        return list(self.qs[window])


def case_results(
    user: Any,
    params: dict[str, str],
    *,
    page: Any = 1,
    page_size: int = 20,
    instances: bool = True,
) -> Results:
    """Search (``q``), filter and paginate the visible cases; facets count the current result.

    Without ``q`` the order is title, slug (``in_review=true``: the longest waiting first, as
    in the moderators' queue). Queries: 1 (catalogue version) + 1 (ranked ids,
    or the matching ids without q) + 1 (page ids, without q) + 1 (page rows) + 2 (prefetch)
    + 2 (facet labels), + 3 when the facet index is rebuilt after a change. For anonymous
    visitors the ranking and facets are cached per catalogue version, so a change to any case
    is visible at once. ``instances=False`` leaves ``cases`` empty (the list page shows plain
    rows of ``ids`` instead, two queries fewer than instances with their relations).
    """
    q = str(params.get("q") or "")
    query = search.parse(q)
    base = apply_filters(case_visible_to(user), params)
    version = catalogue_version()
    key = _public_key(user, params, query, version)

    def compute() -> dict[str, Any]:
        hits: list[tuple[int, float]] | None
        if query.empty:
            hits = None
            sql, sql_params = base.order_by().values("pk").query.sql_with_params()
            with connection.cursor() as cur:
                cur.execute(sql, sql_params)
                ids = [r[0] for r in cur.fetchall()]
        else:
            hits = ranked(base, query)
            ids = [pk for pk, _s in hits]
        return {"hits": hits, "n": len(ids), "facets": facets(ids, version)}

    computed = public_cache.cached(key, public_cache.seconds(), compute) if key else compute()
    scores: dict[int, float] = {}
    if computed["hits"] is None:
        order = (
            ("review_requested_at", "pk")
            if params.get("in_review") == "true"
            else ("title", "slug")
        )
        pg: Any = Paginator(
            _Counted(
                base.order_by(*order).values_list("pk", flat=True),  # type: ignore[arg-type]
                computed["n"],
            ),
            page_size,
        ).get_page(page)
    else:
        pg = Paginator(computed["hits"], page_size).get_page(page)
        scores = dict(pg.object_list)
    ids = [pk for pk, _s in scores.items()] if scores else list(pg.object_list)
    cases = _page_cases(ids) if instances else []
    return Results(
        q=q,
        query=query,
        total=pg.paginator.count,
        page=pg,
        cases=cases,
        ids=ids,
        scores=scores,
        facets=computed["facets"],
    )


CACHE_PARAMS = (
    "agenda",
    "province",
    "r",
    "category",
    "municipality",
    "organisation",
    "status",
    "in_review",
)


def catalogue_version() -> str:
    """Changes whenever a case is added, removed or saved (count, max id, last update) or
    reindexed (the newest term row: a rebuild under new index rules saves no case)."""
    table, terms = Case._meta.db_table, CaseTerm._meta.db_table
    with connection.cursor() as cur:  # four index look-ups (one aggregate would scan rows)
        cur.execute(
            f"SELECT (SELECT COUNT(*) FROM {table}), (SELECT MAX(id) FROM {table}), "
            f"(SELECT MAX(updated_at) FROM {table}), (SELECT MAX(id) FROM {terms})"
        )
        n, i, m, t = cur.fetchone()
    return f"{n}:{i}:{m}:{t}"


def _public_key(user: Any, params: dict[str, str], query: search.Query, version: str) -> str | None:
    """Cache key of an anonymous visitor's ranking and facets (they see the same catalogue);
    logged-in users, whose visible set depends on their memberships, are always computed."""
    if getattr(user, "is_authenticated", False) or user is None or public_cache.seconds() <= 0:
        return None
    parts = (version, query.terms, tuple((k, str(params.get(k) or "")) for k in CACHE_PARAMS))
    return "doers:results:" + hashlib.sha256(repr(parts).encode()).hexdigest()


#: What the list page shows of a case (``case_row_values``).
CASE_ROW = (
    "pk",
    "slug",
    "title",
    "status",
    "organisation_name",
    "organisation__name",
    "municipality__name_nl",
    "category",
    "summary",
)


def case_row_values(
    ids: list[int],
) -> tuple[dict[int, tuple[Any, ...]], dict[int, list[tuple[str, str]]]]:
    """The ``CASE_ROW`` values of these cases by id, and each one's work agendas as (Dutch,
    English) names in the knowledge base's order (2 queries); ``presenters.case_rows`` shapes
    them for the list page."""
    found = {r[0]: r for r in Case.objects.filter(pk__in=ids).values_list(*CASE_ROW)}
    agendas: dict[int, list[tuple[str, str]]] = {}
    for cid, nl, en_name in (
        Case.agendas.through.objects.filter(case_id__in=ids)
        .order_by("case_id", "record__order", "record__slug")
        .values_list("case_id", "record__name_nl", "record__name_en")
    ):
        agendas.setdefault(cid, []).append((nl, en_name))
    return found, agendas


def _page_cases(ids: list[int]) -> list[Case]:
    if not ids:
        return []
    by_id = {c.pk: c for c in _with_relations(Case.objects.filter(pk__in=ids))}
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class _FacetIndex:
    """Per process: each case's category, province, agendas and R-strategies as arrays over the
    sorted case ids, for one catalogue version.

    Why: counting facets in SQL re-ran the full-text match four times and joined the link
    tables per matching case (60-80 ms for a common word over 20,000 cases); with the matched
    ids in hand, these arrays count them in about a millisecond.
    """

    version: str
    ids: NDArray[np.int64]
    # key → (value of each code, code of each case (-1: none), or a case × value matrix)
    codes: dict[str, tuple[list[Any], NDArray[np.int64]]]
    links: dict[str, tuple[list[int], NDArray[np.bool_]]]


_facet_index: _FacetIndex | None = None
# One thread per process rebuilds the index; the others wait and reuse it. The index itself is
# immutable once built and replaced whole, so readers never see a half-built one.
_facet_lock = threading.Lock()


def _facet_index_for(version: str) -> _FacetIndex:
    idx = _facet_index
    if idx is not None and idx.version == version:
        return idx
    with _facet_lock:
        idx = _facet_index
        if idx is not None and idx.version == version:
            return idx
        return _facet_index_build(version)


def _facet_index_build(version: str) -> _FacetIndex:
    global _facet_index
    rows = list(Case.objects.order_by("pk").values_list("pk", "category", "province_id"))
    ids = np.array([r[0] for r in rows], dtype=np.int64).reshape(-1)
    codes: dict[str, tuple[list[Any], NDArray[np.int64]]] = {}
    for key, col in (("category", 1), ("province", 2)):
        values = sorted({r[col] for r in rows if r[col] is not None})
        code = {v: i for i, v in enumerate(values)}
        codes[key] = (values, np.array([code.get(r[col], -1) for r in rows], dtype=np.int64))
    links: dict[str, tuple[list[int], NDArray[np.bool_]]] = {}
    for key, through in (("agenda", Case.agendas.through), ("r", Case.r_strategies.through)):
        pairs = np.array(
            list(through.objects.values_list("case_id", "record_id")), dtype=np.int64
        ).reshape(-1, 2)
        recs = np.unique(pairs[:, 1])
        matrix = np.zeros((len(ids), len(recs)), dtype=bool)
        pos = np.searchsorted(ids, pairs[:, 0])
        ok = pos < len(ids)
        ok[ok] = ids[pos[ok]] == pairs[ok, 0]
        matrix[pos[ok], np.searchsorted(recs, pairs[ok, 1])] = True
        links[key] = ([int(r) for r in recs], matrix)
    idx = _FacetIndex(version=version, ids=ids, codes=codes, links=links)
    _facet_index = idx
    return idx


def _facet_counts(ids: list[int], version: str) -> dict[str, list[tuple[Any, int]]]:
    idx = _facet_index_for(version)
    want = np.array(ids, dtype=np.int64).reshape(-1)
    pos = np.searchsorted(idx.ids, want)
    known = pos < len(idx.ids)
    known[known] = idx.ids[pos[known]] == want[known]
    pos = pos[known]  # a case added after the version was read is counted at the next change
    counts: dict[str, list[tuple[Any, int]]] = {}
    for key, (values, code) in idx.codes.items():
        got = code[pos]
        n = np.bincount(got[got >= 0], minlength=len(values))
        counts[key] = [(v, int(c)) for v, c in zip(values, n, strict=True) if c]
    for key, (recs, matrix) in idx.links.items():
        n = matrix[pos].sum(axis=0)
        counts[key] = [(r, int(c)) for r, c in zip(recs, n, strict=True) if c]
    return counts


def facets(ids: list[int], version: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Counts per agenda, province, R-strategy and category among the cases ``ids`` (the
    current result), labelled in both languages (2 queries, + 3 to rebuild the facet index
    when the catalogue changed)."""
    counts = _facet_counts(ids, version or catalogue_version())
    rec_ids = [v for key in ("agenda", "r") for v, _n in counts[key]]
    recs = {r.pk: r for r in Record.objects.filter(pk__in=rec_ids)} if rec_ids else {}
    provs = {p.pk: p for p in Province.objects.filter(pk__in=[v for v, _n in counts["province"]])}
    labels = dict(Case.Category.choices)
    out: dict[str, list[dict[str, Any]]] = {}
    for key in ("agenda", "r"):
        rows = sorted(
            ((recs[v], n) for v, n in counts[key] if v in recs),
            key=lambda x: (x[0].order, x[0].slug),
        )
        out[key] = [
            {"value": r.slug, "label_nl": r.name_nl, "label_en": r.name_en, "count": n}
            for r, n in rows
        ]
    out["province"] = [
        {"value": p.refnis, "label_nl": p.name_nl, "label_en": p.name_en, "count": n}
        for p, n in sorted(
            ((provs[v], n) for v, n in counts["province"] if v in provs), key=lambda x: x[0].refnis
        )
    ]
    with translation.override("nl"):
        nl = {v: str(labels.get(v, v)) for v, _n in counts["category"]}
    with translation.override("en"):
        en = {v: str(labels.get(v, v)) for v, _n in counts["category"]}
    out["category"] = [
        {"value": v, "label_nl": nl[v], "label_en": en[v], "count": n}
        for v, n in sorted(counts["category"])
    ]
    return {k: out[k] for k in FACETS}


def map_rows(user: Any, params: dict[str, str]) -> list[tuple[Any, ...]]:
    """(slug, title, organisation name, REFNIS, municipality name, lat, lon) of the visible,
    filtered cases matching ``q`` that have a municipality, by title."""
    query = search.parse(str(params.get("q") or ""))
    qs = fts_match(apply_filters(case_visible_to(user), params), query).filter(
        municipality__isnull=False
    )
    return list(
        qs.order_by("title", "slug").values_list(
            "slug",
            "title",
            "organisation_name",
            "municipality__refnis",
            "municipality__name_nl",
            "municipality__lat",
            "municipality__lon",
        )
    )


def cases_for_export(user: Any = None) -> QuerySet[Case]:
    """Every visible case (all of them for the command line) with its relations, by slug."""
    qs = case_visible_to(user)
    return _with_relations(qs.order_by("slug"))
