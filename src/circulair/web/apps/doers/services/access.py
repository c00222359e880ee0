"""Who may write the catalogue: the rules ``doers.*`` of :mod:`common.permissions`, asked by
the services, so the web, the API and a crafted request meet the same rule."""

from __future__ import annotations

from typing import Any

from circulair.web.apps.common import permissions
from circulair.web.apps.doers.models import Case

member_org_ids = permissions.member_org_ids


def is_staff(user: Any) -> bool:
    """The operator (``user`` None: CLI, seeding) or an administrator: any organisation, or
    none, for a case."""
    return permissions.can(user, "doers.case.any_organisation")


def can_publish(user: Any) -> bool:
    """The editorial decisions (publish = approve, send back, archive)."""
    return permissions.can(user, "doers.case.decide")


def can_edit(user: Any, case: Case) -> bool:
    return permissions.can(user, "doers.case.edit", case)


def _require_edit(user: Any, case: Case) -> None:
    permissions.require(user, "doers.case.edit", case)


def _require_moderator(user: Any) -> None:
    permissions.require(user, "doers.case.decide")
