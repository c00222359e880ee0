"""Background jobs: a registry of handlers and a runner that records status and progress.

A handler is ``fn(params: dict, progress: Progress) -> dict`` (JSON-serialisable result). It may
raise :class:`~circulair.core.errors.CirculairError`; the job then fails with the message and
problems, which the page and the API show.

Liveness: while a handler works, the runner writes ``Job.heartbeat_at`` every
``CIRCULAIR_JOB_HEARTBEAT_SECONDS`` (a side thread, and every progress report). A worker process
that is killed stops writing it; :func:`reap_stale`, run whenever jobs are submitted, listed or
polled, fails a queued or running job silent for ``CIRCULAIR_JOB_STALE_SECONDS``, so nobody
waits on a dead job until the next ``circulair setup``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from types import TracebackType
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from circulair.core.errors import CirculairError, InputError
from circulair.web.apps.common.models import PROBLEMS_KEPT, Job, problems_kept
from circulair.web.apps.common.permissions import acting_user

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
Handler = Callable[[dict[str, Any], Progress], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}
#: Kinds whose parameters are erased once the job ends (an e-mail's text may hold a one-time link).
PRIVATE_KINDS: set[str] = set()
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)
STALE_MESSAGE = "the worker running this job stopped; start it again"


class JobLimitError(CirculairError):
    """Too many jobs queued or running (for one account or in all); the message names the
    limit. The API answers 429, the pages show it as a form error."""

    def __init__(self, message: str, *, setting: str, limit: int) -> None:
        super().__init__(message)
        self.setting = setting
        self.limit = limit


def register(kind: str, *, private: bool = False) -> Callable[[Handler], Handler]:
    """Register the handler of a job kind; ``private`` erases its parameters when it ends."""

    def deco(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        if private:
            PRIVATE_KINDS.add(kind)
        return fn

    return deco


def _progress_writer(job_id: int) -> Progress:
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - last[0] < 0.25 and fraction < 1.0:
            return
        last[0] = now
        Job.objects.filter(pk=job_id).update(
            progress=max(0.0, min(1.0, fraction)),
            message=message[:300],
            heartbeat_at=timezone.now(),
        )

    return progress


class _Heartbeat:
    """Writes the job's heartbeat from a side thread while the handler (a solver call that
    reports no progress for minutes) holds the main one.

    Not started when jobs run inline in tests: another thread's connection does not see the
    test's transaction (and on SQLite would lock it)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def beat(self) -> None:
        Job.objects.filter(pk=self.job_id, status__in=ACTIVE).update(heartbeat_at=timezone.now())

    def _loop(self, interval: float) -> None:
        try:
            while not self.stop.wait(interval):
                try:
                    self.beat()
                except Exception:  # a missed beat must not kill the job; the next one retries
                    log.warning("heartbeat of job #%d not written", self.job_id, exc_info=True)
        finally:
            connection.close()

    def __enter__(self) -> _Heartbeat:
        interval = settings.CIRCULAIR_JOB_HEARTBEAT_SECONDS
        if interval > 0 and not settings.CIRCULAIR_JOBS_INLINE:
            self.thread = threading.Thread(
                target=self._loop,
                args=(interval,),
                daemon=True,
                name=f"job-{self.job_id}-heartbeat",
            )
            self.thread.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=5)


def _error_text(e: CirculairError) -> str:
    """The error's message, with at most PROBLEMS_KEPT problems listed (a file of a million bad
    rows would otherwise store its million lines on the job)."""
    if isinstance(e, InputError) and len(e.problems) > PROBLEMS_KEPT:
        n = len(e.problems)
        lines = "\n".join(f"  - {p}" for p in e.problems[:PROBLEMS_KEPT])
        return (
            f"{n} problems in the input:\n{lines}\n"
            f"  - … and {n - PROBLEMS_KEPT} more problems not listed"
        )
    return str(e)[:20000]


def run(job_id: int) -> None:
    """Execute a queued job (in the current thread) and record its outcome."""
    job = Job.objects.get(pk=job_id)
    handler = HANDLERS[job.kind]
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    t0 = time.perf_counter()
    erase: dict[str, Any] = {"params": {}} if job.kind in PRIVATE_KINDS else {}
    try:
        with _Heartbeat(job_id):
            result = handler(job.params, _progress_writer(job_id))
    except CirculairError as e:
        problems, count = problems_kept(e.problems) if isinstance(e, InputError) else ([], 0)
        text = _error_text(e)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=text[:300],
            error={"message": text, "problems": problems, "problem_count": count},
            **erase,
        )
        log.info("job %s #%d failed in %.2fs: %s", job.kind, job_id, time.perf_counter() - t0, e)
        return
    except Exception as e:  # an unexpected failure must still end the job, visibly
        log.exception("job %s #%d crashed", job.kind, job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=f"internal error: {e}"[:300],
            error={"message": f"internal error: {e}"},
            **erase,
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE,
        progress=1.0,
        result=result,
        finished_at=timezone.now(),
        message="done",
        **erase,
    )
    log.info("job %s #%d done in %.2fs", job.kind, job_id, time.perf_counter() - t0)


def _run_in_thread(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        close_old_connections()


def submit(
    *,
    kind: str,
    params: dict[str, Any],
    user: Any = None,
    background: bool = True,
    admit: Callable[[Job], None] | None = None,
) -> Job:
    """Create a job and run it, in a background thread unless ``background`` is False.

    ``admit(job)`` runs once the row exists and before the job starts; when it raises (e.g.
    :class:`JobLimitError`) the row is deleted. Checking after the insert, against the jobs
    created before this one, lets two simultaneous requests not both slip under a limit."""
    if kind not in HANDLERS:
        raise InputError.single(
            f"unknown job kind; expected one of {sorted(HANDLERS)}", field="kind", value=kind
        )
    reap_stale()
    job = Job.objects.create(
        kind=kind,
        params=params,
        heartbeat_at=timezone.now(),
        created_by=acting_user(user),
    )
    if admit is not None:
        try:
            admit(job)
        except BaseException:
            job.delete()
            raise
    if background and not settings.CIRCULAIR_JOBS_INLINE:
        thread = threading.Thread(
            target=_run_in_thread, args=(job.pk,), daemon=True, name=f"job-{job.pk}"
        )
        # Started once the job's row is committed: a job submitted inside a service's
        # transaction (an invitation's mail) would otherwise look for a row it cannot see yet.
        transaction.on_commit(thread.start)
    else:
        run(job.pk)
        job.refresh_from_db()
    return job


def active(*, kinds: Iterable[str], before: Job | None = None, user: Any = None) -> QuerySet[Job]:
    """Queued or running jobs of these kinds (of ``user``; created up to ``before``)."""
    qs = Job.objects.filter(kind__in=list(kinds), status__in=ACTIVE)
    if before is not None:
        qs = qs.filter(pk__lte=before.pk)
    if user is not None:
        qs = qs.filter(created_by=user)
    return qs


def queue_state(*, now: Any = None) -> dict[str, Any]:
    """The work queue at a glance (the health endpoint): jobs waiting and running, how long the
    oldest has waited, and how many have gone silent (their worker died; not yet reaped)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CIRCULAIR_JOB_STALE_SECONDS)
    active = Job.objects.filter(status__in=ACTIVE)
    stale = active.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    ).count()
    oldest = active.filter(status=Job.Status.QUEUED).order_by("created_at").first()
    return {
        "ok": stale == 0,
        "queued": active.filter(status=Job.Status.QUEUED).count(),
        "running": active.filter(status=Job.Status.RUNNING).count(),
        "stale": stale,
        "oldest_queued_s": round((now - oldest.created_at).total_seconds()) if oldest else 0,
    }


def reap_stale(*, now: Any = None) -> int:
    """Fail queued or running jobs whose heartbeat is older than ``CIRCULAIR_JOB_STALE_SECONDS``
    (their worker was killed): cheap enough to run on every submit, list and poll."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CIRCULAIR_JOB_STALE_SECONDS)
    stale = Job.objects.filter(status__in=ACTIVE).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    if not stale.exists():  # a read: no write lock taken on SQLite when nothing is stale
        return 0
    n = stale.update(
        status=Job.Status.FAILED,
        finished_at=now,
        message=STALE_MESSAGE,
        error={"message": STALE_MESSAGE},
    )
    if n:
        log.warning("%d job(s) without a heartbeat since %s marked as failed", n, cutoff)
    return n
