"""History of back-office (Django admin) saves and deletions."""

from __future__ import annotations

import logging
from typing import Any

from circulair.web.apps.agenda.services.history import _snapshot
from circulair.web.apps.common.history import change_record, changes_diff

log = logging.getLogger(__name__)


# --- back-office edits ----------------------------------------------------------------------
def record_snapshot(obj: Any) -> dict[str, Any]:
    """Every stored field of a register record (M2M partners/R-strategies included), as the
    history shows them; used to log edits made in the Django admin."""
    fields = [
        f.name
        for f in obj._meta.concrete_fields
        if f.name != "id"
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]
    fields += [m.name for m in obj._meta.many_to_many if m.name in ("r_strategies", "partners")]
    return _snapshot(obj, fields)


def admin_change_log(*, obj: Any, before: dict[str, Any] | None, user: Any) -> None:
    """History entry for a back-office save (create when ``before`` is None) or deletion."""
    if before is None:
        change_record(obj, "create", changes_diff({}, record_snapshot(obj)), user)
    else:
        change_record(obj, "update", changes_diff(before, record_snapshot(obj)), user)


def admin_delete_log(*, obj: Any, user: Any) -> None:
    change_record(obj, "delete", {k: [v, None] for k, v in record_snapshot(obj).items()}, user)
