"""Reads of the review of drafts: who moderates the catalogue, and the drafts waiting for them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from circulair.web.apps.common import permissions
from circulair.web.apps.common.permissions import Role
from circulair.web.apps.doers.models import Case


def may_moderate(user: Any) -> bool:
    """A catalogue moderator or an administrator: sees every case, publishes, sends back."""
    return permissions.can(user, "doers.case.decide")


def review_queue() -> QuerySet[Case]:
    """The drafts submitted for review, the longest waiting first."""
    return (
        Case.objects.filter(status=Case.Status.DRAFT, review_requested_at__isnull=False)
        .select_related("organisation", "created_by", "municipality")
        .order_by("review_requested_at", "pk")
    )


def catalogue_moderators() -> QuerySet[Any]:
    """The active users holding the catalogue-moderator role (who are told of new drafts)."""
    return permissions.holders(Role.CATALOGUE_MODERATOR)
