from django.contrib import admin

from circulair.web.apps.knowledge.models import Citation, Record, Relation, Source, Variant


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "publisher", "year"]


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
