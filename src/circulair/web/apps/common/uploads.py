"""Keeping uploaded files: nothing a user sends is lost, and no file is left without its record."""

from __future__ import annotations

import io
import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage

from circulair.core.errors import InputError
from circulair.web.apps.common import jobs
from circulair.web.apps.common.models import Job, Upload, problems_kept
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.tables import (
    ProgressReader,
    Source,
    size_check,
    source_size,
    source_stream,
)

log = logging.getLogger(__name__)
ACTIVE_STATUSES = (Job.Status.QUEUED, Job.Status.RUNNING)


def upload_keep(
    *, purpose: str, name: str, content: Source, user: Any = None, error: InputError | None = None
) -> Upload:
    """Store an uploaded file with its outcome, whether the import was accepted or not.

    The file is written first (the row names it), and removed again when the row cannot be
    saved, so a failed save leaves no file without a record. A file whose row is rolled back
    later with the caller's transaction, or whose process is killed between the two writes, is
    removed by :func:`uploads_orphans_remove`. Only the first
    ``PROBLEMS_KEPT`` problems are stored, with the count of all of them. ``content`` may be an
    open file (an upload spooled to disk): it is copied in chunks."""
    problems, count = problems_kept(error.problems) if error else ([], 0)
    up = Upload(
        purpose=purpose,
        original_name=name[:255],
        status=Upload.Status.REJECTED if error else Upload.Status.ACCEPTED,
        problems=problems,
        problem_count=count,
        created_by=acting_user(user),
    )
    if isinstance(content, bytes | bytearray):
        body: File = ContentFile(content)
        size = len(content)
    else:
        stream = source_stream(content)
        size = source_size(stream)
        body = File(stream, name=name)
    up.file.save(name, body, save=False)
    stored = up.file.name
    try:
        up.full_clean()
        up.save()
    except BaseException:
        up.file.storage.delete(stored)
        raise
    log.info(
        "upload %s %r (%d bytes) kept: %s%s",
        purpose,
        name,
        size,
        up.status,
        f", {count} problems" if error else "",
    )
    return up


STAGING = "staging"


def stage(content: Source, name: str) -> str:
    """Keep an upload for a background job to read (the request's temporary file is gone when
    the request ends); the storage name, put in the job's parameters. The job's handler removes
    it when the job ends (:func:`unstage`); :func:`uploads_orphans_remove` removes those of jobs
    that never ended."""
    stream = source_stream(content)
    suffix = Path(name).suffix.lower()[:8]
    return default_storage.save(f"{STAGING}/{uuid.uuid4().hex}{suffix}", File(stream))


def staged_path(name: str) -> Path:
    """The file of a staged upload (refusing a name outside the staging folder)."""
    root = (Path(settings.MEDIA_ROOT) / STAGING).resolve()
    path = (Path(settings.MEDIA_ROOT) / name).resolve()
    if path.parent != root:
        raise ValueError(f"not a staged upload: {name!r}")
    return path


def unstage(name: str) -> None:
    staged_path(name).unlink(missing_ok=True)


#: An import run by a worker: ``run(stream, params, user, progress)`` reads the staged file from
#: ``stream`` and returns the job's result (counts, and the ``url`` the job page leads to).
ImportRun = Callable[[IO[bytes], dict[str, Any], Any, jobs.Progress], dict[str, Any]]
#: The share of a background import's progress bar that reading (and checking) the file fills;
#: the rest is the write, which the importer reports as "storing".
READING = 0.9


def import_is_large(size: int) -> bool:
    """Whether an upload of ``size`` bytes is imported by a worker rather than in the request
    (``CIRCULAIR_IMPORT_JOB_BYTES``): minutes of work must not hold a web process."""
    return size > settings.CIRCULAIR_IMPORT_JOB_BYTES


def import_start(kind: str, *, content: Source, file_name: str, user: Any, **params: Any) -> Job:
    """Queue an import of kind ``kind`` (registered with :func:`import_job`): the size limit is
    checked now, the upload is staged for the worker, and the job carries the file's name, the
    account and ``params``. The caller checks the permission first."""
    stream = source_stream(content)
    size_check(stream, file_name)
    staged = stage(stream, file_name)
    job_params = {
        "staged": staged,
        "file_name": file_name,
        "user": getattr(user, "pk", None),
        **params,
    }
    try:
        return jobs.submit(kind=kind, params=job_params, user=user)
    except BaseException:
        unstage(staged)
        raise


def import_job(
    kind: str, *, title: Any, outcome: Callable[[dict[str, Any]], str]
) -> Callable[[ImportRun], ImportRun]:
    """Register ``run`` as the worker's side of an import of kind ``kind``: it is given the
    staged file (its progress the bytes read, up to :data:`READING`) and the account that
    started the import, acting with that account's permissions. The staged file is removed
    once the job has an outcome (done, or refused for its content); after a transient failure
    it stays for the next attempt."""

    def deco(run: ImportRun) -> ImportRun:
        @jobs.register(kind, title=title, outcome=outcome)
        def handler(params: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
            user = get_user_model().objects.filter(pk=int(params.get("user") or 0)).first()
            if user is None:
                raise InputError.single(
                    "the account that started this import is gone", field="user"
                )
            path = staged_path(str(params["staged"]))
            done = False
            try:
                with path.open("rb") as raw:
                    stream = io.BufferedReader(
                        ProgressReader(raw, lambda f: progress(READING * f, "reading"))
                    )
                    result = run(stream, params, user, progress)
                done = True
            except InputError:
                done = True  # refused: the file is kept as a rejected upload, nothing to retry
                raise
            finally:
                if done:
                    unstage(str(params["staged"]))
            return result

        return run

    return deco


def uploads_orphans_remove(*, older_than_seconds: float = 3600) -> list[str]:
    """Delete files under ``MEDIA_ROOT/uploads`` and ``MEDIA_ROOT/staging`` that no Upload row
    and no queued or running job names; returns their paths (relative to MEDIA_ROOT).

    Such files are left by an import killed between writing its file and its row, or whose
    transaction was rolled back. Files younger than ``older_than_seconds`` are spared: their row
    may not be committed yet."""
    root = Path(settings.MEDIA_ROOT)
    known = set(Upload.objects.values_list("file", flat=True))
    # A staged file is still needed while its job may run (again).
    known |= {
        str(p.get("staged"))
        for p in Job.objects.filter(status__in=ACTIVE_STATUSES).values_list("params", flat=True)
        if isinstance(p, dict) and p.get("staged")
    }
    cutoff = time.time() - older_than_seconds
    removed: list[str] = []
    paths = [p for d in ("uploads", STAGING) if (root / d).is_dir() for p in (root / d).rglob("*")]
    for path in sorted(paths):
        if not path.is_file() or path.is_symlink():
            continue
        name = path.relative_to(root).as_posix()
        if name in known or path.stat().st_mtime > cutoff:
            continue
        path.unlink(missing_ok=True)
        removed.append(name)
    return removed
