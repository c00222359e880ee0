"""Who may see a listing's exact location, and the point every other number is computed from.

The rule, defined here and nowhere else: the exact coordinates and the address of a listing are
released to

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

from circulair.web.apps.exchange.models import Listing, Match
from circulair.web.apps.organisations.selectors import organisation_ids_of


def exact_listing_ids(org_ids: Iterable[int], among: Iterable[int] | None = None) -> set[int]:
    """Ids of the listings whose exact location the organisations ``org_ids`` may see.

    ``among`` restricts the answer (and the queries) to those listing ids.
    """
    orgs = set(org_ids)
    if not orgs:
        return set()
    own = Listing.objects.filter(organisation_id__in=orgs)
    deals = Match.objects.filter(status=Match.Status.ACCEPTED).filter(
        Q(offer__organisation_id__in=orgs) | Q(request__organisation_id__in=orgs)
    )
    wanted = None if among is None else {int(i) for i in among}
    if wanted is not None:
        own = own.filter(pk__in=wanted)
        deals = deals.filter(Q(offer_id__in=wanted) | Q(request_id__in=wanted))
    ids = set(own.values_list("pk", flat=True))
    for offer_id, request_id in deals.values_list("offer_id", "request_id"):
        ids.update((offer_id, request_id))
    return ids if wanted is None else ids & wanted


user_org_ids = organisation_ids_of


def exact_ids_for(user: Any, among: Iterable[int] | None = None) -> set[int]:
    """:func:`exact_listing_ids` for the organisations of ``user``."""
    return exact_listing_ids(user_org_ids(user), among)


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
