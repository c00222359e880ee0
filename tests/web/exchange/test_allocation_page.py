"""The market-wide allocation runs as a job that an operator starts from its page; the page and
its CSV show the latest run, in the reader's language, and nobody else may start or read it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from circulair.core.geo import haversine_km
from circulair.web.apps.common.models import Job
from circulair.web.apps.exchange.models import material_name
from circulair.web.apps.exchange.selectors import ROAD_FACTOR
from circulair.web.apps.exchange.services import listing_create
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
D0, D1 = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _member(name: str, username: str) -> User:
    org = Organisation.objects.create(name=name)
    user = User.objects.create_user(username, password=PASSWORD)
    Membership.objects.create(organisation=org, user=user)
    return user


def _listing(user: User, kind: str, title: str, quantity: float, refnis: str) -> Any:
    return listing_create(
        user=user,
        organisation=user.organisations.get(),
        publish=True,
        data={
            "kind": kind,
            "title": title,
            "material": "wood-a",
            "unit": "t",
            "quantity": quantity,
            "available_from": D0,
            "available_to": D1,
            "route": "reuse",
            "refnis": refnis,
        },
    )


@pytest.fixture
def market() -> dict[str, Any]:
    seller, buyer = _member("Sloop NV", "sam"), _member("Bouw NV", "bea")
    offer = _listing(seller, "offer", "Balken", 10.0, "24062")  # Leuven
    request = _listing(buyer, "request", "Balken gezocht", 4.0, "24009")  # Bertem
    return {"offer": offer, "request": request, "seller": seller}


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_an_operator_computes_the_allocation_by_a_job_and_reads_it(
    market: dict[str, Any], grant_role: Any
) -> None:
    mod = grant_role(User.objects.create_user("mod", password=PASSWORD), "catalogue_moderator")
    c = _client(mod)
    assert 'id="allocation-link"' in c.get("/exchange/").content.decode()
    assert (
        'id="allocation-link"' not in _client(market["seller"]).get("/exchange/").content.decode()
    )
    page = c.get("/exchange/allocation/", HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    assert "Nog geen toewijzing berekend." in page.content.decode()
    r = c.post("/exchange/allocation/")
    job = Job.objects.get(kind="exchange.allocate")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "done" and job.created_by == mod
    (row,) = job.result["rows"]
    o, q = market["offer"], market["request"]
    km = haversine_km(o.lat, o.lon, q.lat, q.lon) * ROAD_FACTOR
    assert (row["offer"], row["request"], row["quantity"]) == (o.pk, q.pk, 4.0)
    assert row["km"] == pytest.approx(km, abs=1e-3)
    (unit,) = job.result["per_unit"]
    assert (unit["offered"], unit["requested"], unit["matched"]) == (10.0, 4.0, 4.0)
    jp = c.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "1 overdracht voorgesteld uit 1 kandidaatparen." in jp
    html = c.get("/exchange/allocation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 transfer</h2>" in html
    assert f"<td>{material_name('wood-a', 'en')}</td>" in html  # the full taxonomy name
    assert "Balken gezocht" in html and f"{km:.1f} km" in html
    rows = list(
        csv.DictReader(io.StringIO(c.get("/exchange/allocation/?format=csv").content.decode()))
    )
    assert [(r["offer_title"], r["material_code"], float(r["quantity"])) for r in rows] == [
        ("Balken", "wood-a", 4.0)
    ]


def test_a_second_start_while_one_is_queued_returns_the_same_run(
    market: dict[str, Any], grant_role: Any, settings: Any
) -> None:
    settings.CIRCULAIR_JOBS_INLINE = False  # queued, no worker here
    mod = grant_role(User.objects.create_user("mod", password=PASSWORD), "catalogue_moderator")
    c = _client(mod)
    first = c.post("/exchange/allocation/")["Location"]
    assert c.post("/exchange/allocation/")["Location"] == first
    assert Job.objects.filter(kind="exchange.allocate").count() == 1
    html = c.get("/exchange/allocation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="allocation-running"' in html and 'id="allocation-start"' not in html


def test_members_and_visitors_may_not_start_or_read_it(market: dict[str, Any]) -> None:
    c = _client(market["seller"])
    assert c.get("/exchange/allocation/").status_code == 403
    assert c.post("/exchange/allocation/").status_code == 403
    assert c.get("/exchange/allocation/?format=csv").status_code == 403
    assert not Job.objects.filter(kind="exchange.allocate").exists()
    r = Client().get("/exchange/allocation/")
    assert r.status_code == 302 and "/login/" in r["Location"]
