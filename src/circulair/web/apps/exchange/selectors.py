"""Reads of the exchange, with the visibility rule for exact locations.

Exact locations (coordinates, address) are shown to the listing's own organisation and to the
organisations that are party to a match involving the listing; everyone else sees the
municipality only.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from circulair.core.errors import Problem
from circulair.core.exchange.matching import (
    ScoreWeights,
    candidates,
    pair_checks,
    pair_scores,
)
from circulair.core.exchange.model import Listing as CoreListing
from circulair.core.exchange.model import listings_to_arrays
from circulair.core.exchange.taxonomy import Taxonomy, load_taxonomy, validate_ewc
from circulair.core.geo import haversine_km
from circulair.web.apps.exchange.models import Listing, Match, Notification
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.organisations.selectors import organisations_of

# Road km per great-circle km used by the exchange (as the atlas default).
ROAD_FACTOR = 1.3


def my_org_ids(user: Any) -> set[int]:
    return set(organisations_of(user).values_list("pk", flat=True))


def listing_public_list() -> QuerySet[Listing]:
    return Listing.objects.filter(status__in=[Listing.Status.PUBLISHED, Listing.Status.MATCHED]
                                  ).select_related("organisation", "municipality")


def listing_visible_to(user: Any) -> QuerySet[Listing]:
    """Published listings, the user's own organisations' listings (any status), and the
    listings of matches the user's organisations are party to."""
    orgs = my_org_ids(user)
    party = Q(offer_matches__request__organisation_id__in=orgs) | Q(
        request_matches__offer__organisation_id__in=orgs)
    return Listing.objects.filter(Q(status__in=[Listing.Status.PUBLISHED,
                                                Listing.Status.MATCHED])
                                  | Q(organisation_id__in=orgs) | party).distinct(
    ).select_related("organisation", "municipality")


def parties_of(listing: Listing) -> set[int]:
    """Organisations that may see the exact location of a listing."""
    ids = {listing.organisation_id}
    matches = Match.objects.filter(Q(offer=listing) | Q(request=listing)).exclude(
        status=Match.Status.WITHDRAWN).select_related("offer", "request")
    for m in matches:
        ids.add(m.offer.organisation_id)
        ids.add(m.request.organisation_id)
    return ids


def location_visible(listing: Listing, user: Any) -> bool:
    return bool(my_org_ids(user) & parties_of(listing))


def matches_of(listing: Listing) -> QuerySet[Match]:
    return Match.objects.filter(Q(offer=listing) | Q(request=listing)).select_related(
        "offer__organisation", "request__organisation", "proposed_by")


def match_is_party(match: Match, user: Any) -> bool:
    return bool(my_org_ids(user) & {match.offer.organisation_id, match.request.organisation_id})


def unread_notifications(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read=False).count()


def visible_listing_ids(user: Any) -> set[int]:
    """Ids of listings whose exact location this user may see (own or matched)."""
    orgs = my_org_ids(user)
    if not orgs:
        return set()
    own = set(Listing.objects.filter(organisation_id__in=orgs).values_list("pk", flat=True))
    pairs = Match.objects.filter(Q(offer__organisation_id__in=orgs)
                                 | Q(request__organisation_id__in=orgs)).exclude(
        status=Match.Status.WITHDRAWN).values_list("offer_id", "request_id")
    return own | {i for pair in pairs for i in pair}


def my_organisation(user: Any, organisation_id: int) -> Any:
    """An organisation the user belongs to, or PermissionDenied."""
    from django.core.exceptions import PermissionDenied

    org = organisations_of(user).filter(pk=organisation_id).first()
    if org is None:
        raise PermissionDenied("you are not a member of this organisation")
    return org


# --- the matching engine on stored listings -------------------------------------------------

def taxonomy() -> Taxonomy:
    return _taxonomy()


@lru_cache(maxsize=1)
def _taxonomy() -> Taxonomy:
    return load_taxonomy()


def material_choices() -> list[tuple[str, str]]:
    """Taxonomy nodes for a select box, children indented under their parent."""
    tax = _taxonomy()
    lang = "en" if get_language() == "en" else "nl"
    out = []
    for n in tax.nodes:
        depth = len(tax.ancestors(n.slug))
        out.append((n.slug, "\u2003" * depth + (n.name_en if lang == "en" else n.name_nl)))
    return out


def material_labels() -> dict[str, str]:
    lang = "en" if get_language() == "en" else "nl"
    return {n.slug: (n.name_en if lang == "en" else n.name_nl) for n in _taxonomy().nodes}


def material_known(slug: str) -> bool:
    return slug in _taxonomy()


def material_and_descendants(slug: str) -> list[str]:
    tax = _taxonomy()
    return [slug, *tax.descendants(slug)] if slug in tax else [slug]


def compatible(offer_material: str, request_material: str) -> bool:
    tax = _taxonomy()
    return (offer_material in tax and request_material in tax
            and tax.compatible(offer_material, request_material))


def ewc_validate(code: str) -> tuple[str, bool]:
    return validate_ewc(code)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float,
                road_factor: float = ROAD_FACTOR) -> float:
    return float(haversine_km(lat1, lon1, lat2, lon2)) * road_factor


def nearest_municipality(lat: float, lon: float) -> Municipality | None:
    muns = list(Municipality.objects.all())
    if not muns:
        return None
    d = haversine_km(lat, lon, np.array([m.lat for m in muns]), np.array([m.lon for m in muns]))
    return muns[int(np.argmin(d))]


def core_listing(x: Listing) -> CoreListing:
    """A stored listing as the engine's dataclass (remaining quantity, published)."""
    return CoreListing(
        id=str(x.pk), kind=x.kind, organisation=str(x.organisation_id),  # type: ignore[arg-type]
        material=x.material, quantity=max(x.remaining, 1e-12), unit=x.unit,  # type: ignore[arg-type]
        available_from=x.available_from, available_to=x.available_to, lat=x.lat, lon=x.lon,
        frequency=x.frequency, route=x.route,  # type: ignore[arg-type]
        ewc=(x.ewc + ("*" if x.hazardous else "")) if x.ewc else None,
        quality=x.quality or None, certified=x.certified,
        accepts_hazardous=x.accepts_hazardous,
        radius_km=x.radius_km if x.kind == Listing.Kind.REQUEST else None,
        status="published")


def open_for_matching() -> QuerySet[Listing]:
    return Listing.objects.filter(status__in=[Listing.Status.PUBLISHED, Listing.Status.MATCHED],
                                  remaining__gt=0).select_related("organisation", "municipality")


def ranked_candidates(listing: Listing, *, k: int = 10) -> list[dict[str, Any]]:
    """The best counterpart listings for one listing (engine: circulair.core.exchange)."""
    if listing.remaining <= 0:
        return []
    other_kind = Listing.Kind.REQUEST if listing.kind == Listing.Kind.OFFER else \
        Listing.Kind.OFFER
    others = list(open_for_matching().filter(kind=other_kind).exclude(
        organisation_id=listing.organisation_id))
    if not others:
        return []
    me = [core_listing(listing)]
    them = [core_listing(x) for x in others]
    tax = _taxonomy()
    if listing.kind == Listing.Kind.OFFER:
        offers, requests = listings_to_arrays(me, "offer", tax), \
            listings_to_arrays(them, "request", tax)
        table = candidates(offers, requests, k=k, by="offer", road_factor=ROAD_FACTOR)
        idx = table.request
    else:
        offers, requests = listings_to_arrays(them, "offer", tax), \
            listings_to_arrays(me, "request", tax)
        table = candidates(offers, requests, k=k, by="request", road_factor=ROAD_FACTOR)
        idx = table.offer
    return [{"listing": others[int(i)], "distance_km": float(d), "score": float(s),
             "rank": int(r)}
            for i, d, s, r in zip(idx, table.distance_km, table.score, table.rank, strict=True)]


def pair_problems(offer: Listing, request: Listing) -> list[Problem]:
    """Why an offer cannot serve a request (empty when it can)."""
    tax = _taxonomy()
    offers = listings_to_arrays([core_listing(offer)], "offer", tax)
    requests = listings_to_arrays([core_listing(request)], "request", tax)
    checks = pair_checks(offers, requests, [0], [0], road_factor=ROAD_FACTOR)
    problems = [Problem(f"the offer does not meet the request's {name.replace('_', ' ')}",
                        field=name) for name, ok in checks.items() if not bool(ok[0])]
    if offer.status not in (Listing.Status.PUBLISHED, Listing.Status.MATCHED) or \
            request.status not in (Listing.Status.PUBLISHED, Listing.Status.MATCHED):
        problems.append(Problem("both listings must be published", field="status"))
    return problems


def pair_score(offer: Listing, request: Listing) -> float:
    tax = _taxonomy()
    offers = listings_to_arrays([core_listing(offer)], "offer", tax)
    requests = listings_to_arrays([core_listing(request)], "request", tax)
    z = np.zeros(1, dtype=np.int64)
    d = np.array([distance_km(offer.lat, offer.lon, request.lat, request.lon)])
    return float(pair_scores(offers, requests, z, z, d, ScoreWeights())["score"][0])


def insight() -> dict[str, Any]:
    """Offered, requested and matched quantities per material and province; deal flows."""
    from collections import defaultdict

    rows: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
        lambda: {"offered": 0.0, "requested": 0.0, "matched": 0.0})
    for x in Listing.objects.exclude(status=Listing.Status.DRAFT).select_related(
            "municipality__province"):
        key = (x.material, x.municipality.province.name_nl, x.unit)
        rows[key]["offered" if x.kind == Listing.Kind.OFFER else "requested"] += x.quantity
    flows = []
    matched_t = tkm = avoided = 0.0
    deals = Match.objects.filter(status=Match.Status.ACCEPTED).select_related(
        "offer__municipality__province", "request__municipality")
    for m in deals:
        o, r = m.offer, m.request
        rows[(o.material, o.municipality.province.name_nl, o.unit)]["matched"] += m.quantity
        if o.unit == "t":
            matched_t += m.quantity
            tkm += m.quantity * m.distance_km
            if r.primary_km is not None:
                avoided += m.quantity * (r.primary_km - m.distance_km)
        flows.append({"from": o.municipality.name_nl, "to": r.municipality.name_nl,
                      "from_lat": o.municipality.lat, "from_lon": o.municipality.lon,
                      "to_lat": r.municipality.lat, "to_lon": r.municipality.lon,
                      "quantity": m.quantity, "unit": o.unit, "material": o.material})
    table = [{"material": k[0], "province": k[1], "unit": k[2], **v}
             for k, v in sorted(rows.items())]
    return {"rows": table, "flows": flows, "matched_t": matched_t, "tkm": tkm,
            "tkm_avoided": avoided, "deals": len(flows)}


def allocation() -> dict[str, Any]:
    """The allocation over every open listing: most material first, then fewest t·km."""
    import time

    from circulair.core.exchange.allocation import allocate

    t0 = time.perf_counter()
    xs = list(open_for_matching())
    offers_db = [x for x in xs if x.kind == Listing.Kind.OFFER]
    requests_db = [x for x in xs if x.kind == Listing.Kind.REQUEST]
    tax = _taxonomy()
    empty = {"rows": [], "matched": 0.0, "offered": sum(x.remaining for x in offers_db),
             "requested": sum(x.remaining for x in requests_db), "tkm": 0.0, "pairs": 0,
             "seconds": 0.0}
    if not offers_db or not requests_db:
        return empty
    offers = listings_to_arrays([core_listing(x) for x in offers_db], "offer", tax)
    requests = listings_to_arrays([core_listing(x) for x in requests_db], "request", tax)
    table = candidates(offers, requests, k=50, road_factor=ROAD_FACTOR)
    res = allocate(offers, requests, table, road_factor=ROAD_FACTOR)
    rows = []
    for o, r, q, d in zip(res.offer, res.request, res.quantity, res.distance_km, strict=True):
        if q <= 1e-9:
            continue
        off, req = offers_db[int(o)], requests_db[int(r)]
        rows.append({"offer": off.pk, "offer_title": off.title, "offer_org": off.organisation.name,
                     "request": req.pk, "request_title": req.title,
                     "request_org": req.organisation.name, "material": off.material,
                     "quantity": round(float(q), 6), "unit": off.unit,
                     "km": round(float(d), 3)})
    return {"rows": rows, "matched": float(res.quantity.sum()), "offered": empty["offered"],
            "requested": empty["requested"],
            "tkm": float((res.quantity * res.distance_km).sum()), "pairs": len(table),
            "seconds": time.perf_counter() - t0}
