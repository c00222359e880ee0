"""What ``circulair atlas site`` takes, the siting form and the API take too: a distance table
and a KBO company-register extract (with its sector group and weight), checked up front, kept
with the run, and used by it. Jobs run in the request here (``CIRCULAIR_JOBS_INLINE``)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from circulair.web.apps.common.models import Job, Upload

pytestmark = pytest.mark.django_db

KBO = Path(__file__).resolve().parents[2] / "core" / "atlas" / "data" / "kbo"
# Road distances that make Leuven the better single site, unlike the crow-fly geometry.
DEMAND = b"refnis,weight\n24062,10\n44021,30\n"
SITES = b"id,refnis\nL,24062\nG,44021\n"
KM = b"from,to,km\n24062,L,0\n24062,G,100\n44021,L,1\n44021,G,5\n"
BAD_KM = b"from,to,km\n24062,L,0\n24062,G,x\n"
# maakindustrie-nace in the sample: in Gent 2.000.123.469 (25110) and 2.101.234.586 (25110,
# secondary); in Antwerpen 2.102.345.633 (only a NACE 2003 row: its enterprise's 25120)
KBO_DEMAND = {"44021": 2.0, "11002": 1.0}
FORM = {
    "mode": "site",
    "model": "p_median",
    "p": 1,
    "road_factor": 1.3,
    "candidates": "all",
    "cost_per_t_km": 0.15,
    "time_limit": 60,
}


def _kbo_zip(replace: dict[str, str] | None = None) -> bytes:
    """The sample extract as the downloaded zip (a file replaced by ``replace`` if given)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(KBO.glob("*.csv")):
            z.writestr(f.name, (replace or {}).get(f.name, f.read_text(encoding="utf-8")))
    return buf.getvalue()


def _files(**files: bytes) -> dict[str, SimpleUploadedFile]:
    names = {
        "demand_file": "demand.csv",
        "candidates_file": "sites.csv",
        "distance_file": "km.csv",
        "kbo_file": "KboOpenData_0131_2025_01_Full.zip",
    }
    return {k: SimpleUploadedFile(names[k], v) for k, v in files.items()}


def _from_form(client: Client, **data: Any) -> Job:
    resp = client.post("/atlas/run/", {**FORM, **data})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    return Job.objects.get(pk=int(resp["Location"].rstrip("/").split("/")[-1]))


def _served(result: dict[str, Any]) -> dict[str, float]:
    """Demand per demand point, as the run assigned it."""
    out: dict[str, float] = {}
    for a in result["assignments"]:
        out[a["from"]] = out.get(a["from"], 0.0) + a["quantity"]
    return out


def _km(result: dict[str, Any]) -> dict[tuple[str, str], float]:
    return {(a["from"], a["to"]): a["km"] for a in result["assignments"]}


def _assert_used_distances(result: dict[str, Any]) -> None:
    assert result["facilities"][0]["id"] == "L" and result["objective"] == 30
    assert _km(result) == {("24062", "L"): 0.0, ("44021", "L"): 1.0}


def _assert_used_kbo(result: dict[str, Any]) -> None:
    assert result["demand_unit"] == "establishments"
    assert _served(result) == KBO_DEMAND and result["totals"]["demand"] == 3
    assert result["kbo"]["located"] == 3 and "maakindustrie-nace" in result["demand_source"]


# --- the siting form --------------------------------------------------------------------------


def test_form_runs_on_an_uploaded_distance_table(client: Client, user: User) -> None:
    client.force_login(user)
    job = _from_form(client, **_files(demand_file=DEMAND, candidates_file=SITES, distance_file=KM))
    assert job.status == "done", job.error
    _assert_used_distances(job.result)  # type: ignore[arg-type]
    up = Upload.objects.get(pk=job.params["distances_upload"])
    assert (up.purpose, up.original_name, up.created_by) == ("distances", "km.csv", user)
    page = client.get(f"/atlas/runs/{job.pk}/").content.decode()
    assert 'id="distances-upload"' in page and f"/uploads/{up.pk}/" in page


def test_form_runs_on_an_uploaded_kbo_extract(client: Client, user: User) -> None:
    client.force_login(user)
    job = _from_form(
        client, sector_group="maakindustrie-nace", kbo_weight="count", **_files(kbo_file=_kbo_zip())
    )
    assert job.status == "done", job.error
    _assert_used_kbo(job.result)  # type: ignore[arg-type]
    assert (job.params["sector_group"], job.params["kbo_weight"]) == ("maakindustrie-nace", "count")
    assert Upload.objects.get(pk=job.params["kbo_upload"]).purpose == "kbo"
    page = client.get(f"/atlas/runs/{job.pk}/").content.decode()
    assert 'id="kbo-upload"' in page and 'id="demand-source"' in page


def test_form_shows_the_bad_distance_row_and_stores_no_run(client: Client, user: User) -> None:
    client.force_login(user)
    before = Job.objects.count()
    resp = client.post(
        "/atlas/run/",
        {**FORM, **_files(demand_file=DEMAND, candidates_file=SITES, distance_file=BAD_KM)},
    )
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "km.csv, regel 3, kolom &#x27;km&#x27;" in body and "&#x27;x&#x27;" in body
    assert Job.objects.count() == before
    assert Upload.objects.get(original_name="km.csv").status == Upload.Status.REJECTED


def test_form_names_a_missing_sector_group_and_a_file_that_is_no_zip(
    client: Client, user: User
) -> None:
    client.force_login(user)
    before = Job.objects.count()
    resp = client.post("/atlas/run/", {**FORM, **_files(kbo_file=_kbo_zip())})
    assert resp.status_code == 400 and "sector_group" in resp.content.decode()
    resp = client.post(
        "/atlas/run/",
        {**FORM, "sector_group": "maakindustrie-nace", **_files(kbo_file=b"EnterpriseNumber\n")},
    )
    assert resp.status_code == 400 and "KboOpenData_0131_2025_01_Full.zip" in resp.content.decode()
    assert Job.objects.count() == before


def test_form_offers_every_cli_option(client: Client, user: User) -> None:
    client.force_login(user)
    form = client.get("/atlas/").context["site_form"]
    for field in (
        "demand_file",
        "kbo_file",
        "sector_group",
        "kbo_weight",
        "candidates_file",
        "distance_file",
        "road_factor",
        "rate_kg_per_inhabitant",
        "fixed_open",
    ):
        assert field in form.fields, field
    assert "maakindustrie-nace" in dict(form.fields["sector_group"].choices)


# --- the API ----------------------------------------------------------------------------------


def _api(client: Client, **data: Any) -> Any:
    body = {k: v for k, v in FORM.items() if k not in ("time_limit",)}
    return client.post("/api/v1/atlas/runs/?wait=true", {**body, **data})  # multipart


def test_api_runs_on_an_uploaded_distance_table(client: Client, user: User) -> None:
    client.force_login(user)
    resp = _api(client, **_files(demand_file=DEMAND, candidates_file=SITES, distance_file=KM))
    assert resp.status_code == 201, resp.content
    _assert_used_distances(resp.json()["result"])
    job = Job.objects.get(pk=resp.json()["id"])
    assert job.created_by == user and job.params["distances_upload"]


def test_api_runs_on_an_uploaded_kbo_extract(client: Client, user: User) -> None:
    client.force_login(user)
    resp = _api(client, sector_group="maakindustrie-nace", **_files(kbo_file=_kbo_zip()))
    assert resp.status_code == 201, resp.content
    _assert_used_kbo(resp.json()["result"])
    by_employees = _api(
        client,
        sector_group="maakindustrie-nace",
        kbo_weight="employees",
        **_files(kbo_file=_kbo_zip()),
    )
    assert by_employees.status_code == 400  # the sample has no EmployeeClass column
    assert "EmployeeClass" in by_employees.json()["error"]["message"]


def test_api_bad_distance_csv_is_a_400_naming_row_and_value(client: Client, user: User) -> None:
    client.force_login(user)
    before = Job.objects.count()
    resp = _api(client, **_files(demand_file=DEMAND, candidates_file=SITES, distance_file=BAD_KM))
    assert resp.status_code == 400
    problems = resp.json()["error"]["problems"]
    assert {"file": "km.csv", "row": 3, "field": "km", "value": "x"}.items() <= problems[0].items()
    assert Job.objects.count() == before


def test_api_bad_kbo_rows_fail_the_run_naming_file_and_line(client: Client, user: User) -> None:
    text = (KBO / "establishment.csv").read_text(encoding="utf-8")
    bad = text.replace('"2.001.234.516",01-01-1970', '"2.001.234.516",1970-01-01')
    assert bad != text
    client.force_login(user)
    resp = _api(
        client,
        sector_group="maakindustrie-nace",
        **_files(kbo_file=_kbo_zip({"establishment.csv": bad})),
    )
    assert resp.status_code == 400, resp.content
    problem = resp.json()["error"]["problems"][0]
    assert (problem["file"], problem["row"], problem["value"]) == (
        "establishment.csv",
        3,
        "1970-01-01",
    )


def test_anonymous_cannot_start_a_run_with_files(client: Client) -> None:
    jobs, uploads = Job.objects.count(), Upload.objects.count()
    files = _files(demand_file=DEMAND, candidates_file=SITES, distance_file=KM)
    resp = _api(client, **files)
    assert resp.status_code in (401, 403) and "Log in" in resp.json()["error"]["message"]
    resp = _api(client, sector_group="maakindustrie-nace", **_files(kbo_file=_kbo_zip()))
    assert resp.status_code in (401, 403)
    form = client.post("/atlas/run/", {**FORM, **_files(distance_file=KM)})
    assert form.status_code == 302 and form["Location"].startswith("/accounts/login/")
    assert (Job.objects.count(), Upload.objects.count()) == (jobs, uploads)


def test_a_run_with_files_stays_its_creators(client: Client, user: User) -> None:
    client.force_login(user)
    resp = _api(client, sector_group="maakindustrie-nace", **_files(kbo_file=_kbo_zip()))
    job = Job.objects.get(pk=resp.json()["id"])
    other = User.objects.create_user("someone-else", password="another-long-password")
    client.force_login(other)
    for url in (
        f"/api/v1/atlas/runs/{job.pk}/",
        f"/atlas/runs/{job.pk}/",
        f"/uploads/{job.params['kbo_upload']}/",
    ):
        assert client.get(url).status_code == 404, url
