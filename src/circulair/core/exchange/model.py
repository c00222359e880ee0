"""Listings of the secondary-materials exchange: one record per offer or request, and the same
data as a structure of arrays for vectorised matching.

Why two forms: the web layer creates, edits and validates one :class:`Listing` at a time, with
messages per field; the matching and allocation engines work on 10^5 listings at once, which only
NumPy arrays make fast. :func:`listings_to_arrays` turns the first into the second, and
:class:`ListingArrays` validates arrays built directly (imports, benchmarks) with the same rules.

This module is the public face; the definitions live in :mod:`~circulair.core.exchange.codes`
(kinds, grades, routes, day numbers), :mod:`~circulair.core.exchange.listing` (the record, its
field semantics, location and status lifecycle) and :mod:`~circulair.core.exchange.listing_arrays`
(the arrays).
"""

from __future__ import annotations

from circulair.core.exchange.codes import (
    EPOCH,
    GRADES,
    OPEN_END,
    Kind,
    day_number,
    grade_code,
    route_rank,
    routes,
)
from circulair.core.exchange.listing import (
    DEFAULT_RADIUS_KM,
    STATUSES,
    TRANSITIONS,
    Listing,
    Location,
    Status,
    locate,
    open_listings,
    transition,
)
from circulair.core.exchange.listing_arrays import (
    ListingArrays,
    listings_to_arrays,
    split_by_kind,
    unit_vectors,
)

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
    "grade_code",
    "listings_to_arrays",
    "locate",
    "open_listings",
    "route_rank",
    "routes",
    "split_by_kind",
    "transition",
    "unit_vectors",
]
