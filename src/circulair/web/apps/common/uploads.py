"""Keeping uploaded files: nothing a user sends is lost, and no file is left without its record."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File

from circulair.core.errors import InputError
from circulair.web.apps.common.models import Upload, problems_kept
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.tables import Source, source_size, source_stream

log = logging.getLogger(__name__)


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


def uploads_orphans_remove(*, older_than_seconds: float = 3600) -> list[str]:
    """Delete files under ``MEDIA_ROOT/uploads`` that no :class:`Upload` row names; returns
    their paths (relative to MEDIA_ROOT).

    Such files are left by an import killed between writing its file and its row, or whose
    transaction was rolled back. Files younger than ``older_than_seconds`` are spared: their row
    may not be committed yet."""
    root = Path(settings.MEDIA_ROOT)
    base = root / "uploads"
    if not base.is_dir():
        return []
    known = set(Upload.objects.values_list("file", flat=True))
    cutoff = time.time() - older_than_seconds
    removed: list[str] = []
    for path in sorted(base.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        name = path.relative_to(root).as_posix()
        if name in known or path.stat().st_mtime > cutoff:
            continue
        path.unlink(missing_ok=True)
        removed.append(name)
    return removed
