"""Who may write the catalogue (checked in the services, so the web, the API and a crafted
request meet the same rule; see the package's docs)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from circulair.web.apps.common.permissions import is_administrator
from circulair.web.apps.doers.models import Case
from circulair.web.apps.doers.selectors.review import may_moderate
from circulair.web.apps.organisations.selectors import organisation_ids_of


def is_staff(user: Any) -> bool:
    """The operator (``user`` None: CLI, seeding) or an administrator."""
    return user is None or is_administrator(user)


member_org_ids = organisation_ids_of


def can_publish(user: Any) -> bool:
    """The editorial decisions (publish = approve, send back, archive): the operator, an
    administrator or a catalogue moderator."""
    return user is None or may_moderate(user)


def can_edit(user: Any, case: Case) -> bool:
    """Those who decide on a case, and the members of its organisation."""
    if can_publish(user):
        return True
    return case.organisation_id is not None and case.organisation_id in member_org_ids(user)


def _require_edit(user: Any, case: Case) -> None:
    if not can_edit(user, case):
        raise PermissionDenied("only members of the case's organisation or staff edit this case")


def _require_moderator(user: Any, what: str) -> None:
    if not can_publish(user):
        raise PermissionDenied(f"only catalogue moderators and administrators {what}")
