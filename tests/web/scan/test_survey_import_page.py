"""The survey import on the web (issue 16): scan coordinators and administrators post a survey
export at /scan/import/; a small file's outcome is shown on the page, a large one is imported by
the worker (jobs run inline in tests: the handler a worker runs) and its job page gives the
outcome or the problems. Anyone else is refused before the file is read."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.web.scan.test_rounds import _csv, answers_at

from circulair.web.apps.common.models import Job, Upload
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.scan.models import Response

pytestmark = pytest.mark.django_db

ZEMST = {"organisation": "Gemeente Zemst", "refnis": "23096", "year": "2025", **answers_at(2)}
KORTENBERG = {
    **ZEMST,
    "organisation": "Gemeente Kortenberg",
    "refnis": "24055",
    "water_gebruik": "",
}


def _client(user: User, lang: str = "nl") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


@pytest.fixture
def coordinator(grant_role: Any) -> User:
    return grant_role(User.objects.create_user("coord", password="x" * 12), "scan_coordinator")


def _file(rows: list[dict[str, Any]], name: str = "survey.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _csv(rows), content_type="text/csv")


def test_a_coordinator_imports_a_small_export_and_sees_what_stays_open(coordinator: User) -> None:
    c = _client(coordinator)
    page = c.get("/scan/import/").content.decode()
    assert "water_gebruik" in page and "Verplichte kolommen" in page  # the columns, in Dutch
    r = c.post("/scan/import/", {"file": _file([ZEMST, KORTENBERG])})
    assert r.status_code == 200
    body = r.content.decode()
    assert "2 rondes geïmporteerd: 1 ingediend, 1 in uitvoering; 2 organisaties aangemaakt." in body
    assert 'id="import-in-progress"' in body and "Gemeente Kortenberg" in body
    z = Response.objects.get(organisation__name="Gemeente Zemst")
    assert z.status == "submitted" and z.created_by == coordinator
    k = Response.objects.get(organisation__name="Gemeente Kortenberg")
    assert k.status == "draft"
    assert Upload.objects.get(purpose="scan-import").created_by == coordinator
    assert not Job.objects.exists()
    # the overview links the import for those who may use it
    assert 'href="/scan/import/"' in c.get("/scan/coordination/").content.decode()


def test_a_bad_cell_refuses_the_file_on_the_page_and_stores_nothing(coordinator: User) -> None:
    bad = {**ZEMST, "year": "twintig"}
    r = _client(coordinator, "en").post("/scan/import/", {"file": _file([ZEMST, bad])})
    assert r.status_code == 400
    assert "survey.csv, line 3, column &#x27;year&#x27;" in r.content.decode()
    assert (
        not Response.objects.exists()
        and not Organisation.objects.filter(name="Gemeente Zemst").exists()
    )


def test_a_large_export_is_imported_by_a_job(coordinator: User, settings: Any) -> None:
    settings.CIRCULAIR_IMPORT_JOB_BYTES = 10
    c = _client(coordinator)
    r = c.post("/scan/import/", {"file": _file([ZEMST, KORTENBERG])})
    job = Job.objects.get(kind="scan.import")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "done", job.error
    assert (job.result["rows"], job.result["submitted"], job.result["in_progress_count"]) == (
        2,
        1,
        1,
    )
    assert job.result["organisations_created_count"] == 2 and job.created_by == coordinator
    page = c.get(r["Location"]).content.decode()
    assert "Import van een enquête-export" in page
    assert "2 rondes geïmporteerd: 1 ingediend, 1 in uitvoering" in page
    assert 'href="/scan/coordination/"' in page
    assert Response.objects.count() == 2


def test_a_refused_job_names_the_line_and_stores_nothing(coordinator: User, settings: Any) -> None:
    settings.CIRCULAIR_IMPORT_JOB_BYTES = 10
    c = _client(coordinator)
    r = c.post("/scan/import/", {"file": _file([ZEMST, {**ZEMST, "year": "twintig"}])})
    job = Job.objects.get(kind="scan.import")
    assert job.status == "failed" and not Response.objects.exists()
    assert "survey.csv, regel 3, kolom &#x27;year&#x27;" in c.get(r["Location"]).content.decode()


def test_only_coordinators_and_administrators_import(db: Any) -> None:
    member = User.objects.create_user("member", password="x" * 12)
    c = _client(member, "en")
    assert c.get("/scan/import/").status_code == 403
    r = c.post("/scan/import/", {"file": _file([ZEMST])})
    assert r.status_code == 403 and not Response.objects.exists()
    assert not Upload.objects.exists()  # refused before the file was read
    assert 'id="coordination-import"' not in Client().get("/scan/coordination/").content.decode()
    admin = User.objects.create_user("admin", password="x" * 12, is_staff=True)
    assert _client(admin).get("/scan/import/").status_code == 200


def test_a_worker_process_knows_the_survey_import() -> None:
    """A worker loads no URLconf: the job's handler must register through ``load_handlers``."""
    import subprocess
    import sys

    code = (
        "import django; django.setup()\n"
        "from circulair.web.apps.common import jobs\n"
        "jobs.load_handlers()\n"
        "print(sorted(jobs.TITLES))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    for kind in ("scan.import", "agenda.import", "exchange.import", "monitor.import"):
        assert f"'{kind}'" in out
