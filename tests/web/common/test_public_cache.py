"""The anonymous visitors' cache: reused per data version, never stale after a change, never for
logged-in users, and the CSRF token of a kept page is the visitor's own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from circulair.web.apps.agenda import services as agenda_services
from circulair.web.apps.doers import services
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def _published(title: str) -> Any:
    case = services.case_create(user=None, data={"title": title, "summary": "kwistig"})
    return services.case_publish(user=None, case=case)


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries), r.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/doers/?q=kwistig",
        "/api/v1/doers/cases/?q=kwistig",
        "/agenda/actions/",
        "/api/v1/agenda/actions/",
        "/agenda/evaluation/?agenda=maakindustrie&year=2025",
        "/api/v1/agenda/evaluation/?agenda=maakindustrie&year=2025",
    ],
)
def test_a_repeated_anonymous_request_is_served_from_the_cache(url: str) -> None:
    _published("Kwistige werkplaats")
    first, body = _queries(Client(), url)
    again, body_again = _queries(Client(), url)
    assert again == 1 < first  # only the data version is read
    assert body_again == body or "csrfmiddlewaretoken" in body


def test_a_change_is_served_at_once() -> None:
    _published("Kwistige werkplaats")
    anon = Client()
    assert "Kwistige werkplaats" in anon.get("/doers/?q=kwistig").content.decode()
    _published("Kwistig atelier")
    body = anon.get("/doers/?q=kwistig").content.decode()
    assert "Kwistig atelier" in body and "Kwistige werkplaats" in body
    # the agenda register: an action added through the services shows in the next answer
    org = Organisation.objects.create(name="Kwist NV")
    before = anon.get("/api/v1/agenda/actions/").json()["count"]
    agenda_services.action_create(
        user=None,
        organisation=org,
        data={
            "title": "Kwistige actie",
            "agenda": "maakindustrie",
            "status": "running",
            "start": dt.date(2025, 2, 1),
            "public": True,
        },
    )
    assert anon.get("/api/v1/agenda/actions/").json()["count"] == before + 1


def test_logged_in_users_are_never_served_a_kept_page() -> None:
    org = Organisation.objects.create(name="Kwist NV")
    user = User.objects.create_user("kwist", password="a-long-test-password")
    Membership.objects.create(organisation=org, user=user)
    services.case_create(
        user=user,
        data={"title": "Kwistig concept", "summary": "kwistig", "organisation": str(org.pk)},
    )
    anon = Client()
    assert "Kwistig concept" not in anon.get("/doers/?q=kwistig").content.decode()
    member = Client()
    member.force_login(user)
    assert "Kwistig concept" in member.get("/doers/?q=kwistig").content.decode()
    assert "Kwistig concept" not in anon.get("/doers/?q=kwistig").content.decode()


def test_a_kept_page_carries_the_visitors_own_csrf_token() -> None:
    Client().get("/doers/")  # another visitor fills the cache
    visitor = Client(enforce_csrf_checks=True)
    body = visitor.get("/doers/").content.decode()
    assert "@@circulair-csrf-token@@" not in body
    token = body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    r = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/doers/", "csrfmiddlewaretoken": token}
    )
    assert r.status_code == 302
    assert 'lang="en"' in visitor.get("/doers/").content.decode()


def test_the_cache_can_be_turned_off(settings: Any) -> None:
    settings.PUBLIC_CACHE_SECONDS = 0
    _published("Kwistige werkplaats")
    _queries(Client(), "/doers/?q=kwistig")  # builds the per-process facet index
    first, _b = _queries(Client(), "/doers/?q=kwistig")
    again, _b = _queries(Client(), "/doers/?q=kwistig")
    assert again == first > 1
