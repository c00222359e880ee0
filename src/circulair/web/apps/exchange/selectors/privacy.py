"""Who may see a listing's exact location, and the point every other number is computed from.

The rule (``exchange.listing.exact_location`` in :mod:`common.permissions`): the exact
coordinates and the address of a listing are released to

1. the listing's own organisation, and
2. the other party of an **accepted** match involving the listing.

A proposed, declined or withdrawn match gives nothing: anyone can propose a match to any
published listing, so a proposal must not buy a location, and a declined one must not keep it.

Everyone else gets the *public location*: the centre of the listing's municipality. Every
distance, score, ranking, radius test, map point, export and notification produced for a viewer
without the right is computed from that public point, so no number they can read depends on
the exact one (trilateration recovers the municipality centre, which is shown anyway).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from circulair.web.apps.common import permissions
from circulair.web.apps.exchange.models import Listing


def exact_listing_ids(org_ids: Iterable[int], among: Iterable[int] | None = None) -> set[int]:
    """Ids of the listings whose exact location the organisations ``org_ids`` may see (rule
    ``exchange.listing.exact_location``). ``among`` restricts the answer (and the query)."""
    rows = permissions.organisation_rows("exchange.listing.exact_location", org_ids)
    return _ids(rows, among)


def _ids(rows: Q | bool, among: Iterable[int] | None) -> set[int]:
    if rows is False:
        return set()
    qs = Listing.objects.all() if rows is True else Listing.objects.filter(rows)  # type: ignore[arg-type]
    if among is not None:
        qs = qs.filter(pk__in={int(i) for i in among})
    return set(qs.values_list("pk", flat=True).distinct())


def exact_ids_for(user: Any, among: Iterable[int] | None = None) -> set[int]:
    """The listings (of ``among``) whose exact location ``user`` may see."""
    return _ids(permissions.rows(user, "exchange.listing.exact_location"), among)


def location_visible(listing: Listing, user: Any) -> bool:
    """May ``user`` see the exact coordinates and address of ``listing``?"""
    return listing.pk in exact_ids_for(user, [listing.pk])


def public_point(listing: Listing) -> tuple[float, float]:
    """The point shown to everyone: the centre of the listing's municipality."""
    return float(listing.municipality.lat), float(listing.municipality.lon)


def point_for(listing: Listing, exact_ids: set[int]) -> tuple[float, float]:
    """The exact point when the viewer's ``exact_ids`` hold the listing, else the public one."""
    if listing.pk in exact_ids:
        return float(listing.lat), float(listing.lon)
    return public_point(listing)
