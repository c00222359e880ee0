"""The platform's one change log: every app records its changes here and reads them back here.

A change names its record by content type and id, so a deleted record keeps its history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circulair.web.apps.common.models import Change, Upload
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.writes import Inserter

M = TypeVar("M", bound=Model)


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


def changes_insert(
    model: type[Model],
    ids: Sequence[int],
    action: str,
    changes: Mapping[str, list[Any]] | Sequence[Mapping[str, list[Any]]],
    *,
    user: Any = None,
    upload: Upload | None = None,
) -> int:
    """The change log of rows an import wrote with :class:`~.writes.Inserter`: one entry per
    id, the same ``changes`` for all (one mapping) or one each (a sequence aligned with ids)."""
    if not ids:
        return 0
    by = acting_user(user)
    fixed = {
        "content_type_id": ContentType.objects.get_for_model(model).pk,
        "action": action,
        "user_id": getattr(by, "pk", None),
        "upload_id": getattr(upload, "pk", None),
    }
    if isinstance(changes, Mapping):
        rows: list[tuple[Any, ...]] = [(pk,) for pk in ids]
        ins = Inserter(Change, ["object_id"], changes=dict(changes), **fixed)
    else:
        rows = [(pk, dict(c)) for pk, c in zip(ids, changes, strict=True)]
        ins = Inserter(Change, ["object_id", "changes"], **fixed)
    ins.insert(rows)
    return len(rows)


def imported(model: type[M], upload: Upload) -> QuerySet[M]:
    """The records of ``model`` an import wrote from ``upload`` (a query, in the file's order)."""
    ids = Change.objects.filter(
        upload=upload, action="import", content_type=ContentType.objects.get_for_model(model)
    ).values("object_id")
    return model._default_manager.filter(pk__in=ids).order_by("pk")


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


# --- history as sentences (a presenter shared by every page that shows a record's history) ---
#: What an entry's action code reads as on a page; an unknown code is shown as it is.
ACTION_LABELS: dict[str, Any] = {
    "create": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
    "status": gettext_lazy("status changed"),
    "import": gettext_lazy("imported"),
    "replace": gettext_lazy("replaced"),
    "answer": gettext_lazy("answered"),
    "approve": gettext_lazy("approved"),
    "reject": gettext_lazy("rejected"),
    "hide": gettext_lazy("hidden"),
    "unhide": gettext_lazy("shown again"),
    "share": gettext_lazy("shared"),
    "role": gettext_lazy("role changed"),
}


def _field(model: type[Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _slug_names(model: type[Model] | None, changes: Iterable[Change]) -> dict[str, dict[str, str]]:
    """Names of the slug-keyed records (knowledge records) the entries point to, per field: one
    query per related model, whatever the number of entries."""
    wanted: dict[str, set[str]] = {}
    for c in changes:
        for name, pair in c.changes.items():
            f = _field(model, name)
            related = getattr(f, "related_model", None)
            if related is not None and _field(related, "slug") is not None:
                values = pair if isinstance(pair, list) else [pair]
                flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
                wanted.setdefault(name, set()).update(x for x in flat if isinstance(x, str) and x)
    out: dict[str, dict[str, str]] = {}
    for name, slugs in wanted.items():
        related = _field(model, name).related_model
        out[name] = {
            str(o.slug): str(getattr(o, "name", o))
            for o in related._default_manager.filter(slug__in=slugs)
        }
    return out


def _display(field: Any, value: Any, names: Mapping[str, str]) -> str:
    """A stored value as people read it: yes/no, a choice's label, a record's name, a list."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(_display(field, v, names) for v in value)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    return names.get(str(value), str(value))


def _in_field_order(model: type[Model] | None, changes: Mapping[str, Any]) -> list[str]:
    """The changed fields in the model's own order, then any others by name: PostgreSQL's
    jsonb does not keep the order in which they were written."""
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model else {}
    return sorted(changes, key=lambda n: (order.get(n, len(order)), n))


def change_sentences(
    change: Change, model: type[Model] | None = None, names: Mapping[str, Any] | None = None
) -> list[str]:
    """Each field of one entry as a sentence in the active language, e.g. "status changed from
    planned to running", "public changed from no to yes", "title set to A1"; the field's
    verbose name and the choices' labels where the model has them."""
    model = (
        model
        if model is not None
        else ContentType.objects.get_for_id(change.content_type_id).model_class()
    )
    out = []
    for name in _in_field_order(model, change.changes):
        pair = change.changes[name]
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        f = _field(model, name)
        label = str(f.verbose_name) if f is not None and hasattr(f, "verbose_name") else name
        shown = (names or {}).get(name, {})
        args = {"field": label, "old": _display(f, old, shown), "new": _display(f, new, shown)}
        if args["old"] == "—":
            out.append(_("%(field)s set to %(new)s") % args)
        elif args["new"] == "—":
            out.append(_("%(field)s cleared (was %(old)s)") % args)
        else:
            out.append(_("%(field)s changed from %(old)s to %(new)s") % args)
    return out


def history_entries(changes: Iterable[Change]) -> list[dict[str, Any]]:
    """A record's history for a page: per entry when, who, what happened and its sentences.

    A create or delete reads "created"/"deleted" with the values it set; a status change of
    one field reads as its sentence alone ("status changed from planned to running")."""
    rows = list(changes)
    models = {
        c.content_type_id: ContentType.objects.get_for_id(c.content_type_id).model_class()
        for c in rows
    }
    names: dict[int, dict[str, dict[str, str]]] = {
        ct: _slug_names(m, [c for c in rows if c.content_type_id == ct]) for ct, m in models.items()
    }
    out = []
    for c in rows:
        model = models[c.content_type_id]
        sentences = change_sentences(c, model, names[c.content_type_id])
        if c.action in ("create", "delete"):
            summary = str(ACTION_LABELS[c.action])
        elif len(sentences) == 1:
            summary, sentences = sentences[0], []
        else:
            summary = str(ACTION_LABELS.get(c.action, c.action))
        out.append(
            {
                "at": c.at,
                "user": c.user,
                "action": c.action,
                "summary": summary,
                "details": sentences,
            }
        )
    return out
