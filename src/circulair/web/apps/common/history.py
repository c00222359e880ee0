"""The platform's one change log: every app records its changes here and reads them back here.

A change names its record by content type and id, so a deleted record keeps its history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from circulair.web.apps.common.models import Change, Upload
from circulair.web.apps.common.permissions import acting_user


def changes_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def change_record(
    obj: Model,
    action: str,
    changes: Mapping[str, list[Any]],
    user: Any = None,
    *,
    upload: Upload | None = None,
) -> Change | None:
    """Write one change of ``obj``; an update that changed nothing writes nothing."""
    if not changes and action == "update":
        return None
    return Change.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        action=action,
        changes=dict(changes),
        user=acting_user(user),
        upload=upload,
    )


def changes_record(
    entries: Iterable[tuple[Model, str, Mapping[str, list[Any]]]],
    *,
    user: Any = None,
    upload: Upload | None = None,
) -> int:
    """Write many changes in one query (imports, a form step's answers); returns how many."""
    rows = [
        Change(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            action=action,
            changes=dict(changes),
            user=acting_user(user),
            upload=upload,
        )
        for obj, action, changes in entries
        if changes or action != "update"
    ]
    Change.objects.bulk_create(rows)
    return len(rows)


def history_of(obj_or_model: Model | type[Model], object_id: int | None = None) -> QuerySet[Change]:
    """The changes of one record, newest first (a model class and an id for a deleted one)."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    pk = object_id if object_id is not None else obj_or_model.pk
    return Change.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=pk
    ).select_related("user")


def history_latest_id(app_label: str) -> int:
    """The id of the newest change to any record of an app (0 if none): a cheap version stamp."""
    latest = (
        Change.objects.filter(content_type__app_label=app_label)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return latest or 0
