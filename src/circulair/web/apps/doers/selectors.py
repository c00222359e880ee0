"""Reads of the doers catalogue: visibility, full-text search with one ranking rule, facets, map.

Matching runs in the database (SQLite FTS5 or PostgreSQL ``to_tsvector('simple', …)``, both over
the pre-tokenised ``search_text``); the ranking is computed in Python with the formula of
``circulair.core.doers.search`` so both engines return the same order. Every function here runs a
fixed number of queries whatever the page size (tested).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import translation

from circulair.core.doers import search
from circulair.web.apps.doers.models import Case, CaseCitation, CaseImage
from circulair.web.apps.geography.models import Province
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Membership

FACETS = ("agenda", "province", "r", "category")


def case_visible_to(user: Any) -> QuerySet[Case]:
    """Published cases for everyone; staff see all; members also see their organisations'."""
    qs = Case.objects.all()
    if getattr(user, "is_staff", False):
        return qs
    if getattr(user, "is_authenticated", False):
        mine = Membership.objects.filter(user=user).values("organisation_id")
        return qs.filter(Q(status=Case.Status.PUBLISHED) | Q(organisation_id__in=mine)
                         | Q(created_by=user))
    return qs.filter(status=Case.Status.PUBLISHED)


def case_detail(user: Any, slug: str) -> Case:
    """One visible case with everything the detail page shows; Case.DoesNotExist otherwise."""
    return _with_relations(case_visible_to(user)).prefetch_related(
        Prefetch("citations", queryset=CaseCitation.objects.select_related("source")),
        Prefetch("images", queryset=CaseImage.objects.all()),
    ).get(slug=slug)


def _with_relations(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("organisation", "municipality", "province", "value_chain",
                             "sector_group").prefetch_related(
        Prefetch("agendas", queryset=Record.objects.order_by("order", "slug")),
        Prefetch("r_strategies", queryset=Record.objects.order_by("order", "slug")))


def fts_match(qs: QuerySet[Case], query: search.Query) -> QuerySet[Case]:
    """Restrict ``qs`` to the cases the engine's full-text index matches for ``query``."""
    if query.empty:
        return qs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        return qs.filter(search_vector=SearchQuery(query.tsquery(), config="simple",
                                                   search_type="raw"))
    return qs.filter(pk__in=RawSQL(
        "SELECT rowid FROM doers_case_fts WHERE doers_case_fts MATCH %s", (query.fts5(),)))


def apply_filters(qs: QuerySet[Case], params: dict[str, str]) -> QuerySet[Case]:
    """The facet filters (one value each): agenda, province, r, category, municipality,
    organisation, status."""
    if params.get("agenda"):
        qs = qs.filter(pk__in=Case.agendas.through.objects.filter(
            record__slug=params["agenda"]).values("case_id"))
    if params.get("r"):
        qs = qs.filter(pk__in=Case.r_strategies.through.objects.filter(
            record__slug=params["r"]).values("case_id"))
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
    return qs


def ranked(qs: QuerySet[Case], query: search.Query,
           counted: dict[str, Counter[Any]] | None = None) -> list[tuple[int, float]]:
    """(id, score) of every case in ``qs`` matching ``query``, ordered by the documented rule
    (score desc, slug asc). One query; ``counted``, when given, receives the category and
    province counts of the matching cases (the facets then skip two full-text evaluations)."""
    rows = list(fts_match(qs, query).values_list("pk", "slug", "search_text", "category",
                                                 "province_id"))
    ids = {r[1]: r[0] for r in rows}
    hits = [(ids[slug], score) for slug, score in
            search.rank_indexed(query, [(r[1], r[2]) for r in rows])]
    if counted is not None:
        keep = {pk for pk, _s in hits}
        counted["category"] = Counter(r[3] for r in rows if r[0] in keep)
        counted["province"] = Counter(r[4] for r in rows if r[0] in keep and r[4] is not None)
    return hits


@dataclass
class Results:
    """One page of a catalogue search with its facets."""

    q: str
    query: search.Query
    total: int
    page: Page[Any]
    cases: list[Case]
    scores: dict[int, float] = field(default_factory=dict)
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def case_results(user: Any, params: dict[str, str], *, page: Any = 1,
                 page_size: int = 20) -> Results:
    """Search (``q``), filter and paginate the visible cases; facets count the current result.

    Without ``q`` the order is title, slug. Queries: with q, 1 (match + rank) + 1 (page rows)
    + 2 (prefetch) + 5 (facets); without q, 1 (count) + 1 (page ids) + 1 + 2 + 5. For anonymous
    visitors the ranking and facets are cached per catalogue version (1 query to read it), so a
    change to any case is visible at once.
    """
    q = str(params.get("q") or "")
    query = search.parse(q)
    base = apply_filters(case_visible_to(user), params)
    key = _public_key(user, params, query)
    computed: dict[str, Any] | None = cache.get(key) if key else None
    if computed is None:
        counted: dict[str, Counter[Any]] = {}
        hits = None if query.empty else ranked(base, query, counted)
        computed = {"hits": hits, "facets": facets(fts_match(base, query), counted)}
        if key:
            cache.set(key, computed, PUBLIC_CACHE_SECONDS)
    scores: dict[int, float] = {}
    if computed["hits"] is None:
        pg = Paginator(base.order_by("title", "slug").values_list("pk", flat=True), page_size
                       ).get_page(page)
    else:
        scores = dict(computed["hits"])
        pg = Paginator([pk for pk, _s in computed["hits"]], page_size).get_page(page)
    cases = _page_cases(list(pg.object_list))
    return Results(q=q, query=query, total=pg.paginator.count, page=pg, cases=cases,
                   scores=scores, facets=computed["facets"])


PUBLIC_CACHE_SECONDS = 60
CACHE_PARAMS = ("agenda", "province", "r", "category", "municipality", "organisation",
                "status")


def catalogue_version() -> str:
    """Changes whenever a case is added, removed or saved (count, max id, last update)."""
    table = Case._meta.db_table
    with connection.cursor() as cur:  # three index look-ups (one aggregate would scan rows)
        cur.execute(f"SELECT (SELECT COUNT(*) FROM {table}), (SELECT MAX(id) FROM {table}), "
                    f"(SELECT MAX(updated_at) FROM {table})")
        n, i, m = cur.fetchone()
    return f"{n}:{i}:{m}"


def _public_key(user: Any, params: dict[str, str], query: search.Query) -> str | None:
    """Cache key of an anonymous visitor's ranking and facets (they see the same catalogue);
    logged-in users, whose visible set depends on their memberships, are always computed."""
    if getattr(user, "is_authenticated", False) or user is None:
        return None
    parts = (catalogue_version(), query.terms,
             tuple((k, str(params.get(k) or "")) for k in CACHE_PARAMS))
    return "doers:results:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _page_cases(ids: list[int]) -> list[Case]:
    if not ids:
        return []
    by_id = {c.pk: c for c in _with_relations(Case.objects.filter(pk__in=ids))}
    return [by_id[i] for i in ids if i in by_id]


def facets(matched: QuerySet[Case], counted: dict[str, Counter[Any]] | None = None
           ) -> dict[str, list[dict[str, Any]]]:
    """Counts per agenda, province, R-strategy and category within ``matched``: four grouped
    queries on ids (covered by the (status, x) indexes; no join to the label tables) and one
    for the agenda/R labels. Filters on agenda/R are subqueries, so these joins see every
    agenda of a matching case."""
    base = matched.order_by()
    counts: dict[str, list[tuple[Any, int]]] = {}
    for key, col in (("agenda", "agendas"), ("r", "r_strategies"), ("province", "province"),
                     ("category", "category")):
        if counted and key in counted:
            counts[key] = list(counted[key].items())
            continue
        counts[key] = [(v, n) for v, n in base.values_list(col).annotate(n=Count("pk"))
                       if v is not None]
    rec_ids = [v for key in ("agenda", "r") for v, _n in counts[key]]
    recs = {r.pk: r for r in Record.objects.filter(pk__in=rec_ids)} if rec_ids else {}
    provs = {p.pk: p for p in Province.objects.filter(pk__in=[v for v, _n in
                                                              counts["province"]])}
    labels = dict(Case.Category.choices)
    out: dict[str, list[dict[str, Any]]] = {}
    for key in ("agenda", "r"):
        rows = sorted(((recs[v], n) for v, n in counts[key] if v in recs),
                      key=lambda x: (x[0].order, x[0].slug))
        out[key] = [{"value": r.slug, "label_nl": r.name_nl, "label_en": r.name_en, "count": n}
                    for r, n in rows]
    out["province"] = [{"value": p.refnis, "label_nl": p.name_nl, "label_en": p.name_en,
                        "count": n} for p, n in sorted(((provs[v], n) for v, n in
                                                        counts["province"] if v in provs),
                                                       key=lambda x: x[0].refnis)]
    with translation.override("nl"):
        nl = {v: str(labels.get(v, v)) for v, _n in counts["category"]}
    with translation.override("en"):
        en = {v: str(labels.get(v, v)) for v, _n in counts["category"]}
    out["category"] = [{"value": v, "label_nl": nl[v], "label_en": en[v], "count": n}
                       for v, n in sorted(counts["category"])]
    return {k: out[k] for k in FACETS}


def map_features(user: Any, params: dict[str, str], *, focus: str = "",
                 per_marker: int = 10) -> dict[str, Any]:
    """GeoJSON of the current result set: one marker per municipality (its centroid) listing
    up to ``per_marker`` cases (the focused case always among them)."""
    query = search.parse(str(params.get("q") or ""))
    qs = fts_match(apply_filters(case_visible_to(user), params), query).filter(
        municipality__isnull=False)
    rows = qs.order_by("title", "slug").values_list(
        "slug", "title", "organisation_name", "municipality__refnis", "municipality__name_nl",
        "municipality__lat", "municipality__lon")
    groups: dict[str, dict[str, Any]] = {}
    for slug, title, org, refnis, name, lat, lon in rows:
        g = groups.setdefault(refnis, {"name": name, "lat": lat, "lon": lon, "cases": [],
                                       "count": 0, "focus": False})
        g["count"] += 1
        item = {"slug": slug, "title": title, "organisation": org, "url": f"/doers/{slug}/"}
        if slug == focus:
            g["focus"] = True
            g["cases"].insert(0, item)
        elif len(g["cases"]) < per_marker:
            g["cases"].append(item)
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [g["lon"], g["lat"]]},
              "properties": {"refnis": refnis, "municipality": g["name"], "count": g["count"],
                             "focus": g["focus"], "cases": g["cases"][:per_marker + 1]}}
             for refnis, g in sorted(groups.items())]
    return {"type": "FeatureCollection", "features": feats}


def case_export_rows(user: Any = None) -> list[dict[str, Any]]:
    """Every visible case (all of them for the command line) as flat rows, in import columns."""
    qs = Case.objects.all() if user is None else case_visible_to(user)
    out = []
    for c in _with_relations(qs.order_by("slug")):
        out.append({
            "slug": c.slug, "title": c.title, "summary": c.summary, "body": c.body,
            "organisation": c.organisation_id or "", "organisation_name": c.organisation_name,
            "agendas": ",".join(a.slug for a in c.agendas.all()),
            "r_strategies": ",".join(r.slug for r in c.r_strategies.all()),
            "value_chain": c.value_chain.slug if c.value_chain else "",
            "sector_group": c.sector_group.slug if c.sector_group else "",
            "refnis": c.municipality.refnis if c.municipality else "",
            "province": c.province.refnis if c.province else "",
            "category": c.category, "links": " ".join(c.links), "status": c.status,
        })
    return out
