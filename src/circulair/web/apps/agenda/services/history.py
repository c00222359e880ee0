"""The register's snapshots: labelled field values that every write diffs and records in the
platform's change log (:mod:`circulair.web.apps.common.history`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from circulair.web.apps.knowledge.models import Record

log = logging.getLogger(__name__)


# --- snapshots -------------------------------------------------------------------------------
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
