"""Background jobs in one process: the task row, the lease rule (a job whose worker was killed is
queued again or failed, never "running" forever), retries, cancel, one outcome per attempt, and a
failure with 100,000 problems storing a small error. Across processes: test_worker.py."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

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


@jobs.register("test.flaky")
def _flaky(params: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
    raise ConnectionRefusedError(111, "Connection refused")


@jobs.register("test.steps")
def _steps(params: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
    for i in range(params["steps"]):
        progress(i / params["steps"], f"step {i}")
        time.sleep(0.3)
    return {"steps": params["steps"]}


def _job(
    user: User, *, status: str = Job.Status.RUNNING, beat_ago: float | None, attempts: int = 1
) -> Job:
    beat = None if beat_ago is None else timezone.now() - timedelta(seconds=beat_ago)
    return Job.objects.create(
        kind="atlas.site",
        params={"title": "p_median p=3"},
        status=status,
        heartbeat_at=beat,
        created_by=user,
        attempts=attempts,
    )


def _task(job: Job) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=job.task_id)


def test_a_submitted_job_is_a_task_row_in_the_same_transaction(user: User, settings: Any) -> None:
    settings.CIRCULAIR_JOBS_INLINE = False
    job = jobs.submit(kind="test.sleep", params={"seconds": 0}, user=user)
    assert job.status == "queued" and job.attempts == 0
    task = _task(job)
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "circulair.web.apps.common.jobs.execute"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    jobs.run(job.pk)  # what the worker's task does
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("done", 1, {"slept": 0})
    jobs.run(job.pk)  # a second delivery of the same task starts nothing
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 1)


def test_a_job_whose_heartbeat_stopped_is_queued_again_while_attempts_are_left(
    client: Client, user: User, settings: Any
) -> None:
    settings.CIRCULAIR_JOB_STALE_SECONDS = 120
    settings.CIRCULAIR_JOB_ATTEMPTS = 2
    dead = _job(user, beat_ago=600, attempts=1)
    DBTaskResult.objects.create(
        id="00000000-0000-0000-0000-000000000001",
        args_kwargs={"args": [dead.pk], "kwargs": {}},
        task_path="circulair.web.apps.common.jobs.execute",
        backend_name="default",
        status=TaskResultStatus.RUNNING,
    )
    Job.objects.filter(pk=dead.pk).update(task_id="00000000-0000-0000-0000-000000000001")
    alive = _job(user, beat_ago=5)
    client.force_login(user)
    status = client.get(f"/atlas/runs/{dead.pk}/status/")
    assert 'data-status="queued"' in status.content.decode()
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == ("queued", 1)
    assert dead.message == "its worker stopped; queued again (attempt 2)"
    assert _task(dead).status == TaskResultStatus.READY  # a new task for attempt 2
    old = DBTaskResult.objects.get(pk="00000000-0000-0000-0000-000000000001")
    assert old.status == TaskResultStatus.FAILED  # the dead worker's task is closed
    alive.refresh_from_db()
    assert alive.status == "running" and alive.error is None


def test_a_job_whose_last_attempt_lost_its_worker_fails_when_polled(
    client: Client, user: User, settings: Any
) -> None:
    settings.CIRCULAIR_JOB_STALE_SECONDS = 120
    settings.CIRCULAIR_JOB_ATTEMPTS = 2
    dead = _job(user, beat_ago=600, attempts=2)
    client.force_login(user)
    status = client.get(f"/atlas/runs/{dead.pk}/status/")
    assert status.status_code == 200 and 'data-status="failed"' in status.content.decode()
    assert status["HX-Refresh"] == "true"
    dead.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at is not None
    assert dead.error == {"message": "the worker running this job stopped; start it again"}
    page = client.get(f"/atlas/runs/{dead.pk}/").content.decode()
    assert 'id="run-error"' in page and jobs.STALE_MESSAGE in page
    # a row from before heartbeats (none written): its age decides
    legacy = _job(user, beat_ago=None, attempts=2)
    Job.objects.filter(pk=legacy.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh_legacy = _job(user, beat_ago=None, attempts=2)
    assert client.get("/api/v1/atlas/runs/").status_code == 200
    legacy.refresh_from_db()
    fresh_legacy.refresh_from_db()
    assert (legacy.status, fresh_legacy.status) == ("failed", "running")


def test_a_queued_job_waits_for_a_worker_however_long(user: User, settings: Any) -> None:
    settings.CIRCULAIR_JOB_STALE_SECONDS = 60
    queued = _job(user, status=Job.Status.QUEUED, beat_ago=3600, attempts=0)
    assert jobs.reap_stale() == 0
    queued.refresh_from_db()
    assert queued.status == "queued"
    assert jobs.queue_state()["queued"] == 1 and jobs.queue_state()["oldest_queued_s"] >= 0


def test_a_stale_job_no_longer_counts_against_the_limit(
    client: Client, user: User, settings: Any
) -> None:
    settings.CIRCULAIR_JOBS_PER_USER = 1
    _job(user, beat_ago=3600, attempts=2)  # its worker died: submitting reaps it first
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


def test_a_superseded_attempt_writes_nothing(user: User) -> None:
    job = _job(user, beat_ago=0, attempts=1)
    stop = threading.Event()
    Job.objects.filter(pk=job.pk).update(attempts=2)  # given up on; attempt 2 runs elsewhere
    with pytest.raises(jobs.JobCancelled):
        jobs._progress_writer(job.pk, 1, stop)(0.5, "solving")
    job.refresh_from_db()
    assert (job.progress, job.message) == (0.0, "")


def test_progress_reports_and_the_heartbeat_write_the_heartbeat(user: User) -> None:
    job = _job(user, beat_ago=600)
    jobs._progress_writer(job.pk, 1, threading.Event())(0.5, "solving")
    job.refresh_from_db()
    assert (job.progress, job.message) == (0.5, "solving")
    assert timezone.now() - job.heartbeat_at < timedelta(seconds=5)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    jobs._Heartbeat(job.pk, 1).beat()
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


def test_a_transient_failure_is_retried_then_fails_with_its_reason(
    user: User, settings: Any
) -> None:
    settings.CIRCULAIR_JOBS_INLINE = False
    settings.CIRCULAIR_JOB_ATTEMPTS = 2
    settings.CIRCULAIR_JOB_RETRY_SECONDS = 30
    job = jobs.submit(kind="test.flaky", params={}, user=user)
    first_task = job.task_id
    jobs.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("queued", 1)
    assert job.message == "transient failure, retrying in 30 s: [Errno 111] Connection refused"
    retry = _task(job)
    assert retry.pk != first_task and retry.status == TaskResultStatus.READY
    assert 25 < (retry.run_after - timezone.now()).total_seconds() <= 30
    jobs.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 2)
    assert job.error == {"message": "internal error: [Errno 111] Connection refused"}


def test_an_input_error_is_not_retried(settings: Any) -> None:
    settings.CIRCULAIR_JOB_ATTEMPTS = 3
    job = jobs.submit(kind="test.many-problems", params={}, background=False)
    assert (job.status, job.attempts) == ("failed", 1)


def test_cancel_a_queued_job_at_once(user: User, settings: Any, client: Client) -> None:
    settings.CIRCULAIR_JOBS_INLINE = False
    job = jobs.submit(kind="test.sleep", params={"seconds": 0}, user=user)
    other = User.objects.create_user("other", password="another-long-password-1")
    with pytest.raises(PermissionDenied, match="Alleen wie deze taak startte, of een beheerder"):
        jobs.cancel(job, user=other)
    job = jobs.cancel(job, user=user)
    assert (job.status, job.message) == ("cancelled", "cancelled")
    jobs.run(job.pk)  # its task, delivered later, starts nothing
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("cancelled", 0, None)


def test_cancel_a_running_job_stops_it_at_its_next_progress_report(
    user: User, settings: Any
) -> None:
    settings.CIRCULAIR_JOBS_INLINE = False
    job = jobs.submit(kind="test.steps", params={"steps": 5}, user=user)
    # the owner asks while step 0 runs: what a second request does during the handler
    real = jobs._progress_writer

    def writer(job_id: int, attempt: int, stop: threading.Event) -> jobs.Progress:
        inner = real(job_id, attempt, stop)

        def progress(fraction: float, message: str) -> None:
            if message == "step 2":
                jobs.cancel(Job.objects.get(pk=job_id), user=user)
                assert Job.objects.get(pk=job_id).status == "running"
            inner(fraction, message)

        return progress

    jobs._progress_writer = writer  # type: ignore[assignment]
    try:
        jobs.run(job.pk)
    finally:
        jobs._progress_writer = real  # type: ignore[assignment]
    job.refresh_from_db()
    assert (job.status, job.message, job.result) == ("cancelled", "cancelled", None)
    assert job.progress == pytest.approx(0.2)  # step 1's report was the last one written


def test_a_failure_with_100000_problems_stores_a_small_error() -> None:
    job = jobs.submit(kind="test.many-problems", params={}, background=False)
    assert job.status == "failed"
    assert job.error["problem_count"] == 100_000
    assert len(job.error["problems"]) == PROBLEMS_KEPT
    assert job.error["problems"][0]["row"] == 2
    assert job.error["message"].startswith("100000 problems in the input:")
    assert "and 99800 more problems not listed" in job.error["message"]
    assert len(json.dumps(job.error)) < 100_000
