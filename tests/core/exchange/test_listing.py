"""Listings: validation, normalisation, lifecycle, location."""

from __future__ import annotations

import datetime as dt

import pytest

from circulair.core.errors import InputError
from circulair.core.exchange.listing import Listing, locate, open_listings, transition
from circulair.core.geo.reference import load_region


def test_listing_normalises(b) -> None:  # type: ignore[no-untyped-def]
    x = b.offer("o1", unit="m³", route="reuse", ewc="170605*")
    assert (x.unit, x.route, x.ewc, x.hazardous) == ("m3", "r3-reuse", "17 06 05*", True)
    assert x.route_rank == 3
    r = b.request("r1")
    assert r.radius_km == 50.0 and r.route is None and r.route_rank is None
    h = b.request("r2", ewc="16 06 01*")
    assert h.accepts_hazardous_effective


def test_listing_reports_every_problem(b) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as e:
        Listing(
            id="x1",
            kind="offer",
            organisation="",
            material="wood-a",
            quantity=-1,
            unit="kg",
            available_from=dt.date(2026, 2, 1),
            lat=95.0,
            lon=4.0,
            available_to=dt.date(2026, 1, 1),
            route=None,
            ewc="99 99 99",
            radius_km=10.0,
            frequency="weekly",
        )  # type: ignore[arg-type]
    fields = sorted(p.field or "" for p in e.value.problems)
    assert fields == sorted(
        [
            "organisation",
            "unit",
            "frequency",
            "quantity",
            "available_to",
            "route",
            "ewc",
            "lat",
            "radius_km",
        ]
    )
    assert all(p.row == "x1" for p in e.value.problems)


def test_pieces_must_be_whole(b) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        b.offer("o1", unit="pieces", quantity=2.5)
    with pytest.raises(InputError):
        b.request("r1", quantity=10, min_quantity=12)


def test_lifecycle(b) -> None:  # type: ignore[no-untyped-def]
    x = b.offer("o1", status="draft")
    x = transition(x, "published")
    x = transition(x, "matched")
    x = transition(x, "closed")
    with pytest.raises(InputError) as e:
        transition(x, "published")
    assert "closed" in e.value.problems[0].message
    with pytest.raises(InputError):
        transition(b.offer("o2", status="draft"), "matched")


def test_open_listings_expire(b) -> None:  # type: ignore[no-untyped-def]
    day = b.DAY0 + dt.timedelta(days=90)  # the default window ends on this day (inclusive)
    live = b.offer("o1")
    draft = b.offer("o2", status="draft")
    old = b.offer("o3", available_to=b.DAY0)
    keep, expired = open_listings([live, draft, old], day)
    assert [x.id for x in keep] == ["o1"]
    assert [(x.id, x.status) for x in expired] == [("o3", "expired")]
    keep, _ = open_listings([live], day + dt.timedelta(days=1))
    assert keep == []


def test_locate() -> None:
    region = load_region("flanders")
    gent = region.municipality_by_postal_code("9000")
    loc = locate(region, postal_code="9000")
    assert (loc.lat, loc.lon, loc.refnis, loc.source) == (
        gent.lat,
        gent.lon,
        gent.refnis,
        "postal_code",
    )
    assert locate(region, municipality=gent.refnis).source == "municipality"
    assert locate(region, lat=51.0, lon=4.0, postal_code="9000").source == "coordinates"
    with pytest.raises(InputError):
        locate(region)
    with pytest.raises(InputError):
        locate(region, postal_code="0000")
