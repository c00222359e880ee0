"""Insight and allocation report quantities per unit: tonnes, m³ and pieces never add up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from circulair.web.apps.exchange.presenters import insight
from circulair.web.apps.exchange.selectors import allocation
from circulair.web.apps.exchange.services import listing_create, match_decide, match_propose
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
D0, D1 = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _member(name: str, username: str) -> tuple[Organisation, User]:
    org = Organisation.objects.create(name=name)
    user = User.objects.create_user(username, password="a-long-test-password")
    Membership.objects.create(organisation=org, user=user)
    return org, user


def _pair(
    seller: tuple[Organisation, User],
    buyer: tuple[Organisation, User],
    *,
    unit: str,
    quantity: float,
    title: str,
) -> None:
    common = {
        "material": "wood-a",
        "unit": unit,
        "available_from": D0,
        "available_to": D1,
        "route": "reuse",
        "quantity": quantity,
    }
    offer = listing_create(
        user=seller[1],
        organisation=seller[0],
        publish=True,
        data={**common, "kind": "offer", "title": title, "refnis": "24062"},
    )
    request = listing_create(
        user=buyer[1],
        organisation=buyer[0],
        publish=True,
        data={
            **common,
            "kind": "request",
            "title": f"Gezocht {title}",
            "material": "wood",
            "refnis": "11002",
            "radius_km": 100,
        },
    )
    m = match_propose(user=buyer[1], offer=offer, request=request, quantity=quantity)
    match_decide(user=seller[1], match=m, accept=True)


def test_insight_and_allocation_keep_units_apart() -> None:
    seller, buyer = _member("Sloop NV", "sam"), _member("Bouw NV", "bea")
    _pair(seller, buyer, unit="t", quantity=2.0, title="Balken")
    _pair(seller, buyer, unit="pieces", quantity=300.0, title="Deuren")
    got = insight()
    units = {u["unit"]: u for u in got["per_unit"]}
    assert set(units) == {"t", "pieces"}
    assert units["t"]["matched"] == 2.0 and units["pieces"]["matched"] == 300.0
    assert got["matched_t"] == 2.0  # the tonnes figure holds tonnes only
    km = units["t"]["transport"] / 2.0
    assert units["pieces"]["transport"] == pytest.approx(300.0 * km)
    assert got["tkm"] == pytest.approx(2.0 * km)

    # open listings of both units: the allocation reports each unit on its own
    _pair_open = listing_create(
        user=seller[1],
        organisation=seller[0],
        publish=True,
        data={
            "kind": "offer",
            "title": "Planken",
            "material": "wood-a",
            "unit": "m3",
            "quantity": 5.0,
            "available_from": D0,
            "available_to": D1,
            "route": "reuse",
            "refnis": "24062",
        },
    )
    assert _pair_open.pk
    res = allocation()
    alloc = {u["unit"]: u for u in res["per_unit"]}
    assert alloc["m3"]["offered"] == 5.0 and alloc["m3"]["matched"] == 0.0
    assert "matched" not in res and "tkm" not in res  # no figure mixing units
