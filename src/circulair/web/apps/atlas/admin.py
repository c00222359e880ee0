"""Back office for shared runs: who shares which run with whom (read-only; deleting a row stops
the sharing through the service, so the run's change log records it)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.atlas.models import RunShare
from circulair.web.apps.atlas.services import run_share_stop


@admin.register(RunShare)
class RunShareAdmin(admin.ModelAdmin):
    list_display = ["job", "organisation", "link", "created_by", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["organisation__name", "created_by__username"]
    readonly_fields = ["job", "organisation", "token_hash", "created_by", "created_at"]

    @admin.display(boolean=True, description=_("link"))
    def link(self, obj: RunShare) -> bool:
        return obj.has_link

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: RunShare) -> None:
        run_share_stop(request.user, obj.job)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RunShare]) -> None:
        for share in queryset.select_related("job"):
            run_share_stop(request.user, share.job)
