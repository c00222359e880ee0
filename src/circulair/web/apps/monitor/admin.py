from django.contrib import admin

from circulair.web.apps.monitor.models import Indicator, Observation, ObservationHistory, Target


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_nl", "unit", "direction"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["slug", "indicator", "region", "target_year", "target_value", "target_type"]


class HistoryInline(admin.TabularInline):
    model = ObservationHistory
    extra = 0
    readonly_fields = ["value", "unit", "source", "origin", "replaced_at", "replaced_by"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["indicator", "region", "year", "value", "unit", "origin", "updated_at"]
    list_filter = ["indicator", "region", "origin"]
    inlines = [HistoryInline]
