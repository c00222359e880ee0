"""Background jobs: a job whose worker was killed is failed on the next poll, not "running"
forever; live jobs keep a heartbeat; a failure with 100,000 problems stores a small error."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from circulair.core.errors import InputError, Problem
from circulair.web.apps.common import jobs
from circulair.web.apps.common.models import PROBLEMS_KEPT, Job

pytestmark = pytest.mark.django_db


@jobs.register("test.many-problems")
def _many_problems(params: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
    raise InputError(
        [
            Problem("must be a number", file="big.csv", row=i + 2, field="weight", value="x")
            for i in range(100_000)
        ]
    )


@jobs.register("test.sleep")
def _sleep(params: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
    time.sleep(params["seconds"])
    return {"slept": params["seconds"]}


def _job(user: User, *, status: str = Job.Status.RUNNING, beat_ago: float | None) -> Job:
    beat = None if beat_ago is None else timezone.now() - timedelta(seconds=beat_ago)
    return Job.objects.create(
        kind="atlas.site",
        params={"title": "p_median p=3"},
        status=status,
        heartbeat_at=beat,
        created_by=user,
    )


def test_a_job_whose_heartbeat_stopped_fails_when_polled(
    client: Client, user: User, settings: Any
) -> None:
    settings.CIRCULAIR_JOB_STALE_SECONDS = 120
    dead = _job(user, beat_ago=600)
    alive = _job(user, beat_ago=5)
    client.force_login(user)
    status = client.get(f"/atlas/runs/{dead.pk}/status/")
    assert status.status_code == 200 and 'data-status="failed"' in status.content.decode()
    assert status["HX-Refresh"] == "true"
    dead.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at is not None
    assert dead.error == {"message": "the worker running this job stopped; start it again"}
    assert dead.message == jobs.STALE_MESSAGE
    page = client.get(f"/atlas/runs/{dead.pk}/").content.decode()
    assert 'id="run-error"' in page and jobs.STALE_MESSAGE in page
    api = client.get(f"/api/v1/atlas/runs/{alive.pk}/").json()
    assert api["status"] == "running"
    alive.refresh_from_db()
    assert alive.status == "running" and alive.error is None


def test_the_api_poll_reaps_too_and_queued_jobs_count(
    client: Client, user: User, settings: Any
) -> None:
    settings.CIRCULAIR_JOB_STALE_SECONDS = 60
    queued = _job(user, status=Job.Status.QUEUED, beat_ago=61)
    client.force_login(user)
    body = client.get(f"/api/v1/atlas/runs/{queued.pk}/").json()
    assert body["status"] == "failed" and body["error"]["message"] == jobs.STALE_MESSAGE
    # a row from before heartbeats (none written): its age decides
    legacy = _job(user, beat_ago=None)
    Job.objects.filter(pk=legacy.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh_legacy = _job(user, beat_ago=None)
    assert client.get("/api/v1/atlas/runs/").status_code == 200
    legacy.refresh_from_db()
    fresh_legacy.refresh_from_db()
    assert (legacy.status, fresh_legacy.status) == ("failed", "running")


def test_a_stale_job_no_longer_counts_against_the_limit(
    client: Client, user: User, settings: Any
) -> None:
    settings.CIRCULAIR_JOBS_PER_USER = 1
    _job(user, beat_ago=3600)  # its worker died: submitting reaps it first
    client.force_login(user)
    resp = client.post(
        "/api/v1/atlas/runs/?wait=true",
        {"mode": "site", "model": "p_median", "p": 3},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content


def test_done_and_failed_jobs_are_left_alone(user: User) -> None:
    done = _job(user, status=Job.Status.DONE, beat_ago=99_999)
    assert jobs.reap_stale() == 0
    done.refresh_from_db()
    assert done.status == "done"


def test_progress_reports_and_the_heartbeat_write_the_heartbeat(user: User) -> None:
    job = _job(user, beat_ago=600)
    jobs._progress_writer(job.pk)(0.5, "solving")
    job.refresh_from_db()
    assert (job.progress, job.message) == (0.5, "solving")
    assert timezone.now() - job.heartbeat_at < timedelta(seconds=5)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    jobs._Heartbeat(job.pk).beat()
    job.refresh_from_db()
    assert timezone.now() - job.heartbeat_at < timedelta(seconds=5)


def test_the_heartbeat_thread_beats_while_the_handler_works(
    settings: Any, monkeypatch: Any
) -> None:
    """A solver reports no progress for minutes: a side thread keeps the job alive."""
    beats: list[int] = []
    monkeypatch.setattr(jobs._Heartbeat, "beat", lambda self: beats.append(self.job_id))
    settings.CIRCULAIR_JOBS_INLINE = False  # the thread only runs outside inline test runs
    settings.CIRCULAIR_JOB_HEARTBEAT_SECONDS = 0.05
    job = jobs.submit(kind="test.sleep", params={"seconds": 0.4}, background=False)
    assert job.status == "done" and job.result == {"slept": 0.4}
    assert len(beats) >= 3 and set(beats) == {job.pk}
    n = len(beats)
    time.sleep(0.2)
    assert len(beats) == n  # stopped with the job


def test_a_failure_with_100000_problems_stores_a_small_error() -> None:
    job = jobs.submit(kind="test.many-problems", params={}, background=False)
    assert job.status == "failed"
    assert job.error["problem_count"] == 100_000
    assert len(job.error["problems"]) == PROBLEMS_KEPT
    assert job.error["problems"][0]["row"] == 2
    assert job.error["message"].startswith("100000 problems in the input:")
    assert "and 99800 more problems not listed" in job.error["message"]
    assert len(json.dumps(job.error)) < 100_000
