from django.contrib import admin

from circulair.web.apps.scan.models import QuestionnaireVersion, Response


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "title_nl", "published_at")
    readonly_fields = ("content", "sha256")


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Round bookkeeping only: answers are the government's and are not shown here."""

    list_display = ("organisation", "year", "status", "submitted_at", "source")
    list_filter = ("status", "year")
    fields = ("organisation", "questionnaire", "year", "status", "submitted_at", "source")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False
