"""The task queue across processes: a job submitted to a real web server (gunicorn, through the
API) is run by a separate ``circulair worker`` process, on the database this test run uses
(SQLite, or a fresh PostgreSQL database when ``DATABASE_URL`` points at PostgreSQL).

What is tested is the documented rule of docs/deploy.md: a worker killed (SIGKILL) mid-job leaves a
job whose heartbeat stops; another worker queues it again and finishes it (attempt 2), or, with no
attempts left, fails it saying its worker stopped; starting another web server touches no running
job; cancel stops a running job; a job that fails shows its message and problems.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
from tests.support.platform import CLI, Platform, database_url

PASSWORD = "worker-test-password-789"
#: A capacitated run that works for about its time limit (the README's example stops on it).
LONG_RUN = {
    "mode": "site",
    "model": "capacitated",
    "rate_kg_per_inhabitant": 477,
    "capacity_t": 300000,
    "fixed_cost": 1000000,
}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    data = tmp_path_factory.mktemp("worker-var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CIRCULAIR_DATA_DIR=str(data),
        CIRCULAIR_MODE="development",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        CIRCULAIR_JOB_HEARTBEAT_SECONDS="1",
        CIRCULAIR_JOB_STALE_SECONDS="4",
        CIRCULAIR_JOB_RETRY_SECONDS="0.5",
        LOG_FORMAT="json",
    )
    if url := database_url(f"circulair_worker_{os.getpid()}"):
        env["DATABASE_URL"] = url
    subprocess.run([*CLI, "setup"], env=env, check=True, capture_output=True, timeout=300)
    subprocess.run(
        [*CLI, "manage", "createsuperuser", "--noinput", "--username", "admin",
         "--email", "admin@example.org"],
        env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    p = Platform(data, env, password=PASSWORD)
    p.serve()
    yield p
    p.stop_all()


@pytest.fixture(autouse=True)
def _own_workers(platform: Platform) -> Iterator[None]:
    yield
    platform.stop_workers()


def _start(p: Platform, time_limit: int) -> int:
    code, body = p.api("POST", "/api/v1/atlas/runs/", {**LONG_RUN, "time_limit": time_limit})
    assert code == 202, body
    assert body["status"] == "queued"
    return int(body["id"])


def test_a_job_submitted_by_the_web_is_run_by_a_separate_worker(platform: Platform) -> None:
    pk = _start(platform, time_limit=3)
    time.sleep(1.5)
    assert platform.run(pk)["status"] == "queued"  # no worker yet: nobody runs it
    worker = platform.worker("w-done")
    run = platform.wait(pk, lambda r: r["status"] == "done")
    assert run["result"]["kind"] == "siting" and run["result"]["facilities"]
    log = (platform.data / "w-done.log").read_text()
    assert "Circulair worker w-done" in log
    assert worker.poll() is None  # still waiting for the next job
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0


def test_a_killed_worker_s_job_is_run_again_by_another_and_web_restarts_touch_nothing(
    platform: Platform,
) -> None:
    pk = _start(platform, time_limit=30)
    first = platform.worker("w-killed")
    platform.wait(pk, lambda r: r["status"] == "running")
    # another web server starts (set-up included) while the job runs: the job is not touched
    second_web = platform.serve("web-2", main=False)
    run = platform.run(pk)
    assert run["status"] == "running" and run["attempts"] == 1, run
    second_web.send_signal(signal.SIGTERM)
    second_web.wait(timeout=20)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    time.sleep(1)
    assert platform.run(pk)["status"] == "running"  # the lease has not run out yet
    platform.worker("w-second")
    run = platform.wait(pk, lambda r: r["attempts"] == 2, timeout=30)  # queued again, taken
    run = platform.wait(pk, lambda r: r["status"] == "done", timeout=90)
    assert run["attempts"] == 2 and run["result"]["facilities"]


def test_with_no_attempts_left_the_dead_worker_s_job_fails_with_the_reason(
    platform: Platform,
) -> None:
    # CIRCULAIR_JOB_ATTEMPTS is 2: both attempts lose their worker
    pk = _start(platform, time_limit=30)
    first = platform.worker("w-once")
    platform.wait(pk, lambda r: r["status"] == "running")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    second = platform.worker("w-twice")
    platform.wait(pk, lambda r: r["status"] == "running" and r["attempts"] == 2, timeout=30)
    second.send_signal(signal.SIGKILL)
    second.wait(timeout=10)
    platform.worker("w-reaper")
    run = platform.wait(pk, lambda r: r["status"] == "failed", timeout=30)
    assert run["attempts"] == 2 and run["result"] is None
    assert run["error"]["message"] == "the worker running this job stopped; start it again"


def test_cancel_stops_a_queued_and_a_running_job(platform: Platform) -> None:
    queued = _start(platform, time_limit=10)
    code, body = platform.api("POST", f"/api/v1/atlas/runs/{queued}/cancel/")
    assert code == 200 and body["status"] == "cancelled", body
    running = _start(platform, time_limit=10)
    platform.worker("w-cancel")
    platform.wait(running, lambda r: r["status"] == "running")
    code, body = platform.api("POST", f"/api/v1/atlas/runs/{running}/cancel/")
    assert code == 200 and body["status"] == "running", body
    run = platform.wait(running, lambda r: r["status"] == "cancelled", timeout=60)
    assert run["result"] is None
    assert platform.run(queued)["attempts"] == 0  # the worker never started it


def test_a_failing_job_shows_its_message_and_problems(platform: Platform) -> None:
    # two candidate sites and p = 5: only the job, which reads the file, can tell
    fields = {"mode": "site", "model": "p_median", "p": "5"}
    files = {"candidates_file": ("sites.csv", b"id,refnis\nL,24062\nG,44021\n")}
    code, started = platform.multipart("/api/v1/atlas/runs/", fields, files)
    assert code == 202, started
    platform.worker("w-fail")
    run = platform.wait(started["id"], lambda r: r["status"] == "failed")
    assert run["result"] is None and run["attempts"] == 1  # an input error is not retried
    problems = run["error"]["problems"]
    assert [p["field"] for p in problems] == ["p"], run["error"]
    assert "2" in run["error"]["message"], run["error"]
