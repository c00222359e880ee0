"""Reads of the register's change log: an object's history and the register's version."""

from __future__ import annotations

from django.db.models import QuerySet

from circulair.web.apps.agenda.models import ChangeLog


def history(model: str, object_id: int) -> QuerySet[ChangeLog]:
    return ChangeLog.objects.filter(model=model, object_id=object_id).select_related("user")


def register_version() -> int:
    """Id of the latest change to the register (every service write logs one)."""
    return ChangeLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
