"""Writes of the exchange: listings, proposals, decisions, notifications, expiry.

Every write checks that the acting user is a member of the organisation it acts for; a crafted
request for someone else's listing or match is refused with PermissionDenied. Moderators hide
listings and make them visible again through :mod:`.moderation`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circulair.core.errors import (
    IMPORT_LISTED,
    InputError,
    Problem,
    ProblemCollector,
    gettext_noop,
    problem,
)
from circulair.web.apps.accounts.models import Topic
from circulair.web.apps.common import jobs, permissions
from circulair.web.apps.common.history import changes_insert, imported
from circulair.web.apps.common.mail import language_of, mail_send, site_url
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.tables import Source, lookups
from circulair.web.apps.common.uploads import READING, import_job, import_start, upload_keep
from circulair.web.apps.common.writes import Inserter, Spool, validated_create
from circulair.web.apps.exchange import selectors
from circulair.web.apps.exchange.models import (
    Listing,
    Match,
    Notification,
    SavedSearch,
    notice_text,
)
from circulair.web.apps.exchange.selectors import privacy
from circulair.web.apps.exchange.services import validation
from circulair.web.apps.exchange.services.allocation import (  # the operators' market run
    allocation_start as allocation_start,
)
from circulair.web.apps.exchange.services.moderation import (  # the moderators' writes
    listing_hide as listing_hide,
)
from circulair.web.apps.exchange.services.moderation import (
    listing_unhide as listing_unhide,
)
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.organisations import selectors as organisations
from circulair.web.apps.organisations.models import Organisation

log = logging.getLogger(__name__)


def saved_search_create(
    *, user: Any, kind: str, material: str, refnis: str = "", radius_km: float = 50
) -> SavedSearch:
    """Ask to be notified when a matching listing is published."""
    problems: list[Problem] = []
    validation.kind_check(kind, problems)
    validation.material_check(material, problems)
    radius = validation.number(
        {"radius_km": radius_km},
        "radius_km",
        problems,
        positive=True,
        maximum=validation.MAX_RADIUS_KM,
    )
    muni = validation.refnis_municipality(refnis, problems) if refnis else None
    if problems:
        raise InputError(problems)
    return validated_create(
        SavedSearch,
        user=user,
        kind=kind,
        material=material,
        municipality=muni,
        radius_km=radius if radius is not None else 50.0,
    )


def _member_of(user: Any, organisation: Organisation) -> None:
    """``user=None`` is the command line, run by an operator of the platform itself."""
    permissions.require(user, "exchange.organisation.act", organisation)


@transaction.atomic
def listing_create(
    *, user: Any, organisation: Organisation, data: dict[str, Any], publish: bool = False
) -> Listing:
    """Create an offer or request (draft, or published at once)."""
    _member_of(user, organisation)
    problems: list[Problem] = []
    clean = validation.validate(data, problems)
    where = validation.locate(data, problems)
    if problems:
        raise InputError(problems)
    assert where is not None
    muni, lat, lon = where
    listing = Listing(
        organisation=organisation,
        created_by=user if user is not None else None,
        municipality=muni,
        lat=lat,
        lon=lon,
        remaining=float(clean["quantity"]),
        **clean,
    )
    validation.full_clean(listing)
    listing.save()
    if publish:
        listing_publish(user=user, listing=listing)
    return listing


@transaction.atomic
def listing_publish(*, user: Any, listing: Listing) -> Listing:
    _member_of(user, listing.organisation)
    if listing.status != Listing.Status.DRAFT:
        raise InputError.coded(
            "listing_not_draft",
            gettext_noop("only a draft can be published"),
            field="status",
            value=listing.status,
        )
    listing.status = Listing.Status.PUBLISHED
    listing.save(update_fields=["status", "updated_at"])
    _notify_saved_searches(listing)
    return listing


@transaction.atomic
def listing_close(*, user: Any, listing: Listing) -> Listing:
    _member_of(user, listing.organisation)
    listing.status = Listing.Status.CLOSED
    listing.save(update_fields=["status", "updated_at"])
    return listing


def listings_expire(*, today: dt.date | None = None) -> int:
    """Expire published listings whose availability window has ended."""
    today = today or timezone.localdate()
    return Listing.objects.filter(
        status__in=[Listing.Status.PUBLISHED, Listing.Status.DRAFT], available_to__lt=today
    ).update(status=Listing.Status.EXPIRED)


def notify(*, users: Any, notice: str, params: dict[str, Any], url: str = "") -> None:
    """An in-app notification and an e-mail (when the person wants exchange mail) per user,
    each in that user's language, the mail's link absolute (``SITE_URL``)."""
    params = {k: str(v) for k, v in params.items()}
    for u in users:
        with translation.override(language_of(u)):
            text = notice_text(notice, params)
        Notification.objects.create(user=u, code=notice, params=params, text=text[:300], url=url)
        mail_send(
            "exchange_notice",
            {"text": text, "link": site_url(url) if url else ""},
            user=u,
            topic=Topic.EXCHANGE,
        )


def _org_users(org_id: int) -> Any:
    return Organisation.objects.get(pk=org_id).members.all()


def _notify_saved_searches(listing: Listing) -> None:
    """Tell the owners of matching saved searches. The radius is tested from the listing's
    public point: saved searches of many radii must not be a way to locate the exact one.
    A listing a moderator hid is announced to nobody."""
    if listing.is_hidden:
        return
    lat, lon = privacy.public_point(listing)
    for s in SavedSearch.objects.filter(kind=listing.kind).select_related("municipality"):
        if not selectors.compatible(listing.material, s.material):
            continue
        if (
            s.municipality is not None
            and selectors.distance_km(s.municipality.lat, s.municipality.lon, lat, lon)
            > s.radius_km
        ):
            continue
        notify(
            users=[s.user],
            notice="new_listing",
            params={
                "kind": listing.kind,
                "material": s.material,
                "title": listing.title,
                "place": listing.municipality.name_nl,
            },
            url=f"/exchange/listings/{listing.pk}/",
        )


@transaction.atomic
def match_propose(
    *, user: Any, offer: Listing, request: Listing, quantity: float | None = None
) -> Match:
    """One party proposes an offer–request pairing; the other party is notified.

    The pair is checked as the proposer sees it (:func:`selectors.pair_problems`), and the stored
    ``distance_km`` and ``score`` come from the public points: both parties read them before
    either has the right to the other's exact location. Accepting replaces the distance by the
    exact one (both parties have that right from then on)."""
    if permissions.can(user, "exchange.organisation.act", offer.organisation):
        proposer = offer.organisation
    elif permissions.can(user, "exchange.organisation.act", request.organisation):
        proposer = request.organisation
    else:
        raise PermissionDenied(_("Only a party of the offer or the request can propose a match."))
    problems = selectors.pair_problems(offer, request, privacy.exact_listing_ids({proposer.pk}))
    if quantity is not None:
        checked = validation.number({"quantity": quantity}, "quantity", problems, positive=True)
        if checked is None:
            raise InputError(problems)
        quantity = checked
    q = quantity if quantity is not None else min(offer.remaining, request.remaining)
    if q <= 0 or q > min(offer.remaining, request.remaining) + 1e-9:
        problems.append(
            problem(
                "match_quantity",
                gettext_noop("quantity must be > 0 and at most %(most)s %(unit)s"),
                field="quantity",
                value=q,
                most=f"{min(offer.remaining, request.remaining):g}",
                unit=offer.unit,
            )
        )
    if Match.objects.filter(offer=offer, request=request, status=Match.Status.PROPOSED).exists():
        problems.append(
            problem(
                "match_twice", gettext_noop("this pair has already been proposed"), field="match"
            )
        )
    if problems:
        raise InputError(problems)
    public_km = selectors.public_distance_km(offer, request)
    parts = selectors.pair_score_parts(offer, request)
    m = validated_create(
        Match,
        offer=offer,
        request=request,
        proposed_by=proposer,
        quantity=q,
        distance_km=public_km,
        score=selectors.pair_score(offer, request),
        # kept: the listings' remaining quantities change, the explanation of this score not
        score_parts={
            "distance_km": public_km,
            "parts": [{"code": p.code, "value": p.value, "weight": p.weight} for p in parts],
        },
    )
    other = (
        request.organisation_id if proposer.pk == offer.organisation_id else offer.organisation_id
    )
    notify(
        users=_org_users(other),
        notice="proposed",
        params={
            "org": proposer.name,
            "offer": offer.title,
            "request": request.title,
            "quantity": f"{q:g}",
            "unit": offer.unit,
        },
        url=f"/exchange/matches/{m.pk}/",
    )
    return m


@transaction.atomic
def match_decide(*, user: Any, match: Match, accept: bool) -> Match:
    """The other party accepts (a deal: remaining quantities drop) or declines."""
    match = (
        Match.objects.select_for_update()
        .select_related("offer", "request", "proposed_by")
        .get(pk=match.pk)
    )
    if not permissions.can(user, "exchange.organisation.act", match.counterparty_id):
        raise PermissionDenied(_("Only the other party of the match can accept or decline it."))
    if match.status != Match.Status.PROPOSED:
        raise InputError.coded(
            "match_decided",
            gettext_noop("this match has already been decided"),
            field="status",
            value=match.status,
        )
    match.decided_at, match.decided_by = timezone.now(), user
    if accept:
        offer = Listing.objects.select_for_update().get(pk=match.offer_id)
        request = Listing.objects.select_for_update().get(pk=match.request_id)
        if offer.is_hidden or request.is_hidden:
            raise InputError.coded(
                "match_listing_hidden",
                gettext_noop("a moderator has hidden a listing of this match"),
                field="status",
                value="hidden",
            )
        q = min(match.quantity, offer.remaining, request.remaining)
        if q <= 0:
            raise InputError.coded(
                "match_nothing_left",
                gettext_noop("nothing is left to match"),
                field="quantity",
                value=q,
            )
        match.quantity = q
        for listing in (offer, request):
            listing.remaining = round(listing.remaining - q, 9)
            listing.status = (
                Listing.Status.CLOSED if listing.remaining <= 1e-9 else Listing.Status.MATCHED
            )
            listing.save(update_fields=["remaining", "status", "updated_at"])
        match.status = Match.Status.ACCEPTED
        match.distance_km = selectors.exact_distance_km(offer, request)
    else:
        match.status = Match.Status.DECLINED
    match.save()
    notify(
        users=_org_users(match.proposed_by_id),
        notice="decided",
        params={
            "status": match.status,
            "offer": match.offer.title,
            "request": match.request.title,
        },
        url=f"/exchange/matches/{match.pk}/",
    )
    log.info("match %d %s (%.3f %s)", match.pk, match.status, match.quantity, match.offer.unit)
    return match


#: The columns of an imported listing, in :class:`Inserter` order: the checked fields and the
#: hazard flag the List-of-Waste code gives (then the municipality, point and remaining).
LISTING_ROW = (*validation.FIELDS, "hazardous")
#: The columns of an import file, as the import page lists them: all required ones, one way of
#: placing the listing (refnis, postal_code, or lat and lon), any of the others.
IMPORT_REQUIRED = validation.IMPORT_COLUMNS
IMPORT_OPTIONAL = tuple(c for c in validation.FIELDS if c not in IMPORT_REQUIRED)
_LISTING_COLUMNS = (*LISTING_ROW, "municipality_id", "lat", "lon", "remaining")
_DEFAULTS = tuple(Listing._meta.get_field(f).get_default() for f in LISTING_ROW)  # type: ignore[union-attr]


def _saved_search_digest(found: dict[tuple[str, str, int], list[Any]]) -> int:
    """Tell each matching saved search once about an import's new listings, grouped by kind,
    material and municipality (what matching depends on; the radius from the public point):
    "New offer …" for one, "N new offers …" for more. Returns how many were told."""
    if not found:
        return 0
    munis = Municipality.objects.in_bulk({m for _k, _m, m in found})
    told = 0
    for s in SavedSearch.objects.select_related("municipality", "user"):
        count, first = 0, None
        for (kind, material, muni_id), (n, pk, title) in found.items():
            if kind != s.kind or not selectors.compatible(material, s.material):
                continue
            m = munis[muni_id]
            if s.municipality is not None and (
                selectors.distance_km(s.municipality.lat, s.municipality.lon, m.lat, m.lon)
                > s.radius_km
            ):
                continue
            count += n
            if first is None or pk < first[0]:
                first = (pk, title, m.name_nl)
        if first is None:
            continue
        params = {"kind": s.kind, "material": s.material, "title": first[1], "place": first[2]}
        if count == 1:
            notify(
                users=[s.user],
                notice="new_listing",
                params=params,
                url=f"/exchange/listings/{first[0]}/",
            )
        else:
            notify(
                users=[s.user],
                notice="new_listings",
                params={**params, "count": count},
                url=f"/exchange/listings/?kind={s.kind}&material={s.material}",
            )
        told += 1
    return told


def listings_import(
    *,
    organisation: Organisation,
    content: Source,
    file_name: str,
    user: Any = None,
    publish: bool = True,
    progress: jobs.Progress | None = None,
) -> QuerySet[Listing]:
    """Bulk import of listings from CSV or XLSX; every bad row is named, nothing is saved
    unless every row is valid, and the file is kept. Returns the imported listings (a query,
    in file order).

    Every row is checked first (the checked rows wait on disk), then all are written in one
    transaction (on SQLite others wait for the write phase only), each with an "imported"
    entry in the change log; the owners of matching saved searches get one notice per search,
    not one per listing. ``progress`` (a background import, :func:`listings_import_start`) is
    told when the checks end and the write begins."""
    _member_of(user, organisation)
    by = acting_user(user)
    status = Listing.Status.PUBLISHED if publish else Listing.Status.DRAFT
    listings = Inserter(
        Listing,
        _LISTING_COLUMNS,
        status=status,
        organisation_id=organisation.pk,
        created_by_id=getattr(by, "pk", None),
    )
    count = 0
    started = time.perf_counter()
    with lookups(), Spool() as spool:
        try:
            rows = validation.table_rows(content, file_name)
            problems = ProblemCollector(IMPORT_LISTED, file=file_name)
            for line, raw in rows:
                count += 1
                rp: list[Problem] = []
                data = validation.row_data(raw, rp)
                clean = validation.validate(data, rp)
                where = validation.locate(data, rp)
                if not rp and where is not None:
                    muni, lat, lon = where
                    # dates as ISO text: spooled at a fraction of a date object's cost
                    clean["available_from"] = clean["available_from"].isoformat()
                    clean["available_to"] = clean["available_to"].isoformat()
                    values = (
                        *map(clean.get, LISTING_ROW, _DEFAULTS),
                        muni.pk,
                        lat,
                        lon,
                        float(clean["quantity"]),
                    )
                    rp = listings.check(values)
                    if not rp and not problems:
                        spool.add(values)
                problems.extend(p.at(file=file_name, row=line) for p in rp)
            if not count:
                problems.add(
                    problem("file_empty", gettext_noop("the file has no rows"), file=file_name)
                )
            problems.raise_if_any()
        except InputError as e:
            upload_keep(purpose="listings", name=file_name, content=content, user=user, error=e)
            raise
        checked = time.perf_counter()
        if progress is not None:
            progress(READING, "storing")
        found: dict[tuple[str, str, int], list[Any]] = {}
        kind_at, material_at = LISTING_ROW.index("kind"), LISTING_ROW.index("material")
        title_at = LISTING_ROW.index("title")
        muni_at = len(LISTING_ROW)
        with transaction.atomic():
            up = upload_keep(purpose="listings", name=file_name, content=content, user=user)
            entry: dict[str, list[Any]] = {"upload": [None, up.pk], "file": [None, file_name]}
            for chunk in spool.chunks():
                ids = listings.insert(chunk)
                changes_insert(Listing, ids, "import", entry, user=user, upload=up)
                for pk, v in zip(ids, chunk, strict=True):
                    key = (v[kind_at], v[material_at], v[muni_at])
                    seen = found.get(key)
                    if seen is None:
                        found[key] = [1, pk, v[title_at]]
                    else:
                        seen[0] += 1
            if publish:
                _saved_search_digest(found)
    log.info(
        "listings import %s: %d rows, checked in %.1f s, written in %.1f s",
        file_name,
        count,
        checked - started,
        time.perf_counter() - checked,
    )
    return imported(Listing, up)


IMPORT_KIND = "exchange.import"


def listings_import_start(
    *, user: Any, organisation: Organisation, content: Source, file_name: str, publish: bool
) -> Job:
    """Queue a large listings file for ``organisation`` (minutes of work must not hold a web
    process); ``/jobs/<id>/`` follows it. The membership is checked now, and again by the
    worker's import (it may have ended in between)."""
    _member_of(user, organisation)
    return import_start(
        IMPORT_KIND,
        content=content,
        file_name=file_name,
        user=user,
        organisation=organisation.pk,
        publish=bool(publish),
    )


def listings_import_outcome(result: dict[str, Any]) -> str:
    """The sentence a finished import ends with, in the reader's language."""
    return _("Imported %(n)d listings.") % {"n": result.get("rows", 0)}


@import_job(IMPORT_KIND, title=gettext_lazy("Import of listings"), outcome=listings_import_outcome)
def listings_import_run(
    stream: IO[bytes], params: dict[str, Any], user: Any, progress: jobs.Progress
) -> dict[str, Any]:
    """The worker's side: the same import; the result is the count and the market's list."""
    org = organisations.job_organisation(params)
    n = listings_import(
        organisation=org,
        content=stream,
        file_name=str(params["file_name"]),
        user=user,
        publish=bool(params.get("publish")),
        progress=progress,
    ).count()
    return {"rows": n, "url": reverse("exchange:list")}
