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

:func:`candidates_scan` is the brute-force reference (every offer for every request, chunked),
used by the tests - both must return identical tables - and as the benchmark's baseline.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from circulair.core.errors import InputError, Problem
from circulair.core.exchange.codes import GRADES
from circulair.core.exchange.listing import Listing
from circulair.core.exchange.listing_arrays import ListingArrays, listings_to_arrays
from circulair.core.exchange.ranking import top_k
from circulair.core.exchange.rules import (
    PAIR_RULES,
    Side,
    class_masks,
    pair_masks,
    score_components,
    side_arrays,
    within_radius,
)
from circulair.core.exchange.taxonomy import FREQUENCIES, UNITS, Taxonomy
from circulair.core.geo.distance import EARTH_RADIUS_KM, haversine_km

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

CRITERIA: tuple[str, ...] = (
    "material",
    "unit",
    "frequency",
    "organisation",
    "time_window",
    "quantity",
    "route",
    "quality",
    "certification",
    "hazardous",
    "radius",
)
"""Names of the candidate tests, in the order :func:`pair_checks` reports them."""

logger = logging.getLogger(__name__)

_CHORD_SLACK = 1e-9


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the score components; non-negative, summing to 1 so the score is in [0, 1]."""

    distance: float = 0.40
    quantity: float = 0.20
    route: float = 0.25
    quality: float = 0.15

    def __post_init__(self) -> None:
        vals = {
            "distance": self.distance,
            "quantity": self.quantity,
            "route": self.route,
            "quality": self.quality,
        }
        p = [
            Problem("a weight must be a finite number >= 0", field=k, value=v)
            for k, v in vals.items()
            if not (math.isfinite(v) and v >= 0)
        ]
        if not p and abs(sum(vals.values()) - 1.0) > 1e-9:
            p.append(
                Problem("the weights must sum to 1", field="weights", value=sum(vals.values()))
            )
        if p:
            raise InputError(p)


@dataclass(frozen=True, eq=False)
class MatchTable:
    """Ranked candidate pairs, as parallel arrays (one row per pair).

    Rows are sorted by anchor (the request, or the offer when ``by == "offer"``) and then by rank.
    ``offer`` / ``request`` are positions in the :class:`ListingArrays` given to
    :func:`candidates`; ``distance_km`` is the road distance (great-circle × ``road_factor``);
    ``score`` and its components ``s_distance``, ``s_quantity``, ``s_route``, ``s_quality`` are
    defined in the module docstring; ``rank`` is 1 for the best candidate of its anchor.
    """

    by: Literal["request", "offer"]
    k: int
    road_factor: float
    weights: ScoreWeights
    request: NDArray[np.int64]
    offer: NDArray[np.int64]
    distance_km: NDArray[np.float64]
    score: NDArray[np.float64]
    rank: NDArray[np.int32]
    s_distance: NDArray[np.float64]
    s_quantity: NDArray[np.float64]
    s_route: NDArray[np.float64]
    s_quality: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.request.shape[0])

    def rows_for_request(self, request: int) -> NDArray[np.int64]:
        """Row numbers of a request's candidates (in rank order when ``by == "request"``)."""
        return np.flatnonzero(self.request == request)

    def rows_for_offer(self, offer: int) -> NDArray[np.int64]:
        """Row numbers of an offer's candidates (in rank order when ``by == "offer"``)."""
        return np.flatnonzero(self.offer == offer)

    def records(self, offers: ListingArrays, requests: ListingArrays) -> list[dict[str, Any]]:
        """Rows as dicts with listing ids instead of positions (for APIs and exports)."""
        return [
            {
                "request_id": str(requests.id[r]),
                "offer_id": str(offers.id[o]),
                "rank": int(k),
                "score": float(s),
                "distance_km": float(d),
            }
            for r, o, k, s, d in zip(
                self.request, self.offer, self.rank, self.score, self.distance_km, strict=True
            )
        ]


def as_arrays(
    listings: ListingArrays | Sequence[Listing],
    kind: Literal["offer", "request"],
    taxonomy: Taxonomy | None = None,
) -> ListingArrays:
    """Accept either form of listings; check the kind."""
    if isinstance(listings, ListingArrays):
        if listings.kind != kind:
            raise InputError.single(f"expected {kind}s", field=f"{kind}s", value=listings.kind)
        return listings
    return listings_to_arrays(list(listings), kind, taxonomy)


def _check_common(offers: ListingArrays, requests: ListingArrays, road_factor: float) -> None:
    p: list[Problem] = []
    if not (math.isfinite(road_factor) and road_factor >= 1.0):
        p.append(
            Problem(
                "road_factor must be a number >= 1 (road distance is never shorter "
                "than the straight line)",
                field="road_factor",
                value=road_factor,
            )
        )
    if (
        offers.taxonomy is not requests.taxonomy
        and offers.taxonomy.slugs != requests.taxonomy.slugs
    ):
        p.append(
            Problem("offers and requests were coded with different taxonomies", field="taxonomy")
        )
    if p:
        raise InputError(p)


# --------------------------------------------------------------------------------------------
# Per-pair tests, distance and score (shared by the fast path, the scan and the checks)


def pair_distance_km(
    offers: ListingArrays,
    requests: ListingArrays,
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    road_factor: float,
) -> NDArray[np.float64]:
    """Road distance of each pair: haversine great-circle km × ``road_factor``."""
    d = haversine_km(offers.lat[o], offers.lon[o], requests.lat[r], requests.lon[r])
    return np.asarray(d * road_factor, dtype=np.float64)


def _org_codes(
    offers: ListingArrays, requests: ListingArrays
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    _, inv = np.unique(
        np.concatenate([offers.organisation, requests.organisation]), return_inverse=True
    )
    inv = inv.astype(np.int64).ravel()
    return inv[: len(offers)], inv[len(offers) :]


def pair_checks(
    offers: ListingArrays,
    requests: ListingArrays,
    offer_idx: Any,
    request_idx: Any,
    *,
    road_factor: float = 1.3,
) -> dict[str, NDArray[np.bool_]]:
    """Every candidate test (:data:`CRITERIA`) for each given pair: name -> True where it passes.

    Computed directly per pair, without the classes and trees of :func:`candidates`, so it serves
    as the independent check of candidate sets and allocations and as the explanation of why a
    pair is not a candidate.
    """
    o = np.asarray(offer_idx, dtype=np.int64)
    r = np.asarray(request_idx, dtype=np.int64)
    org_o, org_r = _org_codes(offers, requests)
    so, sr = Side(side_arrays(offers, org_o), o), Side(side_arrays(requests, org_r), r)
    out = class_masks(so, sr, offers.taxonomy.compat)
    out.update(pair_masks(so, sr))
    out["radius"] = within_radius(
        pair_distance_km(offers, requests, o, r, road_factor), requests.radius_km[r]
    )
    return {k: out[k] for k in CRITERIA}


def pair_scores(
    offers: ListingArrays,
    requests: ListingArrays,
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    distance_km: NDArray[np.float64],
    weights: ScoreWeights,
) -> dict[str, NDArray[np.float64]]:
    """Score components and total for pairs (formulas in the module docstring)."""
    return score_components(
        Side(side_arrays(offers), o), Side(side_arrays(requests), r), distance_km, weights
    )


# --------------------------------------------------------------------------------------------
# Fast path


def _chord(radius_km: NDArray[np.float64] | float, road_factor: float) -> NDArray[np.float64]:
    theta = np.minimum(
        np.asarray(radius_km, dtype=np.float64) / (road_factor * EARTH_RADIUS_KM), np.pi
    )
    return np.asarray(2.0 * np.sin(theta / 2.0) * (1.0 + _CHORD_SLACK) + 1e-15)


def _groups(keys: NDArray[np.int64]) -> dict[int, NDArray[np.int64]]:
    if len(keys) == 0:
        return {}
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    cuts = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])
    return {int(k[cuts[i]]): order[cuts[i] : cuts[i + 1]] for i in range(len(cuts) - 1)}


def _spatial_batches(
    anchor_xyz: NDArray[np.float64],
    anchor_idx: NDArray[np.int64],
    other_xyz: NDArray[np.float64],
    other_idx: NDArray[np.int64],
    chord: NDArray[np.float64],
    chunk: int,
) -> Iterator[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]]:
    """Per chunk of anchors: (anchor positions, chunk-local anchor of each hit, hit position in
    ``other_idx``, chord length) for every pair within the chunk's largest chord.

    A dual-tree traversal (``cKDTree.sparse_distance_matrix``, NumPy output) finds the pairs and
    their chord lengths without building Python lists; hits are in no particular order.
    """
    tree = cKDTree(other_xyz[other_idx], balanced_tree=False, compact_nodes=False)
    for c0 in range(0, len(anchor_idx), chunk):
        a = anchor_idx[c0 : c0 + chunk]
        near = cKDTree(anchor_xyz[a], balanced_tree=False, compact_nodes=False)
        m = near.sparse_distance_matrix(
            tree, float(chord[c0 : c0 + chunk].max()), output_type="ndarray"
        )
        if len(m) == 0:
            continue
        yield a, m["i"].astype(np.int64), m["j"].astype(np.int64), m["v"].astype(np.float64)


_SIDE_FIELDS = (
    "available_from",
    "available_to",
    "quantity",
    "min_quantity",
    "route_rank",
    "grade",
    "certified",
    "lat",
    "lon",
    "org",
    "haz",
    "radius_km",
)
_AFTER_WINDOW = tuple(name for name in PAIR_RULES if name != "time_window")


def _side(
    x: ListingArrays, idx: NDArray[np.int64], org: NDArray[np.int64]
) -> dict[str, NDArray[Any]]:
    """The fields the pair rules need, for the listings at ``idx`` (small, cache-friendly)."""
    base = side_arrays(x, org)
    out = {f: base[f][idx] for f in _SIDE_FIELDS if f in base}
    for f in ("available_from", "available_to", "org"):  # fit in int32: half the traffic
        out[f] = out[f].astype(np.int32)
    return out


def _batch(
    off: dict[str, NDArray[Any]],
    req: dict[str, NDArray[Any]],
    io: NDArray[np.int64],
    ir: NDArray[np.int64],
    chord: NDArray[np.float64],
    road_factor: float,
    weights: ScoreWeights,
) -> tuple[NDArray[np.int64], NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    """Apply the tests to pairs (``io`` into ``off``, ``ir`` into ``req``), most selective
    first; return the surviving pair numbers, their road distance and their scores.

    The rules and the score of :mod:`~circulair.core.exchange.rules` (as in :func:`pair_checks`
    and :func:`pair_scores`), evaluated on small per-class arrays for speed. The distance comes
    from the chord ``c`` of the KD-tree, ``2·R·asin(c/2)``, which is the haversine formula
    itself (its ``h`` is ``(c/2)²``); pairs within 1e-9 (relative) of the radius are recomputed with
    :func:`haversine_km` so that the inclusive radius test agrees with :func:`pair_checks`.
    """
    keep = np.flatnonzero(PAIR_RULES["time_window"](Side(off, io), Side(req, ir)))
    io, ir = io[keep], ir[keep]
    sel = np.flatnonzero(_all(pair_masks(Side(off, io), Side(req, ir), _AFTER_WINDOW)))
    keep, io, ir = keep[sel], io[sel], ir[sel]
    d = (2.0 * EARTH_RADIUS_KM * road_factor) * np.arcsin(np.minimum(chord[keep] * 0.5, 1.0))
    radius = req["radius_km"][ir]
    edge = np.flatnonzero(np.abs(d - radius) <= 1e-9 * radius)
    if len(edge):
        d[edge] = (
            haversine_km(
                off["lat"][io[edge]],
                off["lon"][io[edge]],
                req["lat"][ir[edge]],
                req["lon"][ir[edge]],
            )
            * road_factor
        )
    sel = np.flatnonzero(within_radius(d, radius))
    keep, io, ir, d = keep[sel], io[sel], ir[sel], d[sel]
    return keep, d, score_components(Side(off, io), Side(req, ir), d, weights)


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
        The open listings to match (see :func:`~circulair.core.exchange.listing.open_listings`).
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
    problems = []
    if not (isinstance(k, int) and k >= 1):
        problems.append(Problem("k must be a whole number >= 1", field="k", value=k))
    if by not in ("request", "offer"):
        problems.append(Problem("by must be 'request' or 'offer'", field="by", value=by))
    if problems:
        raise InputError(problems)
    _check_common(offers_a, requests_a, road_factor)
    rf = float(road_factor)
    tax = offers_a.taxonomy
    n_nodes = len(tax)
    org_o, org_r = _org_codes(offers_a, requests_a)

    def class_key(x: ListingArrays) -> NDArray[np.int64]:
        return (x.unit.astype(np.int64) * len(FREQUENCIES) + x.frequency) * n_nodes + x.material

    off_groups = _groups(class_key(offers_a))
    req_groups = _groups(class_key(requests_a))
    xyz_o, xyz_r = offers_a.xyz, requests_a.xyz
    compat = tax.compat
    anchors, others = (req_groups, off_groups) if by == "request" else (off_groups, req_groups)
    n_threads = (os.cpu_count() or 1) if workers < 1 else workers

    def run(item: tuple[int, NDArray[np.int64]]) -> list[dict[str, NDArray[Any]]]:
        key, anchor_idx = item
        uf, node = divmod(key, n_nodes)
        nodes = (
            np.flatnonzero(compat[:, node]) if by == "request" else np.flatnonzero(compat[node, :])
        )
        pieces = [others[uf * n_nodes + int(x)] for x in nodes if uf * n_nodes + int(x) in others]
        if not pieces:
            return []
        other_idx = np.concatenate(pieces)
        if by == "request":
            chord = _chord(requests_a.radius_km[anchor_idx], rf)
            batches = _spatial_batches(xyz_r, anchor_idx, xyz_o, other_idx, chord, chunk)
            other_side = _side(offers_a, other_idx, org_o)
        else:
            rmax = float(requests_a.radius_km[other_idx].max())
            chord = np.broadcast_to(_chord(rmax, rf), anchor_idx.shape)
            batches = _spatial_batches(xyz_o, anchor_idx, xyz_r, other_idx, chord, chunk)
            other_side = _side(requests_a, other_idx, org_r)
        out: list[dict[str, NDArray[Any]]] = []
        for a, seg, flat, ch in batches:
            if by == "request":
                anchor_side = _side(requests_a, a, org_r)
                keep, d, sc = _batch(other_side, anchor_side, flat, seg, ch, rf, w)
            else:
                anchor_side = _side(offers_a, a, org_o)
                keep, d, sc = _batch(anchor_side, other_side, seg, flat, ch, rf, w)
            order = np.argsort(
                seg[keep].astype(np.int16 if len(a) < 2**15 else np.int64), kind="stable"
            )
            keep, d = keep[order], d[order]
            sc = {name: v[order] for name, v in sc.items()}
            seg_k, other = seg[keep], other_idx[flat[keep]]
            rows, rank = top_k(seg_k, sc["score"], d, other, k)
            anchor = a[seg_k[rows]]
            o, r = (other[rows], anchor) if by == "request" else (anchor, other[rows])
            part: dict[str, NDArray[Any]] = {
                "request": r,
                "offer": o,
                "distance_km": d[rows],
                "rank": rank,
            }
            part.update({name: v[rows] for name, v in sc.items()})
            out.append(part)
        return out

    # Largest classes first so that the threads finish together.
    items = sorted(anchors.items(), key=lambda kv: -len(kv[1]))
    if n_threads > 1 and len(items) > 1:
        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            results = list(pool.map(run, items))
    else:
        results = [run(it) for it in items]
    parts = [p for res in results for p in res]
    table = _table(parts, by, k, rf, w)
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


def _all(masks: dict[str, NDArray[np.bool_]]) -> NDArray[np.bool_]:
    it = iter(masks.values())
    out = next(it).copy()
    for m in it:
        out &= m
    return out


def _table(
    parts: list[dict[str, NDArray[Any]]],
    by: Literal["request", "offer"],
    k: int,
    road_factor: float,
    weights: ScoreWeights,
) -> MatchTable:
    names = (
        "request",
        "offer",
        "distance_km",
        "rank",
        "score",
        "s_distance",
        "s_quantity",
        "s_route",
        "s_quality",
    )
    dtypes: dict[str, Any] = {"request": np.int64, "offer": np.int64, "rank": np.int32}
    cols = {
        n: (np.concatenate([p[n] for p in parts]) if parts else np.zeros(0)).astype(
            dtypes.get(n, np.float64)
        )
        for n in names
    }
    anchor = cols["request"] if by == "request" else cols["offer"]
    order = np.lexsort((cols["rank"], anchor))
    cols = {n: np.ascontiguousarray(v[order]) for n, v in cols.items()}
    return MatchTable(by=by, k=k, road_factor=road_factor, weights=weights, **cols)


# --------------------------------------------------------------------------------------------
# Brute-force reference


def candidates_scan(
    offers: ListingArrays,
    requests: ListingArrays,
    *,
    road_factor: float = 1.3,
    k: int = 10,
    weights: ScoreWeights | None = None,
    chunk: int = 256,
    request_subset: NDArray[np.int64] | None = None,
) -> MatchTable:
    """Top-``k`` offers per request by a brute-force NumPy scan, chunk of requests by chunk.

    The straightforward method, kept as the reference for tests and the baseline of
    ``benchmarks/bench_exchange.py``: for each chunk of requests every test is evaluated on the
    dense (chunk × all offers) grid (distance via the dot product of unit vectors), then the
    surviving pairs get the same exact distance, score and top-k selection as
    :func:`candidates`, so both return identical tables. ``request_subset`` limits the scan to
    some requests (to time or check a sample).
    """
    w = weights or ScoreWeights()
    _check_common(offers, requests, road_factor)
    rf = float(road_factor)
    compat = offers.taxonomy.compat
    org_o, org_r = _org_codes(offers, requests)
    xyz_o, xyz_r = offers.xyz, requests.xyz
    req = (
        np.arange(len(requests), dtype=np.int64)
        if request_subset is None
        else np.asarray(request_subset, dtype=np.int64)
    )
    off_base = side_arrays(offers, org_o)
    req_base = side_arrays(requests, org_r)
    row = Side(off_base, None, (None, slice(None)))  # offers along the columns
    parts: list[dict[str, NDArray[Any]]] = []
    for c0 in range(0, len(req), chunk):
        r1 = req[c0 : c0 + chunk]
        colr = Side(req_base, r1, (slice(None), None))  # this chunk's requests along the rows
        chord = _chord(requests.radius_km[r1], rf)[:, None]
        near = 2.0 - 2.0 * (xyz_r[r1] @ xyz_o.T) <= chord * chord
        mask = near & _all(class_masks(row, colr, compat)) & _all(pair_masks(row, colr))
        rr, oo = np.nonzero(mask)
        r, o = r1[rr], oo.astype(np.int64)
        d = pair_distance_km(offers, requests, o, r, rf)
        ok = within_radius(d, requests.radius_km[r])
        o, r, d = o[ok], r[ok], d[ok]
        sc = pair_scores(offers, requests, o, r, d, w)
        order = np.argsort(r, kind="stable")
        o, r, d = o[order], r[order], d[order]
        sc = {n: v[order] for n, v in sc.items()}
        rows, rank = top_k(r, sc["score"], d, o, k)
        part: dict[str, NDArray[Any]] = {
            "request": r[rows],
            "offer": o[rows],
            "distance_km": d[rows],
            "rank": rank,
        }
        part.update({name: v[rows] for name, v in sc.items()})
        parts.append(part)
    return _table(parts, "request", k, rf, w)


# --------------------------------------------------------------------------------------------
# Explanation


def explain(
    table: MatchTable,
    row: int,
    offers: ListingArrays | None = None,
    requests: ListingArrays | None = None,
) -> dict[str, Any]:
    """Why a match scores what it does: each component, its weight and its contribution.

    With the listing arrays, the listing ids, materials and units are added for display. The
    contributions sum to ``score``.
    """
    if not 0 <= row < len(table):
        raise InputError.single("no such row in the match table", field="row", value=row)
    w = table.weights
    comps = {
        "distance": (float(table.s_distance[row]), w.distance),
        "quantity": (float(table.s_quantity[row]), w.quantity),
        "route": (float(table.s_route[row]), w.route),
        "quality": (float(table.s_quality[row]), w.quality),
    }
    out: dict[str, Any] = {
        "request": int(table.request[row]),
        "offer": int(table.offer[row]),
        "rank": int(table.rank[row]),
        "score": float(table.score[row]),
        "distance_km": float(table.distance_km[row]),
        "road_factor": table.road_factor,
        "components": {
            name: {"value": v, "weight": wt, "contribution": v * wt}
            for name, (v, wt) in comps.items()
        },
    }
    if offers is not None and requests is not None:
        o, r = out["offer"], out["request"]
        tax = offers.taxonomy
        out.update(
            {
                "offer_id": str(offers.id[o]),
                "request_id": str(requests.id[r]),
                "offer_material": tax.nodes[int(offers.material[o])].slug,
                "request_material": tax.nodes[int(requests.material[r])].slug,
                "unit": UNITS[int(offers.unit[o])],
                "offer_grade": _grade(int(offers.grade[o])),
                "request_grade": _grade(int(requests.grade[r])),
                "radius_km": float(requests.radius_km[r]),
            }
        )
    return out


def _grade(code: int) -> str | None:
    return GRADES[code] if code >= 0 else None
