from typing import Any

from django.contrib import admin

from circulair.web.apps.doers.models import Case, CaseCitation, CaseImage
from circulair.web.apps.doers.services import case_search_text, case_terms_sync


class CaseCitationInline(admin.TabularInline):
    model = CaseCitation
    extra = 0


class CaseImageInline(admin.TabularInline):
    model = CaseImage
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "organisation_name", "category", "status", "origin"]
    list_filter = ["status", "category", "origin"]
    search_fields = ["title", "slug", "organisation_name"]
    raw_id_fields = ["organisation", "municipality", "province", "value_chain", "sector_group"]
    filter_horizontal = ["agendas", "r_strategies"]
    readonly_fields = ["search_text"]
    inlines = [CaseCitationInline, CaseImageInline]

    def save_model(self, request: Any, obj: Case, form: Any, change: bool) -> None:
        # keep the full-text index in step, with the R-strategies the form is about to set
        strategies = form.cleaned_data.get("r_strategies") if form is not None else None
        obj.search_text = case_search_text(
            obj, strategies=list(strategies) if strategies is not None else None
        )
        super().save_model(request, obj, form, change)
        case_terms_sync([obj.pk])
