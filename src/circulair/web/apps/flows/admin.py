from django.contrib import admin

from circulair.web.apps.flows.models import Dataset


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    """Bookkeeping only: a company's flows are its own and are not listed here."""

    list_display = ("name", "kind", "organisation", "rows", "tonnes", "created_at")
    list_filter = ("kind",)
    fields = ("name", "kind", "organisation", "source", "licence", "rows", "tonnes", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False
