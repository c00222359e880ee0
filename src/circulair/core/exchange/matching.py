"""Candidate matches between offers and requests: filter, score, rank (top-k), vectorised.

Why: a requester wants the few best offers near them, out of 10^5 listings, in well under a
second per request; a planner wants the candidate graph of the whole exchange for the allocation
(:mod:`circulair.core.exchange.allocation`). Both come from :func:`candidates`.

Which pairs are candidates
--------------------------
An offer ``o`` and a request ``r`` form a candidate pair when *all* of these hold
(:func:`pair_checks` evaluates them one by one, for explanations and independent checks):

``material``       ``taxonomy.compat[o.material, r.material]`` (same node, descendant or declared
                   substitute; rule in :mod:`~circulair.core.exchange.taxonomy`);
``unit``           the same unit (no density guessing);
``frequency``      both one-off or both per year;
``organisation``   different organisations (nobody is matched with themselves);
``time_window``    the availability windows overlap, both ends inclusive:
                   ``o.from <= r.to and r.from <= o.to`` - windows touching on the same day
                   overlap, windows a day apart do not;
``quantity``       ``min(q_o, q_r) >= max(min_o, min_r)``: the most the pair can trade meets both
                   minimum lots (with no minimum, any positive quantity qualifies);
``route``          the request is for any route, or for a rung no higher than the offer's:
                   ``rank_o <= rank_r`` (an offer fit for reuse may be recycled, not vice versa);
``quality``        no grade on either side, or the offer's grade at least the requested one
                   (A > B > C);
``certification``  the request does not require a certificate, or the offer has one;
``hazardous``      the offer is not hazardous, or the request accepts hazardous material;
``radius``         road distance ``d = great-circle × road_factor <= r.radius_km`` (inclusive).

Score (in [0, 1], higher is better)
-----------------------------------
``score = w_d·s_d + w_q·s_q + w_r·s_r + w_c·s_c`` with weights :class:`ScoreWeights`
(default 0.40, 0.20, 0.25, 0.15; they must sum to 1):

* distance ``s_d = 1 - d / radius``: 1 next door, 0 at the edge of the request's radius;
* quantity fit ``s_q = min(q_o, q_r) / max(q_o, q_r)``: 1 when one listing covers the other
  exactly, low when a tiny lot meets a large need (or vice versa);
* route ``s_r = (9 - rank) / 6`` for the rung the match realises, ``rank = max(rank_o, rank_r)``
  (the request's route when given, else the offer's): reuse 1, repair 5/6, ..., recycle 1/6,
  recover 0 - higher rungs first, as the R-ladder asks;
* quality ``s_c = 0.8·fit + 0.2·certified_offer``, with ``fit`` = 1 when the request sets no
  grade, 0.5 when it does but the offer gives none (unverifiable), else ``1 - 0.25·(g_r - g_o)``
  (an exact grade match scores 1; an over-qualified offer less, since it could serve a more
  demanding request).

Ranking: per anchor (each request, or each offer with ``by="offer"``) by score descending, ties by
distance ascending, then by the other side's position - deterministic. ``rank`` starts at 1.

Algorithm
---------
Requests are grouped into classes (unit, frequency, material node); a class's compatible offers
are the offer groups (unit, frequency, x) with ``compat[x, node]``, so material, unit and
frequency never need a per-pair test. For each class, a ``scipy.spatial.cKDTree`` over the
offers' points on the unit sphere is joined with a small tree over a chunk of the class's
requests (``sparse_distance_matrix``, a dual-tree traversal with NumPy output): every pair whose
chord is within ``2·sin(radius / (road_factor·R) / 2)`` (the chunk's largest radius, plus a
relative slack of 1e-9 so that a pair exactly on the radius is not lost to rounding). The
remaining tests run as NumPy operations on the flat pair arrays, cheapest and most selective
first; the road distance is ``2·R·asin(chord/2)·road_factor`` - the haversine formula itself,
since haversine's ``h`` is ``(chord/2)²`` - recomputed with
:func:`circulair.core.geo.distance.haversine_km` for pairs within 1e-9 of the radius so that
the inclusive test agrees exactly with :func:`pair_checks`. The top k per request are selected
with a padded ``np.partition`` (keeping ties) and ordered with ``np.lexsort``. Classes run on a
thread pool (NumPy and the KD-tree release the GIL). ``by="offer"`` swaps the roles (trees over
requests, the chunk's query radius being the largest radius among the class's requests).

:func:`~circulair.core.exchange.scan.candidates_scan` is the brute-force reference (every offer
for every request, chunked), used by the tests - both must return identical tables - and as the
benchmark's baseline.

Where the parts live: per-pair tests, distance, score and :class:`ScoreWeights` in
:mod:`~circulair.core.exchange.pairs` (applying :mod:`~circulair.core.exchange.rules`), the
per-class KD-tree search in :mod:`~circulair.core.exchange.search`, the table and
:func:`explain` in :mod:`~circulair.core.exchange.match_table`, input checks in
:mod:`~circulair.core.exchange.inputs`; this module runs the search and re-exports the names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Literal

from circulair.core.exchange.inputs import as_arrays, check_pair_inputs, check_search_options
from circulair.core.exchange.listing import Listing
from circulair.core.exchange.listing_arrays import ListingArrays
from circulair.core.exchange.match_table import MatchTable, build_table, explain
from circulair.core.exchange.pairs import (
    CRITERIA,
    ScoreWeights,
    org_codes,
    pair_checks,
    pair_distance_km,
    pair_scores,
)
from circulair.core.exchange.scan import candidates_scan
from circulair.core.exchange.search import ClassSearch, class_keys, groups
from circulair.core.exchange.threads import parallel, thread_count

__all__ = [
    "CRITERIA",
    "MatchTable",
    "ScoreWeights",
    "as_arrays",
    "candidates",
    "candidates_scan",
    "explain",
    "pair_checks",
    "pair_distance_km",
    "pair_scores",
]

logger = logging.getLogger(__name__)


def candidates(
    offers: ListingArrays | Sequence[Listing],
    requests: ListingArrays | Sequence[Listing],
    *,
    road_factor: float = 1.3,
    k: int = 10,
    by: Literal["request", "offer"] = "request",
    weights: ScoreWeights | None = None,
    workers: int = -1,
    chunk: int = 512,
) -> MatchTable:
    """Top-``k`` candidate offers per request (or requests per offer with ``by="offer"``).

    Parameters
    ----------
    offers, requests : ListingArrays or sequence of Listing
        The open listings to match (see :func:`~circulair.core.exchange.model.open_listings`).
    road_factor : float
        Road km per great-circle km (>= 1); 1.3 is typical for Flanders.
    k : int
        Candidates kept per anchor.
    by : {"request", "offer"}
        Whose lists to build: best offers for each request, or best requests for each offer.
    weights : ScoreWeights, optional
        Score weights (default :class:`ScoreWeights`).
    workers : int
        Threads working on different material classes at once (-1: one per core). NumPy and
        the KD-tree release the GIL for most of the work.
    chunk : int
        Anchors per KD-tree query, bounding memory.

    Returns
    -------
    MatchTable
        Rows sorted by anchor then rank. Tests, score and algorithm: module docstring.
    """
    t0 = time.perf_counter()
    w = weights or ScoreWeights()
    offers_a = as_arrays(offers, "offer")
    requests_a = as_arrays(requests, "request", offers_a.taxonomy)
    check_search_options(k, by)
    check_pair_inputs(offers_a, requests_a, road_factor)
    rf = float(road_factor)
    tax = offers_a.taxonomy
    n_nodes = len(tax)
    org_o, org_r = org_codes(offers_a, requests_a)
    off_groups = groups(class_keys(offers_a, n_nodes))
    req_groups = groups(class_keys(requests_a, n_nodes))
    anchors, others = (req_groups, off_groups) if by == "request" else (off_groups, req_groups)
    search = ClassSearch(
        offers=offers_a,
        requests=requests_a,
        by=by,
        k=k,
        road_factor=rf,
        weights=w,
        chunk=chunk,
        n_nodes=n_nodes,
        others=others,
        org_o=org_o,
        org_r=org_r,
        xyz_o=offers_a.xyz,
        xyz_r=requests_a.xyz,
        compat=tax.compat,
    )
    # Largest classes first so that the threads finish together.
    items = sorted(anchors.items(), key=lambda kv: -len(kv[1]))
    results = parallel(search, items, thread_count(workers))
    parts = [p for res in results for p in res]
    table = build_table(parts, by, k, rf, w)
    logger.info(
        "candidates offers=%d requests=%d by=%s k=%d classes=%d: %d pairs, %.2fs",
        len(offers_a),
        len(requests_a),
        by,
        k,
        len(items),
        len(table),
        time.perf_counter() - t0,
    )
    return table
