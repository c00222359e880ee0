"""All listings of one kind as a structure of arrays, for the vectorised engines.

Why: the matching and allocation engines work on 10^5 listings at once, which only NumPy arrays
make fast. :func:`listings_to_arrays` turns :class:`~circulair.core.exchange.listing.Listing`
records into :class:`ListingArrays`, which also validates arrays built directly (imports,
benchmarks) with the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from circulair.core.errors import InputError, Problem
from circulair.core.exchange.codes import Kind, day_number, grade_code
from circulair.core.exchange.listing import Listing
from circulair.core.exchange.taxonomy import FREQUENCIES, UNITS, Taxonomy, load_taxonomy

__all__ = ["ListingArrays", "listings_to_arrays", "split_by_kind", "unit_vectors"]


def _arr(values: ArrayLike, dtype: Any) -> NDArray[Any]:
    return np.ascontiguousarray(np.asarray(values, dtype=dtype))


@dataclass(frozen=True, eq=False)
class ListingArrays:
    """All listings of one kind as parallel arrays (structure of arrays), for vectorised engines.

    Position ``i`` of every array is listing ``i``; engines return positions, and ``id[i]`` maps
    them back. Codes: ``material`` = :meth:`Taxonomy.index`, ``unit`` = position in
    :data:`~circulair.core.exchange.taxonomy.UNITS`, ``frequency`` = position in ``FREQUENCIES``,
    ``route_rank`` = 3..9 (-1: request for any route), ``grade`` = 0/1/2 for A/B/C (-1: none or
    free text), dates = :func:`~circulair.core.exchange.codes.day_number` (``OPEN_END`` for
    open-ended), ``radius_km`` = NaN for offers. ``hazardous`` is an offer's starred code;
    ``accepts_hazardous`` a request's consent.

    Construction validates every array at once (vectorised) and raises one InputError naming
    each offending listing id and field.
    """

    kind: Kind
    taxonomy: Taxonomy
    id: NDArray[np.str_]
    organisation: NDArray[np.str_]
    material: NDArray[np.int32]
    unit: NDArray[np.int8]
    frequency: NDArray[np.int8]
    route_rank: NDArray[np.int8]
    quantity: NDArray[np.float64]
    min_quantity: NDArray[np.float64]
    available_from: NDArray[np.int64]
    available_to: NDArray[np.int64]
    grade: NDArray[np.int8]
    certified: NDArray[np.bool_]
    hazardous: NDArray[np.bool_]
    accepts_hazardous: NDArray[np.bool_]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    radius_km: NDArray[np.float64]

    def __post_init__(self) -> None:
        dtypes: dict[str, Any] = {
            "id": np.str_,
            "organisation": np.str_,
            "material": np.int32,
            "unit": np.int8,
            "frequency": np.int8,
            "route_rank": np.int8,
            "quantity": np.float64,
            "min_quantity": np.float64,
            "available_from": np.int64,
            "available_to": np.int64,
            "grade": np.int8,
            "certified": np.bool_,
            "hazardous": np.bool_,
            "accepts_hazardous": np.bool_,
            "lat": np.float64,
            "lon": np.float64,
            "radius_km": np.float64,
        }
        problems: list[Problem] = []
        if self.kind not in ("offer", "request"):
            problems.append(
                Problem("kind must be 'offer' or 'request'", field="kind", value=self.kind)
            )
        n = len(np.asarray(self.id))
        for name, dtype in dtypes.items():
            try:
                a = _arr(getattr(self, name), dtype)
            except (TypeError, ValueError) as e:
                problems.append(
                    Problem(f"cannot be read as {np.dtype(dtype).name}: {e}", field=name)
                )
                continue
            if a.shape != (n,):
                problems.append(
                    Problem(
                        f"expected {n} values (one per listing)",
                        field=name,
                        value=f"shape {a.shape}",
                    )
                )
                continue
            a.setflags(write=False)
            object.__setattr__(self, name, a)
        if problems:
            raise InputError(problems)
        self._validate()

    def _validate(self) -> None:
        p: list[Problem] = []
        ids = self.id

        def flag(mask: NDArray[np.bool_], message: str, name: str, values: NDArray[Any]) -> None:
            for i in np.flatnonzero(mask):
                p.append(Problem(message, row=str(ids[i]), field=name, value=values[i].item()))

        uniq, counts = np.unique(ids, return_counts=True)
        for dup in uniq[counts > 1]:
            p.append(Problem("duplicate listing id", field="id", value=str(dup)))
        flag(np.char.str_len(ids) == 0, "a listing needs an id", "id", ids)
        flag(
            (self.material < 0) | (self.material >= len(self.taxonomy)),
            "unknown material code",
            "material",
            self.material,
        )
        flag((self.unit < 0) | (self.unit >= len(UNITS)), "unknown unit code", "unit", self.unit)
        flag(
            (self.frequency < 0) | (self.frequency >= len(FREQUENCIES)),
            "unknown frequency code",
            "frequency",
            self.frequency,
        )
        q, mq = self.quantity, self.min_quantity
        flag(~(np.isfinite(q) & (q > 0)), "quantity must be > 0", "quantity", q)
        flag(~(np.isfinite(mq) & (mq >= 0)), "min_quantity must be >= 0", "min_quantity", mq)
        flag(
            np.isfinite(q) & (q > 0) & np.isfinite(mq) & (mq > q),
            "min_quantity cannot exceed quantity",
            "min_quantity",
            mq,
        )
        pieces = self.unit == UNITS.index("pieces")
        flag(
            pieces & (q != np.round(q)),
            "a quantity in pieces must be a whole number",
            "quantity",
            q,
        )
        flag(
            pieces & (mq != np.round(mq)),
            "a quantity in pieces must be a whole number",
            "min_quantity",
            mq,
        )
        flag(
            self.available_to < self.available_from,
            "available_to is before available_from",
            "available_to",
            self.available_to,
        )
        rr = self.route_rank
        ok_rank = (rr >= 3) & (rr <= 9)
        if self.kind == "request":
            ok_rank |= rr == -1
        flag(
            ~ok_rank,
            "route rank must be 3 (reuse) ... 9 (recover)"
            + ("" if self.kind == "offer" else " or -1 (any)"),
            "route_rank",
            rr,
        )
        flag(
            (self.grade < -1) | (self.grade > 2),
            "grade code must be -1, 0, 1 or 2",
            "grade",
            self.grade,
        )
        flag(
            ~(np.isfinite(self.lat) & (np.abs(self.lat) <= 90)),
            "latitude must be within ±90",
            "lat",
            self.lat,
        )
        flag(
            ~(np.isfinite(self.lon) & (np.abs(self.lon) <= 180)),
            "longitude must be within ±180",
            "lon",
            self.lon,
        )
        if self.kind == "request":
            r = self.radius_km
            flag(~(np.isfinite(r) & (r > 0)), "radius_km must be > 0", "radius_km", r)
        if p:
            raise InputError(p)

    def __len__(self) -> int:
        return int(self.id.shape[0])

    @property
    def xyz(self) -> NDArray[np.float64]:
        """(n, 3) points on the unit sphere, for KD-tree queries by chord length."""
        return unit_vectors(self.lat, self.lon)

    def take(self, index: ArrayLike) -> ListingArrays:
        """The listings at ``index`` (positions or boolean mask), as a new ListingArrays."""
        idx = np.asarray(index)
        names = [f for f in self.__dataclass_fields__ if f not in ("kind", "taxonomy")]
        return ListingArrays(self.kind, self.taxonomy, **{f: getattr(self, f)[idx] for f in names})


def unit_vectors(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.float64]:
    """(n, 3) Cartesian points on the unit sphere for latitude/longitude in degrees."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    c = np.cos(phi)
    return np.ascontiguousarray(np.column_stack([c * np.cos(lam), c * np.sin(lam), np.sin(phi)]))


def listings_to_arrays(
    listings: Sequence[Listing], kind: Kind, taxonomy: Taxonomy | None = None
) -> ListingArrays:
    """Arrays of ``listings`` (all of ``kind``), in the given order.

    Raises one InputError for every listing of another kind and every unknown material.
    """
    tax = taxonomy or load_taxonomy()
    problems: list[Problem] = []
    materials: list[int] = []
    for x in listings:
        if x.kind != kind:
            problems.append(Problem(f"expected only {kind}s", row=x.id, field="kind", value=x.kind))
        try:
            materials.append(tax.index(x.material, row=x.id))
        except InputError as e:
            problems.extend(e.problems)
            materials.append(-1)
    if problems:
        raise InputError(problems)
    is_req = kind == "request"
    return ListingArrays(
        kind=kind,
        taxonomy=tax,
        id=np.asarray([x.id for x in listings], dtype=np.str_),
        organisation=np.asarray([x.organisation for x in listings], dtype=np.str_),
        material=np.asarray(materials, dtype=np.int32),
        unit=np.asarray([UNITS.index(x.unit) for x in listings], dtype=np.int8),
        frequency=np.asarray([FREQUENCIES.index(x.frequency) for x in listings], dtype=np.int8),
        route_rank=np.asarray(
            [-1 if x.route_rank is None else x.route_rank for x in listings], dtype=np.int8
        ),
        quantity=np.asarray([x.quantity for x in listings], dtype=np.float64),
        min_quantity=np.asarray([x.min_quantity for x in listings], dtype=np.float64),
        available_from=np.asarray([day_number(x.available_from) for x in listings], dtype=np.int64),
        available_to=np.asarray([day_number(x.available_to) for x in listings], dtype=np.int64),
        grade=np.asarray([grade_code(x.quality) for x in listings], dtype=np.int8),
        certified=np.asarray([x.certified for x in listings], dtype=bool),
        hazardous=np.asarray([x.hazardous and not is_req for x in listings], dtype=bool),
        accepts_hazardous=np.asarray(
            [is_req and x.accepts_hazardous_effective for x in listings], dtype=bool
        ),
        lat=np.asarray([x.lat for x in listings], dtype=np.float64),
        lon=np.asarray([x.lon for x in listings], dtype=np.float64),
        radius_km=np.asarray(
            [x.radius_km if is_req and x.radius_km is not None else np.nan for x in listings],
            dtype=np.float64,
        ),
    )


def split_by_kind(
    listings: Sequence[Listing], taxonomy: Taxonomy | None = None
) -> tuple[ListingArrays, ListingArrays]:
    """(offers, requests) as arrays, each in the order the listings were given."""
    tax = taxonomy or load_taxonomy()
    offers = [x for x in listings if x.kind == "offer"]
    requests = [x for x in listings if x.kind == "request"]
    problems: list[Problem] = []
    out: list[ListingArrays] = []
    kinds: tuple[Kind, Kind] = ("offer", "request")
    for group, kind in zip((offers, requests), kinds, strict=True):
        try:
            out.append(listings_to_arrays(group, kind, tax))
        except InputError as e:
            problems.extend(e.problems)
    if problems:
        raise InputError(problems)
    return out[0], out[1]
