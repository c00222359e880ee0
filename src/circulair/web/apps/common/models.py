"""The shared records every app writes: uploads kept for every import, background jobs, and the
platform's one change log.

Upload and Job were first defined in ``portal``; their tables keep the names ``portal_upload`` and
``portal_job`` (renaming them would rebuild every table that points at them on SQLite)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
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
        db_table = "portal_upload"
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return f"{self.purpose}: {self.original_name} ({self.status})"


class Job(models.Model):
    """Long work run in the background by a worker process (``circulair worker``), with its
    owner, progress, result, cancel request and attempts.

    The task queue (django-tasks, see :mod:`~circulair.web.apps.common.jobs`) only carries the
    job's id; this row is what pages, the API and the CLI read. The CLI runs the same handlers
    in the foreground with a progress bar.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

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
    # Attempts started so far (a transient failure or a dead worker may start another, up to
    # CIRCULAIR_JOB_ATTEMPTS); a worker writes its outcome only while its attempt is current.
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    # The queue's task (django_tasks_db result id) and the worker that runs the current attempt.
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        db_table = "portal_job"
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)


class Change(models.Model):
    """One change to one record of any app: who, when, what (create, update, status, delete,
    import, replace, answer) and each field's old → new value.

    The services are the only writers (through :mod:`circulair.web.apps.common.history`), so
    one small table keeps every diff readable (labels instead of ids, many-to-many included)
    without a shadow table per model."""

    # No index of its own: the (content_type, object_id) index leads with it.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    object_id = models.PositiveIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=10)
    changes = models.JSONField(_("changes"), default=dict)  # {field: [old, new]}
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("upload")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="common_chan_content_idx")
        ]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return f"{self.content_type.model}#{self.object_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
