"""Writes and look-ups of organisations, their members, invitations and platform roles: one
place for every app and the CLI."""

from circulair.web.apps.organisations.services.invitations import (
    INVITATION_DAYS,
    invitation_accept,
    invitation_create,
    invitation_find,
    invitation_link,
    invitation_revoke,
)
from circulair.web.apps.organisations.services.members import (
    join_request_create,
    join_request_decide,
    member_remove,
    member_role_set,
)
from circulair.web.apps.organisations.services.organisations import (
    membership_add,
    organisation_create,
    organisation_find,
    organisation_get,
)
from circulair.web.apps.organisations.services.roles import role_parse, role_set

__all__ = [
    "INVITATION_DAYS",
    "invitation_accept",
    "invitation_create",
    "invitation_find",
    "invitation_link",
    "invitation_revoke",
    "join_request_create",
    "join_request_decide",
    "member_remove",
    "member_role_set",
    "membership_add",
    "organisation_create",
    "organisation_find",
    "organisation_get",
    "role_parse",
    "role_set",
]
