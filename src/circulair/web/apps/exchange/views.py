"""Exchange pages: listings, a listing with its ranked matches, proposals, insight."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circulair.core.errors import InputError
from circulair.web.apps.exchange import selectors, services
from circulair.web.apps.exchange.forms import ListingForm
from circulair.web.apps.exchange.models import Listing, Match, Notification


def listing_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.listing_visible_to(request.user)
    kind, material = request.GET.get("kind", ""), request.GET.get("material", "")
    if kind in Listing.Kind.values:
        qs = qs.filter(kind=kind)
    if material:
        qs = qs.filter(material__in=selectors.material_and_descendants(material))
    page = Paginator(qs.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(request, "exchange/list.html", {
        "page": page, "kind": kind, "material": material,
        "materials": selectors.material_choices(), "labels": selectors.material_labels()})


def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(selectors.listing_visible_to(request.user), pk=pk)
    mine = listing.organisation_id in selectors.my_org_ids(request.user)
    candidates = selectors.ranked_candidates(listing, k=10) if mine else []
    matches = [m for m in selectors.matches_of(listing)
               if selectors.match_is_party(m, request.user)]
    return render(request, "exchange/detail.html", {
        "listing": listing, "mine": mine, "candidates": candidates, "matches": matches,
        "exact": selectors.location_visible(listing, request.user),
        "material_label": selectors.material_labels().get(listing.material, listing.material)})


@login_required
def listing_new(request: HttpRequest) -> HttpResponse:
    form = ListingForm(request.POST or None, user=request.user)
    problems: list[str] = []
    if not form.fields["organisation"].choices:
        return render(request, "exchange/no_org.html", status=403)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = selectors.my_organisation(request.user, int(data.pop("organisation")))
        publish = data.pop("publish")
        try:
            listing = services.listing_create(user=request.user, organisation=org, data=data,
                                              publish=publish)
        except InputError as e:
            problems = [str(p) for p in e.problems]
        else:
            return redirect("exchange:listing", pk=listing.pk)
    return render(request, "exchange/new.html", {"form": form, "problems": problems},
                  status=400 if problems or (request.method == "POST" and form.errors) else 200)


@login_required
@require_POST
def listing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    listing = get_object_or_404(Listing, pk=pk)
    try:
        if action == "publish":
            services.listing_publish(user=request.user, listing=listing)
        elif action == "close":
            services.listing_close(user=request.user, listing=listing)
        else:
            raise Http404(action)
    except InputError as e:
        messages.error(request, str(e))
    return redirect("exchange:listing", pk=pk)


@login_required
@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    try:
        offer = Listing.objects.get(pk=int(request.POST["offer"]), kind=Listing.Kind.OFFER)
        req = Listing.objects.get(pk=int(request.POST["request"]), kind=Listing.Kind.REQUEST)
        q = request.POST.get("quantity")
        m = services.match_propose(user=request.user, offer=offer, request=req,
                                   quantity=float(q) if q else None)
    except (KeyError, ValueError, Listing.DoesNotExist) as e:
        raise Http404("no such offer or request") from e
    except InputError as e:
        messages.error(request, str(e))
        return redirect(request.POST.get("next") or "exchange:list")
    messages.success(request, _("Match proposed; the other party has been notified."))
    return redirect("exchange:match", pk=m.pk)


def _party_match(request: HttpRequest, pk: int) -> Match:
    m = get_object_or_404(Match.objects.select_related("offer__organisation",
                                                       "request__organisation"), pk=pk)
    if not selectors.match_is_party(m, request.user):
        raise PermissionDenied("only the parties of a match can see it")
    return m


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = _party_match(request, pk)
    can_decide = (m.status == Match.Status.PROPOSED
                  and m.counterparty_id in selectors.my_org_ids(request.user))
    return render(request, "exchange/match.html", {"m": m, "can_decide": can_decide})


@login_required
@require_POST
def match_decide(request: HttpRequest, pk: int) -> HttpResponse:
    m = _party_match(request, pk)
    try:
        services.match_decide(user=request.user, match=m,
                              accept=request.POST.get("decision") == "accept")
    except InputError as e:
        messages.error(request, str(e))
    return redirect("exchange:match", pk=pk)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(user=request.user)[:100])
    Notification.objects.filter(user=request.user, read=False).update(read=True)
    return render(request, "exchange/notifications.html", {"items": items})


@login_required
@require_POST
def saved_search(request: HttpRequest) -> HttpResponse:
    try:
        services.saved_search_create(user=request.user, kind=request.POST.get("kind", ""),
                                     material=request.POST.get("material", ""),
                                     refnis=request.POST.get("refnis", ""),
                                     radius_km=float(request.POST.get("radius_km") or 50))
    except (InputError, ValueError) as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Saved: you will be notified of new matching listings."))
    return redirect("exchange:list")


def insight(request: HttpRequest) -> HttpResponse:
    data: dict[str, Any] = selectors.insight()
    if request.GET.get("format") == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=["material", "province", "unit", "offered",
                                            "requested", "matched"], lineterminator="\n")
        w.writeheader()
        w.writerows(data["rows"])
        resp = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = 'attachment; filename="exchange-insight.csv"'
        return resp
    return render(request, "exchange/insight.html", data)
