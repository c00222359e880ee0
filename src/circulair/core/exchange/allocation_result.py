"""The result of an allocation (:class:`Allocation`) and its assembly with per-unit totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from circulair.core.exchange.listing_arrays import ListingArrays
from circulair.core.exchange.taxonomy import UNITS

__all__ = ["Allocation", "build_allocation"]


@dataclass(frozen=True, eq=False)
class Allocation:
    """Quantities assigned to candidate pairs (only pairs with a positive quantity are listed).

    Attributes
    ----------
    offer, request : ndarray of int
        Positions in the offers / requests arrays given to
        :func:`~circulair.core.exchange.allocation.allocate`.
    quantity : ndarray of float
        Amount shipped over the pair, in the pair's unit (per year for per-year listings).
    distance_km : ndarray of float
        Road distance of the pair (haversine × road factor).
    offer_allocated, request_allocated : ndarray of float
        Total allocated per listing (0 for listings without allocation).
    matched : dict
        Unit -> total matched quantity (the first objective, per unit).
    transport : dict
        Unit -> Σ quantity × km (the second objective: t·km, m³·km, piece·km).
    status : {"optimal", "lots_heuristic"}
        ``lots_heuristic`` when minimum lots forced pairs out after the first solve; the
        allocation is then feasible but not proven optimal (see
        :mod:`circulair.core.exchange.allocation`).
    details : dict
        Sizes and timings (pairs, components, largest component, models, seconds).
    """

    offer: NDArray[np.int64]
    request: NDArray[np.int64]
    quantity: NDArray[np.float64]
    distance_km: NDArray[np.float64]
    offer_allocated: NDArray[np.float64]
    request_allocated: NDArray[np.float64]
    matched: dict[str, float]
    transport: dict[str, float]
    status: str
    road_factor: float
    details: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.offer.shape[0])

    def records(self, offers: ListingArrays, requests: ListingArrays) -> list[dict[str, Any]]:
        """Rows as dicts with listing ids and units (for APIs and exports)."""
        return [
            {
                "offer_id": str(offers.id[o]),
                "request_id": str(requests.id[r]),
                "quantity": float(q),
                "unit": UNITS[int(offers.unit[o])],
                "distance_km": float(d),
            }
            for o, r, q, d in zip(
                self.offer, self.request, self.quantity, self.distance_km, strict=True
            )
        ]


def build_allocation(
    off: ListingArrays,
    req: ListingArrays,
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    x: NDArray[np.float64],
    d: NDArray[np.float64],
    rf: float,
    status: str,
    details: dict[str, Any],
) -> Allocation:
    """The Allocation of amounts ``x`` over pairs ``(o, r)``, sorted, with per-unit totals."""
    order = np.lexsort((r, o))
    o, r, x, d = o[order], r[order], x[order], d[order]
    unit = off.unit[o]
    matched: dict[str, float] = {
        u: float(x[unit == i].sum()) for i, u in enumerate(UNITS) if (unit == i).any()
    }
    transport: dict[str, float] = {
        u: float((x * d)[unit == i].sum()) for i, u in enumerate(UNITS) if (unit == i).any()
    }
    return Allocation(
        offer=o,
        request=r,
        quantity=x,
        distance_km=d,
        offer_allocated=np.bincount(o, weights=x, minlength=len(off)).astype(np.float64),
        request_allocated=np.bincount(r, weights=x, minlength=len(req)).astype(np.float64),
        matched=matched,
        transport=transport,
        status=status,
        road_factor=rf,
        details=details,
    )
