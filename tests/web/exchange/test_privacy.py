"""Exchange trust: exact locations only by right, hostile values refused, no open redirect.

Each regression test replays the request of the security probe and asserts the safe answer;
the two property tests (hypothesis) read every channel a stranger can reach and feed hostile
values to every exchange operation.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.errors import InputError
from circulair.web.apps.exchange.models import Listing, Match, Notification, SavedSearch
from circulair.web.apps.exchange.selectors import ROAD_FACTOR, distance_km
from circulair.web.apps.exchange.services import (
    listing_create,
    listings_import,
    match_decide,
    match_propose,
    saved_search_create,
)
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
D0, D1 = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
LEUVEN = "24062"
SECRET = "Geheimstraat 7"
API = "/api/v1/exchange"


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
        "route": "recycle",
        "refnis": LEUVEN,
    }
    data.update(kw)
    return listing_create(user=user, organisation=org, data=data, publish=True)


def _request(user: User, org: Organisation, lat: float, lon: float, **kw: Any) -> Listing:
    """A request at a point its owner chooses (municipality: the nearest one)."""
    kw.setdefault("quantity", 5.0)
    return _listing(
        user,
        org,
        kind="request",
        title="Gezocht",
        material="wood",
        refnis="",
        lat=lat,
        lon=lon,
        radius_km=kw.pop("radius_km", 200),
        **kw,
    )


@pytest.fixture
def world() -> dict[str, Any]:
    seller, alice = _org("Sloopbedrijf", "alice")
    stranger, eve = _org("Buitenstaander", "eve")
    muni = Municipality.objects.get(refnis=LEUVEN)
    offer = _listing(alice, seller, lat=muni.lat + 0.0123, lon=muni.lon - 0.0087, address=SECRET)
    return {
        "seller": seller,
        "alice": alice,
        "stranger": stranger,
        "eve": eve,
        "muni": muni,
        "offer": offer,
    }


def _public_km(lat: float, lon: float, muni: Municipality) -> float:
    return distance_km(lat, lon, muni.lat, muni.lon)


def _counts() -> tuple[int, int, int]:
    return Listing.objects.count(), Match.objects.count(), SavedSearch.objects.count()


# --- finding 1: exact locations -------------------------------------------------------------


def test_a_proposal_does_not_release_the_location_and_a_decline_keeps_it_hidden(
    world: dict[str, Any], client: Client
) -> None:
    offer = world["offer"]
    mine = _request(world["eve"], world["stranger"], 50.85, 4.35)
    client.force_login(world["eve"])
    resp = client.post(
        f"{API}/matches/",
        {"offer": offer.pk, "request": mine.pk, "quantity": 1},
        content_type="application/json",
    )
    assert resp.status_code == 201
    got = client.get(f"{API}/listings/{offer.pk}/").json()
    assert got["location"] is None and got["municipality"] == "Leuven"
    listed = {x["id"]: x for x in client.get(f"{API}/listings/").json()["results"]}
    assert listed[offer.pk]["location"] is None
    assert SECRET not in client.get(f"/exchange/matches/{resp.json()['id']}/").content.decode()
    match_decide(user=world["alice"], match=Match.objects.get(pk=resp.json()["id"]), accept=False)
    assert client.get(f"{API}/listings/{offer.pk}/").json()["location"] is None
    assert SECRET not in client.get(f"/exchange/listings/{offer.pk}/").content.decode()
    # accepted, the counterparty sees it (the parties' behaviour is kept)
    m = match_propose(user=world["eve"], offer=offer, request=mine, quantity=1)
    match_decide(user=world["alice"], match=m, accept=True)
    loc = client.get(f"{API}/listings/{offer.pk}/").json()["location"]
    assert loc == {"lat": offer.lat, "lon": offer.lon, "address": SECRET}
    assert Match.objects.get(pk=m.pk).distance_km == pytest.approx(
        distance_km(offer.lat, offer.lon, mine.lat, mine.lon)
    )


def test_ranked_matches_of_a_strangers_requests_use_the_public_point(
    world: dict[str, Any], client: Client
) -> None:
    offer, muni = world["offer"], world["muni"]
    points = [(50.85, 4.60), (50.95, 4.75), (50.80, 4.80)]
    client.force_login(world["eve"])
    for lat, lon in points:
        req = _request(world["eve"], world["stranger"], lat, lon)
        rows = client.get(f"{API}/listings/{req.pk}/matches/").json()
        d = next(r["distance_km"] for r in rows if r["listing"] == offer.pk)
        assert d == pytest.approx(_public_km(lat, lon, muni), rel=1e-12)
        exact = distance_km(lat, lon, offer.lat, offer.lon)
        assert abs(d - exact) > 0.1  # the exact point would give another number
        assert d / ROAD_FACTOR > 0


def test_a_proposal_stores_the_distance_between_the_municipalities(
    world: dict[str, Any], client: Client
) -> None:
    offer, muni = world["offer"], world["muni"]
    req = _request(world["eve"], world["stranger"], 50.85, 4.35)
    client.force_login(world["eve"])
    got = client.post(
        f"{API}/matches/", {"offer": offer.pk, "request": req.pk}, content_type="application/json"
    ).json()
    want = distance_km(muni.lat, muni.lon, req.municipality.lat, req.municipality.lon)
    assert got["distance_km"] == pytest.approx(want, rel=1e-12)
    assert client.get(f"{API}/matches/{got['id']}/").json()["distance_km"] == got["distance_km"]


def test_saved_search_radius_is_tested_from_the_public_point(world: dict[str, Any]) -> None:
    muni = world["muni"]
    saved_search_create(
        user=world["eve"], kind="offer", material="wood", refnis=LEUVEN, radius_km=1
    )
    # 5 km from the centre of Leuven: outside the radius, yet the public point is inside
    _listing(
        world["alice"],
        world["seller"],
        title="Buiten de straal",
        lat=muni.lat + 0.045,
        lon=muni.lon,
    )
    assert Notification.objects.filter(user=world["eve"], text__contains="Buiten").exists()


def test_insight_totals_use_the_municipality_distance(
    world: dict[str, Any], client: Client
) -> None:
    from circulair.web.apps.exchange.presenters import insight

    req = _request(world["eve"], world["stranger"], 50.85, 4.35, primary_km=80.0)
    m = match_propose(user=world["eve"], offer=world["offer"], request=req, quantity=2)
    match_decide(user=world["alice"], match=m, accept=True)
    public = distance_km(
        world["muni"].lat, world["muni"].lon, req.municipality.lat, req.municipality.lon
    )
    got = insight()
    assert got["tkm"] == pytest.approx(2 * public)
    assert got["tkm_avoided"] == pytest.approx(2 * (80.0 - public))


# --- finding 2: hostile values --------------------------------------------------------------


def test_import_refuses_1e400_naming_file_line_column_value(
    world: dict[str, Any], client: Client
) -> None:
    csv = (
        "kind,title,material,quantity,unit,available_from,available_to,refnis\n"
        "offer,Oneindig,wood-a,1e400,t,2026-01-01,2026-06-30,24062\n"
    )
    before = _counts()
    with pytest.raises(InputError) as ei:
        listings_import(organisation=world["seller"], content=csv.encode(), file_name="l.csv")
    assert "l.csv, line 2, column 'quantity': must be a finite number" in str(ei.value)
    assert "'1e400'" in str(ei.value)
    assert _counts() == before
    assert client.get(f"{API}/listings/").status_code == 200


def test_the_migration_repairs_an_infinite_quantity_stored_before(
    world: dict[str, Any], client: Client
) -> None:
    import importlib

    from django.apps import apps

    offer = world["offer"]
    Listing.objects.filter(pk=offer.pk).update(quantity=math.inf, remaining=math.inf)
    assert Listing.objects.get(pk=offer.pk).quantity == math.inf
    assert Client(raise_request_exception=False).get(f"{API}/listings/").status_code == 500
    migration = importlib.import_module(
        "circulair.web.apps.exchange.migrations.0002_repair_non_finite_numbers"
    )
    migration.repair(apps, None)
    fixed = Listing.objects.get(pk=offer.pk)
    assert (fixed.quantity, fixed.remaining, fixed.status) == (0, 0, "closed")
    assert client.get(f"{API}/listings/").status_code == 200


def test_propose_nan_quantity_is_400_on_the_api_and_the_form(
    world: dict[str, Any], client: Client
) -> None:
    req = _request(world["eve"], world["stranger"], 50.85, 4.35)
    client.force_login(world["eve"])
    before = _counts()
    resp = client.post(
        f"{API}/matches/",
        {"offer": world["offer"].pk, "request": req.pk, "quantity": "nan"},
        content_type="application/json",
    )
    assert resp.status_code == 400 and "quantity" in resp.json()["error"]["fields"]
    resp = client.post(
        "/exchange/propose/", {"offer": world["offer"].pk, "request": req.pk, "quantity": "nan"}
    )
    assert resp.status_code == 400 and "quantity:" in resp.content.decode()
    with pytest.raises(InputError) as ei:
        match_propose(user=world["eve"], offer=world["offer"], request=req, quantity=math.nan)
    assert ei.value.problems[0].field == "quantity"
    assert _counts() == before


def test_saved_search_nan_radius_is_400(world: dict[str, Any], client: Client) -> None:
    client.force_login(world["eve"])
    before = _counts()
    resp = client.post(
        "/exchange/saved-searches/",
        {"kind": "offer", "material": "wood", "refnis": LEUVEN, "radius_km": "nan"},
    )
    assert resp.status_code == 400 and "radius_km:" in resp.content.decode()
    with pytest.raises(InputError) as ei:
        saved_search_create(user=world["eve"], kind="offer", material="wood", radius_km=math.nan)
    assert ei.value.problems[0].field == "radius_km"
    assert _counts() == before


def test_a_postal_code_never_reaches_a_regular_expression(
    world: dict[str, Any], client: Client
) -> None:
    client.force_login(world["alice"])
    before = _counts()
    body = {
        "organisation": world["seller"].pk,
        "kind": "offer",
        "title": "x",
        "material": "wood-a",
        "quantity": 1,
        "available_from": "2026-01-01",
        "available_to": "2026-02-01",
        "postal_code": "(",
    }
    resp = client.post(f"{API}/listings/", body, content_type="application/json")
    assert resp.status_code == 400 and "postal_code" in resp.json()["error"]["fields"]
    with pytest.raises(InputError) as ei:
        _listing(world["alice"], world["seller"], refnis="", postal_code="(")
    assert [p.field for p in ei.value.problems] == ["postal_code"]
    assert _counts() == before
    # a real code is still found as a whole word of the space-separated list
    assert (
        _listing(world["alice"], world["seller"], refnis="", postal_code="3001").municipality.refnis
        == LEUVEN
    )


def test_accept_with_an_id_that_is_not_a_number_is_404(
    world: dict[str, Any], client: Client
) -> None:
    client.force_login(world["alice"])
    for pk in ("abc", "1e3", "99999999999999999999999"):
        assert client.post(f"{API}/matches/{pk}/accept/").status_code == 404


# --- finding 3: open redirect ---------------------------------------------------------------


def test_a_failed_proposal_redirects_only_on_site(world: dict[str, Any], client: Client) -> None:
    req = _request(world["eve"], world["stranger"], 50.85, 4.35, quantity=1.0)
    client.force_login(world["eve"])
    post = {"offer": world["offer"].pk, "request": req.pk, "quantity": "3"}  # > remaining
    resp = client.post("/exchange/propose/", {**post, "next": "//evil.example/"})
    assert resp.status_code == 302 and resp["Location"] == "/exchange/"
    resp = client.post("/exchange/propose/", {**post, "next": "https://evil.example/x"})
    assert resp["Location"] == "/exchange/"
    resp = client.post("/exchange/propose/", {**post, "next": f"/exchange/listings/{req.pk}/"})
    assert resp["Location"] == f"/exchange/listings/{req.pk}/"
    assert not Match.objects.exists()


# --- property: a stranger cannot locate the exact point -------------------------------------


@contextmanager
def _rolled_back() -> Iterator[None]:
    """One hypothesis example in a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        cache.clear()
        yield
        transaction.set_rollback(True)


def _numbers_named(data: Any, key: str) -> list[float]:
    if isinstance(data, dict):
        return [v for k, v in data.items() if k == key and isinstance(v, float)] + [
            x for v in data.values() for x in _numbers_named(v, key)
        ]
    if isinstance(data, list):
        return [x for v in data for x in _numbers_named(v, key)]
    return []


offsets = st.floats(min_value=0.002, max_value=0.02) | st.floats(min_value=-0.02, max_value=-0.002)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    dlat=offsets,
    dlon=offsets,
    qlat=st.floats(50.70, 51.10),
    qlon=st.floats(4.30, 5.10),
    street=st.integers(1, 999),
)
def test_a_stranger_reads_no_number_that_depends_on_the_exact_point(
    world: dict[str, Any],
    client: Client,
    dlat: float,
    dlon: float,
    qlat: float,
    qlon: float,
    street: int,
) -> None:
    muni, eve = world["muni"], world["eve"]
    with _rolled_back():
        saved_search_create(user=eve, kind="offer", material="wood", refnis=LEUVEN, radius_km=2)
        address = f"Verborgenlaan {street}"
        offer = _listing(
            world["alice"],
            world["seller"],
            title="Geheim",
            lat=muni.lat + dlat,
            lon=muni.lon + dlon,
            address=address,
        )
        req = _request(eve, world["stranger"], qlat, qlon)
        client.force_login(eve)
        texts: list[str] = []
        distances: list[tuple[float, float]] = []

        def read(url: str, **params: Any) -> Any:
            resp = client.get(url, params)
            assert resp.status_code == 200, url
            texts.append(resp.content.decode())
            return resp.json() if resp["Content-Type"].startswith("application/json") else None

        read(f"{API}/listings/")
        read(f"{API}/listings/{offer.pk}/")
        for row in read(f"{API}/listings/{req.pk}/matches/"):
            if row["listing"] == offer.pk:
                distances.append((row["distance_km"], _public_km(qlat, qlon, muni)))
        resp = client.post(
            f"{API}/matches/",
            {"offer": offer.pk, "request": req.pk, "quantity": 1},
            content_type="application/json",
        )
        assert resp.status_code == 201
        texts.append(resp.content.decode())
        match = read(f"{API}/matches/{resp.json()['id']}/")
        between = distance_km(muni.lat, muni.lon, req.municipality.lat, req.municipality.lon)
        distances += [(d, between) for d in _numbers_named(match, "distance_km")]
        read(f"{API}/matches/")
        read(f"{API}/listings/{offer.pk}/")
        read(f"/exchange/listings/{offer.pk}/")
        read(f"/exchange/listings/{req.pk}/")
        read("/exchange/")
        read(f"/exchange/matches/{match['id']}/")
        insight_page = read("/exchange/insight/")
        assert insight_page is None
        flows = re.search(
            r'<script id="flows" type="application/json">(.*?)</script>', texts[-1], re.S
        )
        assert flows is not None and all(
            (f["from_lat"], f["from_lon"]) != (offer.lat, offer.lon)
            for f in json.loads(flows.group(1))
        )
        read("/exchange/insight/", format="csv")
        read("/exchange/notifications/")
        texts += [n.text for n in Notification.objects.filter(user=eve)]
        assert Notification.objects.filter(user=eve, text__contains="Geheim").exists()
        secrets = {
            address,
            repr(offer.lat),
            repr(offer.lon),
            f"{offer.lat:.5f}",
            f"{offer.lon:.5f}",
            f"{offer.lat:.4f}",
            f"{offer.lon:.4f}",
            f"{offer.lat:.5f}".replace(".", ","),
            f"{offer.lon:.5f}".replace(".", ","),
        }
        for text in texts:
            for secret in secrets:
                assert secret not in text
        assert distances, "the stranger's ranking should list the offer"
        for seen, public in distances:
            assert seen == pytest.approx(public, rel=1e-12, abs=1e-9)


# --- property: hostile values are refused everywhere, naming the field ----------------------

SPECIAL = "(%'\"\x00[]*+?\\;"
HOSTILE = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "1e16",
    "1e300",
    "(",
    "'",
    "%",
    "\x00",
    "1\x00",
    "9" * 400,
    "x" * 5000,
    "",
]
hostile = (
    st.sampled_from(HOSTILE)
    | st.text(alphabet=SPECIAL, min_size=1, max_size=30)
    | st.floats(allow_nan=True, allow_infinity=True)
    .filter(lambda x: not math.isfinite(x) or abs(x) > 1e15)
    .map(repr)
)
bad_text = st.sampled_from(["\x00", "a\x00b", "x" * 5000]) | st.text(max_size=20).map(
    lambda t: t + "\x00"
)
NUMBERS = ("quantity", "lat", "lon", "radius_km", "primary_km", "price_eur")
OPTIONAL = {"lat", "lon", "radius_km", "primary_km", "price_eur", "postal_code", "refnis", "ewc"}
TEXTS = ("title", "quality", "address")
LISTING = {
    "kind": "offer",
    "title": "Balken",
    "material": "wood-a",
    "quantity": "2",
    "unit": "t",
    "available_from": "2026-01-01",
    "available_to": "2026-06-30",
    "refnis": LEUVEN,
}


def _value_for(data: st.DataObject, field: str) -> str:
    value = data.draw(bad_text if field in TEXTS else hostile, label=field)
    if field in OPTIONAL and value == "":
        value = "("  # an empty optional field is simply absent, which is fine
    return value


def _listing_body(field: str, value: str) -> dict[str, Any]:
    body = dict(LISTING)
    if field == "postal_code":
        body.pop("refnis")
    body[field] = value
    return body


def _api_listing(client: Client, world: dict[str, Any], field: str, value: str) -> Any:
    body = {"organisation": world["seller"].pk, **_listing_body(field, value)}
    return client.post(f"{API}/listings/", body, content_type="application/json")


def _api_listing_raw(client: Client, world: dict[str, Any], field: str, value: str) -> Any:
    """The number as a JSON literal (``1e400`` is read as infinity by ``json``)."""
    body = {"organisation": world["seller"].pk, **_listing_body(field, "0")}
    text = json.dumps(body).replace(f'"{field}": "0"', f'"{field}": {value}')
    return client.post(f"{API}/listings/", text, content_type="application/json")


def _api_propose(client: Client, world: dict[str, Any], field: str, value: str) -> Any:
    body: dict[str, Any] = {
        "offer": world["offer"].pk,
        "request": world["req"].pk,
        "quantity": 1,
        field: value,
    }
    return client.post(f"{API}/matches/", body, content_type="application/json")


def _web_propose(client: Client, world: dict[str, Any], field: str, value: str) -> Any:
    return client.post(
        "/exchange/propose/", {"offer": world["offer"].pk, "request": world["req"].pk, field: value}
    )


def _web_saved_search(client: Client, world: dict[str, Any], field: str, value: str) -> Any:
    body = {"kind": "offer", "material": "wood", "refnis": LEUVEN, "radius_km": "30", field: value}
    return client.post("/exchange/saved-searches/", body)


def _web_new(client: Client, world: dict[str, Any], field: str, value: str) -> Any:
    body = {
        "organisation": world["seller"].pk,
        **_listing_body(field, value),
        "route": "recycle",
        "frequency": "once",
        "radius_km": "50",
    }
    body[field] = value
    return client.post("/exchange/new/", body)


OPERATIONS = [
    (_api_listing, (*NUMBERS, "postal_code", "refnis", "material", "ewc", *TEXTS)),
    (_api_propose, ("quantity", "offer", "request")),
    (_web_propose, ("quantity",)),
    (_web_saved_search, ("radius_km", "refnis", "material")),
    (_web_new, ("quantity", "radius_km", "primary_km", "postal_code", "refnis", *TEXTS)),
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hostile_values_are_refused_with_the_field_named(
    world: dict[str, Any], client: Client, data: st.DataObject
) -> None:
    world.setdefault("req", _request(world["eve"], world["stranger"], 50.88, 4.70))
    op, fields = data.draw(st.sampled_from(OPERATIONS), label="operation")
    field = data.draw(st.sampled_from(fields), label="field")
    value = _value_for(data, field)
    if value == "" and op in (_web_propose, _api_propose):
        value = "("  # no quantity proposes what both have left, which is fine
    user = world["eve"] if op in (_api_propose, _web_propose, _web_saved_search) else world["alice"]
    client.force_login(user)
    with _rolled_back():
        before = _counts()
        resp = op(client, world, field, value)
        body = resp.content.decode()
        if op is _web_propose and field in ("offer", "request"):
            assert resp.status_code == 404
        else:
            assert 400 <= resp.status_code < 500, (op.__name__, field, value, body[:300])
            assert field in body, (op.__name__, field, value)
        assert _counts() == before
        if op is _api_listing and field in NUMBERS:
            try:
                float(value)
            except ValueError:
                pass
            else:
                if "\x00" not in value and value.strip().lower().lstrip("+-") not in {
                    "nan",
                    "inf",
                    "infinity",
                }:
                    raw = _api_listing_raw(client, world, field, value)
                    assert raw.status_code == 400 and field in raw.content.decode()
                    assert _counts() == before


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hostile_ids_and_filters_never_answer_500(
    world: dict[str, Any], client: Client, data: st.DataObject
) -> None:
    from urllib.parse import quote

    client.force_login(world["alice"])
    value = data.draw(hostile | st.sampled_from(["abc", "1e3", "-1", "0", "9" * 30]))
    with _rolled_back():
        before = _counts()
        path = quote(value, safe="") or "x"
        for url in (f"{API}/matches/{path}/accept/", f"{API}/matches/{path}/decline/"):
            assert client.post(url).status_code == 404, url
        for params in ({"material": value}, {"kind": value}, {"status": value}, {"page": value}):
            resp = client.get(f"{API}/listings/", params)
            assert resp.status_code in (200, 400, 404), (params, resp.status_code)
            if resp.status_code == 200:
                assert resp.json()["results"] == [] or not params.get("material")
            assert client.get("/exchange/", params).status_code == 200
        assert _counts() == before


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_import_refuses_hostile_cells_naming_file_line_and_column(
    world: dict[str, Any], data: st.DataObject
) -> None:
    field = data.draw(st.sampled_from((*NUMBERS, "postal_code", "refnis", *TEXTS)))
    value = _value_for(data, field)
    row = _listing_body(field, value)
    header = list(row)
    # a cell is quoted as CSV would quote it (a quote doubled, the cell in quotes)
    cells = ['"' + str(row[h]).replace('"', '""') + '"' for h in header]
    content = (",".join(header) + "\n" + ",".join(cells) + "\n").encode()
    with _rolled_back():
        before = _counts()
        with pytest.raises(InputError) as ei:
            listings_import(organisation=world["seller"], content=content, file_name="l.csv")
        assert f"l.csv, line 2, column '{field}'" in str(ei.value), str(ei.value)[:300]
        assert _counts() == before
