"""Honest time limits (issue 17, point 4): a siting run that stops on its limit gives its best
answer, says in words that it is not proven and by how much it may be above the optimum (page
and API, both languages), and offers to run again with twice the time."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from circulair.web.apps.atlas.presenters import certificate
from circulair.web.apps.atlas.services import run_start
from circulair.web.apps.common.models import Job

pytestmark = pytest.mark.django_db
README = {  # the README's capacitated example (285 x 285): minutes to prove
    "model": "capacitated",
    "rate_kg_per_inhabitant": 477,
    "capacity_t": 300000,
    "fixed_cost": 1000000,
}


def test_certificate_words_in_both_languages() -> None:
    stopped = {
        "kind": "siting",
        "status": "time_limit",
        "gap": 0.0249,
        "params": {"time_limit": 60},
    }
    with translation.override("en"):
        assert certificate({"kind": "siting", "status": "optimal", "gap": 0.0}) == {
            "code": "optimal",
            "gap_percent": 0.0,
            "message": "Proven optimal.",
        }
        c = certificate(stopped)
        assert c is not None and c["code"] == "not_proven"
        assert c["gap_percent"] == pytest.approx(2.49)
        assert c["message"] == (
            "Best found, not proven: at most 2.49 % above the optimum. The run stopped at its "
            "time limit of 60 s; a longer limit may close the gap."
        )
        within = certificate({"kind": "siting", "status": "within_gap", "gap": 0.001})
        assert within is not None
        assert within["message"] == "Proven within 0.10 % of the optimum (the gap asked for)."
        assert certificate({"kind": "extrapolation"}) is None
    with translation.override("nl"):
        c = certificate(stopped)
        assert c is not None
        assert c["message"].startswith(
            "Beste gevonden, niet bewezen: hoogstens 2,49 % boven het optimum."
        )


def test_a_stopped_capacitated_run_gives_its_best_answer_and_offers_more_time(user: User) -> None:
    job = run_start(kind="atlas.site", params={**README, "time_limit": 1}, user=user)
    assert job.status == Job.Status.DONE, job.error
    r = job.result
    assert r is not None and r["status"] == "time_limit"
    assert 0 < r["gap"] < 1 and r["lower_bound"] <= r["objective"]
    assert r["totals"]["count"] >= 1
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    page = c.get(f"/atlas/runs/{job.pk}/").content.decode()
    assert 'data-certificate="not_proven"' in page
    assert "Best found, not proven: at most " in page
    assert 'id="run-again"' in page
    api = c.get(f"/api/v1/atlas/runs/{job.pk}/").json()
    assert api["certificate"]["code"] == "not_proven"
    assert api["certificate"]["gap_percent"] == pytest.approx(100 * r["gap"])
    resp = c.post(f"/atlas/runs/{job.pk}/again/")
    again = Job.objects.exclude(pk=job.pk).get(kind="atlas.site")
    assert resp.status_code == 302 and resp["Location"] == f"/atlas/runs/{again.pk}/"
    assert again.params["time_limit"] == 2 and again.params["again_of"] == job.pk
    assert {k: again.params[k] for k in README} == README
    # Another account does not see the run, let alone start it again.
    other = Client()
    other.force_login(User.objects.create_user("other", password="a-long-test-password"))
    assert other.post(f"/atlas/runs/{job.pk}/again/").status_code == 404


def test_a_run_at_the_longest_limit_is_not_offered_again(user: User, settings: Any) -> None:
    settings.CIRCULAIR_ATLAS_TIME_LIMIT_USER = 1
    job = run_start(kind="atlas.site", params={**README, "time_limit": 1}, user=user)
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    page = c.get(f"/atlas/runs/{job.pk}/").content.decode()
    assert 'data-certificate="not_proven"' in page and 'id="run-again"' not in page
    resp = c.post(f"/atlas/runs/{job.pk}/again/", follow=True)
    assert "this run already had the longest time limit your account allows (1 s)" in (
        resp.content.decode()
    )
    assert Job.objects.filter(kind="atlas.site").count() == 1


def test_a_proven_run_says_so(user: User) -> None:
    job = run_start(
        kind="atlas.site",
        params={"model": "set_cover", "radius_km": 25, "archetype": "sorteercentrum-kunststof"},
        user=user,
    )
    c = Client(HTTP_ACCEPT_LANGUAGE="nl")
    c.force_login(user)
    page = c.get(f"/atlas/runs/{job.pk}/").content.decode()
    assert 'data-certificate="optimal"' in page and "Bewezen optimaal." in page
    assert 'id="run-again"' not in page
