"""A large monitor import runs as a background job (issue 16: large imports as jobs with
progress): the upload is staged, the job reports how much of the file it has read, and
``/jobs/<id>/`` shows the progress, then the outcome and where it leads, or the problems.
Jobs run inline in tests (the same handler a worker runs; tests/web/common/test_worker.py runs
the queue with real worker processes)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from circulair.web.apps.common.models import Job, Upload
from circulair.web.apps.common.tables import ProgressReader
from circulair.web.apps.common.uploads import STAGING, uploads_orphans_remove
from circulair.web.apps.monitor.models import Observation

pytestmark = pytest.mark.django_db
HEAD = "indicator,region,year,value,unit,source,note\n"
ROWS = "".join(f"rmc,VLG,{y},{400 + y - 1990},Mt,test,\n" for y in range(1990, 2020))


def _editor(name: str) -> User:
    u = User.objects.create_user(name, email=f"{name}@monitor.test", password="pw-long-enough-1")
    u.groups.add(Group.objects.get_or_create(name="monitor_editor")[0])
    return u


@pytest.fixture
def big(settings: Any) -> None:
    """Every file counts as large: the import goes through the job."""
    settings.CIRCULAIR_IMPORT_JOB_BYTES = 10


def _post(c: Client, body: str, name: str = "figures.csv") -> Any:
    f = SimpleUploadedFile(name, body.encode(), content_type="text/csv")
    return c.post("/monitor/import/", {"file": f})


def _staged() -> list[Path]:
    d = Path(settings.MEDIA_ROOT) / STAGING
    return sorted(d.iterdir()) if d.is_dir() else []


def test_a_large_import_is_a_job_whose_page_gives_the_outcome(big: None) -> None:
    ann = _editor("ann")
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(ann)
    r = _post(c, HEAD + ROWS)
    job = Job.objects.get(kind="monitor.import")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.DONE and job.created_by == ann
    assert job.result == {
        "created": 30,
        "updated": 0,
        "unchanged": 0,
        "batch": None,
        "url": "/monitor/",
    }
    assert Observation.objects.filter(indicator__slug="rmc", source="test").count() == 30
    [up] = Upload.objects.filter(purpose="observations")
    assert up.status == "accepted" and up.original_name == "figures.csv"
    assert _staged() == []  # the staged copy is gone once the job has its outcome
    page = c.get(r["Location"]).content.decode()
    assert f"Import of figures #{job.pk}" in page
    assert "Imported: 30 new, 0 updated, 0 unchanged." in page
    assert 'id="job-next"' in page and 'href="/monitor/"' in page
    nl = Client(HTTP_ACCEPT_LANGUAGE="nl")
    nl.force_login(ann)
    page_nl = nl.get(r["Location"]).content.decode()
    assert f"Import van cijfers #{job.pk}" in page_nl
    assert "Geïmporteerd: 30 nieuw, 0 bijgewerkt, 0 ongewijzigd." in page_nl


def test_a_refused_large_import_lists_its_problems_and_changes_nothing(big: None) -> None:
    ann = _editor("ann")
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(ann)
    bad = HEAD + ROWS + "rmc,VLG,2021,lots,Mt,test,\nnope,VLG,2022,1,Mt,test,\n"
    r = _post(c, bad)
    job = Job.objects.get(kind="monitor.import")
    assert job.status == Job.Status.FAILED
    assert job.error["problem_count"] == 2
    assert not Observation.objects.filter(source="test").exists()  # all or nothing
    [up] = Upload.objects.filter(purpose="observations")
    assert up.status == "rejected" and up.problem_count == 2
    assert _staged() == []
    page = c.get(r["Location"]).content.decode()
    assert "Nothing was changed: the file has 2 problems." in page
    assert "figures.csv, line 32, column &#x27;value&#x27;" in page
    assert "figures.csv, line 33, column &#x27;indicator&#x27;" in page


def test_a_job_page_is_its_owners_and_administrators_only(big: None) -> None:
    ann, bob = _editor("ann"), _editor("bob")
    admin = User.objects.create_superuser("root", "root@monitor.test", "pw-long-enough-1")
    c = Client()
    c.force_login(ann)
    url = _post(c, HEAD + ROWS)["Location"]
    assert c.get(url).status_code == 200
    for who in (bob, None):
        other = Client()
        if who is not None:
            other.force_login(who)
        assert other.get(url).status_code == 404  # as if it did not exist
    boss = Client()
    boss.force_login(admin)
    assert boss.get(url).status_code == 200
    assert Client().post(url + "cancel/").status_code == 302  # to the login
    bobc = Client()
    bobc.force_login(bob)
    assert bobc.post(url + "cancel/").status_code == 404


def test_a_small_import_is_answered_in_the_request() -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(_editor("ann"))
    r = _post(c, HEAD + ROWS)
    assert r.status_code == 302 and r["Location"] == "/monitor/"
    assert not Job.objects.filter(kind="monitor.import").exists()


def test_progress_follows_the_bytes_read_and_only_grows() -> None:
    seen: list[float] = []
    raw = io.BytesIO(b"x" * 100_000)
    stream = io.BufferedReader(ProgressReader(raw, seen.append), buffer_size=8192)
    while stream.read(10_000):
        pass
    assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) >= 12
    stream.seek(0)  # read again (the kept upload copies the file): the fraction stays at 1
    stream.read(5000)
    assert seen[-1] == 1.0


def test_a_staged_file_is_kept_while_its_job_may_run_and_removed_after(tmp_path: Path) -> None:
    d = Path(settings.MEDIA_ROOT) / STAGING
    d.mkdir(parents=True, exist_ok=True)
    live, dead = d / "live.csv", d / "dead.csv"
    live.write_bytes(b"a")
    dead.write_bytes(b"b")
    Job.objects.create(kind="monitor.import", params={"staged": f"{STAGING}/live.csv"})
    removed = uploads_orphans_remove(older_than_seconds=0)
    assert f"{STAGING}/dead.csv" in removed and f"{STAGING}/live.csv" not in removed
    assert live.exists() and not dead.exists()
    live.unlink()


def _api_post(c: Client, body: str, language: str = "en") -> Any:
    f = SimpleUploadedFile("figures.csv", body.encode(), content_type="text/csv")
    return c.post(
        "/api/v1/monitor/observations/import/", {"file": f}, HTTP_ACCEPT_LANGUAGE=language
    )


def test_a_large_api_import_answers_202_with_the_job_to_follow(big: None) -> None:
    ann = _editor("ann")
    c = Client()
    c.force_login(ann)
    r = _api_post(c, HEAD + ROWS)
    job = Job.objects.get(kind="monitor.import")
    assert r.status_code == 202 and r["Location"] == f"/api/v1/jobs/{job.pk}/"
    assert r.json()["id"] == job.pk and r.json()["kind"] == "monitor.import"
    got = c.get(r["Location"], HTTP_ACCEPT_LANGUAGE="nl").json()
    assert (got["status"], got["progress"], got["url"]) == ("done", 1.0, "/monitor/")
    assert got["title"] == "Import van cijfers"
    assert got["outcome"] == "Geïmporteerd: 30 nieuw, 0 bijgewerkt, 0 ongewijzigd."
    assert got["result"]["created"] == 30 and got["problems"] == [] and got["error"] == ""
    # another editor and a visitor see no such job
    bob = Client()
    bob.force_login(_editor("bob"))
    assert bob.get(r["Location"]).status_code == 404
    assert Client().get(r["Location"]).status_code in (401, 403)


def test_a_refused_api_import_job_lists_each_problem_in_the_readers_language(big: None) -> None:
    ann = _editor("ann")
    c = Client()
    c.force_login(ann)
    r = _api_post(c, HEAD + ROWS + "rmc,VLG,2021,lots,Mt,test,\n")
    got = c.get(r["Location"], HTTP_ACCEPT_LANGUAGE="nl").json()
    assert got["status"] == "failed" and got["problem_count"] == 1
    (p,) = got["problems"]
    assert (p["row"], p["field"], p["value"]) == (32, "value", "lots")
    assert not Observation.objects.filter(source="test").exists()
