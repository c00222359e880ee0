"""Who belongs to which organisation, with which role; who may manage its members."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from circulair.core.errors import InputError
from circulair.web.apps.common import permissions
from circulair.web.apps.organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrgRole,
)


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation with its members (the operator's command line)."""
    return Organisation.objects.prefetch_related("members")


def organisations_of(user: Any) -> QuerySet[Organisation]:
    """The organisations ``user`` acts for (:func:`permissions.member_org_ids`)."""
    return Organisation.objects.filter(pk__in=permissions.member_org_ids(user))


organisation_ids_of = permissions.member_org_ids


def role_in(user: Any, organisation: Organisation) -> str | None:
    """The user's role in ``organisation`` ("owner" or "member"), None when not a member."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(organisation=organisation, user=user)
        .values_list("role", flat=True)
        .first()
    )


def may_manage_members(user: Any, organisation: Organisation) -> bool:
    """Owners of the organisation and administrators manage its members and invitations."""
    return permissions.can(user, "organisations.members.manage", organisation)


def owners_of(organisation: Organisation) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(organisation=organisation, role=OrgRole.OWNER)
        .select_related("user", "user__profile")
        .order_by("user__username")
    ]


def memberships_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "user__username")
    )


def invitations_pending(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("created_by")


def join_requests_pending(organisation: Organisation) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(
        organisation=organisation, status=JoinRequest.Status.PENDING
    ).select_related("user")


def organisation_directory(query: str = "") -> QuerySet[Organisation]:
    """Organisations a person may ask to join, by name (case-insensitive part)."""
    qs = Organisation.objects.select_related("municipality").order_by("name")
    return qs.filter(name__icontains=query.strip()) if query.strip() else qs


def job_organisation(params: Mapping[str, Any]) -> Organisation:
    """The organisation a background import was started for (``params["organisation"]``); a
    refusal naming it when it was deleted while the job waited."""
    org = Organisation.objects.filter(pk=int(params.get("organisation") or 0)).first()
    if org is None:
        raise InputError.single("the organisation of this import is gone", field="organisation")
    return org
