"""The ranked candidate table (:class:`MatchTable`): its assembly from per-class pieces and the
explanation of one row's score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from circulair.core.errors import InputError
from circulair.core.exchange.breakdown import score_parts
from circulair.core.exchange.codes import GRADES
from circulair.core.exchange.listing_arrays import ListingArrays
from circulair.core.exchange.pairs import ScoreWeights
from circulair.core.exchange.taxonomy import UNITS

__all__ = ["MatchTable", "build_table", "explain"]


@dataclass(frozen=True, eq=False)
class MatchTable:
    """Ranked candidate pairs, as parallel arrays (one row per pair).

    Rows are sorted by anchor (the request, or the offer when ``by == "offer"``) and then by rank.
    ``offer`` / ``request`` are positions in the :class:`ListingArrays` given to
    :func:`~circulair.core.exchange.matching.candidates`; ``distance_km`` is the road distance
    (great-circle × ``road_factor``); ``score`` and its components ``s_distance``,
    ``s_quantity``, ``s_route``, ``s_quality`` are defined in
    :mod:`circulair.core.exchange.matching`; ``rank`` is 1 for the best candidate of its anchor.
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


def build_table(
    parts: list[dict[str, NDArray[Any]]],
    by: Literal["request", "offer"],
    k: int,
    road_factor: float,
    weights: ScoreWeights,
) -> MatchTable:
    """One table from the per-class (or per-chunk) pieces, sorted by anchor and then rank."""
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


def explain(
    table: MatchTable,
    row: int,
    offers: ListingArrays | None = None,
    requests: ListingArrays | None = None,
) -> dict[str, Any]:
    """Why a match scores what it does: each component, its weight and its contribution.

    Codes and numbers only, never prose or display names: ``parts`` are the
    :class:`~circulair.core.exchange.breakdown.ScorePart` records (``components`` the same as a
    mapping); with the listing arrays, the listing ids, the materials as taxonomy codes
    (``offer_material`` / ``request_material``), the unit code and the grades are added. The edge
    renders them in the reader's language (``MaterialNode.name``). The contributions sum to
    ``score``.
    """
    if not 0 <= row < len(table):
        raise InputError.single("no such row in the match table", field="row", value=row)
    parts = score_parts(
        table.s_distance[row],
        table.s_quantity[row],
        table.s_route[row],
        table.s_quality[row],
        table.weights,
    )
    out: dict[str, Any] = {
        "request": int(table.request[row]),
        "offer": int(table.offer[row]),
        "rank": int(table.rank[row]),
        "score": float(table.score[row]),
        "distance_km": float(table.distance_km[row]),
        "road_factor": table.road_factor,
        "parts": parts,
        "components": {
            p.code: {"value": p.value, "weight": p.weight, "contribution": p.contribution}
            for p in parts
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
