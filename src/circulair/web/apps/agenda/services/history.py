"""The register's change history: snapshots, diffs and the ChangeLog written by every write."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from circulair.web.apps.agenda.models import (
    ChangeLog,
)
from circulair.web.apps.knowledge.models import Record

log = logging.getLogger(__name__)


# --- history -------------------------------------------------------------------------------
def _label(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Record):
        return value.slug
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(_label(v)) for v in value)
    return str(value)


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        if f in ("r_strategies", "partners"):
            out[f] = _label(list(getattr(obj, f).all())) if obj.pk else []
        elif f == "figures":
            out[f] = [str(r) for r in obj.figures.all()] if obj.pk else []
        else:
            out[f] = _label(getattr(obj, f))
    return out


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _log(obj: Any, action: str, changes: dict[str, list[Any]], user: Any) -> None:
    if not changes and action == "update":
        return
    ChangeLog.objects.create(
        model=type(obj).__name__.lower(),
        object_id=obj.pk,
        action=action,
        changes=changes,
        user=user if getattr(user, "is_authenticated", False) else None,
    )
