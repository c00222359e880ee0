from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from circulair.web.apps.geography.models import (
    Arrondissement,
    Municipality,
    Partition,
    PartitionMember,
    PartitionUnit,
    Province,
    Region,
    RegionBoundaries,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["slug", "code", "name_nl", "name_en"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["refnis", "name_nl", "name_fr", "region"]
    list_filter = ["region"]


@admin.register(Arrondissement)
class ArrondissementAdmin(admin.ModelAdmin):
    list_display = ["refnis", "name_nl", "province", "region"]
    list_filter = ["region", "province"]
    list_select_related = ["province", "region"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["refnis", "name_nl", "arrondissement", "province", "population", "central_city"]
    list_filter = ["region", "province", "central_city"]
    list_select_related = ["arrondissement", "province"]
    search_fields = ["refnis", "name_nl", "name_fr", "postal_codes"]

    def save_model(self, request: Any, obj: Municipality, form: Any, change: bool) -> None:
        """A population typed here is a person's: the start-up loader leaves it alone."""
        if change and {"population", "population_source"} & set(form.changed_data):
            obj.population_origin = Municipality.Origin.EDITED
        super().save_model(request, obj, form, change)


class UnitInline(admin.TabularInline):
    model = PartitionUnit
    extra = 0


@admin.register(Partition)
class PartitionAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "region", "created_at"]
    list_filter = ["region", "kind"]
    inlines = [UnitInline]


@admin.register(PartitionMember)
class PartitionMemberAdmin(admin.ModelAdmin):
    """Which unit of a partition a municipality belongs to (one per partition)."""

    list_display = ["municipality", "unit", "partition"]
    list_filter = ["partition"]
    search_fields = ["municipality__name_nl", "municipality__refnis", "unit__code", "unit__name"]
    list_select_related = ["municipality", "unit", "partition"]
    raw_id_fields = ["municipality", "unit", "partition"]


@admin.register(RegionBoundaries)
class RegionBoundariesAdmin(admin.ModelAdmin):
    """Imported official boundaries: seen and removed here (removing one brings the approximate
    outlines back); replaced only by ``circulair geo boundaries FILE``, which checks all of them."""

    list_display = ("region", "source", "municipalities", "imported_at")
    readonly_fields = ("region", "source", "municipalities", "upload", "imported_at")
    exclude = ("content",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
