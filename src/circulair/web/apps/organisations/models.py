"""Organisations (companies, governments, knowledge institutions …) and their members.

Shared by the exchange, the agenda and the scan: a user acts on behalf of the organisations
they are a member of, and sees only what those organisations may see.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from circulair.core.errors import gettext_noop

ENTERPRISE_RE = re.compile(r"^[01]\d{3}\.\d{3}\.\d{3}$")
NACE_RE = re.compile(r"^\d{2}(\.?\d{1,3})?$")


def validate_nace(value: str) -> None:
    """A NACE-BEL code: division (2 digits) optionally followed by group/class digits."""
    if not NACE_RE.match(value):
        raise ValidationError(_("expected a NACE-BEL code like 25 or 25.110"))


def validate_enterprise_number(value: str) -> None:
    """Belgian enterprise number 0123.456.789 with its mod-97 check digits."""
    if not ENTERPRISE_RE.match(value):
        raise ValidationError(_("expected an enterprise number like 0123.456.749"))
    digits = int(value.replace(".", ""))
    if 97 - (digits // 100) % 97 != digits % 100:
        raise ValidationError(_("the check digits of this enterprise number are wrong"))


#: RSZ/ONSS employer size classes (the codes the KBO reader uses, ``core.atlas.kbo``).
EMPLOYEE_CLASSES = [
    ("0", _("no employees")),
    ("1", "1-4"),
    ("2", "5-9"),
    ("3", "10-19"),
    ("4", "20-49"),
    ("5", "50-99"),
    ("6", "100-199"),
    ("7", "200-499"),
    ("8", "500-999"),
    ("9", "1000+"),
]
#: Lowest class of 10 or more employees (class 3 = 10-19).
TEN_OR_MORE_FROM = 3


class Organisation(models.Model):
    class Side(models.TextChoices):
        GOVERNMENT = "overheid", _("government")
        BUSINESS = "bedrijfsleven", _("business")
        FINANCE = "financiele-sector", _("finance")
        KNOWLEDGE = "kenniswereld", _("knowledge institutions")
        CIVIL = "middenveld", _("civil society")

    name = models.CharField(_("name"), max_length=200)
    enterprise_number = models.CharField(
        _("enterprise number"), max_length=12, blank=True, validators=[validate_enterprise_number]
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices, default=Side.BUSINESS)
    municipality = models.ForeignKey(
        "geography.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    nace_code = models.CharField(
        _("NACE-BEL code (main activity)"), max_length=8, blank=True, validators=[validate_nace]
    )
    employee_class = models.CharField(
        _("employee class (RSZ/ONSS)"), max_length=1, blank=True, choices=EMPLOYEE_CLASSES
    )
    members: models.ManyToManyField[Any, Membership] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        through="Membership",
        related_name="organisations",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def nace_division(self) -> int | None:
        """The two-digit NACE division (e.g. 25 for 25.110), None when unknown."""
        return int(self.nace_code[:2]) if self.nace_code[:2].isdigit() else None


class OrgRole(models.TextChoices):
    """A person's role in an organisation: owners manage its members and invitations."""

    OWNER = "owner", _("owner")
    MEMBER = "member", _("member")


#: The refusal of a role that is not an :class:`OrgRole` (parameter ``roles``).
ROLE_UNKNOWN = gettext_noop("unknown role; expected one of %(roles)s")


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE
    )
    role = models.CharField(
        _("role"), max_length=20, choices=OrgRole.choices, default=OrgRole.MEMBER
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="org_member_once")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")


class Invitation(models.Model):
    """An invitation by e-mail to join an organisation with a role: one use, until it expires.

    Only a hash of the token is stored; the token itself exists in the e-mail alone."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=20, choices=OrgRole.choices, default=OrgRole.MEMBER
    )
    language = models.CharField(_("language of the e-mail"), max_length=8, default="nl")
    token_hash = models.CharField(_("hash of the token"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.role})"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class JoinRequest(models.Model):
    """A person asks to join an organisation; one of its owners accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="org_one_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.status})"
