from django.contrib import admin

from circulair.web.apps.organisations.models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "enterprise_number",
        "side",
        "nace_code",
        "employee_class",
        "municipality",
    ]
    list_filter = ["side", "employee_class"]
    search_fields = ["name", "enterprise_number"]
    inlines = [MembershipInline]
