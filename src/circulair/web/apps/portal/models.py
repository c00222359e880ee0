"""Uploads kept for every import, accepted or rejected: nothing a user sends is lost."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A rejected file of a million rows once stored a 134 MB problem list (the database grew from
# 1.6 to 289 MB): only the first problems are kept, with the count of all of them.
PROBLEMS_KEPT = 200


def problems_kept(problems: list[Any]) -> tuple[list[dict[str, Any]], int]:
    """The first :data:`PROBLEMS_KEPT` problems as dicts, and how many there were in all."""
    return [p.as_dict() for p in problems[:PROBLEMS_KEPT]], len(problems)


class Upload(models.Model):
    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    purpose = models.CharField(max_length=64)
    file = models.FileField(upload_to="uploads/%Y/%m/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices)
    problems = models.JSONField(default=list, blank=True)  # the first PROBLEMS_KEPT only
    problem_count = models.PositiveIntegerField(default=0)  # all of them
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.original_name} ({self.status})"


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


class Job(models.Model):
    """Long work run in the background (a thread of the web process), with its progress.

    Pages poll the job; the CLI runs the same handlers in the foreground with a progress bar.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(max_length=64)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the runner every few seconds while the job works: a job whose heartbeat stops
    # (its worker process was killed) is failed by jobs.reap_stale instead of "running" forever.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
