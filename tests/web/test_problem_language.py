"""Problems in the reader's language (issue 15, messages with codes): an import's problems carry
a code and parameters and are translated where they are shown: the import page, the job page
(which shows a stored problem again in whoever reads it's language) and the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from circulair.web.apps.common.models import Job, Upload
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
BAD_ACTIONS = (
    "title,organisation,agenda,status,start,figures\n"
    "Goed,Alfa Metaal,maakindustrie,running,2025-01-01,\n"
    "Fout,Alfa Metaal,maakindustrie,lopend,2025-13-01,ingezameld=1e999 t\n"
)


@pytest.fixture
def ann() -> User:
    org = Organisation.objects.create(name="Alfa Metaal")
    user = User.objects.create_user("ann", email="ann@taal.test", password="pw-long-enough-1")
    Membership.objects.create(organisation=org, user=user)
    return user


def _client(user: User, language: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


def _post(c: Client, body: str) -> Any:
    f = SimpleUploadedFile("acties.csv", body.encode(), content_type="text/csv")
    return c.post("/agenda/import/", {"kind": "actions", "file": f})


def test_an_import_page_names_the_problems_in_dutch_and_in_english(ann: User) -> None:
    nl = _post(_client(ann, "nl"), BAD_ACTIONS).content.decode()
    assert "acties.csv, regel 3, kolom &#x27;status&#x27;: verwacht: een van planned" in nl
    assert "acties.csv, regel 3, kolom &#x27;start&#x27;: verwacht: een datum JJJJ-MM-DD" in nl
    assert "(gekregen: &#x27;2025-13-01&#x27;)" in nl
    assert "expected" not in nl and "line 3" not in nl
    en = _post(_client(ann, "en"), BAD_ACTIONS).content.decode()
    assert "acties.csv, line 3, column &#x27;status&#x27;: expected one of planned" in en
    assert "acties.csv, line 3, column &#x27;start&#x27;: expected a date YYYY-MM-DD" in en
    missing = _post(_client(ann, "nl"), "title,status\nX,planned\n").content.decode()
    assert "acties.csv, regel 1: ontbrekende kolommen: agenda, organisation" in missing


def test_a_stored_problem_is_shown_again_in_the_readers_language(ann: User, settings: Any) -> None:
    settings.CIRCULAIR_IMPORT_JOB_BYTES = 10  # through the job: the problems are stored
    r = _post(_client(ann, "nl"), BAD_ACTIONS)
    job = Job.objects.get(kind="agenda.import")
    [stored] = [p for p in job.error["problems"] if p["field"] == "status"]
    assert stored["code"] == "status_unknown" and "planned" in stored["params"]["allowed"]
    [up] = Upload.objects.filter(purpose="agenda-actions", status="rejected")
    assert {p["code"] for p in up.problems} == {
        "status_unknown",
        "date_invalid",
        "action_start_required",  # the start did not parse
        "figure_invalid",
    }
    en = _client(ann, "en").get(r["Location"]).content.decode()
    assert "acties.csv, line 3, column &#x27;status&#x27;: expected one of planned" in en
    nl = _client(ann, "nl").get(r["Location"]).content.decode()
    assert "acties.csv, regel 3, kolom &#x27;status&#x27;: verwacht: een van planned" in nl


def test_the_api_gives_the_code_and_the_message_in_the_requests_language(ann: User) -> None:
    body = {
        "title": "Nieuw",
        "organisation": Organisation.objects.get().pk,
        "agenda": "maakindustrie",
        "municipality": "Atlantis",
    }
    for language, message in (
        ("nl", "onbekende gemeente (NIS-code of Nederlandse naam)"),
        ("en", "unknown municipality (REFNIS code or Dutch name)"),
    ):
        r = _client(ann, language).post(
            "/api/v1/agenda/actions/", data=json.dumps(body), content_type="application/json"
        )
        assert r.status_code == 400
        [p] = [p for p in r.json()["error"]["problems"] if p["field"] == "municipality"]
        assert (p["code"], p["message"], p["value"]) == (
            "municipality_unknown",
            message,
            "Atlantis",
        )
