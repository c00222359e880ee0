from django.contrib import admin

from circulair.web.apps.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "notify_exchange", "notify_membership", "notify_moderation"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__email"]
