"""Keeping uploaded files: nothing a user sends is lost, and no file is left without its record."""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage

from circulair.core.errors import InputError
from circulair.web.apps.common.models import Job, Upload, problems_kept
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.tables import Source, source_size, source_stream

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
