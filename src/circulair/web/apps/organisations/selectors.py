"""Who belongs to which organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from circulair.web.apps.organisations.models import Organisation


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation with its members (the operator's command line)."""
    return Organisation.objects.prefetch_related("members")


def organisations_of(user: Any) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(membership__user=user)


def organisation_ids_of(user: Any) -> set[int]:
    """Ids of the organisations ``user`` acts for (none for an anonymous visitor): the one
    definition of organisation membership every app uses."""
    return set(organisations_of(user).values_list("pk", flat=True))


def is_member(user: Any, organisation_id: int | None) -> bool:
    return (
        organisation_id is not None and organisations_of(user).filter(pk=organisation_id).exists()
    )
