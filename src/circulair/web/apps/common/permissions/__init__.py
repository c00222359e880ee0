"""The platform's one permission model: who may do what, asked the same way everywhere.

- :mod:`.roles`: who a user is (administrator, platform roles, organisations, agendas led);
- :mod:`.grants`: the kinds of grant a rule is made of (each is both a test and a filter);
- :mod:`.rules`: the table of every action and the grants that allow it.

``can(user, action, obj)`` answers; ``require`` refuses with the rule's message (403);
``restrict(user, action, queryset)`` keeps the rows the user may see, in the database, so a
page, export, GeoJSON feature or API answer never holds a row it may not show. ``user`` None is
the operator at the machine (the command line), who may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from rest_framework.permissions import BasePermission

from circulair.web.apps.common.permissions.grants import EVERY, NOTHING, MemberOf, describe, union
from circulair.web.apps.common.permissions.roles import (
    Role,
    acting_user,
    administrators,
    has_role,
    holders,
    is_administrator,
    led_agenda_ids,
    member_org_ids,
    owner_org_ids,
    role_names,
    signed_in,
)
from circulair.web.apps.common.permissions.rules import RULES, Rule

__all__ = [
    "RULES",
    "Role",
    "Rule",
    "acting_user",
    "administrators",
    "api_permission",
    "can",
    "has_role",
    "holders",
    "is_administrator",
    "led_agenda_ids",
    "member_org_ids",
    "organisation_rows",
    "owner_org_ids",
    "require",
    "restrict",
    "role_names",
    "rows",
    "rules_table",
    "signed_in",
]


def _rule(action: str) -> Rule:
    try:
        return RULES[action]
    except KeyError:
        raise KeyError(f"no permission rule for action {action!r}") from None


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May ``user`` perform ``action`` (on ``obj``, when the rule is about objects)?"""
    rule = _rule(action)
    if user is None:
        return True
    return any(g.allows(user, obj) for g in rule.grants)


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` with the rule's message unless :func:`can`."""
    if not can(user, action, obj):
        raise PermissionDenied(str(_rule(action).refusal))


def rows(user: Any, action: str) -> Q | bool:
    """The rule as a database filter for ``user`` (``True``: every row, ``False``: none)."""
    rule = _rule(action)
    if user is None:
        return EVERY
    return union([g.filter(user) for g in rule.grants])


def restrict(user: Any, action: str, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The rows of ``qs`` the rule lets ``user`` reach."""
    rule = _rule(action)
    if rule.model and qs.model._meta.label != rule.model:
        raise TypeError(f"{action} restricts {rule.model}, not {qs.model._meta.label}")
    wanted = rows(user, action)
    if wanted is EVERY:
        return qs
    if wanted is NOTHING:
        return qs.none()
    qs = qs.filter(wanted)  # type: ignore[arg-type]
    return qs.distinct() if rule.distinct else qs


def organisation_rows(action: str, org_ids: Iterable[int]) -> Q | bool:
    """The rows the organisation grants of ``action`` open to whoever acts for ``org_ids``
    (an organisation acting, e.g. the proposer of a match, rather than a person)."""
    return union([g.filter_ids(org_ids) for g in _rule(action).grants if isinstance(g, MemberOf)])


def api_permission(action: str) -> type[BasePermission]:
    """A DRF permission class for one plain action (401 when anonymous, 403 without it)."""

    class _Can(BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            self.message = str(_rule(action).refusal)  # in the request's language
            return can(request.user, action)

    _Can.__name__ = f"Can_{action.replace('.', '_')}"
    return _Can


def rules_table() -> list[str]:
    """The table of :data:`RULES` as Markdown lines (``docs/permissions.md``)."""
    lines = ["| action | what | who may (any of; and the operator) |", "|---|---|---|"]
    for r in RULES.values():
        who = "; ".join(describe(g) for g in r.grants)
        lines.append(f"| `{r.action}` | {r.what} | {who} |")
    return lines
