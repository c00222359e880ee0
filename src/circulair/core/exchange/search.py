"""The fast candidate search within one class of listings: a KD-tree join on the unit sphere,
then the rules on flat pair arrays, most selective first, and the top k per anchor.

The algorithm is described in :mod:`circulair.core.exchange.matching`; the rules and the score
come from :mod:`~circulair.core.exchange.rules`, as in the per-pair checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from circulair.core.exchange.listing_arrays import ListingArrays
from circulair.core.exchange.pairs import ScoreWeights, all_pass, query_chord
from circulair.core.exchange.ranking import top_k
from circulair.core.exchange.rules import (
    PAIR_RULES,
    Side,
    pair_masks,
    score_components,
    side_arrays,
    within_radius,
)
from circulair.core.exchange.taxonomy import FREQUENCIES
from circulair.core.geo.distance import EARTH_RADIUS_KM, haversine_km

__all__ = ["ClassSearch", "class_keys", "groups"]


def class_keys(x: ListingArrays, n_nodes: int) -> NDArray[np.int64]:
    """Class of each listing - (unit, frequency, material node) - as one integer."""
    return (x.unit.astype(np.int64) * len(FREQUENCIES) + x.frequency) * n_nodes + x.material


def groups(keys: NDArray[np.int64]) -> dict[int, NDArray[np.int64]]:
    """Key -> positions with that key (in their original order)."""
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

    The rules and the score of :mod:`~circulair.core.exchange.rules` (as in
    :func:`~circulair.core.exchange.pairs.pair_checks` and
    :func:`~circulair.core.exchange.pairs.pair_scores`), evaluated on small per-class arrays for
    speed. The distance comes from the chord ``c`` of the KD-tree, ``2·R·asin(c/2)``, which is
    the haversine formula itself (its ``h`` is ``(c/2)²``); pairs within 1e-9 (relative) of the
    radius are recomputed with :func:`haversine_km` so that the inclusive radius test agrees
    with ``pair_checks``.
    """
    keep = np.flatnonzero(PAIR_RULES["time_window"](Side(off, io), Side(req, ir)))
    io, ir = io[keep], ir[keep]
    sel = np.flatnonzero(all_pass(pair_masks(Side(off, io), Side(req, ir), _AFTER_WINDOW)))
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


@dataclass(frozen=True, eq=False)
class ClassSearch:
    """The search of one class of anchors, holding what every class of the call shares.

    Anchors are requests (``by="request"``: trees over the compatible offers, each anchor's own
    radius) or offers (``by="offer"``: trees over the requests, the chunk's query radius being
    the largest radius among the class's requests). Called with ``(class key, anchor
    positions)``; returns the top-``k`` rows of those anchors as pieces for
    :func:`~circulair.core.exchange.match_table.build_table`.
    """

    offers: ListingArrays
    requests: ListingArrays
    by: Literal["request", "offer"]
    k: int
    road_factor: float
    weights: ScoreWeights
    chunk: int
    n_nodes: int
    others: dict[int, NDArray[np.int64]]
    org_o: NDArray[np.int64]
    org_r: NDArray[np.int64]
    xyz_o: NDArray[np.float64]
    xyz_r: NDArray[np.float64]
    compat: NDArray[np.bool_]

    def __call__(self, item: tuple[int, NDArray[np.int64]]) -> list[dict[str, NDArray[Any]]]:
        by, k, rf, w, chunk, n_nodes = (
            self.by,
            self.k,
            self.road_factor,
            self.weights,
            self.chunk,
            self.n_nodes,
        )
        offers_a, requests_a, others, compat = self.offers, self.requests, self.others, self.compat
        org_o, org_r, xyz_o, xyz_r = self.org_o, self.org_r, self.xyz_o, self.xyz_r
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
            chord = query_chord(requests_a.radius_km[anchor_idx], rf)
            batches = _spatial_batches(xyz_r, anchor_idx, xyz_o, other_idx, chord, chunk)
            other_side = _side(offers_a, other_idx, org_o)
        else:
            rmax = float(requests_a.radius_km[other_idx].max())
            chord = np.broadcast_to(query_chord(rmax, rf), anchor_idx.shape)
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
