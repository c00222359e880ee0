"""Which listings a moderator has hidden, and who still sees them: the one rule.

A hidden listing leaves every public channel: the list page and the API for everyone else,
ranked candidates and the allocation, proposals and deals, the insight page and its CSV,
saved-search notices. Its own organisation still sees it, with the reason; so do catalogue
moderators and administrators, who may make it visible again. Hiding changes nothing to the
location rule of :mod:`.privacy`: a moderator sees the public point like everyone else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from circulair.web.apps.common import permissions

#: Listings no moderator has hidden.
SHOWN = Q(hidden_at__isnull=True)


def can_moderate(user: Any) -> bool:
    """May ``user`` hide a listing and make it visible again (a catalogue moderator or an
    administrator)?"""
    return permissions.can(user, "exchange.listing.moderate")
