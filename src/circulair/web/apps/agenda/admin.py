"""Back office for the register. Edits made here bypass the services' history; day-to-day
changes go through the pages, the API or the CLI."""

from django.contrib import admin

from circulair.web.apps.agenda.models import (
    Action,
    ActionResult,
    AgendaLead,
    AgendaSetting,
    Bottleneck,
    ChangeLog,
    Programme,
    Signatory,
)


class ActionResultInline(admin.TabularInline):
    model = ActionResult
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "agenda", "status", "start", "end", "public"]
    list_filter = ["status", "public", "impact_project", "agenda"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "partners", "municipality", "programme"]
    inlines = [ActionResultInline]


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    list_display = ["organisation", "agenda", "year_signed", "min_actions"]
    list_filter = ["agenda"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "agenda", "year", "stage"]
    list_filter = ["stage", "kind"]


@admin.register(Bottleneck)
class BottleneckAdmin(admin.ModelAdmin):
    list_display = ["title", "agenda", "policy_level", "status"]
    list_filter = ["status", "policy_level", "agenda"]


admin.site.register(AgendaLead)
admin.site.register(AgendaSetting)


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin):
    list_display = ["model", "object_id", "action", "user", "at"]
    list_filter = ["model", "action"]
    readonly_fields = ["model", "object_id", "action", "changes", "user", "at"]
