"""Mail about imports under the four-eyes rule: to the editors who may approve a batch, and to
its importer once it is decided. Sent through the platform's one mail path; these are not
optional topics (a batch nobody hears of would wait for ever)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from circulair.web.apps.common import permissions
from circulair.web.apps.common.mail import mail_send, site_url
from circulair.web.apps.common.permissions import Role
from circulair.web.apps.monitor.models import ImportBatch


def batch_link(batch: ImportBatch) -> str:
    """The absolute link to a batch's page (where it is approved or rejected)."""
    return site_url(reverse("monitor:import_batch", args=[batch.pk]))


def reviewers(batch: ImportBatch) -> QuerySet[Any]:
    """Who is asked to decide: the other active monitor editors; when there is none, the
    administrators (who count as a second editor)."""
    importer = batch.created_by_id
    editors = permissions.holders(Role.MONITOR_EDITOR).exclude(pk=importer)
    if editors.exists():
        return editors
    return permissions.administrators().exclude(pk=importer)


def batch_pending_notify(batch: ImportBatch) -> int:
    """Ask every reviewer to approve or reject ``batch``; returns how many were mailed."""
    context = {"batch": batch, "importer": batch.created_by, "link": batch_link(batch)}
    return sum(mail_send("figures_pending", context, user=u) for u in reviewers(batch))


def batch_decided_notify(batch: ImportBatch) -> bool:
    """Tell the importer that a second editor approved (figures public) or rejected it."""
    context = {
        "batch": batch,
        "approved": batch.status == ImportBatch.Status.APPROVED,
        "decider": batch.decided_by,
        "link": batch_link(batch),
    }
    return mail_send("figures_decided", context, user=batch.created_by)
