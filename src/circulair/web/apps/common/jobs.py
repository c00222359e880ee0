"""Background jobs on a task queue: a registry of handlers, and the runner a worker calls.

Why a queue: long work (siting runs, large imports, PDF reports, e-mails, the exchange's market
allocation) must not run in the web process that took the request: a recycled or restarted web
server would lose it, and a national-size optimisation would compete with page requests. Jobs go
through Django's tasks framework (the ``django-tasks`` backport) with the database backend of
``django-tasks-db``: the task row is written in the same transaction as the :class:`Job` row (a
job of a rolled-back request never runs), it needs no other service than the database (SQLite
embedded, PostgreSQL in production, where workers on several machines claim tasks with ``SELECT …
FOR UPDATE SKIP LOCKED``), and ``circulair worker`` runs it. The queue only carries the job's id;
the :class:`Job` row holds owner, parameters, progress, result, cancel request and attempts.

A handler is ``fn(params: dict, progress: Progress) -> dict`` (JSON-serialisable result). It may
raise :class:`~circulair.core.errors.CirculairError`; the job then fails with the message and
problems, which the page and the API show.

The engine's rules (documented in docs/deploy.md):

- **Lease.** While a handler works, its worker writes ``Job.heartbeat_at`` every
  ``CIRCULAIR_JOB_HEARTBEAT_SECONDS`` (a side thread, and every progress report). A job silent for
  ``CIRCULAIR_JOB_STALE_SECONDS`` lost its worker (killed, machine gone). Every worker checks for
  such jobs every few seconds (:func:`reap_stale`; pages and the API check too when they list or
  poll): the job is queued again for another attempt while it has attempts left
  (``CIRCULAIR_JOB_ATTEMPTS``, 2 by default), else it fails saying its worker stopped. A web
  server's start-up touches no job.
- **One outcome per attempt.** A worker writes its outcome only while its attempt is the job's
  current one, so a worker that was presumed dead but comes back cannot overwrite a newer attempt.
- **Retry.** A transient failure (the database or mail server unreachable, a lost connection) is
  retried after a pause, within the same bound of attempts; an error in the input or a bug is not.
- **Cancel.** A queued job is cancelled at once; a running one stops at its next progress report
  or heartbeat check.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import threading
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from types import TracebackType
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from circulair.core.errors import CirculairError, InputError
from circulair.web.apps.common.models import PROBLEMS_KEPT, Job, problems_kept
from circulair.web.apps.common.permissions import acting_user, require

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
Handler = Callable[[dict[str, Any], Progress], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}
#: Kinds whose parameters are erased once the job ends (an e-mail's text may hold a one-time link).
PRIVATE_KINDS: set[str] = set()
#: What the job page calls a kind of job, and how it says a finished job's result (see register).
TITLES: dict[str, Any] = {}
OUTCOMES: dict[str, Callable[[dict[str, Any]], str]] = {}
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)
STALE_MESSAGE = "the worker running this job stopped; start it again"
CANCELLED_MESSAGE = "cancelled"
#: Failures worth another attempt: the database, the mail server or the network was away.
TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)
#: Identifies this process's attempts on the job rows (set by ``circulair worker``).
WORKER_ID = f"{socket.gethostname()}-{os.getpid()}"


class JobLimitError(CirculairError):
    """Too many jobs queued or running (for one account or in all); the message names the
    limit. The API answers 429, the pages show it as a form error."""

    def __init__(self, message: str, *, setting: str, limit: int) -> None:
        super().__init__(message)
        self.setting = setting
        self.limit = limit


class JobCancelled(BaseException):
    """Raised inside a handler at its next progress report once its job is cancelled (or its
    attempt is no longer current). A BaseException, so that a handler's broad ``except
    Exception`` cannot swallow it."""


def register(
    kind: str,
    *,
    private: bool = False,
    title: Any = None,
    outcome: Callable[[dict[str, Any]], str] | None = None,
) -> Callable[[Handler], Handler]:
    """Register the handler of a job kind; ``private`` erases its parameters when it ends.

    ``title`` (a lazy translation) and ``outcome(result)`` (a sentence in the active language)
    are what the job page (``/jobs/<id>/``) shows: a handler stores numbers and codes in its
    result, and the page says them in the reader's language."""

    def deco(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        if private:
            PRIVATE_KINDS.add(kind)
        if title is not None:
            TITLES[kind] = title
        if outcome is not None:
            OUTCOMES[kind] = outcome
        return fn

    return deco


def load_handlers() -> None:
    """Import every app's ``services`` (and ``services.imports``), ``mail`` and ``presenters``
    modules, where handlers (and the report builders of ``common.pdf``) register: a worker
    process loads no URLconf, which is what imports them in the web process."""
    autodiscover_modules("services", "services.imports", "mail", "presenters")


def _current(job_id: int, attempt: int) -> QuerySet[Job]:
    """The job's row while ``attempt`` is its running attempt (the only one that may write)."""
    return Job.objects.filter(pk=job_id, attempts=attempt, status=Job.Status.RUNNING)


def _progress_writer(job_id: int, attempt: int, stop: threading.Event) -> Progress:
    last: list[Any] = [0.0, None]  # when it last wrote, and which phase

    def progress(fraction: float, message: str) -> None:
        if stop.is_set():
            raise JobCancelled
        now = time.monotonic()
        if now - last[0] < 0.25 and fraction < 1.0 and message == last[1]:
            return  # a new phase is always written: it may be the last word for a while
        last[0], last[1] = now, message
        n = (
            _current(job_id, attempt)
            .filter(cancel_requested=False)
            .update(
                progress=max(0.0, min(1.0, fraction)),
                message=message[:300],
                heartbeat_at=timezone.now(),
            )
        )
        if not n:  # cancelled, or this attempt was given up on: stop working
            raise JobCancelled

    return progress


class _Heartbeat:
    """Writes the job's heartbeat from a side thread while the handler (a solver call that
    reports no progress for minutes) holds the main one, and notices a cancel request.

    Not started when jobs run inline in tests: another thread's connection does not see the
    test's transaction (and on SQLite would lock it)."""

    def __init__(self, job_id: int, attempt: int) -> None:
        self.job_id = job_id
        self.attempt = attempt
        self.stop = threading.Event()  # set when the handler should stop
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def beat(self) -> None:
        n = (
            _current(self.job_id, self.attempt)
            .filter(cancel_requested=False)
            .update(heartbeat_at=timezone.now())
        )
        if not n:
            self.stop.set()

    def _loop(self, interval: float) -> None:
        try:
            while not self.done.wait(interval):
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
        self.done.set()
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


@task()
def execute(job_id: int) -> None:
    """The queue's task: one attempt of a job, in a worker process."""
    if not HANDLERS:
        load_handlers()
    run(job_id)


def _enqueue(job: Job, *, delay: float = 0.0) -> None:
    """Put the job's id on the queue (in the caller's transaction) and remember the task."""
    t = execute
    if delay > 0:
        t = execute.using(run_after=timezone.now() + timedelta(seconds=delay))
    result = t.enqueue(job.pk)
    job.task_id = str(result.id)
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)


def _claim(job_id: int) -> int | None:
    """Start the job's next attempt if it is queued and not cancelled; the attempt's number."""
    now = timezone.now()
    with transaction.atomic():
        n = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, cancel_requested=False).update(
            status=Job.Status.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            worker=WORKER_ID[:64],
        )
        if not n:
            Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, cancel_requested=True).update(
                status=Job.Status.CANCELLED, finished_at=now, message=CANCELLED_MESSAGE
            )
            return None
        return int(Job.objects.values_list("attempts", flat=True).get(pk=job_id))


def run(job_id: int) -> None:
    """Execute the next attempt of a queued job (in the current thread) and record its outcome."""
    attempt = _claim(job_id)
    if attempt is None:
        log.info("job #%d not started: cancelled or no longer queued", job_id)
        return
    job = Job.objects.get(pk=job_id)
    handler = HANDLERS[job.kind]
    t0 = time.perf_counter()
    erase: dict[str, Any] = {"params": {}} if job.kind in PRIVATE_KINDS else {}
    mine = _current(job_id, attempt)
    try:
        with _Heartbeat(job_id, attempt) as beat:
            result = handler(job.params, _progress_writer(job_id, attempt, beat.stop))
    except JobCancelled:
        n = mine.update(
            status=Job.Status.CANCELLED, finished_at=timezone.now(), message=CANCELLED_MESSAGE
        )
        _log_job(job, attempt, "cancelled" if n else "superseded", t0)
        return
    except CirculairError as e:
        problems, count = problems_kept(e.problems) if isinstance(e, InputError) else ([], 0)
        text = _error_text(e)
        mine.update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=text[:300],
            error={"message": text, "problems": problems, "problem_count": count},
            **erase,
        )
        _log_job(job, attempt, "failed", t0, reason=str(e)[:300])
        return
    except TRANSIENT as e:
        if attempt < settings.CIRCULAIR_JOB_ATTEMPTS:
            delay = settings.CIRCULAIR_JOB_RETRY_SECONDS * attempt
            with transaction.atomic():
                if mine.update(
                    status=Job.Status.QUEUED,
                    message=f"transient failure, retrying in {delay:g} s: {e}"[:300],
                ):
                    _enqueue(job, delay=delay)
            _log_job(job, attempt, "retry", t0, reason=str(e)[:300], level=logging.WARNING)
            return
        _fail_crashed(mine, job, e, erase)
        return
    except Exception as e:  # an unexpected failure must still end the job, visibly
        _fail_crashed(mine, job, e, erase)
        return
    mine.update(
        status=Job.Status.DONE,
        progress=1.0,
        result=result,
        finished_at=timezone.now(),
        message="done",
        **erase,
    )
    _log_job(job, attempt, "done", t0)


def _log_job(
    job: Job, attempt: int, status: str, t0: float, *, reason: str = "", level: int = logging.INFO
) -> None:
    """One structured line per job attempt's end (see LOG_FORMAT in settings)."""
    seconds = round(time.perf_counter() - t0, 3)
    log.log(
        level,
        "job %s #%d attempt %d %s in %.2fs%s",
        job.kind,
        job.pk,
        attempt,
        status,
        seconds,
        f": {reason}" if reason else "",
        extra={
            "event": "job",
            "job": job.pk,
            "kind": job.kind,
            "status": status,
            "attempt": attempt,
            "seconds": seconds,
            "worker": WORKER_ID,
            "reason": reason,
        },
    )


def _fail_crashed(mine: QuerySet[Job], job: Job, e: BaseException, erase: dict[str, Any]) -> None:
    log.exception("job %s #%d crashed", job.kind, job.pk, exc_info=e)
    mine.update(
        status=Job.Status.FAILED,
        finished_at=timezone.now(),
        message=f"internal error: {e}"[:300],
        error={"message": f"internal error: {e}"},
        **erase,
    )


def submit(
    *,
    kind: str,
    params: dict[str, Any],
    user: Any = None,
    background: bool = True,
    admit: Callable[[Job], None] | None = None,
) -> Job:
    """Create a job and queue it for a worker, or run it here if ``background`` is False (the
    CLI, cheap work) or jobs run inline (tests).

    ``admit(job)`` runs once the row exists and before the job is queued; when it raises (e.g.
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
        # The task row is written in this transaction: a worker sees it once the job is
        # committed, and never sees a job whose request was rolled back.
        _enqueue(job)
    else:
        run(job.pk)
        job.refresh_from_db()
    return job


def cancel(job: Job, *, user: Any = None) -> Job:
    """Cancel a queued job at once, or ask a running one to stop at its next progress report;
    a finished job stays as it is. Only its owner or an administrator may."""
    require(user, "job.cancel", job)
    now = timezone.now()
    with transaction.atomic():
        Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.CANCELLED,
            cancel_requested=True,
            finished_at=now,
            message=CANCELLED_MESSAGE,
        )
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            cancel_requested=True, message="cancelling…"
        )
    job.refresh_from_db()
    log.info("job %s #%d cancel requested (now %s)", job.kind, job.pk, job.status)
    return job


def active(*, kinds: Iterable[str], before: Job | None = None, user: Any = None) -> QuerySet[Job]:
    """Queued or running jobs of these kinds (of ``user``; created up to ``before``)."""
    qs = Job.objects.filter(kind__in=list(kinds), status__in=ACTIVE)
    if before is not None:
        qs = qs.filter(pk__lte=before.pk)
    if user is not None:
        qs = qs.filter(created_by=user)
    return qs


def _stale(now: Any) -> QuerySet[Job]:
    """Running jobs whose lease (heartbeat) ran out: their worker died."""
    cutoff = now - timedelta(seconds=settings.CIRCULAIR_JOB_STALE_SECONDS)
    return Job.objects.filter(status=Job.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )


def queue_state(*, now: Any = None) -> dict[str, Any]:
    """The work queue at a glance (the health endpoint): jobs waiting and running, how long the
    oldest has waited, and how many have gone silent (their worker died; not yet reaped)."""
    now = now or timezone.now()
    active = Job.objects.filter(status__in=ACTIVE)
    stale = _stale(now).count()
    oldest = active.filter(status=Job.Status.QUEUED).order_by("created_at").first()
    return {
        "ok": stale == 0,
        "queued": active.filter(status=Job.Status.QUEUED).count(),
        "running": active.filter(status=Job.Status.RUNNING).count(),
        "stale": stale,
        "oldest_queued_s": round((now - oldest.created_at).total_seconds()) if oldest else 0,
    }


def reap_stale(*, now: Any = None) -> int:
    """Apply the lease rule to running jobs whose heartbeat is older than
    ``CIRCULAIR_JOB_STALE_SECONDS``: queue another attempt while attempts are left, else fail.

    Cheap enough to run on every submit, list and poll, and every few seconds in each worker;
    each job is reaped once (the update is conditional on the row still being stale)."""
    now = now or timezone.now()
    stale = _stale(now)
    if not stale.exists():  # a read: no write lock taken on SQLite when nothing is stale
        return 0
    n = 0
    for job in stale:
        try:
            n += _reap_one(job, now)
        except DatabaseError:  # another process reaps it, or the database is busy: next round
            log.warning("job #%d not reaped this round", job.pk, exc_info=True)
    return n


def _reap_one(job: Job, now: Any) -> int:
    dead_task = job.task_id
    mine = _stale(now).filter(pk=job.pk, attempts=job.attempts)
    with transaction.atomic():
        if job.attempts < settings.CIRCULAIR_JOB_ATTEMPTS and not job.cancel_requested:
            done = mine.update(
                status=Job.Status.QUEUED,
                message=f"its worker stopped; queued again (attempt {job.attempts + 1})",
            )
            if done:
                _enqueue(job)
        else:
            text = STALE_MESSAGE if not job.cancel_requested else CANCELLED_MESSAGE
            done = mine.update(
                status=Job.Status.FAILED if not job.cancel_requested else Job.Status.CANCELLED,
                finished_at=now,
                message=text,
                error={"message": text},
            )
        if done and dead_task:  # the dead worker's task would otherwise stay "running"
            DBTaskResult.objects.filter(pk=dead_task, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=now
            )
    if done:
        outcome = "requeued" if job.attempts < settings.CIRCULAIR_JOB_ATTEMPTS else "failed"
        log.warning(
            "job %s #%d lost its worker %s (attempt %d): %s",
            job.kind,
            job.pk,
            job.worker or "?",
            job.attempts,
            outcome,
            extra={
                "event": "job",
                "job": job.pk,
                "kind": job.kind,
                "status": outcome,
                "attempt": job.attempts,
                "worker": job.worker,
            },
        )
    return done
