"""Back office for the shared records: uploads, jobs and the change log (read-only: they are
what happened)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.http import HttpRequest

from circulair.web.apps.common.models import Change, Job, Upload


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Change)
class ChangeAdmin(_ReadOnly):
    list_display = ["content_type", "object_id", "action", "user", "at"]
    list_filter = ["content_type", "action"]
    search_fields = ["user__username"]


@admin.register(Upload)
class UploadAdmin(_ReadOnly):
    list_display = [
        "purpose",
        "original_name",
        "status",
        "problem_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["purpose", "status"]


@admin.register(Job)
class JobAdmin(_ReadOnly):
    list_display = ["kind", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]


class ChangeInline(GenericTabularInline):
    """A record's history under its own admin page."""

    model = Change
    extra = 0
    can_delete = False
    fields = ("at", "action", "changes", "user", "upload")
    readonly_fields = ("at", "action", "changes", "user", "upload")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
