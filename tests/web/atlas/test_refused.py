"""No silent surprises in the atlas: refused input keeps the form with the values typed and the
reason on the field (400, nothing started); failed runs are marked in "My runs" and left out of
"recent runs" and the compare choices."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from circulair.web.apps.atlas import selectors
from circulair.web.apps.atlas.services import run_start
from circulair.web.apps.common.models import Job, Upload

pytestmark = pytest.mark.django_db

SITE = {
    "mode": "site",
    "model": "p_median",
    "p": 5,
    "road_factor": 1.3,
    "candidates": "all",
    "cost_per_t_km": 0.15,
    "time_limit": 60,
}


def _value(body: str, name: str) -> str | None:
    m = re.search(rf'<input type="[a-z]+" name="{name}" value="([^"]*)"', body)
    return m.group(1) if m else None


def _field_error(body: str, name: str) -> str:
    m = re.search(rf'<ul class="errorlist" id="id_{name}_error"><li>(.*?)</li>', body)
    assert m, f"no error on {name}"
    return m.group(1)


def _post(client: Client, **changes: Any) -> Any:
    return client.post("/atlas/run/", {**SITE, **changes}, HTTP_ACCEPT_LANGUAGE="en")


def test_a_value_the_form_refuses_keeps_the_form(client: Client, user: Any) -> None:
    client.force_login(user)
    resp = _post(client, road_factor=0.5, p=7, radius_km=12.5)
    body = resp.content.decode()
    assert resp.status_code == 400
    assert _field_error(body, "road_factor") == "Ensure this value is greater than or equal to 1.0."
    assert (_value(body, "p"), _value(body, "road_factor"), _value(body, "radius_km")) == (
        "7",
        "0.5",
        "12.5",
    )
    assert 'id="run-problems"' in body
    assert not Job.objects.filter(kind="atlas.site").exists()


def test_a_value_the_run_would_fail_on_is_refused_on_its_field(client: Client, user: Any) -> None:
    client.force_login(user)
    resp = _post(client, p=400, radius_km=12.5)
    body = resp.content.decode()
    assert resp.status_code == 400
    assert _field_error(body, "p") == "p larger than the 285 candidate sites (400)"
    assert (_value(body, "p"), _value(body, "radius_km")) == ("400", "12.5")
    resp = _post(client, time_limit=900)
    body = resp.content.decode()
    assert resp.status_code == 400
    assert _field_error(body, "time_limit") == "must be at most 300 seconds for your account (900)"
    assert _value(body, "time_limit") == "900"
    resp = _post(client, model="set_cover", p="")
    assert _field_error(resp.content.decode(), "radius_km") == (
        "radius_km must be a positive distance in km"
    )
    assert not Job.objects.filter(kind="atlas.site").exists()
    assert not Upload.objects.exists()


def test_a_valid_siting_post_still_starts_the_run(client: Client, user: Any) -> None:
    client.force_login(user)
    resp = _post(client, p=3)
    assert resp.status_code == 302
    job = Job.objects.get(kind="atlas.site")
    assert job.status == "done" and job.result["totals"]["count"] == 3  # type: ignore[index]


def _runs(user: Any) -> tuple[Job, Job, Job]:
    done = run_start(
        kind="atlas.extrapolate",
        params={"preset": "materialenbanken-arrondissement"},
        background=False,
    )
    site = run_start(
        kind="atlas.site", params={"model": "p_median", "p": 3}, user=user, background=False
    )
    failed = run_start(
        kind="atlas.site", params={"model": "p_median", "p": 400}, user=user, background=False
    )
    assert (done.status, site.status, failed.status) == ("done", "done", "failed")
    return done, site, failed


def _ids(body: str, pattern: str) -> list[int]:
    return [int(x) for x in re.findall(pattern, body)]


def test_failed_runs_are_left_out_of_recent_and_compare(client: Client, user: Any) -> None:
    done, site, failed = _runs(user)
    client.force_login(user)
    assert list(selectors.without_failed(selectors.run_list(user))) == [site, done]
    # the visibility rule itself is unchanged: the failed run is still the owner's to open
    assert list(selectors.run_list(user)) == [failed, site, done]
    assert client.get(f"/atlas/runs/{failed.pk}/").status_code == 200
    index = client.get("/atlas/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    recent = index[index.index("<tbody>", index.index("Recent runs")) :]
    assert _ids(recent, r'<a href="/atlas/runs/(\d+)/">') == [site.pk, done.pk]
    compare = client.get("/atlas/compare/").content.decode()
    select_a = compare[compare.index('<select name="a">') : compare.index('<select name="b">')]
    assert _ids(select_a, r'<option value="(\d+)"') == [site.pk, done.pk]


def test_failed_runs_are_marked_in_my_runs(client: Client, user: Any) -> None:
    _done, site, failed = _runs(user)
    client.force_login(user)
    body = client.get("/atlas/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _ids(body, r'<tr id="run-(\d+)" data-status="failed">') == [failed.pk]
    row = body[body.index(f'<tr id="run-{failed.pk}"') :]
    row = row[: row.index("</tr>")]
    assert '<strong class="run-failed">Failed</strong>' in row
    assert "p larger than the 285 candidate sites" in row
    assert _ids(body, r'<tr id="run-(\d+)" data-status="done">') == [site.pk]
