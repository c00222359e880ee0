"""Atlas runs through the services, the pages and the API: the study's figures, siting, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from circulair.core.errors import InputError
from circulair.web.apps.atlas.services import run_start
from circulair.web.apps.common.jobs import STALE_MESSAGE, reap_stale
from circulair.web.apps.common.models import Job
from circulair.web.apps.geography.models import Municipality, Region
from circulair.web.apps.geography.services import partition_import

pytestmark = pytest.mark.django_db


def _extrapolate(**params: Any) -> dict[str, Any]:
    job = run_start(kind="atlas.extrapolate", params=params, background=False)
    assert job.status == "done", job.error
    return job.result  # type: ignore[return-value]


def _catchments() -> str:
    """A 30-unit partition: each of the 13 central cities its own unit, the rest in 17 units."""
    region = Region.objects.get(slug="flanders")
    muns = list(Municipality.objects.filter(region=region).order_by("refnis"))
    central = [m for m in muns if m.central_city]
    rest = [m for m in muns if not m.central_city]
    rows = [f"{m.refnis},C{m.refnis}" for m in central]
    rows += [f"{m.refnis},R{i % 17:02d}" for i, m in enumerate(rest)]
    partition_import(
        region=region,
        name="Verzorgingsgebieden test",
        slug="verzorgingsgebieden",
        file_name="catchments.csv",
        content=("refnis,unit\n" + "\n".join(rows) + "\n").encode(),
    )
    return "verzorgingsgebieden"


@pytest.mark.parametrize(
    ("preset", "ha", "counts"),
    [
        ("materialenbanken-arrondissement", 17, {"large": 12, "small": 10}),
        ("materialenbanken-arrondissement-bijlage", 8.5, {"large": 12, "small": 10}),
        ("sorteercentra-kunststof", 56, {"single": 14}),
    ],
)
def test_presets_reproduce_the_study(preset: str, ha: float, counts: dict[str, int]) -> None:
    r = _extrapolate(preset=preset)
    assert r["totals"]["ha"] == ha == r["expected_ha"]
    assert {k: v["count"] for k, v in r["totals"]["by_size"].items()} == counts


def test_materials_banks_by_size_and_hectares() -> None:
    r = _extrapolate(preset="materialenbanken-arrondissement")
    by = r["totals"]["by_size"]
    assert (by["large"]["ha"], by["small"]["ha"]) == (12, 5)
    annex = _extrapolate(preset="materialenbanken-arrondissement-bijlage")["totals"]["by_size"]
    assert (annex["large"]["ha"], annex["small"]["ha"]) == (6, 2.5)
    assert len(r["facilities"]) == 22 and all(f["lat"] for f in r["facilities"])


def test_reuse_clusters_on_an_imported_30_unit_partition() -> None:
    part = _catchments()
    r = _extrapolate(preset="kringwinkel-clusters-verzorgingsgebied", partition=part)
    by = r["totals"]["by_size"]
    assert (by["large"]["count"], by["small"]["count"]) == (13, 17)
    assert (by["large"]["ha"], by["small"]["ha"], r["totals"]["ha"]) == (13, 8.5, 21.5)
    annex = _extrapolate(preset="kringwinkel-clusters-bijlage", partition=part)["totals"]
    assert (annex["by_size"]["large"]["ha"], annex["by_size"]["small"]["ha"]) == (19.5, 6.5)
    assert annex["by_size"]["small"]["derived_count"] == 17


def test_catchment_preset_without_partition_is_explained() -> None:
    with pytest.raises(InputError) as ei:
        run_start(
            kind="atlas.extrapolate",
            params={"preset": "kringwinkel-clusters-verzorgingsgebied"},
            background=False,
        )
    assert ei.value.problems[0].field == "partition"
    with pytest.raises(InputError, match="unknown preset"):
        run_start(kind="atlas.extrapolate", params={"preset": "nope"}, background=False)


def test_siting_run_is_checked_and_sized() -> None:
    job = run_start(
        kind="atlas.site",
        params={"model": "set_cover", "radius_km": 25, "archetype": "sorteercentrum-kunststof"},
        background=False,
    )
    r = job.result
    assert job.status == "done" and r is not None
    assert r["status"] == "optimal" and r["totals"]["max_km"] <= 25
    assert r["totals"]["ha"] == r["totals"]["count"] * 4
    assert len(r["assignments"]) == 285


def test_siting_errors_fail_the_job_with_the_reason() -> None:
    job = run_start(kind="atlas.site", params={"model": "p_median", "p": 400}, background=False)
    assert (
        job.status == "failed" and "p larger than the 285 candidate sites" in job.error["message"]
    )
    job = run_start(
        kind="atlas.site",
        params={"model": "set_cover", "radius_km": 5, "candidates": "central_cities"},
        background=False,
    )
    assert job.status == "failed" and "km" in job.error["message"]
    job = run_start(
        kind="atlas.site",
        params={"model": "p_median", "p": 3, "archetype": "no-such"},
        background=False,
    )
    assert job.status == "failed" and "unknown archetype" in job.error["message"]


# --- pages ------------------------------------------------------------------------------------


def test_atlas_page_runs_a_preset_and_shows_totals(client: Client) -> None:
    assert "Atlas" in client.get("/atlas/").content.decode()
    resp = client.post(
        "/atlas/run/",
        {"mode": "extrapolate", "preset": "materialenbanken-arrondissement", "streams": 1},
    )
    assert resp.status_code == 302
    pk = int(resp["Location"].rstrip("/").split("/")[-1])  # run inline (CIRCULAIR_JOBS_INLINE)
    body = client.get(resp["Location"]).content.decode()
    assert "17 ha" in body and 'id="atlas-map"' in body
    for fmt, ctype in (("geojson", "application/json"), ("csv", "text/csv"), ("png", "image/png")):
        r = client.get(f"/atlas/runs/{pk}/export.{fmt}")
        assert r.status_code == 200 and r["Content-Type"].startswith(ctype)
    assert client.get(f"/atlas/runs/{pk}/export.png").content[:8] == b"\x89PNG\r\n\x1a\n"
    gj = client.get(f"/atlas/runs/{pk}/export.geojson").json()
    assert sum(1 for f in gj["features"] if f["properties"]["type"] == "facility") == 22


def test_atlas_page_shows_bad_input(client: Client, user: Any) -> None:
    client.force_login(user)  # siting runs need an account (test_atlas_trust.py)
    resp = client.post(
        "/atlas/run/",
        {
            "mode": "site",
            "model": "p_median",
            "p": 400,
            "road_factor": 1.3,
            "candidates": "all",
            "cost_per_t_km": 0.15,
            "time_limit": 60,
        },
    )
    # refused before a job exists: the form again, the reason on the field (test_refused.py)
    assert resp.status_code == 400
    assert "p larger than the 285 candidate sites (400)" in resp.content.decode()
    resp = client.post(
        "/atlas/run/",
        {
            "mode": "site",
            "model": "p_median",
            "p": -1,
            "road_factor": 0.5,
            "candidates": "all",
            "cost_per_t_km": 0.15,
            "time_limit": 60,
        },
    )
    assert resp.status_code == 400
    assert "road_factor" in resp.content.decode() or "1.0" in resp.content.decode()


def test_compare_page(client: Client) -> None:
    a = run_start(
        kind="atlas.extrapolate",
        params={"preset": "materialenbanken-arrondissement"},
        background=False,
    )
    b = run_start(
        kind="atlas.extrapolate",
        params={"preset": "materialenbanken-arrondissement-bijlage"},
        background=False,
    )
    body = client.get("/atlas/compare/", {"a": a.pk, "b": b.pk}).content.decode()
    assert 'id="comparison"' in body and ("-8,5" in body or "-8.5" in body)


# --- API --------------------------------------------------------------------------------------


def test_api_runs_a_preset_and_reports_errors(client: Client, user: Any) -> None:
    presets = client.get("/api/v1/atlas/runs/presets/").json()
    assert {p["slug"] for p in presets} >= {
        "materialenbanken-arrondissement",
        "sorteercentra-kunststof",
    }
    resp = client.post(
        "/api/v1/atlas/runs/",
        {"mode": "extrapolate", "preset": "materialenbanken-arrondissement"},
        content_type="application/json",
    )
    assert resp.status_code == 201 and resp.json()["result"]["totals"]["ha"] == 17
    run_id = resp.json()["id"]
    assert client.get(f"/api/v1/atlas/runs/{run_id}/").json()["status"] == "done"
    gj = client.get(f"/api/v1/atlas/runs/{run_id}/geojson/").json()
    assert gj["type"] == "FeatureCollection"
    bad = client.post(
        "/api/v1/atlas/runs/",
        {"mode": "extrapolate", "preset": "nope"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "onbekende voorinstelling" in bad.json()["error"]["message"]
    assert bad.json()["error"]["problems"][0]["code"] == "preset_unknown"
    client.force_login(user)  # siting runs need an account (test_atlas_trust.py)
    bad = client.post(
        "/api/v1/atlas/runs/?wait=true",
        {"mode": "site", "model": "p_median", "p": 400},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "p larger than" in bad.json()["error"]["message"]
    bad = client.post("/api/v1/atlas/runs/", {"mode": "site"}, content_type="application/json")
    assert bad.status_code == 400 and "model" in bad.json()["error"]["fields"]
    bad = client.post(
        "/api/v1/atlas/runs/?wait=true",
        {"mode": "site", "model": "p_median", "p": 3, "archetype": "no-such"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "unknown archetype" in bad.json()["error"]["message"]
    bad = client.post(
        "/api/v1/atlas/runs/?wait=true",
        {"mode": "site", "model": "set_cover", "radius_km": 5, "candidates": "central_cities"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "km" in bad.json()["error"]["message"]
    bad = client.post(
        "/api/v1/atlas/runs/",
        {"mode": "site", "model": "p_median", "p": 0},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "p" in bad.json()["error"]["fields"]
    ok = client.post(
        "/api/v1/atlas/runs/?wait=true",
        {"mode": "site", "model": "p_median", "p": 10},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["result"]["totals"]["count"] == 10


def test_bad_demand_and_partitions_are_named_in_web_and_api(
    client: Client, user: Any, grant_role: Any
) -> None:
    client.force_login(user)  # siting runs need an account (test_atlas_trust.py)
    bad = client.post(
        "/api/v1/atlas/runs/?wait=true",
        {
            "mode": "site",
            "model": "p_median",
            "p": 1,
            "demand": [{"refnis": "24062", "weight": 10}, {"refnis": "44021", "weight": -5}],
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "regel 3, kolom 'weight'" in bad.json()["error"]["message"]  # the request's language
    ok = client.post(
        "/api/v1/atlas/runs/?wait=true",
        {
            "mode": "site",
            "model": "p_median",
            "p": 1,
            "demand": [{"refnis": "24062", "weight": 10}, {"refnis": "44021", "weight": 30}],
        },
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["result"]["totals"]["demand"] == 40
    # the web form: a demand table with a negative weight
    f = SimpleUploadedFile("demand.csv", b"refnis,weight\n24062,10\n44021,-5\n")
    resp = client.post(
        "/atlas/run/",
        {
            "mode": "site",
            "model": "p_median",
            "p": 1,
            "road_factor": 1.3,
            "candidates": "all",
            "cost_per_t_km": 0.15,
            "time_limit": 60,
            "demand_file": f,
        },
    )
    assert resp.status_code == 400
    assert "demand.csv, regel 3, kolom &#x27;weight&#x27;" in resp.content.decode()
    # the API: a partition that misses a municipality (imports need the geography role)
    grant_role(user, "geography_editor")
    rows = "refnis,unit\n11002,A\n"
    resp = client.post(
        "/api/v1/partitions/import/",
        {"name": "Broken", "file": SimpleUploadedFile("p.csv", rows.encode())},
    )
    assert resp.status_code == 400
    body = resp.json()["error"]
    assert "24062" in body["message"] and any(
        p["value"] == "24062" or "24062" in (p["message"] + str(p["value"]))
        for p in body["problems"]
    )


def test_starting_a_server_fails_only_jobs_whose_worker_stopped(settings: Any) -> None:
    """Set-up (every server's start) reaps silent jobs only: a job another worker is running,
    its heartbeat fresh, keeps running (two web servers may start at any time)."""
    settings.CIRCULAIR_JOB_ATTEMPTS = 1
    alive = Job.objects.create(kind="atlas.site", params={}, status=Job.Status.RUNNING, attempts=1)
    Job.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now())
    dead = Job.objects.create(kind="atlas.site", params={}, status=Job.Status.RUNNING, attempts=1)
    gone = timezone.now() - dt.timedelta(seconds=settings.CIRCULAIR_JOB_STALE_SECONDS + 1)
    Job.objects.filter(pk=dead.pk).update(heartbeat_at=gone)
    assert reap_stale() == 1
    alive.refresh_from_db()
    dead.refresh_from_db()
    assert alive.status == "running" and alive.finished_at is None
    assert dead.status == "failed" and dead.error["message"] == STALE_MESSAGE
    assert reap_stale() == 0
