from django.contrib import admin

from circulair.web.apps.common.admin import ChangeInline
from circulair.web.apps.monitor.models import Indicator, Observation, Target


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
