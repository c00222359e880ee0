from django.contrib import admin

from circulair.web.apps.organisations.models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise_number", "side", "municipality"]
    list_filter = ["side"]
    search_fields = ["name", "enterprise_number"]
    inlines = [MembershipInline]
