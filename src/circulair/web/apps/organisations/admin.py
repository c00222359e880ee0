"""Back office of organisations: organisations with their members; invitations (staff may
withdraw one or move its expiry); requests to join, read-only (an owner decides them on the
organisation's page, which also makes the membership)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from circulair.web.apps.organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
)


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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Sent from the organisation's page only: the token exists in the e-mail alone."""

    list_display = [
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    fields = [
        "organisation",
        "email",
        "role",
        "language",
        "created_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    readonly_fields = [
        "organisation",
        "email",
        "role",
        "language",
        "created_by",
        "created_at",
        "accepted_at",
        "accepted_by",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation", "decided_by"]
    fields = ("organisation", "user", "message", "status", "created_at", "decided_by", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
