"""``/health/``: database, cache and queue, each checked for real; 503 when one fails."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from circulair.web.apps.common.models import Job

pytestmark = pytest.mark.django_db


def test_health_is_ok_with_each_check_named() -> None:
    r = Client().get("/health/")
    assert r.status_code == 200 and r["Cache-Control"].startswith("max-age=0")
    body = r.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "queue"}
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["queue"] == {
        "ok": True,
        "queued": 0,
        "running": 0,
        "stale": 0,
        "oldest_queued_s": 0,
        "ms": body["checks"]["queue"]["ms"],
    }
    assert Client().post("/health/").status_code == 405


def test_a_silent_job_makes_the_queue_and_the_service_unhealthy(settings: Any) -> None:
    old = timezone.now() - timedelta(seconds=settings.CIRCULAIR_JOB_STALE_SECONDS + 60)
    job = Job.objects.create(kind="atlas.site", params={}, status=Job.Status.RUNNING)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=old)
    Job.objects.create(kind="atlas.site", params={}, status=Job.Status.QUEUED)
    r = Client().get("/health/")
    assert r.status_code == 503
    queue = r.json()["checks"]["queue"]
    assert (queue["ok"], queue["stale"], queue["running"], queue["queued"]) == (False, 1, 1, 1)
    assert r.json()["status"] == "fail"
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING  # a probe changes nothing


def test_a_cache_that_keeps_nothing_is_reported(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    r = Client().get("/health/")
    assert r.status_code == 503
    assert r.json()["checks"]["cache"] == {
        "ok": False,
        "backend": "DummyCache",
        "ms": r.json()["checks"]["cache"]["ms"],
    }
