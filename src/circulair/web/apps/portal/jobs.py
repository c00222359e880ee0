"""Background jobs: a registry of handlers and a runner that records status and progress.

A handler is ``fn(params: dict, progress: Progress) -> dict`` (JSON-serialisable result). It may
raise :class:`~circulair.core.errors.CirculairError`; the job then fails with the message and
problems, which the page and the API show.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from circulair.core.errors import CirculairError, InputError
from circulair.web.apps.portal.models import Job

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
Handler = Callable[[dict[str, Any], Progress], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


def register(kind: str) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn
    return deco


def _progress_writer(job_id: int) -> Progress:
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - last[0] < 0.25 and fraction < 1.0:
            return
        last[0] = now
        Job.objects.filter(pk=job_id).update(progress=max(0.0, min(1.0, fraction)),
                                             message=message[:300])
    return progress


def run(job_id: int) -> None:
    """Execute a queued job (in the current thread) and record its outcome."""
    job = Job.objects.get(pk=job_id)
    handler = HANDLERS[job.kind]
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, started_at=timezone.now())
    t0 = time.perf_counter()
    try:
        result = handler(job.params, _progress_writer(job_id))
    except CirculairError as e:
        problems = [p.as_dict() for p in e.problems] if isinstance(e, InputError) else []
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=str(e)[:300],
            error={"message": str(e), "problems": problems})
        log.info("job %s #%d failed in %.2fs: %s", job.kind, job_id, time.perf_counter() - t0, e)
        return
    except Exception as e:  # an unexpected failure must still end the job, visibly
        log.exception("job %s #%d crashed", job.kind, job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, finished_at=timezone.now(),
            message=f"internal error: {e}"[:300], error={"message": f"internal error: {e}"})
        return
    Job.objects.filter(pk=job_id).update(status=Job.Status.DONE, progress=1.0, result=result,
                                         finished_at=timezone.now(), message="done")
    log.info("job %s #%d done in %.2fs", job.kind, job_id, time.perf_counter() - t0)


def _run_in_thread(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        close_old_connections()


def submit(*, kind: str, params: dict[str, Any], user: Any = None,
           background: bool = True) -> Job:
    """Create a job and run it, in a background thread unless ``background`` is False."""
    if kind not in HANDLERS:
        raise InputError.single(f"unknown job kind; expected one of {sorted(HANDLERS)}",
                                field="kind", value=kind)
    job = Job.objects.create(kind=kind, params=params,
                             created_by=user if getattr(user, "is_authenticated", False) else None)
    if background and not settings.CIRCULAIR_JOBS_INLINE:
        threading.Thread(target=_run_in_thread, args=(job.pk,), daemon=True,
                         name=f"job-{job.pk}").start()
    else:
        run(job.pk)
        job.refresh_from_db()
    return job


def fail_interrupted() -> int:
    """Mark jobs left queued or running by a stopped server as failed (run at start-up)."""
    return Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
        status=Job.Status.FAILED, finished_at=timezone.now(),
        message="interrupted: the server stopped before the job finished",
        error={"message": "interrupted: the server stopped before the job finished; "
                          "start the run again"})
