"""One listing of the secondary-materials exchange (an offer or a request): the record the web
layer creates, edits and validates one at a time, with messages per field, its location and its
status lifecycle.

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
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from circulair.core.errors import InputError, Problem
from circulair.core.exchange.codes import Kind, route_rank, route_slug, routes
from circulair.core.exchange.taxonomy import (
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
    "STATUSES",
    "TRANSITIONS",
    "Listing",
    "Location",
    "Status",
    "locate",
    "open_listings",
    "transition",
]

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
                norm("route", route_slug(route_rank(self.route, row=rid)))
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
