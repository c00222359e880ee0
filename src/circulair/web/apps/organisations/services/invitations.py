"""Invitations by e-mail: an owner invites a colleague with a role; the link works once, until
it expires, and creates the account (with the invited address, confirmed) when there is none."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from circulair.core.errors import InputError, Problem, gettext_noop, problem
from circulair.web.apps.accounts.models import Topic
from circulair.web.apps.common.history import change_record
from circulair.web.apps.common.mail import mail_send, site_url
from circulair.web.apps.organisations.models import (
    ROLE_UNKNOWN,
    Invitation,
    Membership,
    Organisation,
    OrgRole,
)
from circulair.web.apps.organisations.services.members import require_manager

#: Days an invitation link stays valid.
INVITATION_DAYS = getattr(settings, "CIRCULAIR_INVITATION_DAYS", 14)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return site_url(reverse("organisations:invitation", args=[token]))


@transaction.atomic
def invitation_create(
    *,
    user: Any,
    organisation: Organisation,
    email: str,
    role: str = OrgRole.MEMBER,
    language: str = "",
) -> tuple[Invitation, str]:
    """Invite ``email`` into ``organisation`` with ``role`` and mail the link; returns the
    invitation and its token (the token is not stored, only its hash)."""
    require_manager(user, organisation)
    email = (email or "").strip().lower()
    problems: list[Problem] = []
    try:
        validate_email(email)
    except ValidationError:
        problems.append(
            problem(
                "email_invalid", gettext_noop("not an e-mail address"), field="email", value=email
            )
        )
    if role not in OrgRole.values:
        problems.append(
            problem(
                "role_unknown",
                ROLE_UNKNOWN,
                field="role",
                value=role,
                roles=", ".join(OrgRole.values),
            )
        )
    if (
        not problems
        and Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists()
    ):
        problems.append(
            problem(
                "member_already",
                gettext_noop("already a member of this organisation"),
                field="email",
                value=email,
            )
        )
    if problems:
        raise InputError(problems)
    lang = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    token = secrets.token_urlsafe(32)
    inv = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        language=lang,
        token_hash=_hash(token),
        created_by=user,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    change_record(organisation, "invite", {"invitation": [None, f"{email} ({role})"]}, user)
    existing = get_user_model().objects.filter(email__iexact=email).first()
    mail_send(
        "invitation",
        {
            "organisation": organisation,
            "inviter": user,
            "role": OrgRole(role).label,
            "link": invitation_link(token),
            "days": INVITATION_DAYS,
        },
        user=existing,
        email=email,
        language=lang,
        topic=None,  # an invitation is sent once, at a colleague's request
    )
    return inv, token


def invitation_find(token: str) -> Invitation | None:
    """The invitation a link's token names (pending or not), or None."""
    if not token or len(token) > 200:
        return None
    return Invitation.objects.select_related("organisation").filter(token_hash=_hash(token)).first()


def _unusable(inv: Invitation | None) -> InputError | None:
    if inv is None:
        return InputError.coded(
            "invitation_invalid", gettext_noop("this invitation link is not valid"), field="token"
        )
    if inv.accepted_at is not None:
        return InputError.coded(
            "invitation_used", gettext_noop("this invitation has already been used"), field="token"
        )
    if inv.revoked_at is not None:
        return InputError.coded(
            "invitation_withdrawn", gettext_noop("this invitation was withdrawn"), field="token"
        )
    if inv.expires_at <= timezone.now():
        return InputError.coded(
            "invitation_expired",
            gettext_noop("this invitation has expired; ask for a new one"),
            field="token",
            value=inv.expires_at.date().isoformat(),
        )
    return None


@transaction.atomic
def invitation_accept(
    *, token: str, user: Any = None, username: str = "", password: str = ""
) -> Membership:
    """Use an invitation: for the signed-in ``user``, or for a new account named ``username``
    with ``password`` and the invited address (confirmed, since the link reached it)."""
    inv = invitation_find(token)
    if inv is not None:  # one use, even for two clicks at once
        inv = Invitation.objects.select_for_update().select_related("organisation").get(pk=inv.pk)
    error = _unusable(inv)
    if error is not None:
        raise error
    assert inv is not None
    if user is None or not getattr(user, "is_authenticated", False):
        user = _account_create(email=inv.email, username=username, password=password)
    membership, created = Membership.objects.get_or_create(
        organisation=inv.organisation, user=user, defaults={"role": inv.role}
    )
    if not created and inv.role == OrgRole.OWNER and membership.role != OrgRole.OWNER:
        membership.role = OrgRole.OWNER
        membership.save(update_fields=["role"])
    inv.accepted_at = timezone.now()
    inv.accepted_by = user
    inv.save(update_fields=["accepted_at", "accepted_by"])
    change_record(
        inv.organisation, "join", {"member": [None, f"{user.username} ({membership.role})"]}, user
    )
    if inv.created_by is not None and inv.created_by != user:
        mail_send(
            "invitation_accepted",
            {
                "organisation": inv.organisation,
                "member": user,
                "link": site_url(reverse("organisations:detail", args=[inv.organisation.pk])),
            },
            user=inv.created_by,
            topic=Topic.MEMBERSHIP,
        )
    return membership


def _account_create(*, email: str, username: str, password: str) -> Any:
    User = get_user_model()  # noqa: N806
    username = (username or "").strip()
    problems: list[Problem] = []
    if not username:
        problems.append(
            problem("username_missing", gettext_noop("choose a user name"), field="username")
        )
    else:
        try:
            User._meta.get_field("username").run_validators(username)
        except ValidationError as e:
            problems.append(Problem(" ".join(e.messages), field="username", value=username))
        if User.objects.filter(username__iexact=username).exists():
            problems.append(
                problem(
                    "username_taken",
                    gettext_noop("this user name is taken"),
                    field="username",
                    value=username,
                )
            )
    candidate = User(username=username, email=email)
    try:
        validate_password(password, candidate)
    except ValidationError as e:
        problems.append(Problem(" ".join(e.messages), field="password", value="•" * 8))
    if User.objects.filter(email__iexact=email).exists():
        problems.append(
            problem(
                "email_has_account",
                gettext_noop(
                    "an account with this address exists: sign in first, then open the link again"
                ),
                field="email",
                value=email,
            )
        )
    if problems:
        raise InputError(problems)
    user = User.objects.create_user(username=username, email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def invitation_revoke(*, user: Any, invitation: Invitation) -> Invitation:
    require_manager(user, invitation.organisation)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        change_record(
            invitation.organisation, "uninvite", {"invitation": [invitation.email, None]}, user
        )
    return invitation
