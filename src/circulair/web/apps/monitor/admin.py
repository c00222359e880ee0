from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from circulair.web.apps.common.admin import ChangeInline
from circulair.web.apps.monitor.models import ImportBatch, Indicator, Observation, Target


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_nl", "unit", "direction"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["slug", "indicator", "region", "target_year", "target_value", "target_type"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["indicator", "region", "year", "value", "unit", "origin", "updated_at"]
    list_filter = ["indicator", "region", "origin"]
    inlines = [ChangeInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Imports under the four-eyes rule: read-only here, decided on the monitor's pages (where
    the importer is refused and the figures are stored with the change log)."""

    list_display = ["upload", "status", "created_by", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    inlines = [ChangeInline]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
