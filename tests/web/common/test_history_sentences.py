"""A record's history reads as sentences in the reader's language (issue 15): the field's
verbose name, choices by their label, yes/no for flags, records by their name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import translation

from circulair.web.apps.agenda import services
from circulair.web.apps.common.history import change_sentences, history_entries, history_of
from circulair.web.apps.common.models import Change
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def action() -> Any:
    org = Organisation.objects.create(name="Alfa Metaal")
    user = User.objects.create_user("alice", password="a-long-test-password")
    Membership.objects.create(organisation=org, user=user)
    a = services.action_create(
        user=user,
        organisation=org,
        data={
            "title": "Textielinzameling",
            "agenda": "maakindustrie",
            "status": "planned",
            "start": dt.date(2025, 10, 1),
        },
    )
    services.action_transition(user=user, action=a, status="running", on=dt.date(2025, 10, 2))
    services.action_update(user=user, action=a, data={"public": True, "lever": "financiering"})
    return a


def _read(a: Any) -> list[tuple[str, str, list[str]]]:
    return [(h["action"], h["summary"], h["details"]) for h in history_entries(history_of(a))]


def test_history_in_english(action: Any) -> None:
    with translation.override("en"):
        assert _read(action) == [
            ("update", "changed", ["lever set to Financing", "public changed from no to yes"]),
            ("status", "status changed from planned to running", []),
            (
                "create",
                "created",
                [
                    "title set to Textielinzameling",
                    "organisation set to Alfa Metaal",
                    "agenda set to Manufacturing",
                    "start set to 2025-10-01",
                    "status set to planned",
                ],
            ),
        ]


def test_history_in_dutch(action: Any) -> None:
    with translation.override("nl"):
        assert _read(action) == [
            (
                "update",
                "gewijzigd",
                ["hefboom ingesteld op Financiering", "publiek gewijzigd van nee naar ja"],
            ),
            ("status", "status gewijzigd van gepland naar bezig", []),
            (
                "create",
                "toegevoegd",
                [
                    "titel ingesteld op Textielinzameling",
                    "organisatie ingesteld op Alfa Metaal",
                    "werkagenda ingesteld op Maakindustrie",
                    "start ingesteld op 2025-10-01",
                    "status ingesteld op gepland",
                ],
            ),
        ]


def test_sentences_of_any_model_and_odd_values() -> None:
    """A field the model does not have shows its name; a cleared value says what it was."""
    org = Organisation.objects.create(name="Bravo")
    c = Change(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=org.pk,
        action="update",
        changes={
            "name": ["Bravo", "Bravo NV"],
            "website": ["https://b.example", ""],
            "x_y": [1, 2],
        },
    )
    with translation.override("en"):
        assert change_sentences(c) == [
            "name changed from Bravo to Bravo NV",
            "website cleared (was https://b.example)",
            "x_y changed from 1 to 2",
        ]


def test_action_page_shows_sentences(action: Any) -> None:
    c = Client()
    c.force_login(User.objects.get(username="alice"))
    body = c.get(f"/agenda/actions/{action.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<li>public changed from no to yes</li>" in body
    assert '<td class="history-summary">status changed from planned to running</td>' in body
    assert ">True<" not in body and "<td>create</td>" not in body


def test_entries_cost_one_query_per_linked_field(action: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as q:
        history_entries(history_of(action))
    # the changes, the content type (then cached), the agenda's and the lever's records
    assert len(q.captured_queries) == 4
