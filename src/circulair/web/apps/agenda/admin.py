"""Back office for the register. Saves and deletions made here are written to the same history
as the pages, the API and the CLI (who, when, field old → new)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from circulair.web.apps.agenda import services
from circulair.web.apps.agenda.models import (
    Action,
    ActionResult,
    AgendaLead,
    AgendaSetting,
    Bottleneck,
    Programme,
    Signatory,
)


class LoggedAdmin(admin.ModelAdmin):
    """Records every back-office save and deletion in the platform's change log."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = type(obj).objects.filter(pk=obj.pk).first() if change else None
        request._agenda_before = (  # type: ignore[attr-defined]
            services.record_snapshot(stored) if stored is not None else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.admin_change_log(
            obj=form.instance, user=request.user, before=getattr(request, "_agenda_before", None)
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.admin_delete_log(obj=obj, user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            services.admin_delete_log(obj=obj, user=request.user)
        super().delete_queryset(request, queryset)


class ActionResultInline(admin.TabularInline):
    model = ActionResult
    extra = 0


@admin.register(Action)
class ActionAdmin(LoggedAdmin):
    list_display = ["title", "organisation", "agenda", "status", "start", "end", "public"]
    list_filter = ["status", "public", "impact_project", "agenda"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "partners", "municipality", "programme"]
    inlines = [ActionResultInline]


@admin.register(Signatory)
class SignatoryAdmin(LoggedAdmin):
    list_display = ["organisation", "agenda", "year_signed", "min_actions"]
    list_filter = ["agenda"]


@admin.register(Programme)
class ProgrammeAdmin(LoggedAdmin):
    list_display = ["name", "kind", "agenda", "year", "stage"]
    list_filter = ["stage", "kind"]


@admin.register(Bottleneck)
class BottleneckAdmin(LoggedAdmin):
    list_display = ["title", "agenda", "policy_level", "status"]
    list_filter = ["status", "policy_level", "agenda"]


admin.site.register(AgendaLead)
admin.site.register(AgendaSetting)
