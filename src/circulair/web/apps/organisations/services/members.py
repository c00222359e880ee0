"""Members of an organisation: requests to join that an owner decides, roles, leaving.

An organisation always keeps at least one owner (an administrator can still act for it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circulair.core.errors import InputError, gettext_noop
from circulair.web.apps.accounts.models import Topic
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import change_record
from circulair.web.apps.common.mail import mail_send, site_url
from circulair.web.apps.organisations.models import (
    ROLE_UNKNOWN,
    JoinRequest,
    Membership,
    Organisation,
    OrgRole,
)
from circulair.web.apps.organisations.selectors import owners_of


def require_manager(user: Any, organisation: Organisation) -> None:
    """Refuse unless ``user`` owns ``organisation`` or is an administrator."""
    permissions.require(user, "organisations.members.manage", organisation)


def _members_link(org: Organisation) -> str:
    return site_url(reverse("organisations:detail", args=[org.pk]))


LAST_OWNER = gettext_noop("an organisation keeps at least one owner: make someone else owner first")


@transaction.atomic
def join_request_create(*, user: Any, organisation: Organisation, message: str = "") -> JoinRequest:
    """Ask to join ``organisation``; its owners get an e-mail."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to ask to join an organisation."))
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise InputError.coded(
            "member_already",
            gettext_noop("you are already a member"),
            field="organisation",
            value=organisation.name,
        )
    try:
        with transaction.atomic():
            req = JoinRequest.objects.create(
                organisation=organisation, user=user, message=(message or "").strip()[:2000]
            )
    except IntegrityError:
        raise InputError.coded(
            "join_request_waiting",
            gettext_noop("your request to join is already waiting for an owner"),
            field="organisation",
            value=organisation.name,
        ) from None
    for owner in owners_of(organisation):
        mail_send(
            "join_request",
            {
                "organisation": organisation,
                "requester": user,
                "message": req.message,
                "link": _members_link(organisation),
            },
            user=owner,
            topic=Topic.MEMBERSHIP,
        )
    return req


@transaction.atomic
def join_request_decide(*, user: Any, request: JoinRequest, accept: bool) -> JoinRequest:
    """An owner accepts (the requester becomes a member) or declines a request to join."""
    require_manager(user, request.organisation)
    if request.status != JoinRequest.Status.PENDING:
        raise InputError.coded(
            "join_request_decided",
            gettext_noop("this request was already decided"),
            field="status",
            value=request.status,
        )
    request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        Membership.objects.get_or_create(organisation=request.organisation, user=request.user)
        change_record(
            request.organisation,
            "join",
            {"member": [None, f"{request.user.username} (member)"]},
            user,
        )
    mail_send(
        "join_decided",
        {
            "organisation": request.organisation,
            "accepted": accept,
            "link": _members_link(request.organisation),
        },
        user=request.user,
        topic=Topic.MEMBERSHIP,
    )
    return request


def _last_owner(membership: Membership) -> bool:
    return (
        membership.role == OrgRole.OWNER
        and Membership.objects.filter(
            organisation=membership.organisation, role=OrgRole.OWNER
        ).count()
        == 1
    )


@transaction.atomic
def member_role_set(*, user: Any, membership: Membership, role: str) -> Membership:
    """Make a member an owner or a plain member (never the last owner a plain member)."""
    require_manager(user, membership.organisation)
    if role not in OrgRole.values:
        raise InputError.coded(
            "role_unknown", ROLE_UNKNOWN, field="role", value=role, roles=", ".join(OrgRole.values)
        )
    if role != OrgRole.OWNER and _last_owner(membership):
        raise InputError.coded(
            "owner_last",
            LAST_OWNER,
            field="role",
            value=role,
        )
    old = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    change_record(membership.organisation, "role", {membership.user.username: [old, role]}, user)
    return membership


@transaction.atomic
def member_remove(*, user: Any, membership: Membership) -> None:
    """Remove a member (an owner or administrator), or leave (the member themself)."""
    own = membership.user_id == getattr(user, "pk", None)
    if not own:
        require_manager(user, membership.organisation)
    if _last_owner(membership):
        raise InputError.coded(
            "owner_last",
            LAST_OWNER,
            field="member",
            value=membership.user.username,
        )
    change_record(
        membership.organisation, "leave", {"member": [membership.user.username, None]}, user
    )
    membership.delete()
