"""Organisations: look-up by a person's reference, creation with every field checked, membership."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from circulair.core.errors import InputError, Problem, gettext_noop, problem
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.organisations.models import ROLE_UNKNOWN, Membership, Organisation, OrgRole

_ID = re.compile(r"\d{1,9}")


def organisation_find(ref: Any) -> Organisation | None:
    """An organisation by a person's reference: its id, its enterprise number (``0123.456.749``
    or the same ten digits), or its exact name — the one reading of such a reference."""
    if isinstance(ref, Organisation):
        return ref
    text = str(ref if ref is not None else "").strip()
    if not text:
        return None
    qs = Organisation.objects
    if _ID.fullmatch(text):
        return qs.filter(pk=int(text)).first()
    digits = re.sub(r"[.\s]", "", text)
    if re.fullmatch(r"\d{10}", digits):
        dotted = f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
        found = qs.filter(enterprise_number__in=[dotted, digits]).first()
        if found is not None:
            return found
    return qs.filter(name=text).first()


def organisation_get(ref: Any, *, field: str = "organisation") -> Organisation:
    """:func:`organisation_find`, or :class:`InputError` naming the field and the value."""
    org = organisation_find(ref)
    if org is None:
        raise InputError(
            [
                problem(
                    "organisation_unknown",
                    gettext_noop(
                        "unknown organisation (expected its id, enterprise number or exact name)"
                    ),
                    field=field,
                    value=str(ref),
                )
            ]
        )
    return org


@transaction.atomic
def organisation_create(
    *,
    name: str,
    enterprise_number: str = "",
    side: str = "bedrijfsleven",
    refnis: str = "",
    nace_code: str = "",
    employee_class: str = "",
) -> Organisation:
    """Create an organisation; every field is checked (an unknown REFNIS is refused, not
    dropped) and all problems are reported together."""
    problems: list[Problem] = []
    municipality = None
    if refnis:
        municipality = Municipality.objects.filter(refnis=refnis.strip()).first()
        if municipality is None:
            problems.append(
                problem(
                    "municipality_unknown",
                    gettext_noop("unknown municipality (expected a REFNIS code such as 24062)"),
                    field="refnis",
                    value=refnis,
                )
            )
    org = Organisation(
        name=name.strip(),
        enterprise_number=enterprise_number.strip(),
        side=side,
        nace_code=nace_code.strip(),
        employee_class=employee_class.strip(),
        municipality=municipality,
    )
    try:
        org.full_clean()
    except ValidationError as e:
        problems += [
            Problem(" ".join(str(m) for m in msgs), field=f, value=getattr(org, f, None))
            for f, msgs in e.message_dict.items()
        ]
    if problems:
        raise InputError(problems)
    org.save()
    return org


@transaction.atomic
def membership_add(*, organisation: Organisation, user: Any, role: str | None = None) -> Membership:
    """Make ``user`` a member of ``organisation`` (idempotent): a new member gets ``role``
    (default "member"); an existing one keeps theirs unless ``role`` is given."""
    if role is not None and role not in OrgRole.values:
        raise InputError.coded(
            "role_unknown", ROLE_UNKNOWN, field="role", value=role, roles=", ".join(OrgRole.values)
        )
    membership, created = Membership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": role or OrgRole.MEMBER}
    )
    if not created and role is not None and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership
