"""The yearly evaluation page opens on the latest year in which an action counts, not on an
empty current year; a year asked for still wins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from circulair.web.apps.agenda import selectors, services
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
D = dt.date
THIS_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def _needs_a_later_year() -> None:
    if THIS_YEAR < 2026:
        pytest.skip("the data below ends in 2024; the clock must be past 2025")


@pytest.fixture
def alfa() -> tuple[User, Organisation]:
    org = Organisation.objects.create(name="Alfa Metaal", nace_code="25.110", employee_class="4")
    user = User.objects.create_user("alice", password="a-long-test-password")
    Membership.objects.create(organisation=org, user=user)
    return user, org


def _act(who: tuple[User, Organisation], title: str, **kw: Any) -> None:
    data = {"title": title, "agenda": "maakindustrie", **kw}
    services.action_create(user=who[0], organisation=who[1], data=data)


def _page(query: str = "") -> tuple[str, str, str]:
    """(heading year, selected year, counted actions) of the evaluation page."""
    body = Client().get(f"/agenda/evaluation/?agenda=maakindustrie{query}").content.decode()
    heading = body.split("<h1>", 1)[1].split("</h1>", 1)[0]
    years = body.split('<select name="year">', 1)[1].split("</select>", 1)[0]
    selected = years.split('" selected>', 1)[0].rsplit('<option value="', 1)[1]
    counted = body.split('id="counted-actions">', 1)[1].split("<", 1)[0]
    return heading.rsplit(" ", 1)[1], selected, counted


def test_opens_on_the_latest_year_with_a_counted_action(alfa: Any) -> None:
    _act(alfa, "done", status="completed", start=D(2023, 2, 1), end=D(2024, 6, 30))
    _act(alfa, "stopped early", status="stopped", start=D(2022, 1, 1), end=D(2022, 3, 1))
    _act(alfa, "also 2024", status="completed", start=D(2024, 1, 1), end=D(2024, 2, 1))
    # never counted: planned, however late it ends
    _act(alfa, "planned", status="planned", start=D(2025, 1, 1), end=D(THIS_YEAR - 1, 12, 1))
    agenda = Record.objects.get(kind="work_agenda", slug="maakindustrie")
    assert selectors.latest_year_with_actions(agenda, until=THIS_YEAR) == 2024
    assert selectors.latest_year_with_actions(agenda, until=2023) == 2023
    assert selectors.latest_year_with_actions(agenda, until=2021) is None
    assert _page() == ("2024", "2024", "2")
    assert _page("&year=abc") == ("2024", "2024", "2")  # an unreadable year is no year
    assert _page("&year=2023") == ("2023", "2023", "1")  # a year asked for wins
    assert _page(f"&year={THIS_YEAR}") == (str(THIS_YEAR), str(THIS_YEAR), "0")


def test_an_open_action_keeps_the_current_year(alfa: Any) -> None:
    _act(alfa, "done", status="completed", start=D(2023, 2, 1), end=D(2024, 6, 30))
    _act(alfa, "ongoing", status="running", start=D(2021, 5, 1))
    assert _page() == (str(THIS_YEAR), str(THIS_YEAR), "1")


def test_no_counted_action_at_all_opens_on_the_current_year() -> None:
    assert _page() == (str(THIS_YEAR), str(THIS_YEAR), "0")
