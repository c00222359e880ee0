"""Who may start and read atlas runs, and how much of the server one visitor may take.

Each test replays a request of a finding: a siting run's inputs read by another visitor, an
anonymous siting run, too many or too long runs, non-finite numbers.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import clear_url_caches
from django.utils import timezone

from circulair.web.apps.common.models import Job, Upload
from circulair.web.apps.common.uploads import upload_keep
from circulair.web.config import urls

pytestmark = pytest.mark.django_db

SITE = {
    "mode": "site",
    "model": "p_median",
    "p": 1,
    "demand": [
        {"lat": 50.8791, "lon": 4.7005, "weight": 10},
        {"lat": 51.0543, "lon": 3.7174, "weight": 30},
    ],
}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def other(db: Any) -> User:
    return User.objects.create_user("someone-else", password="another-long-password")


def _owned_siting_run(client: Client, user: User) -> Job:
    client.force_login(user)
    resp = client.post("/api/v1/atlas/runs/?wait=true", SITE, content_type="application/json")
    assert resp.status_code == 201, resp.content
    client.logout()
    job = Job.objects.get(pk=resp.json()["id"])
    assert job.created_by == user and job.params["demand_upload"]
    return job


def _running(user: User | None, n: int) -> None:
    for _ in range(n):
        Job.objects.create(
            kind="atlas.site",
            params={},
            status=Job.Status.RUNNING,
            heartbeat_at=timezone.now(),
            created_by=user,
        )


# --- 1. a siting run is its creator's ---------------------------------------------------------


def test_siting_run_is_404_for_anonymous_and_other_users(
    client: Client, user: User, other: User
) -> None:
    job = _owned_siting_run(client, user)
    pk = job.pk
    urls = [
        f"/api/v1/atlas/runs/{pk}/",
        f"/api/v1/atlas/runs/{pk}/geojson/",
        f"/atlas/runs/{pk}/",
        f"/atlas/runs/{pk}/status/",
        f"/atlas/runs/{pk}/export.geojson",
        f"/atlas/runs/{pk}/export.csv",
        f"/atlas/runs/{pk}/export.png",
        f"/uploads/{job.params['demand_upload']}/",
    ]
    for who in (None, other):
        if who is not None:
            client.force_login(who)
        for url in urls:
            resp = client.get(url)
            assert resp.status_code == 404, (who, url, resp.status_code)
            assert b"50.8791" not in resp.content
        listed = client.get("/api/v1/atlas/runs/").json()["results"]
        assert pk not in [r["id"] for r in listed]
        assert f'href="/atlas/runs/{pk}/"' not in client.get("/atlas/").content.decode()
        compare = client.get("/atlas/compare/", {"a": pk, "b": pk}).content.decode()
        assert f'value="{pk}"' not in compare and f"/atlas/runs/{pk}/" not in compare
        client.logout()
    # the owner sees all of it, including the coordinates they sent
    client.force_login(user)
    detail = client.get(f"/api/v1/atlas/runs/{pk}/")
    assert detail.status_code == 200 and detail.json()["result"]["totals"]["demand"] == 40
    gj = client.get(f"/atlas/runs/{pk}/export.geojson")
    assert gj.status_code == 200 and b"50.8791" in gj.content
    assert client.get(f"/atlas/runs/{pk}/export.csv").status_code == 200
    assert pk in [r["id"] for r in client.get("/api/v1/atlas/runs/").json()["results"]]
    page = client.get(f"/atlas/runs/{pk}/").content.decode()
    assert f"/uploads/{job.params['demand_upload']}/" in page
    down = client.get(f"/uploads/{job.params['demand_upload']}/")
    assert down.status_code == 200 and b"50.8791" in b"".join(down.streaming_content)
    assert f'href="/atlas/runs/{pk}/"' in client.get("/atlas/").content.decode()


def test_superuser_sees_every_run(client: Client, user: User) -> None:
    job = _owned_siting_run(client, user)
    admin = User.objects.create_superuser("root", password="a-long-admin-password")
    client.force_login(admin)
    assert client.get(f"/api/v1/atlas/runs/{job.pk}/").status_code == 200
    assert client.get(f"/atlas/runs/{job.pk}/export.geojson").status_code == 200


def test_study_presets_stay_public(client: Client, user: User) -> None:
    """Extrapolations hold only the cited presets: anyone runs them and sees every one."""
    client.force_login(user)
    resp = client.post(
        "/api/v1/atlas/runs/",
        {"mode": "extrapolate", "preset": "materialenbanken-arrondissement"},
        content_type="application/json",
    )
    assert resp.status_code == 201
    pk = resp.json()["id"]
    client.logout()
    assert client.get(f"/api/v1/atlas/runs/{pk}/").json()["result"]["totals"]["ha"] == 17
    assert client.get(f"/atlas/runs/{pk}/export.csv").status_code == 200
    anon = client.post(
        "/atlas/run/", {"mode": "extrapolate", "streams": 1, "preset": "sorteercentra-kunststof"}
    )
    assert anon.status_code == 302
    assert "56 ha" in client.get(anon["Location"]).content.decode()


def test_anonymous_siting_run_is_refused_and_nothing_is_stored(client: Client) -> None:
    jobs, uploads = Job.objects.count(), Upload.objects.count()
    resp = client.post("/api/v1/atlas/runs/?wait=true", SITE, content_type="application/json")
    assert resp.status_code in (401, 403)
    assert "Log in" in resp.json()["error"]["message"]
    resp = client.post(
        "/atlas/run/",
        {
            "mode": "site",
            "model": "p_median",
            "p": 3,
            "road_factor": 1.3,
            "candidates": "all",
            "cost_per_t_km": 0.15,
            "time_limit": 60,
        },
    )
    assert resp.status_code == 302 and resp["Location"] == "/accounts/login/?next=/atlas/"
    assert (Job.objects.count(), Upload.objects.count()) == (jobs, uploads)
    body = client.get("/atlas/").content.decode()
    assert 'id="site-login"' in body and 'id="site-form"' not in body


def test_uploads_are_not_served_from_media_even_in_debug(
    client: Client, settings: Any, tmp_path: Any, user: User
) -> None:
    """Under scripts/start (DEBUG on) /media/ served every kept upload; now only case images."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.DEBUG = True
    try:
        importlib.reload(urls)
        clear_url_caches()
        up = upload_keep(
            purpose="demand", name="demand.csv", content=b"lat,lon,weight\n1,2,3\n", user=user
        )
        (tmp_path / "doers").mkdir()
        (tmp_path / "doers" / "case.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        assert client.get(f"/media/{up.file.name}").status_code == 404
        quiet = Client(raise_request_exception=False)  # a traversal is a SuspiciousOperation
        for url in (f"/media/doers/../{up.file.name}", f"/media/doers/%2e%2e/{up.file.name}"):
            resp = quiet.get(url)
            assert resp.status_code in (400, 404) and b"lat,lon" not in resp.content, url
        assert client.get("/media/doers/case.png").status_code == 200
    finally:
        settings.DEBUG = False
        importlib.reload(urls)
        clear_url_caches()


# --- 2. how much one visitor may take ---------------------------------------------------------


def test_per_account_limit_of_active_siting_runs(client: Client, user: User, settings: Any) -> None:
    settings.CIRCULAIR_JOBS_PER_USER = 2
    _running(user, 2)
    before = Job.objects.count()
    client.force_login(user)
    resp = client.post("/api/v1/atlas/runs/?wait=true", SITE, content_type="application/json", **EN)
    assert resp.status_code == 429
    msg = resp.json()["error"]["message"]
    assert "2 siting runs" in msg and "CIRCULAIR_JOBS_PER_USER" in msg
    form = client.post(
        "/atlas/run/",
        {
            "mode": "site",
            "model": "p_median",
            "p": 3,
            "road_factor": 1.3,
            "candidates": "all",
            "cost_per_t_km": 0.15,
            "time_limit": 60,
        },
        **EN,
    )
    assert form.status_code == 429 and "CIRCULAIR_JOBS_PER_USER" in form.content.decode()
    assert Job.objects.count() == before
    # one finished: room again
    Job.objects.filter(created_by=user).update(status=Job.Status.DONE)
    ok = client.post("/api/v1/atlas/runs/?wait=true", SITE, content_type="application/json")
    assert ok.status_code == 201 and Job.objects.count() == before + 1


def test_server_wide_limit_of_active_siting_runs(
    client: Client, user: User, other: User, settings: Any
) -> None:
    settings.CIRCULAIR_ATLAS_JOBS_MAX = 3
    _running(other, 3)
    before = Job.objects.count()
    client.force_login(user)
    resp = client.post("/api/v1/atlas/runs/", SITE, content_type="application/json", **EN)
    assert resp.status_code == 429
    assert "maximum of 3" in resp.json()["error"]["message"]
    assert "CIRCULAIR_ATLAS_JOBS_MAX" in resp.json()["error"]["message"]
    assert Job.objects.count() == before


def test_time_limit_is_capped_per_role(client: Client, user: User, settings: Any) -> None:
    settings.CIRCULAIR_ATLAS_TIME_LIMIT_USER = 300
    client.force_login(user)
    before = Job.objects.count()
    resp = client.post(
        "/api/v1/atlas/runs/", {**SITE, "time_limit": 1800}, content_type="application/json", **EN
    )
    assert resp.status_code == 400
    problem = resp.json()["error"]["problems"][0]
    assert problem["field"] == "time_limit" and "at most 300 seconds" in problem["message"]
    form = client.post(
        "/atlas/run/",
        {
            "mode": "site",
            "model": "p_median",
            "p": 3,
            "road_factor": 1.3,
            "candidates": "all",
            "cost_per_t_km": 0.15,
            "time_limit": 1800,
        },
        **EN,
    )
    assert form.status_code == 400 and "time_limit" in form.content.decode()
    assert Job.objects.count() == before
    ok = client.post("/api/v1/atlas/runs/?wait=true", SITE, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["params"]["time_limit"] == 300
    staff = User.objects.create_user("staff", password="a-long-staff-password", is_staff=True)
    client.force_login(staff)
    ok = client.post(
        "/api/v1/atlas/runs/?wait=true",
        {**SITE, "time_limit": 1800},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["params"]["time_limit"] == 1800


@pytest.mark.parametrize(
    "raw", ["NaN", "Infinity", "-Infinity", "1e400", '"nan"', '"inf"', "1e300"]
)
@pytest.mark.parametrize(
    "field",
    [
        "radius_km",
        "road_factor",
        "rate_kg_per_inhabitant",
        "capacity_t",
        "fixed_cost",
        "cost_per_t_km",
        "p",
        "time_limit",
        "streams",
    ],
)
def test_api_refuses_non_finite_numbers_naming_the_field(
    client: Client, user: User, field: str, raw: str
) -> None:
    client.force_login(user)
    before = Job.objects.count()
    body = (
        json.dumps({k: v for k, v in SITE.items() if k != "demand"})[:-1] + f', "{field}": {raw}}}'
    )
    resp = client.post("/api/v1/atlas/runs/?wait=true", body, content_type="application/json")
    assert resp.status_code == 400, (field, raw, resp.content)
    if raw in ("NaN", "Infinity", "-Infinity"):  # not JSON: the parser refuses the whole body
        assert "JSON parse error" in resp.json()["error"]["message"]
    else:
        assert field in resp.json()["error"]["fields"], resp.json()
    assert Job.objects.count() == before


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "1e400", "1e300"])
@pytest.mark.parametrize(
    "field",
    [
        "radius_km",
        "road_factor",
        "rate_kg_per_inhabitant",
        "capacity_t",
        "fixed_cost",
        "cost_per_t_km",
        "p",
        "time_limit",
    ],
)
def test_form_refuses_non_finite_numbers_naming_the_field(
    client: Client, user: User, field: str, raw: str
) -> None:
    client.force_login(user)
    before = Job.objects.count()
    data = {
        "mode": "site",
        "model": "p_median",
        "p": 3,
        "road_factor": 1.3,
        "candidates": "all",
        "cost_per_t_km": 0.15,
        "time_limit": 60,
        field: raw,
    }
    resp = client.post("/atlas/run/", data)
    assert resp.status_code == 400
    assert field in resp.context["site_form"].errors
    assert Job.objects.count() == before
