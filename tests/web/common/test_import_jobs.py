"""Large agenda and exchange imports run as background jobs (issue 16: imports as jobs with
progress), through the one path of ``common.uploads`` (``import_start``/``import_job``) that the
monitor's import uses too: the upload is staged, the worker imports it as the account that sent
it, and ``/jobs/<id>/`` gives the outcome in the reader's language and where it leads, or the
problems. Jobs run inline in tests (the handler a worker runs; tests/web/common/test_worker.py
runs the queue with real worker processes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from circulair.web.apps.agenda.models import Action
from circulair.web.apps.common.history import imported
from circulair.web.apps.common.models import Job, Upload
from circulair.web.apps.common.uploads import STAGING
from circulair.web.apps.exchange.models import Listing
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
ACTIONS = "title,organisation,agenda,status,start\n" + "".join(
    f"Actie {i},Alfa Metaal,maakindustrie,running,2025-01-0{1 + i % 9}\n" for i in range(40)
)
LISTINGS = "kind,title,material,quantity,unit,available_from,available_to,refnis,route\n" + "".join(
    f"offer,Pallets {i},wood-pallets,{1 + i},t,2026-01-01,2026-06-30,44021,reuse\n"
    for i in range(25)
)


@pytest.fixture
def big(settings: Any) -> None:
    """Every file counts as large: the import goes through the job."""
    settings.CIRCULAIR_IMPORT_JOB_BYTES = 10


@pytest.fixture
def member() -> tuple[User, Organisation]:
    org = Organisation.objects.create(name="Alfa Metaal")
    user = User.objects.create_user("ann", email="ann@imports.test", password="pw-long-enough-1")
    Membership.objects.create(organisation=org, user=user)
    return user, org


def _client(user: User, language: str = "en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


def _file(body: str, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body.encode(), content_type="text/csv")


def _staged() -> list[Path]:
    d = Path(settings.MEDIA_ROOT) / STAGING
    return sorted(d.iterdir()) if d.is_dir() else []


def test_a_large_actions_import_is_a_job_that_imports_as_its_sender(
    big: None, member: tuple[User, Organisation]
) -> None:
    ann, org = member
    c = _client(ann)
    r = c.post("/agenda/import/", {"kind": "actions", "file": _file(ACTIONS, "acties.csv")})
    job = Job.objects.get(kind="agenda.import")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.DONE and job.created_by == ann
    assert job.result == {"rows": 40, "url": "/agenda/actions/"}
    [up] = Upload.objects.filter(purpose="agenda-actions")
    assert up.status == "accepted" and up.original_name == "acties.csv"
    titles = list(imported(Action, up).values_list("title", "organisation", "created_by"))
    assert titles == [(f"Actie {i}", org.pk, ann.pk) for i in range(40)]  # in file order
    assert _staged() == []
    page = c.get(r["Location"]).content.decode()
    assert f"Import of actions #{job.pk}" in page and "Imported 40 rows." in page
    assert 'href="/agenda/actions/"' in page
    nl = _client(ann, "nl").get(r["Location"]).content.decode()
    assert f"Import van acties #{job.pk}" in nl and "40 rijen geïmporteerd." in nl


def test_a_refused_large_actions_import_names_the_problems_and_changes_nothing(
    big: None, member: tuple[User, Organisation]
) -> None:
    ann, _org = member
    Organisation.objects.create(name="Bravo Textiel")  # ann is no member of it
    bad = ACTIONS + "Vreemd,Bravo Textiel,maakindustrie,running,2025-01-01\n"
    bad += "Fout,Alfa Metaal,maakindustrie,lopend,2025-01-01\n"
    before = Action.objects.count()
    r = _client(ann).post("/agenda/import/", {"kind": "actions", "file": _file(bad, "a.csv")})
    job = Job.objects.get(kind="agenda.import")
    assert job.status == Job.Status.FAILED and job.error["problem_count"] == 2
    assert Action.objects.count() == before  # all or nothing
    [up] = Upload.objects.filter(purpose="agenda-actions")
    assert up.status == "rejected" and up.problem_count == 2
    assert _staged() == []
    page = _client(ann).get(r["Location"]).content.decode()
    assert "Nothing was changed: the file has 2 problems." in page
    assert "a.csv, line 42, column &#x27;organisation&#x27;" in page
    assert "a.csv, line 43, column &#x27;status&#x27;" in page


def test_a_small_actions_import_is_answered_in_the_request(
    member: tuple[User, Organisation],
) -> None:
    ann, _org = member
    r = _client(ann).post("/agenda/import/", {"kind": "actions", "file": _file(ACTIONS, "a.csv")})
    assert r.status_code == 302 and r["Location"] == "/agenda/actions/"
    assert not Job.objects.exists() and Action.objects.filter(title="Actie 39").count() == 1


def test_a_large_listings_import_is_a_job_for_the_chosen_organisation(
    big: None, member: tuple[User, Organisation]
) -> None:
    ann, org = member
    c = _client(ann)
    form = {"organisation": org.pk, "file": _file(LISTINGS, "aanbod.csv"), "publish": "on"}
    r = c.post("/exchange/import/", form)
    job = Job.objects.get(kind="exchange.import")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.DONE and job.created_by == ann
    assert job.result == {"rows": 25, "url": "/exchange/"}
    listings = Listing.objects.filter(organisation=org).order_by("pk")
    assert [(x.title, x.status, x.quantity) for x in listings] == [
        (f"Pallets {i}", "published", 1.0 + i) for i in range(25)
    ]
    assert _staged() == []
    page = c.get(r["Location"]).content.decode()
    assert f"Import of listings #{job.pk}" in page and "Imported 25 listings." in page
    nl = _client(ann, "nl").get(r["Location"]).content.decode()
    assert f"Import van zoekertjes #{job.pk}" in nl
    assert "25 zoekertjes geïmporteerd." in nl


def test_the_listings_import_page_refuses_another_organisation_and_names_bad_rows(
    member: tuple[User, Organisation],
) -> None:
    ann, org = member
    other = Organisation.objects.create(name="Buitenstaander")
    c = _client(ann)
    page = c.get("/exchange/import/").content.decode()
    assert "kind, title, material, quantity, unit, available_from, available_to" in page
    crafted = {"organisation": other.pk, "file": _file(LISTINGS, "l.csv")}
    assert c.post("/exchange/import/", crafted).status_code in (400, 403)
    assert not Listing.objects.filter(organisation=other).exists()
    bad = LISTINGS + "offer,Maansteen,moon-rock,5,t,2026-01-01,2026-06-30,44021,reuse\n"
    r = c.post("/exchange/import/", {"organisation": org.pk, "file": _file(bad, "l.csv")})
    assert r.status_code == 400
    assert "l.csv, line 27, column &#x27;material&#x27;" in r.content.decode()
    assert not Listing.objects.exists()
    r = c.post("/exchange/import/", {"organisation": org.pk, "file": _file(LISTINGS, "l.csv")})
    assert r.status_code == 302 and r["Location"] == "/exchange/"
    assert Listing.objects.filter(organisation=org, status="draft").count() == 25  # not published
    assert not Job.objects.exists()


def test_the_listings_import_page_tells_a_user_without_organisation() -> None:
    eve = User.objects.create_user("eve", email="eve@imports.test", password="pw-long-enough-1")
    assert _client(eve).get("/exchange/import/").status_code == 403
    assert Client().get("/exchange/import/").status_code == 302  # to the login
