"""A catalogue moderator hides a listing with a reason its owner is told, and may show it again.

A hidden listing leaves every public channel (list page, API, ranked candidates, insight and
its CSV, saved-search notices, proposals and deals); its own organisation still sees it with
the reason; its members get an e-mail with the reason and a link; a plain member cannot hide.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from circulair.core.errors import InputError
from circulair.web.apps.accounts.models import Profile
from circulair.web.apps.common.history import history_of
from circulair.web.apps.exchange import presenters
from circulair.web.apps.exchange.models import Listing, Notification
from circulair.web.apps.exchange.selectors import ranked_candidates
from circulair.web.apps.exchange.services import (
    listing_create,
    listing_hide,
    listing_publish,
    listing_unhide,
    match_decide,
    match_propose,
    saved_search_create,
)
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
D0, D1 = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
API = "/api/v1/exchange/listings"
REASON = "Asbest vermeld in de beschrijving <b>niet</b> toegelaten"
LINK = "https://circulair.test/exchange/listings/"


def _user(username: str, org: Organisation | None = None, language: str = "") -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.org", password="a-long-test-password"
    )
    if org is not None:
        Membership.objects.create(organisation=org, user=user)
    if language:
        Profile.objects.create(user=user, language=language)
    return user


def _listing(user: User, org: Organisation, *, publish: bool = True, **kw: Any) -> Listing:
    data = {
        "kind": "offer",
        "title": "Houten balken",
        "material": "wood-a",
        "quantity": 10.0,
        "unit": "t",
        "available_from": D0,
        "available_to": D1,
        "route": "recycle",
        "refnis": "24062",
    }
    data.update(kw)
    return listing_create(user=user, organisation=org, data=data, publish=publish)


def _client(user: User | None = None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def world(grant_role: Any) -> dict[str, Any]:
    seller, buyer = (
        Organisation.objects.create(name="Sloopbedrijf"),
        Organisation.objects.create(name="Schrijnwerkerij"),
    )
    alice = _user("alice", seller, language="en")
    anna = _user("anna", seller)  # reads Dutch (the platform's language)
    bob = _user("bob", buyer, language="en")
    moderator = grant_role(_user("mod"), "catalogue_moderator")
    offer = _listing(alice, seller)
    request = _listing(
        bob, buyer, kind="request", title="Gezocht: hout", material="wood", quantity=6.0
    )
    return {
        "seller": seller,
        "buyer": buyer,
        "alice": alice,
        "anna": anna,
        "bob": bob,
        "moderator": moderator,
        "offer": offer,
        "request": request,
    }


def _ids(resp: Any) -> set[int]:
    assert resp.status_code == 200, resp.content
    return {x["id"] for x in resp.json()["results"]}


def _offered_wood() -> float:
    return sum(r["offered"] for r in presenters.insight()["rows"] if r["material_slug"] == "wood-a")


def _seen_by_others(w: dict[str, Any]) -> dict[str, Any]:
    """Every channel through which the anonymous public and another organisation see the offer."""
    offer, anon, bob = w["offer"], _client(), _client(w["bob"])
    return {
        "list_page": "Houten balken" in anon.get("/exchange/").content.decode(),
        "list_page_bob": "Houten balken" in bob.get("/exchange/").content.decode(),
        "api_list": offer.pk in _ids(anon.get(f"{API}/")),
        "api_list_bob": offer.pk in _ids(bob.get(f"{API}/")),
        "api_detail": anon.get(f"{API}/{offer.pk}/").status_code,
        "api_detail_bob": bob.get(f"{API}/{offer.pk}/").status_code,
        "page_bob": bob.get(f"/exchange/listings/{offer.pk}/").status_code,
        "candidates": offer.pk in {c["listing"].pk for c in ranked_candidates(w["request"])},
        "candidates_api": offer.pk
        in {c["listing"] for c in bob.get(f"{API}/{w['request'].pk}/matches/").json()},
        "insight": _offered_wood(),
        "csv": "wood-a" in anon.get("/exchange/insight/", {"format": "csv"}).content.decode(),
    }


VISIBLE = {
    "list_page": True,
    "list_page_bob": True,
    "api_list": True,
    "api_list_bob": True,
    "api_detail": 200,
    "api_detail_bob": 200,
    "page_bob": 200,
    "candidates": True,
    "candidates_api": True,
    "insight": 10.0,
    "csv": True,
}
HIDDEN = {
    "list_page": False,
    "list_page_bob": False,
    "api_list": False,
    "api_list_bob": False,
    "api_detail": 404,
    "api_detail_bob": 404,
    "page_bob": 404,
    "candidates": False,
    "candidates_api": False,
    "insight": 0.0,
    "csv": False,
}


def test_a_hidden_listing_leaves_every_public_channel_and_its_owner_is_told_why(
    world: dict[str, Any], mailbox: Any
) -> None:
    offer = world["offer"]
    assert _seen_by_others(world) == VISIBLE

    mod = _client(world["moderator"])
    page = mod.get(f"/exchange/listings/{offer.pk}/").content.decode()
    assert 'id="hide"' in page and 'id="unhide"' not in page
    r = mod.post(f"{API}/{offer.pk}/hide/", {"reason": REASON}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["hidden_reason"] == REASON and r.json()["hidden_at"]
    # a moderator sees the public point like everyone else
    assert r.json()["location"] is None

    assert _seen_by_others(world) == HIDDEN

    # the owner's organisation still sees it, with the reason
    alice = _client(world["alice"])
    page = alice.get(f"/exchange/listings/{offer.pk}/").content.decode()
    assert "Hidden by a moderator: Asbest vermeld in de beschrijving &lt;b&gt;niet" in page
    assert "hidden by a moderator" in alice.get("/exchange/").content.decode()
    mine = alice.get(f"{API}/{offer.pk}/").json()
    assert mine["hidden_reason"] == REASON and mine["location"] is not None
    assert offer.pk in _ids(alice.get(f"{API}/"))
    # … and so does the moderator, with the button to show it again
    page = mod.get(f"/exchange/listings/{offer.pk}/").content.decode()
    assert 'id="unhide"' in page and 'id="hide"' not in page

    # every member of the owner's organisation got the e-mail, in their language
    [msg] = mailbox.to("alice@example.org")
    assert msg["Subject"] == "[Circulair] A moderator hid your listing: Houten balken"
    link = f"{LINK}{offer.pk}/"
    assert REASON in mailbox.text(msg) and link in mailbox.text(msg)
    assert f'href="{link}"' in mailbox.html(msg)
    assert "&lt;b&gt;niet&lt;/b&gt;" in mailbox.html(msg)  # the reason is escaped in HTML
    [dutch] = mailbox.to("anna@example.org")
    assert REASON in mailbox.text(dutch) and link in mailbox.text(dutch)
    assert not mailbox.to("bob@example.org") and not mailbox.to("mod@example.org")
    assert Notification.objects.filter(user=world["alice"], url__endswith=f"/{offer.pk}/").exists()

    # recorded in the change log
    [change] = history_of(offer)
    assert change.action == "hide" and change.user == world["moderator"]
    assert change.changes["hidden_reason"] == ["", REASON]

    # unhide restores every channel
    r = mod.post(f"{API}/{offer.pk}/unhide/")
    assert r.status_code == 200, r.content
    assert r.json()["hidden_at"] is None and r.json()["hidden_reason"] == ""
    assert _seen_by_others(world) == VISIBLE
    assert [c.action for c in history_of(offer)] == ["unhide", "hide"]
    assert len(mailbox.to("alice@example.org")) == 1  # making it visible sends no e-mail


def test_a_plain_member_cannot_hide_or_unhide(world: dict[str, Any], mailbox: Any) -> None:
    offer = world["offer"]
    for user in (world["bob"], world["alice"]):  # another organisation, and the owner itself
        c = _client(user)
        r = c.post(f"{API}/{offer.pk}/hide/", {"reason": "weg"}, content_type="application/json")
        assert r.status_code == 403, r.content
        assert c.post(f"/exchange/listings/{offer.pk}/hide/", {"reason": "weg"}).status_code == 403
        page = c.get(f"/exchange/listings/{offer.pk}/").content.decode()
        assert 'id="hide"' not in page
    assert _client().post(f"{API}/{offer.pk}/hide/", {"reason": "x"}).status_code == 403
    offer.refresh_from_db()
    assert offer.hidden_at is None and offer.hidden_reason == ""
    assert not history_of(offer).exists() and not mailbox.messages

    listing_hide(user=world["moderator"], listing=offer, reason="dubbel")
    r = _client(world["bob"]).post(f"{API}/{offer.pk}/unhide/")
    assert r.status_code == 404  # bob no longer sees it
    r = _client(world["alice"]).post(f"{API}/{offer.pk}/unhide/")
    assert r.status_code == 403
    offer.refresh_from_db()
    assert offer.is_hidden


def test_the_web_buttons_hide_and_show_again(world: dict[str, Any], mailbox: Any) -> None:
    offer, mod = world["offer"], _client(world["moderator"])
    r = mod.post(f"/exchange/listings/{offer.pk}/hide/", {"reason": "  "})
    assert r.status_code == 302
    offer.refresh_from_db()
    assert not offer.is_hidden  # no reason, nothing changed
    r = mod.post(f"/exchange/listings/{offer.pk}/hide/", {"reason": REASON}, follow=True)
    assert "its owner has been told why" in r.content.decode()
    offer.refresh_from_db()
    assert offer.hidden_reason == REASON and offer.hidden_by == world["moderator"]
    r = mod.post(f"/exchange/listings/{offer.pk}/unhide/", follow=True)
    assert "visible again" in r.content.decode()
    offer.refresh_from_db()
    assert not offer.is_hidden and offer.hidden_by is None


def test_an_administrator_may_moderate_and_the_reason_is_checked(
    world: dict[str, Any], mailbox: Any
) -> None:
    offer = world["offer"]
    admin = User.objects.create_user("root", password="a-long-test-password", is_staff=True)
    c = _client(admin)
    for body in ({}, {"reason": "   "}, {"reason": "x" * 1001}):
        r = c.post(f"{API}/{offer.pk}/hide/", body, content_type="application/json")
        assert r.status_code == 400 and "reason" in r.json()["error"]["fields"], r.content
    with pytest.raises(InputError, match="reason"):
        listing_hide(user=admin, listing=offer, reason="x" * 1001)
    r = c.post(f"{API}/{offer.pk}/hide/", {"reason": "x" * 1000}, content_type="application/json")
    assert r.status_code == 200
    r = c.post(f"{API}/{offer.pk}/hide/", {"reason": "again"}, content_type="application/json")
    assert r.status_code == 400
    assert (
        "this listing is already hidden" in r.json()["error"]["message"]
    )  # the request's language
    assert r.json()["error"]["problems"][0]["code"] == "listing_hidden"
    nl = c.post(
        f"{API}/{offer.pk}/hide/",
        {"reason": "again"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert nl.json()["error"]["message"] == (
        "1 probleem in de invoer:\n  - veld 'hidden': dit zoekertje is al verborgen"
    )
    listing_unhide(user=admin, listing=offer)
    with pytest.raises(InputError, match="not hidden"):
        listing_unhide(user=admin, listing=offer)


def test_a_hidden_listing_is_announced_to_nobody_and_makes_no_deal(
    world: dict[str, Any], mailbox: Any
) -> None:
    watcher = _user("wim")
    saved_search_create(user=watcher, kind="offer", material="wood")
    draft = _listing(world["alice"], world["seller"], publish=False, title="Eiken planken")
    listing_hide(user=world["moderator"], listing=draft, reason="spam")
    listing_publish(user=world["alice"], listing=draft)
    assert not Notification.objects.filter(user=watcher).exists()

    # a proposal to a hidden listing is refused; a deal proposed before cannot be accepted
    offer, request = world["offer"], world["request"]
    m = match_propose(user=world["bob"], offer=offer, request=request)
    with pytest.raises(InputError, match="published"):
        match_propose(user=world["bob"], offer=draft, request=request)
    listing_hide(user=world["moderator"], listing=offer, reason="fraude")
    with pytest.raises(InputError, match="hidden"):
        match_decide(user=world["alice"], match=m, accept=True)
    offer.refresh_from_db()
    assert offer.remaining == 10.0
    assert match_decide(user=world["alice"], match=m, accept=False).status == "declined"
