"""Reads of the exchange. Exact locations follow the one rule of :mod:`.privacy`; listings a
moderator hid, the one rule of :mod:`.moderation`.

Exact coordinates and address go to the listing's own organisation and to the other party of an
accepted match only; every distance, score and ranking computed for anyone else uses the
listing's public point (its municipality's centre).
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from circulair.core.errors import Problem
from circulair.core.exchange.allocation import allocate
from circulair.core.exchange.breakdown import ScorePart, score_parts
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
from circulair.web.apps.common import jobs, permissions
from circulair.web.apps.common.jobs import Progress
from circulair.web.apps.common.models import Job
from circulair.web.apps.exchange.models import Listing, Match, Notification, material_name
from circulair.web.apps.exchange.selectors import moderation, privacy
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.organisations.selectors import organisations_of

# Road km per great-circle km used by the exchange (as the atlas default).
ROAD_FACTOR = 1.3


def my_org_ids(user: Any) -> frozenset[int]:
    """The organisations ``user`` acts for."""
    return permissions.member_org_ids(user)


def listing_public_list() -> QuerySet[Listing]:
    return (
        Listing.objects.filter(status__in=[Listing.Status.PUBLISHED, Listing.Status.MATCHED])
        .filter(moderation.SHOWN)
        .select_related("organisation", "municipality")
    )


def listing_visible_to(user: Any) -> QuerySet[Listing]:
    """Published listings, the user's own organisations' listings (any status), and the
    listings of matches the user's organisations are party to. A listing a moderator hid is
    left out, except for its own organisation and for moderators (rule
    ``exchange.listing.view``)."""
    qs = Listing.objects.select_related("organisation", "municipality")
    return permissions.restrict(user, "exchange.listing.view", qs)


def location_visible(listing: Listing, user: Any) -> bool:
    """May ``user`` see the exact location of ``listing`` (:mod:`.privacy`)?"""
    return privacy.location_visible(listing, user)


def matches_of(listing: Listing) -> QuerySet[Match]:
    return Match.objects.filter(Q(offer=listing) | Q(request=listing)).select_related(
        "offer__organisation", "request__organisation", "proposed_by"
    )


def match_is_party(match: Match, user: Any) -> bool:
    return user is not None and permissions.can(user, "exchange.match.party", match)


def unread_notifications(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read=False).count()


def visible_listing_ids(user: Any) -> set[int]:
    """Ids of listings whose exact location this user may see (:mod:`.privacy`)."""
    return privacy.exact_ids_for(user)


def my_organisation(user: Any, organisation_id: int) -> Any:
    """An organisation the user belongs to, or PermissionDenied."""
    org = organisations_of(user).filter(pk=organisation_id).first()
    if org is None:
        raise PermissionDenied(str(permissions.RULES["exchange.organisation.act"].refusal))
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
    """Every taxonomy code -> its full name in the active language."""
    lang = get_language() or "nl"
    return {n.slug: n.name(lang) for n in _taxonomy().nodes}


def material_known(slug: str) -> bool:
    return slug in _taxonomy()


def material_and_descendants(slug: str) -> list[str]:
    tax = _taxonomy()
    return [slug, *tax.descendants(slug)] if slug in tax else [slug]


def compatible(offer_material: str, request_material: str) -> bool:
    tax = _taxonomy()
    return (
        offer_material in tax
        and request_material in tax
        and tax.compatible(offer_material, request_material)
    )


def ewc_validate(code: str) -> tuple[str, bool]:
    return validate_ewc(code)


def distance_km(
    lat1: float, lon1: float, lat2: float, lon2: float, road_factor: float = ROAD_FACTOR
) -> float:
    return float(haversine_km(lat1, lon1, lat2, lon2)) * road_factor


def nearest_municipality(lat: float, lon: float) -> Municipality | None:
    muns = list(Municipality.objects.all())
    if not muns:
        return None
    d = haversine_km(lat, lon, np.array([m.lat for m in muns]), np.array([m.lon for m in muns]))
    return muns[int(np.argmin(d))]


def core_listing(x: Listing, *, exact: bool = True) -> CoreListing:
    """A stored listing as the engine's dataclass (remaining quantity, published).

    ``exact=False`` places it at its public point: for a viewer without the right to the exact
    location, so that no distance, radius test or score depends on it.
    """
    lat, lon = (x.lat, x.lon) if exact else privacy.public_point(x)
    return CoreListing(
        id=str(x.pk),
        kind=x.kind,  # type: ignore[arg-type]
        organisation=str(x.organisation_id),
        material=x.material,
        quantity=max(x.remaining, 1e-12),
        unit=x.unit,  # type: ignore[arg-type]
        available_from=x.available_from,
        available_to=x.available_to,
        lat=lat,
        lon=lon,
        frequency=x.frequency,  # type: ignore[arg-type]
        route=x.route,
        ewc=(x.ewc + ("*" if x.hazardous else "")) if x.ewc else None,
        quality=x.quality or None,
        certified=x.certified,
        accepts_hazardous=x.accepts_hazardous,
        radius_km=x.radius_km if x.kind == Listing.Kind.REQUEST else None,
        status="published",
    )


def open_for_matching() -> QuerySet[Listing]:
    """Published listings with something left that no moderator hid."""
    return (
        Listing.objects.filter(
            status__in=[Listing.Status.PUBLISHED, Listing.Status.MATCHED], remaining__gt=0
        )
        .filter(moderation.SHOWN)
        .select_related("organisation", "municipality")
    )


def ranked_candidates(listing: Listing, *, k: int = 10) -> list[dict[str, Any]]:
    """The best counterpart listings for one listing, as its own organisation sees them.

    Only the listing's organisation is shown this ranking. Its own listing is placed at its exact
    point; each counterpart at its exact point only when that organisation has the right to it
    (an accepted match), else at its public point, so the radius test, the distance and the
    score reveal nothing about a stranger's exact location (engine: circulair.core.exchange).
    """
    if listing.remaining <= 0 or listing.is_hidden:
        return []
    other_kind = Listing.Kind.REQUEST if listing.kind == Listing.Kind.OFFER else Listing.Kind.OFFER
    others = list(
        open_for_matching().filter(kind=other_kind).exclude(organisation_id=listing.organisation_id)
    )
    if not others:
        return []
    rights = privacy.exact_listing_ids({listing.organisation_id}, [x.pk for x in others])
    me = [core_listing(listing)]
    them = [core_listing(x, exact=x.pk in rights) for x in others]
    tax = _taxonomy()
    if listing.kind == Listing.Kind.OFFER:
        offers, requests = (
            listings_to_arrays(me, "offer", tax),
            listings_to_arrays(them, "request", tax),
        )
        table = candidates(offers, requests, k=k, by="offer", road_factor=ROAD_FACTOR)
        idx = table.request
    else:
        offers, requests = (
            listings_to_arrays(them, "offer", tax),
            listings_to_arrays(me, "request", tax),
        )
        table = candidates(offers, requests, k=k, by="request", road_factor=ROAD_FACTOR)
        idx = table.offer
    return [
        {
            "listing": others[int(i)],
            "distance_km": float(table.distance_km[row]),
            "score": float(table.score[row]),
            "rank": int(table.rank[row]),
            "parts": score_parts(
                table.s_distance[row],
                table.s_quantity[row],
                table.s_route[row],
                table.s_quality[row],
                table.weights,
            ),
        }
        for row, i in enumerate(idx)
    ]


def pair_problems(offer: Listing, request: Listing, exact_ids: set[int]) -> list[Problem]:
    """Why an offer cannot serve a request (empty when it can), as a viewer with ``exact_ids``
    sees it: a listing outside ``exact_ids`` is tested at its public point, so the answer to a
    proposal cannot be used to probe a stranger's exact location."""
    tax = _taxonomy()
    offers = listings_to_arrays([core_listing(offer, exact=offer.pk in exact_ids)], "offer", tax)
    requests = listings_to_arrays(
        [core_listing(request, exact=request.pk in exact_ids)], "request", tax
    )
    checks = pair_checks(offers, requests, [0], [0], road_factor=ROAD_FACTOR)
    problems = [
        Problem(f"the offer does not meet the request's {name.replace('_', ' ')}", field=name)
        for name, ok in checks.items()
        if not bool(ok[0])
    ]
    # A hidden listing counts as unpublished: the answer must not tell a stranger it exists.
    if (
        offer.status not in (Listing.Status.PUBLISHED, Listing.Status.MATCHED)
        or request.status not in (Listing.Status.PUBLISHED, Listing.Status.MATCHED)
        or offer.is_hidden
        or request.is_hidden
    ):
        problems.append(Problem("both listings must be published", field="status"))
    return problems


def public_distance_km(a: Listing, b: Listing) -> float:
    """Road km between the public points (municipality centres) of two listings."""
    return distance_km(*privacy.public_point(a), *privacy.public_point(b))


def exact_distance_km(a: Listing, b: Listing) -> float:
    """Road km between the exact points: only for viewers with the right to both."""
    return distance_km(a.lat, a.lon, b.lat, b.lon)


def pair_score(offer: Listing, request: Listing) -> float:
    """The pair's score from the public points: stored on a proposal, which both parties read
    before either has the right to the other's exact location."""
    tax = _taxonomy()
    offers = listings_to_arrays([core_listing(offer, exact=False)], "offer", tax)
    requests = listings_to_arrays([core_listing(request, exact=False)], "request", tax)
    z = np.zeros(1, dtype=np.int64)
    d = np.array([public_distance_km(offer, request)])
    return float(pair_scores(offers, requests, z, z, d, ScoreWeights())["score"][0])


def pair_score_parts(offer: Listing, request: Listing) -> tuple[ScorePart, ...]:
    """The parts of :func:`pair_score`, from the same public points (so they add up to the
    stored score of a proposal made under the current listings)."""
    tax = _taxonomy()
    offers = listings_to_arrays([core_listing(offer, exact=False)], "offer", tax)
    requests = listings_to_arrays([core_listing(request, exact=False)], "request", tax)
    z = np.zeros(1, dtype=np.int64)
    d = np.array([public_distance_km(offer, request)])
    s = pair_scores(offers, requests, z, z, d, ScoreWeights())
    return score_parts(s["s_distance"][0], s["s_quantity"][0], s["s_route"][0], s["s_quality"][0])


def material_label(slug: str, language: str | None = None) -> str:
    """A taxonomy node's full name in ``language`` (default: the active one; the code itself
    if the taxonomy no longer has it)."""
    return material_name(slug, language)


def insight_listings() -> QuerySet[Listing]:
    """Every listing past its draft that no moderator hid, with its municipality's province
    (the public totals)."""
    return (
        Listing.objects.exclude(status=Listing.Status.DRAFT)
        .filter(moderation.SHOWN)
        .select_related("municipality__province")
    )


def accepted_deals() -> QuerySet[Match]:
    """Accepted matches with both listings' municipalities (the public deal flows); a deal of a
    listing a moderator hid is left out."""
    return Match.objects.filter(
        status=Match.Status.ACCEPTED, offer__hidden_at__isnull=True, request__hidden_at__isnull=True
    ).select_related("offer__municipality__province", "request__municipality")


def matches_visible_to(user: Any) -> QuerySet[Match]:
    """The matches the user's organisations are party to, the latest first."""
    return permissions.restrict(user, "exchange.match.party", Match.objects.all()).order_by("-pk")


def allocation(progress: Progress | None = None) -> dict[str, Any]:
    """The allocation over every open listing: most material first, then fewest t·km.

    Uses the exact points: it is run by an operator of the platform (``circulair exchange
    match``, or the job of ``/exchange/allocation/``) and is not served to organisations; its
    result must not be published as is. ``progress`` is told when the candidates are found."""
    t0 = time.perf_counter()
    xs = list(open_for_matching())
    offers_db = [x for x in xs if x.kind == Listing.Kind.OFFER]
    requests_db = [x for x in xs if x.kind == Listing.Kind.REQUEST]
    tax = _taxonomy()
    empty: dict[str, Any] = {
        "rows": [],
        "pairs": 0,
        "seconds": 0.0,
        "per_unit": _per_unit(offers_db, requests_db, []),
    }
    if not offers_db or not requests_db:
        return empty
    offers = listings_to_arrays([core_listing(x) for x in offers_db], "offer", tax)
    requests = listings_to_arrays([core_listing(x) for x in requests_db], "request", tax)
    if progress is not None:
        progress(0.1, "candidates")
    table = candidates(offers, requests, k=50, road_factor=ROAD_FACTOR)
    if progress is not None:
        progress(0.5, "solving")
    res = allocate(offers, requests, table, road_factor=ROAD_FACTOR)
    rows = []
    for o, r, q, d in zip(res.offer, res.request, res.quantity, res.distance_km, strict=True):
        if q <= 1e-9:
            continue
        off, req = offers_db[int(o)], requests_db[int(r)]
        rows.append(
            {
                "offer": off.pk,
                "offer_title": off.title,
                "offer_org": off.organisation.name,
                "request": req.pk,
                "request_title": req.title,
                "request_org": req.organisation.name,
                "material": off.material,
                "quantity": round(float(q), 6),
                "unit": off.unit,
                "km": round(float(d), 3),
            }
        )
    return {
        "rows": rows,
        "per_unit": _per_unit(offers_db, requests_db, rows),
        "pairs": len(table),
        "seconds": time.perf_counter() - t0,
    }


#: The job kind of the market-wide allocation (``services.allocation`` queues it).
ALLOCATION_KIND = "exchange.allocate"


def allocation_latest() -> Job | None:
    """The latest finished allocation run (its result is the allocation), or None."""
    return (
        Job.objects.filter(kind=ALLOCATION_KIND, status=Job.Status.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def allocation_running() -> Job | None:
    """An allocation run queued or running now, or None."""
    return jobs.active(kinds=[ALLOCATION_KIND]).order_by("pk").first()


def _per_unit(
    offers: list[Listing], requests: list[Listing], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Offered, requested, matched and transport work (quantity × km) per unit: tonnes, m³ and
    pieces are never added into one figure."""
    out: dict[str, dict[str, float]] = {}

    def unit(u: str) -> dict[str, float]:
        return out.setdefault(
            u, {"offered": 0.0, "requested": 0.0, "matched": 0.0, "transport": 0.0}
        )

    for x in offers:
        unit(x.unit)["offered"] += x.remaining
    for x in requests:
        unit(x.unit)["requested"] += x.remaining
    for r in rows:
        unit(r["unit"])["matched"] += r["quantity"]
        unit(r["unit"])["transport"] += r["quantity"] * r["km"]
    return [{"unit": u, **v} for u, v in sorted(out.items())]
