"""Exchange: listings, ranked matches, the propose/accept workflow and its permissions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from circulair.core.errors import InputError
from circulair.web.apps.accounts.models import Profile
from circulair.web.apps.exchange.models import Listing, Match, Notification
from circulair.web.apps.exchange.selectors import ranked_candidates
from circulair.web.apps.exchange.services import (
    listing_create,
    listings_import,
    match_decide,
    match_propose,
)
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
D0, D1 = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _org(name: str, username: str) -> tuple[Organisation, User]:
    org = Organisation.objects.create(name=name)
    user = User.objects.create_user(
        username, email=f"{username}@example.org", password="a-long-test-password"
    )
    Membership.objects.create(organisation=org, user=user)
    return org, user


def _listing(user: User, org: Organisation, **kw: Any) -> Listing:
    data = {
        "kind": "offer",
        "title": "Houten balken",
        "material": "wood-a",
        "quantity": 10.0,
        "unit": "t",
        "available_from": D0,
        "available_to": D1,
        "route": "reuse",
        "refnis": "24062",
        "address": "Vaartstraat 1",
    }
    data.update(kw)
    return listing_create(user=user, organisation=org, data=data, publish=True)


@pytest.fixture
def world() -> dict[str, Any]:
    seller, alice = _org("Sloopbedrijf", "alice")
    buyer, bob = _org("Schrijnwerkerij", "bob")
    other, eve = _org("Buitenstaander", "eve")
    offer = _listing(alice, seller)
    far = _listing(alice, seller, title="Ver hout", refnis="73111")  # Tongeren, > 50 km
    recycle = _listing(alice, seller, title="Hout voor recyclage", route="recycle")
    request = _listing(
        bob,
        buyer,
        kind="request",
        title="Gezocht: hout",
        material="wood",
        quantity=6.0,
        refnis="24062",
        route="recycle",
        radius_km=50,
    )
    return {
        "seller": seller,
        "buyer": buyer,
        "other": other,
        "alice": alice,
        "bob": bob,
        "eve": eve,
        "offer": offer,
        "far": far,
        "recycle": recycle,
        "request": request,
    }


def test_validation_names_every_field(world: dict[str, Any]) -> None:
    with pytest.raises(InputError) as ei:
        listing_create(
            user=world["alice"],
            organisation=world["seller"],
            data={
                "kind": "offer",
                "title": "",
                "material": "unobtainium",
                "quantity": -1,
                "unit": "t",
                "available_from": D1,
                "available_to": D0,
                "ewc": "99 99 99",
                "refnis": "00000",
            },
            publish=True,
        )
    fields = {p.field for p in ei.value.problems}
    assert {"title", "material", "quantity", "available_to", "ewc", "refnis"} <= fields


def test_ranked_candidates_put_reuse_first_and_respect_the_radius(world: dict[str, Any]) -> None:
    # the request (route recycle) sees every compatible offer within 50 km, not the far one
    ids = [c["listing"].pk for c in ranked_candidates(world["request"])]
    assert set(ids) == {world["offer"].pk, world["recycle"].pk}
    # an offer fit for reuse ranks a reuse request before a recycling request (R-ladder)
    reuse_req = _listing(
        world["bob"],
        world["buyer"],
        kind="request",
        title="Hergebruik",
        material="wood",
        quantity=6.0,
        refnis="24062",
        route="reuse",
    )
    ranked = ranked_candidates(world["offer"])
    assert [c["listing"].pk for c in ranked] == [reuse_req.pk, world["request"].pk]
    assert ranked[0]["score"] > ranked[1]["score"]


def test_propose_accept_updates_remaining_and_notifies(world: dict[str, Any]) -> None:
    m = match_propose(user=world["bob"], offer=world["offer"], request=world["request"])
    assert m.quantity == 6 and Notification.objects.filter(user=world["alice"]).exists()
    assert any("stelt een match voor" in e.subject for e in mail.outbox)  # her language: Dutch
    Profile.objects.create(user=world["bob"], language="en")  # he reads English
    m = match_decide(user=world["alice"], match=m, accept=True)
    offer = Listing.objects.get(pk=world["offer"].pk)
    request = Listing.objects.get(pk=world["request"].pk)
    assert (offer.remaining, offer.status) == (4, "matched")
    assert (request.remaining, request.status) == (0, "closed")
    assert Notification.objects.filter(
        user=world["bob"], text__startswith="Match accepted"
    ).exists()
    [to_bob] = [e for e in mail.outbox if world["bob"].email in e.to] or [None]
    assert to_bob is None or to_bob.subject.startswith("[Circulair] Match accepted")


def test_permissions_on_matches_and_locations(world: dict[str, Any], client: Client) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        match_propose(user=world["eve"], offer=world["offer"], request=world["request"])
    m = match_propose(user=world["bob"], offer=world["offer"], request=world["request"])
    with pytest.raises(PermissionDenied):
        match_decide(user=world["bob"], match=m, accept=True)  # the proposer cannot accept
    with pytest.raises(PermissionDenied):
        match_decide(user=world["eve"], match=m, accept=True)  # a stranger cannot either
    # pages: a stranger sees the municipality only, the parties see the exact location
    client.force_login(world["eve"])
    body = client.get(f"/exchange/listings/{world['offer'].pk}/").content.decode()
    assert "Leuven" in body and "Vaartstraat" not in body
    assert client.get(f"/exchange/matches/{m.pk}/").status_code == 403
    assert (
        client.post(f"/exchange/matches/{m.pk}/decide/", {"decision": "accept"}).status_code == 403
    )
    api = client.get(f"/api/v1/exchange/listings/{world['offer'].pk}/").json()
    assert api["location"] is None and api["municipality"] == "Leuven"
    assert client.post(f"/api/v1/exchange/matches/{m.pk}/accept/").status_code in (403, 404)
    # a proposal buys no location: the proposer sees the exact one only once it is accepted
    client.force_login(world["bob"])
    body = client.get(f"/exchange/listings/{world['offer'].pk}/").content.decode()
    assert "Leuven" in body and "Vaartstraat" not in body
    api = client.get(f"/api/v1/exchange/listings/{world['offer'].pk}/").json()
    assert api["location"] is None
    assert client.post(f"/api/v1/exchange/matches/{m.pk}/accept/").status_code == 403
    client.force_login(world["alice"])
    assert client.post(f"/api/v1/exchange/matches/{m.pk}/accept/").status_code == 200
    assert Match.objects.get(pk=m.pk).status == "accepted"
    client.force_login(world["bob"])
    body = client.get(f"/exchange/listings/{world['offer'].pk}/").content.decode()
    assert "Vaartstraat" in body
    api = client.get(f"/api/v1/exchange/listings/{world['offer'].pk}/").json()
    assert api["location"]["address"] == "Vaartstraat 1"
    client.force_login(world["eve"])
    api = client.get(f"/api/v1/exchange/listings/{world['offer'].pk}/").json()
    assert api["location"] is None


def test_a_member_cannot_create_for_another_organisation(
    world: dict[str, Any], client: Client
) -> None:
    client.force_login(world["eve"])
    resp = client.post(
        "/api/v1/exchange/listings/",
        {
            "organisation": world["seller"].pk,
            "kind": "offer",
            "title": "x",
            "material": "wood-a",
            "quantity": 1,
            "unit": "t",
            "available_from": "2026-01-01",
            "available_to": "2026-02-01",
            "refnis": "24062",
        },
        content_type="application/json",
    )
    assert resp.status_code == 403


def test_bulk_import_reports_rows_and_saves_nothing(world: dict[str, Any]) -> None:
    good = (
        "kind,title,material,quantity,unit,available_from,available_to,refnis,route\n"
        "offer,Pallets,wood-pallets,5,t,2026-01-01,2026-06-30,44021,reuse\n"
    )
    bad = good + (
        "offer,Iets,moon-rock,5,t,2026-01-01,2026-06-30,44021,reuse\n"
        "offer,Iets,wood-a,-5,t,2026-01-01,2026-06-30,44021,reuse\n"
    )
    before = Listing.objects.count()
    with pytest.raises(InputError) as ei:
        listings_import(organisation=world["seller"], content=bad.encode(), file_name="l.csv")
    text = str(ei.value)
    assert "l.csv, line 3, column 'material'" in text and "l.csv, line 4, column 'quantity'" in text
    assert Listing.objects.count() == before
    out = listings_import(organisation=world["seller"], content=good.encode(), file_name="l.csv")
    assert len(out) == 1 and out[0].status == "published"


def test_saved_search_notifies_and_insight_counts_avoided_tkm(
    world: dict[str, Any], client: Client
) -> None:
    client.force_login(world["bob"])
    resp = client.post(
        "/exchange/saved-searches/",
        {"kind": "offer", "material": "wood", "refnis": "24062", "radius_km": "30"},
    )
    assert resp.status_code == 302
    _listing(world["alice"], world["seller"], title="Nieuwe planken", material="wood-b")
    assert Notification.objects.filter(user=world["bob"], text__contains="Nieuwe planken").exists()
    _listing(world["alice"], world["seller"], title="Koper", material="copper")
    assert not Notification.objects.filter(user=world["bob"], text__contains="Koper").exists()
    req = _listing(
        world["bob"],
        world["buyer"],
        kind="request",
        title="Balken met alternatief",
        material="wood",
        quantity=2.0,
        route="recycle",
        primary_km=40.0,
    )
    m = match_propose(user=world["bob"], offer=world["offer"], request=req)
    match_decide(user=world["alice"], match=m, accept=True)
    data = client.get("/exchange/insight/").content.decode()
    assert 'id="tkm-avoided"' in data
    from circulair.web.apps.exchange.presenters import insight

    got = insight()
    assert got["deals"] == 1 and got["matched_t"] == 2
    assert got["tkm_avoided"] == pytest.approx(2 * (40.0 - m.distance_km))


def test_hazardous_offers_reach_only_requests_that_accept_them(world: dict[str, Any]) -> None:
    haz = _listing(
        world["alice"],
        world["seller"],
        title="Asbesthoudend",
        material="asbestos",
        ewc="17 06 05*",
        route="recover",
        quantity=3.0,
    )
    assert haz.hazardous and haz.ewc == "17 06 05"
    plain = _listing(
        world["bob"],
        world["buyer"],
        kind="request",
        title="Asbest gezocht",
        material="asbestos",
        quantity=3.0,
        route="recover",
    )
    assert ranked_candidates(plain) == []
    ok = _listing(
        world["bob"],
        world["buyer"],
        kind="request",
        title="Erkende verwerker",
        material="asbestos",
        quantity=3.0,
        route="recover",
        accepts_hazardous=True,
    )
    assert [c["listing"].pk for c in ranked_candidates(ok)] == [haz.pk]


def test_xlsx_import_and_insight_export(world: dict[str, Any], client: Client) -> None:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "kind",
            "title",
            "material",
            "quantity",
            "unit",
            "available_from",
            "available_to",
            "refnis",
            "route",
        ]
    )
    ws.append(
        [
            "offer",
            "Glas",
            "glass-flat",
            3,
            "t",
            dt.date(2026, 1, 1),
            dt.date(2026, 6, 1),
            "11002",
            "recycle",
        ]
    )
    ws.append(
        [
            "offer",
            "Fout",
            "glass-flat",
            "veel",
            "t",
            dt.date(2026, 1, 1),
            dt.date(2026, 6, 1),
            "11002",
            "recycle",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(InputError) as ei:
        listings_import(organisation=world["seller"], content=buf.getvalue(), file_name="l.xlsx")
    assert "l.xlsx, line 3, column 'quantity'" in str(ei.value)
    ws.delete_rows(3)
    buf = io.BytesIO()
    wb.save(buf)
    out = listings_import(organisation=world["seller"], content=buf.getvalue(), file_name="l.xlsx")
    assert [x.title for x in out] == ["Glas"] and out[0].available_to == dt.date(2026, 6, 1)
    csv_text = client.get("/exchange/insight/", {"format": "csv"}).content.decode()
    assert csv_text.startswith("material,province,unit,offered,requested,matched,material_slug\n")
    assert "\nVlakglas,Antwerpen,t,3.0,0.0,0.0,glass-flat\n" in csv_text


def test_a_notification_is_shown_in_the_readers_language_of_the_moment(
    world: dict[str, Any], client: Client
) -> None:
    """Stored as a code with parameters: written while Bob read Dutch, shown in English once
    he switched, with the match status as a translated label."""
    m = match_propose(user=world["bob"], offer=world["offer"], request=world["request"])
    match_decide(user=world["alice"], match=m, accept=True)
    n = Notification.objects.get(user=world["bob"], code="decided")
    assert n.params == {
        "status": "accepted",
        "offer": world["offer"].title,
        "request": world["request"].title,
    }
    assert n.text.startswith("Match aanvaard")  # his language when it was written
    client.force_login(world["bob"])
    nl = client.get("/exchange/notifications/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert f"Match aanvaard: {world['offer'].title}" in nl
    Profile.objects.update_or_create(user=world["bob"], defaults={"language": "en"})
    en = client.get("/exchange/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Match accepted: {world['offer'].title}" in en and "aanvaard" not in en


IMPORT_HEAD = "kind,title,material,quantity,unit,available_from,available_to,refnis,route\n"


def test_an_import_tells_each_saved_search_once_and_keeps_history(world: dict[str, Any]) -> None:
    from circulair.web.apps.common.history import history_of
    from circulair.web.apps.exchange.models import SavedSearch

    leuven = world["offer"].municipality
    SavedSearch.objects.create(
        user=world["bob"], kind="offer", material="wood", municipality=leuven, radius_km=30
    )
    SavedSearch.objects.create(user=world["eve"], kind="offer", material="copper", radius_km=30)
    rows = (
        "offer,Planken 1,wood-b,3,t,2026-01-01,2026-06-30,24062,reuse\n"
        "offer,Planken 2,wood-a,4,t,2026-01-01,2026-06-30,24062,reuse\n"
        "offer,Ver weg,wood-a,4,t,2026-01-01,2026-06-30,73111,reuse\n"  # Tongeren, > 30 km
        "request,Gezocht,wood-a,4,t,2026-01-01,2026-06-30,24062,reuse\n"
    )
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    out = listings_import(
        organisation=world["seller"], content=(IMPORT_HEAD + rows).encode(), file_name="i.csv"
    )
    assert [x.title for x in out] == ["Planken 1", "Planken 2", "Ver weg", "Gezocht"]
    assert {x.status for x in out} == {"published"}
    assert out[0].remaining == 3.0 and out[0].municipality.refnis == "24062"
    (note,) = Notification.objects.filter(pk__gt=before)
    assert note.user == world["bob"] and note.code == "new_listings"
    assert note.params["count"] == "2" and note.params["title"] == "Planken 1"
    (entry,) = history_of(out[0])
    assert entry.action == "import" and entry.changes["file"] == [None, "i.csv"]
    one = listings_import(
        organisation=world["seller"],
        content=(IMPORT_HEAD + rows.splitlines()[0] + "\n").encode(),
        file_name="j.csv",
    )
    latest = Notification.objects.order_by("-pk").first()
    assert latest.code == "new_listing" and latest.url == f"/exchange/listings/{one[0].pk}/"
