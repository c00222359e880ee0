"""Platform roles (common.permissions.Role) granted and taken away by administrators."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from circulair.core.errors import InputError
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import change_record
from circulair.web.apps.common.permissions import Role
from circulair.web.apps.organisations.models import ROLE_UNKNOWN


def role_parse(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InputError.coded(
            "role_unknown",
            ROLE_UNKNOWN,
            field="role",
            value=role,
            roles=", ".join(r.value for r in Role),
        ) from None


@transaction.atomic
def role_set(*, user: Any, target: Any, role: str, granted: bool) -> bool:
    """Grant (``granted``) or take away a platform role; ``user`` None is the CLI (the machine's
    operator). Returns whether anything changed."""
    permissions.require(user, "platform.roles.grant")
    r = role_parse(role)
    group, _created = Group.objects.get_or_create(name=r.value)
    has = target.groups.filter(pk=group.pk).exists()
    if has == granted:
        return False
    if granted:
        target.groups.add(group)
    else:
        target.groups.remove(group)
    change_record(target, "role", {r.value: [has, granted]}, user)
    return True
