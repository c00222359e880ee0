"""Listings of the secondary-materials exchange: one record per offer or request, and the same
data as a structure of arrays for vectorised matching.

Why two forms: the web layer creates, edits and validates one :class:`Listing` at a time, with
messages per field; the matching and allocation engines work on 10^5 listings at once, which only
NumPy arrays make fast. :func:`listings_to_arrays` turns the first into the second, and
:class:`ListingArrays` validates arrays built directly (imports, benchmarks) with the same rules.

Field semantics that differ between an offer and a request
-----------------------------------------------------------
``route``
    Offer: the highest R-ladder rung the material is fit for (required). Request: the route the
    requester will apply, or ``None`` for "any". A request for a rung higher than the offer's is
    not served (material offered for recycling cannot be reused); see ``matching``.
``quality``
    Offer: its grade (``"A"`` best, ``"B"``, ``"C"``) or free text. Request: the minimum grade
    accepted, or free text / ``None`` for no requirement. Free text is kept for display but not
    interpreted.
``certified``
    Offer: the batch carries a certificate (e.g. a product certificate for recycled aggregates).
    Request: a certificate is required.
``ewc`` / ``accepts_hazardous``
    An offer whose List-of-Waste code carries ``*`` is hazardous; it is only matched with requests
    that accept hazardous material (``accepts_hazardous``, implied by a request's own ``*`` code).
``min_quantity``
    The smallest amount the listing's owner will trade in one match (0: any part). A pair is only
    a candidate when ``min(q_offer, q_request) >= max(min_offer, min_request)``, and the allocation
    never assigns a positive amount below that.
``radius_km``
    Requests only: maximum road distance (default 50 km). Offers have none.

Quantities are per batch for ``frequency="once"`` and per year for ``"per_year"``. A one-off batch
and a yearly stream are not compared (a recurring supply and a single lot are different deals, and
comparing them would need a horizon that neither side stated). ``available_to=None`` means
open-ended. Dates are whole days and windows include both ends.

Status lifecycle: ``draft -> published -> matched -> closed``, with ``published -> expired`` when
the window has passed, ``draft|published -> closed`` (withdrawn) and ``matched -> published``
(the deal fell through). Only published listings are open for matching (:func:`open_listings`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import yaml
from numpy.typing import ArrayLike, NDArray

from circulair.core.errors import InputError, Problem
from circulair.core.exchange.taxonomy import (
    FREQUENCIES,
    UNITS,
    Frequency,
    Taxonomy,
    Unit,
    load_taxonomy,
    parse_frequency,
    parse_unit,
    validate_ewc,
)
from circulair.core.geo.reference import RegionGeography

__all__ = [
    "DEFAULT_RADIUS_KM",
    "EPOCH",
    "GRADES",
    "OPEN_END",
    "STATUSES",
    "TRANSITIONS",
    "Kind",
    "Listing",
    "ListingArrays",
    "Location",
    "Status",
    "day_number",
    "listings_to_arrays",
    "locate",
    "open_listings",
    "route_rank",
    "routes",
    "split_by_kind",
    "transition",
    "unit_vectors",
]

Kind = Literal["offer", "request"]
Status = Literal["draft", "published", "matched", "closed", "expired"]
STATUSES: tuple[Status, ...] = get_args(Status)

TRANSITIONS: dict[Status, frozenset[Status]] = {
    "draft": frozenset({"published", "closed"}),
    "published": frozenset({"matched", "closed", "expired"}),
    "matched": frozenset({"closed", "published"}),
    "closed": frozenset(),
    "expired": frozenset({"published"}),
}
"""Allowed status changes; ``expired -> published`` re-opens a listing with a new window."""

DEFAULT_RADIUS_KM = 50.0
"""Search radius of a request when none is given (road km)."""

GRADES: tuple[str, ...] = ("A", "B", "C")
"""Quality grades, best first; the position is the integer code in :class:`ListingArrays`."""

EPOCH = dt.date(1970, 1, 1)
OPEN_END = 10**9
"""Day number standing for an open-ended availability (far beyond any real date)."""

_MATERIAL_RANKS = range(3, 10)  # R3 reuse ... R9 recover: routes a secondary material can take


@lru_cache(maxsize=1)
def routes() -> dict[str, int]:
    """R-strategy slug -> rank for the routes a listing can take (R3 reuse ... R9 recover).

    Read from the knowledge base's ``r_ladder.yaml`` so that the exchange and the rest of the
    platform share one ladder. R0-R2 (refuse, rethink, reduce) avoid a material altogether and are
    therefore no route for a material that exists.
    """
    path = Path(__file__).resolve().parents[2] / "data" / "knowledge" / "r_ladder.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, int] = {}
    for rec in raw["records"]:
        rank = (rec.get("attributes") or {}).get("rank")
        if isinstance(rank, int) and rank in _MATERIAL_RANKS:
            out[str(rec["slug"])] = rank
    return out


def route_rank(route: str, *, field: str = "route", row: int | str | None = None) -> int:
    """Rank (3 reuse ... 9 recover) of an R-strategy given as ``"r3-reuse"`` or ``"reuse"``."""
    key = str(route).strip().lower()
    table = routes()
    if key in table:
        return table[key]
    for slug, rank in table.items():
        if slug.split("-", 1)[1] == key:
            return rank
    names = ", ".join(s.split("-", 1)[1] for s in table)
    raise InputError.single(
        f"route must be one of {names} (or their R-ladder slugs)", row=row, field=field, value=route
    )


def _route_slug(rank: int) -> str:
    return next(s for s, r in routes().items() if r == rank)


def day_number(d: dt.date | None) -> int:
    """Days since 1970-01-01 (``OPEN_END`` for ``None``), the integer dates of the arrays."""
    return OPEN_END if d is None else (d - EPOCH).days


def grade_code(quality: str | None) -> int:
    """0/1/2 for grade A/B/C (case-insensitive), -1 for free text or none."""
    q = (quality or "").strip().upper()
    return GRADES.index(q) if q in GRADES else -1


@dataclass(frozen=True)
class Location:
    """A resolved place: coordinates plus the municipality they came from, when known."""

    lat: float
    lon: float
    refnis: str | None = None
    postal_code: str | None = None
    source: Literal["coordinates", "postal_code", "municipality"] = "coordinates"


def locate(
    region: RegionGeography,
    *,
    lat: float | None = None,
    lon: float | None = None,
    postal_code: str | None = None,
    municipality: str | None = None,
) -> Location:
    """Coordinates of a listing from coordinates, a postal code or a municipality REFNIS code.

    Precedence: coordinates (most precise), then postal code, then municipality; a postal code or
    municipality is placed at the municipality's reference point (``load_region``), which is
    accurate to a few km - well within a matching radius of tens of km. Raises InputError when
    nothing usable is given or a code is unknown / shared by several municipalities.
    """
    if lat is not None or lon is not None:
        problems = []
        if lat is None or not math.isfinite(lat) or abs(lat) > 90:
            problems.append(Problem("latitude must be within ±90", field="lat", value=lat))
        if lon is None or not math.isfinite(lon) or abs(lon) > 180:
            problems.append(Problem("longitude must be within ±180", field="lon", value=lon))
        if problems:
            raise InputError(problems)
        assert lat is not None and lon is not None
        return Location(float(lat), float(lon), municipality, postal_code, "coordinates")
    if postal_code:
        m = region.municipality_by_postal_code(postal_code)
        return Location(m.lat, m.lon, m.refnis, str(postal_code).strip(), "postal_code")
    if municipality:
        m = region.municipality(municipality)
        return Location(m.lat, m.lon, m.refnis, None, "municipality")
    raise InputError.single(
        "a listing needs a location: coordinates, a postal code or a municipality", field="location"
    )


@dataclass(frozen=True)
class Listing:
    """One offer or request on the exchange (see the module docstring for field semantics).

    Construction normalises spellings (unit ``"m³"`` -> ``"m3"``, route ``"reuse"`` ->
    ``"r3-reuse"``, List-of-Waste code ``"170201"`` -> ``"17 02 01"``) and raises one InputError
    listing every invalid field (``row`` = the listing id). Whether ``material`` is a taxonomy
    node is checked by :func:`listings_to_arrays` / :meth:`check_material`, which know the
    taxonomy.
    """

    id: str
    kind: Kind
    organisation: str
    material: str
    quantity: float
    unit: Unit
    available_from: dt.date
    lat: float
    lon: float
    available_to: dt.date | None = None
    frequency: Frequency = "once"
    route: str | None = None
    ewc: str | None = None
    quality: str | None = None
    certified: bool = False
    accepts_hazardous: bool = False
    radius_km: float | None = None
    min_quantity: float = 0.0
    price_eur_per_unit: float | None = None
    status: Status = "draft"
    municipality: str | None = None
    postal_code: str | None = None
    hazardous: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        p: list[Problem] = []
        rid = str(self.id)

        def bad(message: str, name: str, value: Any) -> None:
            p.append(Problem(message, row=rid, field=name, value=value))

        def norm(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        if not rid.strip():
            bad("a listing needs an id", "id", self.id)
        if self.kind not in ("offer", "request"):
            bad("kind must be 'offer' or 'request'", "kind", self.kind)
        if not str(self.organisation).strip():
            bad("a listing needs an organisation", "organisation", self.organisation)
        if not str(self.material).strip():
            bad("a listing needs a material", "material", self.material)
        try:
            norm("unit", parse_unit(self.unit, row=rid))
        except InputError as e:
            p.extend(e.problems)
        try:
            norm("frequency", parse_frequency(self.frequency, row=rid))
        except InputError as e:
            p.extend(e.problems)
        q = _float(self.quantity)
        if q is None or not q > 0:
            bad("quantity must be a number > 0", "quantity", self.quantity)
        mq = _float(self.min_quantity)
        if mq is None or mq < 0:
            bad("min_quantity must be a number >= 0", "min_quantity", self.min_quantity)
        elif q is not None and q > 0 and mq > q:
            bad("min_quantity cannot exceed quantity", "min_quantity", self.min_quantity)
        if self.unit == "pieces":
            for name, v in (("quantity", q), ("min_quantity", mq)):
                if v is not None and v != round(v):
                    bad("a quantity in pieces must be a whole number", name, v)
        if not isinstance(self.available_from, dt.date):
            bad("available_from must be a date", "available_from", self.available_from)
        if self.available_to is not None and not isinstance(self.available_to, dt.date):
            bad(
                "available_to must be a date or empty (open-ended)",
                "available_to",
                self.available_to,
            )
        elif (
            self.available_to is not None
            and isinstance(self.available_from, dt.date)
            and self.available_to < self.available_from
        ):
            bad("available_to is before available_from", "available_to", self.available_to)
        if self.route is not None:
            try:
                norm("route", _route_slug(route_rank(self.route, row=rid)))
            except InputError as e:
                p.extend(e.problems)
        elif self.kind == "offer":
            bad("an offer needs a route (reuse, repair, ..., recover)", "route", None)
        hazardous = False
        if self.ewc is not None and str(self.ewc).strip():
            try:
                code, hazardous = validate_ewc(self.ewc, row=rid)
                norm("ewc", code + ("*" if hazardous else ""))
            except InputError as e:
                p.extend(e.problems)
        else:
            norm("ewc", None)
        norm("hazardous", hazardous)
        lat, lon = _float(self.lat), _float(self.lon)
        if lat is None or abs(lat) > 90:
            bad("latitude must be within ±90", "lat", self.lat)
        if lon is None or abs(lon) > 180:
            bad("longitude must be within ±180", "lon", self.lon)
        if self.kind == "request":
            r = DEFAULT_RADIUS_KM if self.radius_km is None else _float(self.radius_km)
            if r is None or not r > 0:
                bad("radius_km must be a number > 0", "radius_km", self.radius_km)
            else:
                norm("radius_km", r)
        elif self.radius_km is not None:
            bad("only requests have a search radius", "radius_km", self.radius_km)
        if self.price_eur_per_unit is not None and _float(self.price_eur_per_unit) is None:
            bad(
                "price must be a number (negative: the offerer pays, e.g. a gate fee)",
                "price_eur_per_unit",
                self.price_eur_per_unit,
            )
        if self.status not in STATUSES:
            bad(f"status must be one of {', '.join(STATUSES)}", "status", self.status)
        if p:
            raise InputError(p)

    @property
    def route_rank(self) -> int | None:
        """R-ladder rank of the route (3 reuse ... 9 recover), None for "any"."""
        return None if self.route is None else routes()[self.route]

    @property
    def accepts_hazardous_effective(self) -> bool:
        """A request accepts hazardous offers when it says so or gives a hazardous code."""
        return self.accepts_hazardous or (self.kind == "request" and self.hazardous)

    def check_material(self, taxonomy: Taxonomy | None = None) -> None:
        """InputError if the material is not a node of the taxonomy."""
        (taxonomy or load_taxonomy()).index(self.material, row=self.id)

    def is_open(self, on: dt.date) -> bool:
        """Published and still available on ``on``."""
        return self.status == "published" and (self.available_to is None or self.available_to >= on)


def _float(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def transition(listing: Listing, to: Status) -> Listing:
    """A copy of ``listing`` with status ``to``; InputError if the lifecycle forbids the step."""
    if to not in STATUSES:
        raise InputError.single(
            f"status must be one of {', '.join(STATUSES)}", row=listing.id, field="status", value=to
        )
    if to not in TRANSITIONS[listing.status]:
        allowed = ", ".join(sorted(TRANSITIONS[listing.status])) or "none"
        raise InputError.single(
            f"cannot go from '{listing.status}' to '{to}' (allowed: {allowed})",
            row=listing.id,
            field="status",
            value=to,
        )
    return replace(listing, status=to)


def open_listings(listings: Iterable[Listing], on: dt.date) -> tuple[list[Listing], list[Listing]]:
    """Split listings into (open, newly expired).

    Open: published and available on ``on``. Newly expired: published listings whose window ended
    before ``on``, returned with status ``expired`` so that the caller can store the change.
    """
    keep: list[Listing] = []
    expired: list[Listing] = []
    for x in listings:
        if x.status != "published":
            continue
        if x.is_open(on):
            keep.append(x)
        else:
            expired.append(transition(x, "expired"))
    return keep, expired


def _arr(values: ArrayLike, dtype: Any) -> NDArray[Any]:
    return np.ascontiguousarray(np.asarray(values, dtype=dtype))


@dataclass(frozen=True, eq=False)
class ListingArrays:
    """All listings of one kind as parallel arrays (structure of arrays), for vectorised engines.

    Position ``i`` of every array is listing ``i``; engines return positions, and ``id[i]`` maps
    them back. Codes: ``material`` = :meth:`Taxonomy.index`, ``unit`` = position in
    :data:`~circulair.core.exchange.taxonomy.UNITS`, ``frequency`` = position in ``FREQUENCIES``,
    ``route_rank`` = 3..9 (-1: request for any route), ``grade`` = 0/1/2 for A/B/C (-1: none or
    free text), dates = :func:`day_number` (``OPEN_END`` for open-ended), ``radius_km`` = NaN for
    offers. ``hazardous`` is an offer's starred code; ``accepts_hazardous`` a request's consent.

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
