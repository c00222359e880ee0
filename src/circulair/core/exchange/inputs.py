"""Input validation of the engines: listings in either form, and the parameters of a search.

Why one place: the candidate search (:func:`~circulair.core.exchange.matching.candidates`), the
scan and the allocation accept the same inputs and must reject them with the same messages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from circulair.core.errors import InputError, Problem
from circulair.core.exchange.listing import Listing
from circulair.core.exchange.listing_arrays import ListingArrays, listings_to_arrays
from circulair.core.exchange.taxonomy import Taxonomy

__all__ = ["as_arrays", "check_pair_inputs", "check_search_options"]


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


def check_search_options(k: object, by: object) -> None:
    """InputError unless ``k`` is a whole number >= 1 and ``by`` is "request" or "offer"."""
    problems = []
    if not (isinstance(k, int) and k >= 1):
        problems.append(Problem("k must be a whole number >= 1", field="k", value=k))
    if by not in ("request", "offer"):
        problems.append(Problem("by must be 'request' or 'offer'", field="by", value=by))
    if problems:
        raise InputError(problems)


def check_pair_inputs(offers: ListingArrays, requests: ListingArrays, road_factor: float) -> None:
    """InputError unless ``road_factor`` >= 1 and both sides use the same taxonomy."""
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
