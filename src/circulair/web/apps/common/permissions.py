"""Who may change the platform's official data: one definition, asked by views, API and services.

Platform roles are Django groups with these names (created by a migration of the organisations
app; granted in the back office or with ``circulair org grant-role``). An administrator is an
active superuser or staff account and may do everything a role may. Official data — monitor
figures, population and partitions of the reference geography — is written only by the role that
owns it; everyone else gets a refusal and nothing changes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission


class Role(StrEnum):
    """Platform roles (beyond an organisation's own members)."""

    MONITOR_EDITOR = "monitor_editor"  # imports official indicator figures and population
    GEOGRAPHY_EDITOR = "geography_editor"  # imports partitions (catchment areas) of a region
    CATALOGUE_MODERATOR = "catalogue_moderator"  # reviews doers' draft cases, hides listings
    SCAN_COORDINATOR = "scan_coordinator"  # follows the local-government network's scans
    ANALYST = "analyst"  # reads non-public aggregates


# action -> roles that may perform it (administrators always may).
ACTIONS: dict[str, tuple[Role, ...]] = {
    "monitor.observations.import": (Role.MONITOR_EDITOR,),
    "geography.population.import": (Role.MONITOR_EDITOR,),
    "geography.partition.import": (Role.GEOGRAPHY_EDITOR,),
}


def acting_user(user: Any) -> Any:
    """The signed-in user a write is recorded under, or None (anonymous, the CLI)."""
    return user if getattr(user, "is_authenticated", False) else None


def is_administrator(user: Any) -> bool:
    """An active superuser or staff account (the one definition of 'administrator')."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.is_staff)
    )


def has_role(user: Any, role: Role) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_administrator(user) or user.groups.filter(name=role.value).exists()


def can(user: Any, action: str) -> bool:
    """May ``user`` perform the platform ``action`` (a key of :data:`ACTIONS`)?"""
    if action not in ACTIONS:
        raise KeyError(f"no permission rule for action {action!r}")
    return is_administrator(user) or any(has_role(user, r) for r in ACTIONS[action])


def require(user: Any, action: str) -> None:
    """Raise ``PermissionDenied`` unless :func:`can`; services call this before writing."""
    if not can(user, action):
        raise PermissionDenied(_needs(action))


def _needs(action: str) -> str:
    roles = " / ".join(r.value for r in ACTIONS[action])
    return _("This needs the role %(roles)s or an administrator.") % {"roles": roles}


def api_permission(action: str) -> type[BasePermission]:
    """A DRF permission class for one action (401 when anonymous, 403 without the role)."""

    class _Can(BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            self.message = _needs(action)  # in the request's language
            return can(request.user, action)

    _Can.__name__ = f"Can_{action.replace('.', '_')}"
    return _Can
