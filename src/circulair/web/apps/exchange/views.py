"""Exchange pages: listings, a listing with its ranked matches, proposals, insight."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circulair.core.errors import InputError
from circulair.core.tables import write_table
from circulair.web.apps.common import permissions
from circulair.web.apps.common.redirects import redirect_next
from circulair.web.apps.common.texts import problem_texts
from circulair.web.apps.common.uploads import import_is_large
from circulair.web.apps.exchange import presenters, selectors, services
from circulair.web.apps.exchange.forms import (
    ListingForm,
    ListingImportForm,
    ProposeForm,
    SavedSearchForm,
    form_problems,
)
from circulair.web.apps.exchange.models import Listing, Match, Notification
from circulair.web.apps.exchange.selectors import moderation, privacy


def listing_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.listing_visible_to(request.user)
    kind, material = request.GET.get("kind", ""), request.GET.get("material", "")
    if kind in Listing.Kind.values:
        qs = qs.filter(kind=kind)
    if material and not selectors.material_known(material):
        qs = qs.none()  # an unknown slug (or hostile text) never reaches the query
    elif material:
        qs = qs.filter(material__in=selectors.material_and_descendants(material))
    page = Paginator(qs.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    labels = selectors.material_labels()
    for x in page:
        x.material_name = labels.get(x.material, x.material)  # type: ignore[attr-defined]
    return render(
        request,
        "exchange/list.html",
        {
            "page": page,
            "kind": kind,
            "material": material,
            "materials": selectors.material_choices(),
            "labels": selectors.material_labels(),
            "may_allocate": permissions.can(request.user, "exchange.allocation.run"),
        },
    )


def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(selectors.listing_visible_to(request.user), pk=pk)
    mine = permissions.can(request.user, "exchange.listing.edit", listing)
    candidates = selectors.ranked_candidates(listing, k=10) if mine else []
    for c in candidates:
        c["breakdown"] = presenters.score_breakdown(c["parts"], c["distance_km"])
        c["material_name"] = selectors.material_label(c["listing"].material)
    matches = [
        m for m in selectors.matches_of(listing) if selectors.match_is_party(m, request.user)
    ]
    return render(
        request,
        "exchange/detail.html",
        {
            "listing": listing,
            "mine": mine,
            "candidates": candidates,
            "matches": matches,
            "exact": selectors.location_visible(listing, request.user),
            "moderator": moderation.can_moderate(request.user),
            "material_label": selectors.material_label(listing.material),
        },
    )


@login_required
def listing_new(request: HttpRequest) -> HttpResponse:
    form = ListingForm(request.POST or None, user=request.user)
    problems: list[str] = []
    if not getattr(form.fields["organisation"], "choices", None):  # no organisation to act for
        return render(request, "exchange/no_org.html", status=403)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = selectors.my_organisation(request.user, int(data.pop("organisation")))
        publish = data.pop("publish")
        try:
            listing = services.listing_create(
                user=request.user, organisation=org, data=data, publish=publish
            )
        except InputError as e:
            problems = problem_texts(e.problems)
        else:
            return redirect("exchange:listing", pk=listing.pk)
    return render(
        request,
        "exchange/new.html",
        {"form": form, "problems": problems},
        status=400 if problems or (request.method == "POST" and form.errors) else 200,
    )


@login_required
def listing_import(request: HttpRequest) -> HttpResponse:
    """``/exchange/import/``: a file of offers and requests for one of the user's
    organisations, all or nothing; a large file is imported by a worker (the job's page)."""
    form = ListingImportForm(request.POST or None, request.FILES or None, user=request.user)
    if not getattr(form.fields["organisation"], "choices", None):
        return render(request, "exchange/no_org.html", status=403)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        org = selectors.my_organisation(request.user, int(form.cleaned_data["organisation"]))
        publish = form.cleaned_data["publish"]
        try:
            if import_is_large(f.size):  # minutes of work: a job, followed on its page
                job = services.listings_import_start(
                    user=request.user,
                    organisation=org,
                    content=f,
                    file_name=f.name,
                    publish=publish,
                )
                return redirect("portal:job", pk=job.pk)
            n = services.listings_import(
                user=request.user, organisation=org, content=f, file_name=f.name, publish=publish
            ).count()
        except InputError as e:
            problems = problem_texts(e.problems)
        else:
            messages.success(request, services.listings_import_outcome({"rows": n}))
            return redirect("exchange:list")
    return render(
        request,
        "exchange/import.html",
        {
            "form": form,
            "problems": problems,
            "required": services.IMPORT_REQUIRED,
            "optional": services.IMPORT_OPTIONAL,
        },
        status=400 if problems or (request.method == "POST" and form.errors) else 200,
    )


@login_required
def allocation(request: HttpRequest) -> HttpResponse:
    """``/exchange/allocation/``: the latest allocation of the whole market, for the platform's
    operators, and a button that computes it again (by a worker; the job's page follows it)."""
    permissions.require(request.user, "exchange.allocation.run")
    if request.method == "POST":
        job = services.allocation_start(user=request.user)
        return redirect("portal:job", pk=job.pk)
    if request.GET.get("format") == "csv":
        latest = selectors.allocation_latest()
        body = presenters.allocation_csv((latest.result or {}) if latest else {})
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="allocation.csv"'
        return response
    return render(request, "exchange/allocation.html", presenters.allocation_page())


@login_required
@require_POST
def listing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action in ("hide", "unhide"):  # a moderator acts on a listing they can see
        listing = get_object_or_404(selectors.listing_visible_to(request.user), pk=pk)
    else:
        listing = get_object_or_404(Listing, pk=pk)
    try:
        if action == "publish":
            services.listing_publish(user=request.user, listing=listing)
        elif action == "close":
            services.listing_close(user=request.user, listing=listing)
        elif action == "hide":
            services.listing_hide(
                user=request.user, listing=listing, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The listing is hidden; its owner has been told why."))
        elif action == "unhide":
            services.listing_unhide(user=request.user, listing=listing)
            messages.success(request, _("The listing is visible again."))
        else:
            raise Http404(action)
    except InputError as e:
        messages.error(request, str(e))
    return redirect("exchange:listing", pk=pk)


def _problems(request: HttpRequest, problems: list[str], status: int = 400) -> HttpResponse:
    """A 4xx page listing what was wrong, each line naming the field."""
    return render(request, "exchange/problems.html", {"problems": problems}, status=status)


@login_required
@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    form = ProposeForm(request.POST)
    if not form.is_valid():
        if "offer" in form.errors or "request" in form.errors:
            raise Http404("no such offer or request")
        return _problems(request, form_problems(form))
    data = form.cleaned_data
    try:
        offer = Listing.objects.get(pk=data["offer"], kind=Listing.Kind.OFFER)
        req = Listing.objects.get(pk=data["request"], kind=Listing.Kind.REQUEST)
    except Listing.DoesNotExist as e:
        raise Http404("no such offer or request") from e
    try:
        m = services.match_propose(
            user=request.user, offer=offer, request=req, quantity=data.get("quantity")
        )
    except InputError as e:
        messages.error(request, str(e))
        return redirect_next(request, "exchange:list")
    messages.success(request, _("Match proposed; the other party has been notified."))
    return redirect("exchange:match", pk=m.pk)


def _party_match(request: HttpRequest, pk: int) -> Match:
    m = get_object_or_404(
        Match.objects.select_related("offer__organisation", "request__organisation"), pk=pk
    )
    permissions.require(request.user, "exchange.match.party", m)
    return m


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = _party_match(request, pk)
    can_decide = m.status == Match.Status.PROPOSED and permissions.can(
        request.user, "exchange.organisation.act", m.counterparty_id
    )
    exact = privacy.exact_ids_for(request.user, [m.offer_id, m.request_id])
    return render(
        request,
        "exchange/match.html",
        {
            "m": m,
            "can_decide": can_decide,
            "offer_exact": m.offer_id in exact,
            "request_exact": m.request_id in exact,
            "offer_material": selectors.material_label(m.offer.material),
            "request_material": selectors.material_label(m.request.material),
            "breakdown": presenters.match_breakdown(m),
        },
    )


@login_required
@require_POST
def match_decide(request: HttpRequest, pk: int) -> HttpResponse:
    m = _party_match(request, pk)
    try:
        services.match_decide(
            user=request.user, match=m, accept=request.POST.get("decision") == "accept"
        )
    except InputError as e:
        messages.error(request, str(e))
    return redirect("exchange:match", pk=pk)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    items = list(Notification.objects.filter(user=user)[:100])
    Notification.objects.filter(user=user, read=False).update(read=True)
    return render(request, "exchange/notifications.html", {"items": items})


@login_required
@require_POST
def saved_search(request: HttpRequest) -> HttpResponse:
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        return _problems(request, form_problems(form))
    data = form.cleaned_data
    try:
        services.saved_search_create(
            user=request.user,
            kind=data["kind"],
            material=data["material"],
            refnis=data["refnis"] or "",
            radius_km=data["radius_km"] or 50,
        )
    except InputError as e:
        return _problems(request, problem_texts(e.problems))
    messages.success(request, _("Saved: you will be notified of new matching listings."))
    return redirect("exchange:list")


def insight(request: HttpRequest) -> HttpResponse:
    """Public totals, flows between municipality centres and a CSV (no exact locations)."""
    data: dict[str, Any] = presenters.insight()
    if request.GET.get("format") == "csv":
        cols = ["material", "province", "unit", "offered", "requested", "matched", "material_slug"]
        body = write_table(cols, ([r[c] for c in cols] for r in data["rows"]), "csv")
        resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = 'attachment; filename="exchange-insight.csv"'
        return resp
    return render(request, "exchange/insight.html", data)
