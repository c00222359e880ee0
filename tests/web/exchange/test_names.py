"""The exchange names materials in the reader's language and never shows a taxonomy code; a
match's score is taken apart in words with numbers (match page, insight, API)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from circulair.web.apps.accounts.models import Profile
from circulair.web.apps.exchange import presenters
from circulair.web.apps.exchange.models import Listing, Match, Notification
from circulair.web.apps.exchange.services import (
    listing_create,
    match_decide,
    match_propose,
    saved_search_create,
)
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
D0, D1 = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
NAMES = {
    "nl": ("Hout A (onbehandeld)", "Hout B (behandeld, niet-gevaarlijk)"),
    "en": ("Wood A (untreated)", "Wood B (treated, non-hazardous)"),
}
SLUGS = ("wood-a", "wood-b")
# Offer and request in Leuven (public distance 0 km of a 50 km radius): distance 1·0.40;
# 6 t of 10 t: 0.6·0.20 = 0.12; a reuse offer for a recycling request (R8): (9-8)/6·0.25;
# no grade asked: fit 1, not certified: 0.8·0.15 = 0.12. Score 0.681666...
BREAKDOWN = {
    "nl": [
        "afstand 0 km: 0,40 van 0,40",
        "hoeveelheid: 0,12 van 0,20",
        "route op de R-ladder: 0,04 van 0,25",
        "kwaliteit: 0,12 van 0,15",
    ],
    "en": [
        "distance 0 km: 0.40 of 0.40",
        "quantity fit: 0.12 of 0.20",
        "route on the R-ladder: 0.04 of 0.25",
        "quality: 0.12 of 0.15",
    ],
}


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
def deal() -> dict[str, Any]:
    """Alice offers untreated wood; Bob asks for treated wood (untreated may replace it); the
    saved searches of Bob and Carol for untreated wood are told of the offer; Bob proposes,
    Alice accepts."""
    seller, alice = _org("Sloopbedrijf", "alice")
    buyer, bob = _org("Schrijnwerkerij", "bob")
    carol = User.objects.create_user("carol", email="carol@example.org", password="x" * 20)
    for u in (bob, carol):
        saved_search_create(user=u, kind="offer", material="wood-a")
    offer = _listing(alice, seller)
    request = _listing(
        bob,
        buyer,
        kind="request",
        title="Gezocht: hout",
        material="wood-b",
        quantity=6.0,
        route="recycle",
        radius_km=50,
    )
    m = match_propose(user=bob, offer=offer, request=request)
    m = match_decide(user=alice, match=m, accept=True)
    return {"alice": alice, "bob": bob, "carol": carol, "offer": offer, "request": request, "m": m}


def _visible(html: str) -> str:
    """The text a reader sees: scripts (JSON for the map) and tags left out."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _page(client: Client, url: str, lang: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    resp = client.get(url)
    assert resp.status_code == 200, url
    return _visible(resp.content.decode())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pages_name_the_materials_and_take_the_match_score_apart(
    deal: dict[str, Any], client: Client, lang: str
) -> None:
    offered, requested = NAMES[lang]
    client.force_login(deal["bob"])
    match = _page(client, f"/exchange/matches/{deal['m'].pk}/", lang)
    assert offered in match and requested in match
    # the parts kept at the proposal, though the remaining quantities changed since
    for line in BREAKDOWN[lang]:
        assert line in match
    assert ("0,68" if lang == "nl" else "0.68") in match
    pages = {
        "match": match,
        "list": _page(client, "/exchange/", lang),
        "offer": _page(client, f"/exchange/listings/{deal['offer'].pk}/", lang),
        "request": _page(client, f"/exchange/listings/{deal['request'].pk}/", lang),
        "notifications": _page(client, "/exchange/notifications/", lang),
        "insight": _page(client, "/exchange/insight/", lang),
    }
    assert offered in pages["list"] and requested in pages["list"]
    assert offered in pages["offer"] and requested in pages["request"]
    assert offered in pages["insight"] and requested in pages["insight"]
    notice = {
        "nl": "Nieuw(e) aanbod voor Hout A (onbehandeld): Houten balken (Leuven)",
        "en": "New offer for Wood A (untreated): Houten balken (Leuven)",
    }
    assert notice[lang] in pages["notifications"]
    for name, text in pages.items():
        for slug in SLUGS:
            assert slug not in text, (name, slug)
    # insight: the one deal's score taken apart (no km: it stands for any number of deals)
    insight_lines = [re.sub(r" 0 km", "", x) for x in BREAKDOWN[lang]]
    for line in insight_lines:
        assert line in pages["insight"]


def test_notifications_and_mails_name_the_material_in_the_recipients_language(
    mailbox: Any, client: Client
) -> None:
    seller, alice = _org("Sloopbedrijf", "alice")
    nl_user = User.objects.create_user("carol", email="carol@example.org", password="x" * 20)
    en_user = User.objects.create_user("dave", email="dave@example.org", password="x" * 20)
    Profile.objects.create(user=en_user, language="en")
    for u in (nl_user, en_user):
        saved_search_create(user=u, kind="offer", material="wood-a")
    _listing(alice, seller, title="Planken", quantity=2.5)
    nl_text = "Nieuw(e) aanbod voor Hout A (onbehandeld): Planken (Leuven)"
    en_text = "New offer for Wood A (untreated): Planken (Leuven)"
    assert Notification.objects.get(user=nl_user).text == nl_text
    assert Notification.objects.get(user=en_user).text == en_text
    [to_nl] = mailbox.wait_for("carol@example.org")
    [to_en] = mailbox.wait_for("dave@example.org")
    assert mailbox.text(to_nl).splitlines()[0] == nl_text
    assert mailbox.text(to_en).splitlines()[0] == en_text
    assert nl_text in mailbox.html(to_nl) and en_text in mailbox.html(to_en)
    for msg in (to_nl, to_en):
        assert "wood-a" not in mailbox.text(msg) + mailbox.html(msg) + str(msg["Subject"])
    # the stored code is shown in the language of the moment
    client.force_login(en_user)
    page = _page(client, "/exchange/notifications/", "nl")
    assert nl_text in page


def test_a_proposal_notice_gives_the_quantity_and_unit_in_the_readers_language() -> None:
    seller, alice = _org("Sloopbedrijf", "alice")
    buyer, bob = _org("Schrijnwerkerij", "bob")
    offer = _listing(alice, seller, material="wood-beams", unit="m3", quantity=40)
    req = _listing(bob, buyer, kind="request", material="wood-beams", unit="m3", quantity=12.5)
    match_propose(user=bob, offer=offer, request=req)
    n = Notification.objects.get(user=alice, code="proposed")
    assert n.params["unit"] == "m3" and n.params["quantity"] == "12.5"
    with translation.override("nl"):
        assert n.message().endswith("(12,5 m³)")
    with translation.override("en"):
        assert n.message().endswith("(12.5 m³)")
    p = _listing(alice, seller, material="wood-pallets", unit="pieces", quantity=40)
    r = _listing(bob, buyer, kind="request", material="wood-pallets", unit="pieces", quantity=12)
    match_propose(user=bob, offer=p, request=r)
    n = Notification.objects.filter(user=alice, code="proposed").order_by("-pk")[0]
    with translation.override("nl"):
        assert n.message().endswith("(12 stuks)")
    with translation.override("en"):
        assert n.message().endswith("(12 pieces)")


@pytest.mark.parametrize(
    ("lang", "name"), [("nl", "Hout A (onbehandeld)"), ("en", "Wood A (untreated)")]
)
def test_the_api_gives_the_material_name_beside_its_code(
    deal: dict[str, Any], client: Client, lang: str, name: str
) -> None:
    got = client.get(
        f"/api/v1/exchange/listings/{deal['offer'].pk}/", HTTP_ACCEPT_LANGUAGE=lang
    ).json()
    assert (got["material"], got["material_name"]) == ("wood-a", name)
    client.force_login(deal["bob"])  # his request is closed now: only his organisation sees it
    listed = client.get("/api/v1/exchange/listings/", HTTP_ACCEPT_LANGUAGE=lang).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {(r["material"], r["material_name"]) for r in rows} == {
        ("wood-a", name),
        ("wood-b", NAMES[lang][1]),
    }
    m = client.get(f"/api/v1/exchange/matches/{deal['m'].pk}/", HTTP_ACCEPT_LANGUAGE=lang).json()
    assert [c["code"] for c in m["components"]] == ["distance", "quantity", "route", "quality"]
    assert [c["contribution"] for c in m["components"]] == pytest.approx(
        [0.40, 0.12, 0.25 / 6, 0.12], abs=1e-12
    )
    assert sum(c["contribution"] for c in m["components"]) == pytest.approx(m["score"], abs=1e-12)
    assert m["components"][1]["label"] == ("hoeveelheid" if lang == "nl" else "quantity fit")


def test_the_mean_breakdown_of_two_deals(deal: dict[str, Any]) -> None:
    """A second deal 0.5 of whose distance part counts: the mean parts, in words."""
    m2 = Match.objects.create(
        offer=deal["offer"],
        request=deal["request"],
        proposed_by=deal["m"].proposed_by,
        quantity=1,
        distance_km=25.0,
        score=0.5 * 0.4 + 1.0 * 0.2 + 0.5 * 0.25 + 0.8 * 0.15,
        status=Match.Status.ACCEPTED,
        score_parts={
            "distance_km": 25.0,
            "parts": [
                {"code": "distance", "value": 0.5, "weight": 0.4},
                {"code": "quantity", "value": 1.0, "weight": 0.2},
                {"code": "route", "value": 0.5, "weight": 0.25},
                {"code": "quality", "value": 0.8, "weight": 0.15},
            ],
        },
    )
    with translation.override("en"):
        got = presenters.deals_breakdown([deal["m"], m2])
    assert got is not None and got["deals"] == 2
    # distance (1 + 0.5)/2·0.4 = 0.30; quantity (0.6 + 1)/2·0.2 = 0.16;
    # route (1/6 + 1/2)/2·0.25 = 0.0833; quality 0.12: 0.6633 in all
    assert got["lines"] == [
        "distance: on average 0.30 of 0.40",
        "quantity fit: on average 0.16 of 0.20",
        "route on the R-ladder: on average 0.08 of 0.25",
        "quality: on average 0.12 of 0.15",
    ]
    assert got["score"] == pytest.approx(0.3 + 0.16 + 0.25 / 3 + 0.12, abs=1e-12)
    assert got["score_text"] == "0.66"


def test_the_back_office_lists_material_names(deal: dict[str, Any], client: Client) -> None:
    admin = User.objects.create_superuser("root", "root@example.org", "a-long-test-password")
    client.force_login(admin)
    page = _page(client, "/admin/exchange/listing/", "nl")
    assert "Hout A (onbehandeld)" in page and "Hout B (behandeld, niet-gevaarlijk)" in page
    assert "wood-a" not in page and "wood-b" not in page
    searches = _page(client, "/admin/exchange/savedsearch/", "en")
    assert "Wood A (untreated)" in searches and "wood-a" not in searches
