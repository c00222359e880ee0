"""Who a user is to the platform: an administrator, the holder of platform roles, a member or
owner of organisations, the lead of agendas. Facts only; what they may do is in :mod:`.rules`.

``user`` ``None`` is the operator at the machine (the command line, seeding): services called
without a user act for the platform itself. Views and the API always pass ``request.user`` (an
anonymous visitor is ``AnonymousUser``, never ``None``).
Facts are read from the database each time they are asked (never kept on the user object), so
a membership granted a moment ago counts at once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet


class Role(StrEnum):
    """Platform roles (beyond an organisation's own members), held as Django groups of these
    names (created by a migration of the organisations app; granted on ``/org/roles/`` or with
    ``circulair org grant-role``)."""

    MONITOR_EDITOR = "monitor_editor"  # imports official indicator figures and population
    GEOGRAPHY_EDITOR = "geography_editor"  # imports partitions (catchment areas) of a region
    CATALOGUE_MODERATOR = "catalogue_moderator"  # reviews doers' draft cases, hides listings
    SCAN_COORDINATOR = "scan_coordinator"  # follows the local-government network's scans
    ANALYST = "analyst"  # reads non-public aggregates


def signed_in(user: Any) -> bool:
    """An active, signed-in account (not the operator, not an anonymous visitor)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def acting_user(user: Any) -> Any:
    """The signed-in user a write is recorded under, or None (anonymous, the CLI)."""
    return user if getattr(user, "is_authenticated", False) else None


def is_administrator(user: Any) -> bool:
    """An active superuser or staff account (the one definition of 'administrator')."""
    return signed_in(user) and bool(user.is_superuser or user.is_staff)


def role_names(user: Any) -> frozenset[str]:
    """The platform roles (group names) the user holds."""
    if not signed_in(user):
        return frozenset()
    return frozenset(user.groups.values_list("name", flat=True))


def has_role(user: Any, role: Role) -> bool:
    """Holds ``role``, or is an administrator (who may do what every role may)."""
    return is_administrator(user) or role.value in role_names(user)


def holders(role: Role) -> QuerySet[Any]:
    """The active accounts holding ``role`` itself (not counting administrators), by name:
    who is told when work for that role arrives."""
    users = get_user_model().objects.filter(is_active=True, groups__name=role.value)
    return users.select_related("profile").order_by("username").distinct()


def administrators() -> QuerySet[Any]:
    """The active administrator accounts (the one definition, as a query)."""
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(Q(is_superuser=True) | Q(is_staff=True)).order_by("username")


def _memberships(user: Any) -> dict[int, str]:
    """organisation id -> role ("owner"/"member") of the user's memberships."""
    if not signed_in(user):
        return {}
    membership = apps.get_model("organisations", "Membership")
    return dict(membership.objects.filter(user=user).values_list("organisation_id", "role"))


def member_org_ids(user: Any) -> frozenset[int]:
    """Ids of the organisations the user acts for: the one definition of membership."""
    return frozenset(_memberships(user))


def owner_org_ids(user: Any) -> frozenset[int]:
    """Ids of the organisations the user owns (manages members, invitations, requests)."""
    return frozenset(pk for pk, role in _memberships(user).items() if role == "owner")


def led_agenda_ids(user: Any) -> frozenset[int]:
    """Ids of the work agendas the user leads."""
    if not signed_in(user):
        return frozenset()
    lead = apps.get_model("agenda", "AgendaLead")
    return frozenset(lead.objects.filter(user=user).values_list("agenda_id", flat=True))
