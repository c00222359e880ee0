"""Back office of the exchange: listings, matches and saved searches staff may correct;
notifications read-only (they are what a person was told).

Hiding a listing goes through the service only (the owner is told why, the change log keeps
it): here the moderation fields are read-only, and the one action makes listings visible
again through the same service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from circulair.web.apps.common.admin import ChangeInline
from circulair.web.apps.exchange.models import (
    Listing,
    Match,
    Notification,
    SavedSearch,
    material_name,
)
from circulair.web.apps.exchange.services import listing_unhide


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "organisation",
        "material_name",
        "remaining",
        "unit",
        "municipality",
        "status",
        "hidden_at",
        "created_at",
    ]
    list_filter = ["kind", "status", "route", "unit", "hazardous", "certified", "hidden_at"]
    search_fields = ["title", "material", "ewc", "organisation__name", "municipality__name_nl"]
    list_select_related = ["organisation", "municipality"]
    raw_id_fields = ["organisation", "municipality", "created_by"]
    readonly_fields = ["hidden_at", "hidden_by", "hidden_reason"]
    date_hierarchy = "created_at"
    inlines = [ChangeInline]
    actions = ["unhide"]

    @admin.display(description=_("material"), ordering="material")
    def material_name(self, obj: Listing) -> str:
        """The taxonomy node's name in the staff member's language (the code is the filter)."""
        return material_name(obj.material)

    @admin.action(description=_("Make the selected hidden listings visible again"))
    def unhide(self, request: HttpRequest, queryset: QuerySet[Listing]) -> None:
        done = 0
        for listing in queryset.filter(hidden_at__isnull=False):
            listing_unhide(user=request.user, listing=listing)
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d listing is visible again.", "%(count)d listings are visible again.", done
            )
            % {"count": done},
        )


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "offer",
        "request",
        "proposed_by",
        "quantity",
        "distance_km",
        "score",
        "status",
        "created_at",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["offer__title", "request__title", "proposed_by__name"]
    list_select_related = ["offer", "request", "proposed_by"]
    raw_id_fields = ["offer", "request", "proposed_by", "decided_by"]
    # how the score was computed at the proposal: a record, not something to correct
    readonly_fields = ["score_parts"]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "material_name", "municipality", "radius_km", "created_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__email", "material"]
    list_select_related = ["user", "municipality"]
    raw_id_fields = ["user", "municipality"]

    @admin.display(description=_("material"), ordering="material")
    def material_name(self, obj: SavedSearch) -> str:
        return material_name(obj.material)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: a notification is what a person was told, and when."""

    list_display = ["user", "text", "read", "created_at"]
    list_filter = ["read"]
    search_fields = ["user__username", "text"]
    list_select_related = ["user"]
    fields = ("user", "text", "url", "read", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
