"""The four-eyes rule on official figures: a second editor approves or rejects a pending batch.

Approving stores the batch's figures exactly as an ordinary import would (one change per figure
in the log, by the approver, with the upload); the batch's own history says who imported and who
decided. The importer never decides their own batch; an administrator counts as a second editor.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from circulair.core.errors import InputError
from circulair.core.monitor.model import Observation as CoreObservation
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import change_record
from circulair.web.apps.monitor.models import ImportBatch, Indicator
from circulair.web.apps.monitor.services import figures_store, notices

log = logging.getLogger(__name__)

REASON_MAX = 2000


def may_decide(user: Any, batch: ImportBatch) -> bool:
    """A monitor editor or an administrator other than the importer, while the batch waits."""
    return permissions.can(user, "monitor.batch.decide", batch)


def require_decider(user: Any, batch: ImportBatch) -> None:
    """Refuse (403) anyone but a second editor, before anything of the request is read."""
    permissions.require(user, "monitor.observations.import")
    if batch.status == ImportBatch.Status.PENDING:
        permissions.require(user, "monitor.batch.decide", batch)


def _pending(batch: ImportBatch) -> ImportBatch:
    """The batch locked for the decision; a batch decided meanwhile is refused."""
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportBatch.Status.PENDING:
        raise InputError.single(
            "this import was already decided", field="status", value=locked.status
        )
    return locked


def _figures(batch: ImportBatch) -> list[CoreObservation]:
    known = set(Indicator.objects.values_list("slug", flat=True))
    figures = [CoreObservation(**f) for f in batch.figures]
    gone = sorted({f.indicator for f in figures} - known)
    if gone:
        raise InputError.single(
            "an indicator of this import no longer exists", field="indicator", value=gone[0]
        )
    return figures


def batch_approve(*, user: Any, batch: ImportBatch) -> ImportBatch:
    """A second editor approves: the figures are stored and become public."""
    require_decider(user, batch)
    with transaction.atomic():
        batch = _pending(batch)
        report = figures_store(_figures(batch), user=user, upload=batch.upload)
        batch.status = ImportBatch.Status.APPROVED
        batch.decided_by, batch.decided_at = user, timezone.now()
        batch.created, batch.replaced = report.created, report.updated
        batch.unchanged = report.unchanged
        batch.save()
        change_record(
            batch,
            "approve",
            {"status": [ImportBatch.Status.PENDING, batch.status]},
            user,
            upload=batch.upload,
        )
    notices.batch_decided_notify(batch)
    log.info(
        "observations batch %s approved: %d new, %d replaced",
        batch.pk,
        report.created,
        report.updated,
    )
    return batch


def batch_reject(*, user: Any, batch: ImportBatch, reason: str) -> ImportBatch:
    """A second editor rejects, with a reason the importer reads; nothing is stored."""
    require_decider(user, batch)
    reason = (reason or "").strip()
    if not reason:
        raise InputError.single("give a reason for rejecting these figures", field="reason")
    if len(reason) > REASON_MAX:
        raise InputError.single(
            f"the reason is longer than {REASON_MAX} characters", field="reason"
        )
    with transaction.atomic():
        batch = _pending(batch)
        batch.status = ImportBatch.Status.REJECTED
        batch.decided_by, batch.decided_at = user, timezone.now()
        batch.reason = reason
        batch.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        change_record(
            batch,
            "reject",
            {"status": [ImportBatch.Status.PENDING, batch.status], "reason": [None, reason]},
            user,
            upload=batch.upload,
        )
    notices.batch_decided_notify(batch)
    log.info("observations batch %s rejected", batch.pk)
    return batch
