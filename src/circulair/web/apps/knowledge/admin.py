from typing import Any

from django.contrib import admin

from circulair.web.apps.knowledge.models import (
    Citation,
    Record,
    Relation,
    Source,
    SourceText,
    Variant,
)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "publisher", "year"]


@admin.register(SourceText)
class SourceTextAdmin(admin.ModelAdmin):
    """Seen and removed here; installed only by ``circulair data sources DIR``, which reads
    the extraction files (an edited text would no longer match its file's checksum)."""

    list_display = ["source", "file", "line_count", "installed"]
    search_fields = ["source__code", "file"]
    readonly_fields = ["source", "file", "line_count", "sha256", "installed", "text"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0


class RelationInline(admin.TabularInline):
    model = Relation
    fk_name = "from_record"
    extra = 0
    autocomplete_fields = ["to_record"]


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    list_display = ["kind", "slug", "name_nl", "name_en", "origin"]
    list_filter = ["kind", "origin"]
    search_fields = ["slug", "name_nl", "name_en"]
    inlines = [CitationInline, VariantInline, RelationInline]

    def save_model(self, request: Any, obj: Record, form: Any, change: bool) -> None:
        """A shipped record changed here is a person's: the start-up loader leaves it alone."""
        if change and obj.origin == Record.Origin.DATA and form.changed_data:
            obj.origin = Record.Origin.EDITED
        super().save_model(request, obj, form, change)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        record = form.instance
        if (
            change
            and record.origin == Record.Origin.DATA
            and any(f.has_changed() for f in formsets)
        ):
            Record.objects.filter(pk=record.pk).update(origin=Record.Origin.EDITED)
