"""Large flows files go through the worker (issue 16): a company register and municipal
statistics posted on their pages become jobs whose page gives the outcome and the dataset, or
the problems; the municipal job also feeds the monitor. Jobs run inline in tests (the handler a
worker runs)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from tests.web.flows.test_flows import REGISTER, _file

from circulair.web.apps.common.models import Job
from circulair.web.apps.flows.models import Dataset
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.monitor.models import Observation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def big(settings: Any) -> None:
    """Every file counts as large: the import goes through the job."""
    settings.CIRCULAIR_IMPORT_JOB_BYTES = 10


def _client(user: User) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="nl")
    c.force_login(user)
    return c


def test_a_register_is_imported_by_a_job_that_leads_to_its_dataset(world: Any) -> None:
    c = _client(world["ma"])
    r = c.post("/flows/import/register/", {"organisation": world["a"].pk, "file": _file(REGISTER)})
    job = Job.objects.get(kind="flows.register")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    ds = Dataset.objects.get()
    assert job.status == "done" and job.result["rows"] == ds.rows == 6
    assert ds.organisation == world["a"] and job.created_by == world["ma"]
    page = c.get(r["Location"]).content.decode()
    assert "6 stromen geïmporteerd." in page and f'href="/flows/datasets/{ds.pk}/"' in page


def test_a_refused_register_job_names_the_line_and_stores_nothing(world: Any) -> None:
    bad = REGISTER.replace("2024-03-01;20 03 01", "2024-03-01;99 99 99")
    c = _client(world["ma"])
    r = c.post("/flows/import/register/", {"organisation": world["a"].pk, "file": _file(bad)})
    job = Job.objects.get(kind="flows.register")
    assert job.status == "failed" and not Dataset.objects.exists()
    page = c.get(r["Location"]).content.decode()
    assert "register.csv, regel 4" in page


def test_statistics_by_a_job_feed_the_monitor(world: Any) -> None:
    munis = list(Municipality.objects.filter(region__slug="flanders", population__gt=0))
    lines = ["refnis,year,fraction,tonnes"] + [
        f"{m.refnis},2024,residual,{m.population * 0.12}" for m in munis
    ]
    body = "\n".join(lines)
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("stats.csv", body.encode(), content_type="text/csv")
    r = _client(world["analyst"]).post(
        "/flows/import/municipal/", {"file": f, "name": "2024", "source": "OVAM", "licence": ""}
    )
    job = Job.objects.get(kind="flows.municipal")
    assert r.status_code == 302 and job.status == "done", job.error
    assert job.result["rows"] == len(munis)
    o = Observation.objects.get(
        indicator__slug="residual-household-waste-per-inhabitant", region="VLG", year=2024
    )
    assert round(o.value, 6) == 120.0
