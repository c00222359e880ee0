"""The status of a case and its review: submit a draft, approve it (publish) or send it back with
a remark, withdraw it to draft, archive it.

Members of the case's organisation edit their drafts and submit them for review; catalogue
moderators and administrators decide (approve = publish, send back, archive). Each change is
written to the change log, and the people concerned get an e-mail (topic: moderation): every
moderator when a draft waits, the author when it is decided. The row is locked while deciding,
so two moderators deciding at once do not both act (nor both mail the author).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from circulair.core.errors import InputError, gettext_noop, problem
from circulair.web.apps.accounts.models import Topic
from circulair.web.apps.common.history import change_record, changes_diff
from circulair.web.apps.common.mail import mail_send, site_url
from circulair.web.apps.doers.models import Case
from circulair.web.apps.doers.selectors.review import catalogue_moderators
from circulair.web.apps.doers.services.access import _require_edit, _require_moderator

log = logging.getLogger(__name__)

MAX_REMARK = 2000


def _state(case: Case) -> dict[str, Any]:
    """What the change log records of a case's status and review."""
    return {
        "status": case.status,
        "in_review": case.in_review,
        "moderation_remark": case.moderation_remark,
    }


def _lock(case: Case) -> None:
    """Re-read the status under a row lock (inside the caller's transaction)."""
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
    case.refresh_from_db(
        fields=["status", "published_at", "review_requested_at", "moderation_remark"]
    )


def _set_status(case: Case, status: str) -> Case:
    """Set the status; any decision ends a pending review (also the imports' publishing)."""
    case.status = status
    if status == Case.Status.PUBLISHED and case.published_at is None:
        case.published_at = timezone.now()
    if status != Case.Status.DRAFT:
        case.review_requested_at = None
        case.moderation_remark = ""
    case.save(
        update_fields=[
            "status",
            "published_at",
            "review_requested_at",
            "moderation_remark",
            "updated_at",
        ]
    )
    return case


def _record(case: Case, action: str, before: dict[str, Any], user: Any) -> None:
    changes = changes_diff(before, _state(case))
    if changes:
        change_record(case, action, changes, user)


def _require_summary(case: Case) -> None:
    if not case.summary:
        raise InputError(
            [
                problem(
                    "case_summary_missing",
                    gettext_noop("a published case needs a summary"),
                    field="summary",
                )
            ]
        )


def _link(name: str, case: Case) -> str:
    return site_url(reverse(name, args=[case.slug]))


def _tell_author(case: Case, user: Any, template: str, context: dict[str, Any]) -> None:
    """Mail the case's author about a decision (not when the author took it)."""
    author = case.created_by
    if author is None or (getattr(user, "pk", None) == author.pk):
        return
    mail_send(template, {"case": case, **context}, user=author, topic=Topic.MODERATION)


@transaction.atomic
def case_submit(*, user: Any, case: Case) -> Case:
    """Ask a moderator to publish a draft (its editors); the remark sent back before is cleared,
    and every catalogue moderator gets an e-mail with a link to the queue."""
    _require_edit(user, case)
    _lock(case)
    if case.status != Case.Status.DRAFT:
        raise InputError.coded(
            "case_not_draft", gettext_noop("only a draft is submitted for review"), field="status"
        )
    if case.in_review:
        raise InputError.coded(
            "case_in_review",
            gettext_noop("this draft already waits for a moderator"),
            field="status",
        )
    _require_summary(case)
    before = _state(case)
    case.review_requested_at = timezone.now()
    case.moderation_remark = ""
    case.save(update_fields=["review_requested_at", "moderation_remark", "updated_at"])
    _record(case, "submit", before, user)
    link = site_url(reverse("doers:review"))
    sent = 0
    for moderator in catalogue_moderators():
        if moderator.pk == getattr(user, "pk", None):
            continue
        sent += mail_send(
            "case_review_requested",
            {"case": case, "requester": user, "link": link},
            user=moderator,
            topic=Topic.MODERATION,
        )
    log.info("case submitted for review: %s (%d moderators mailed)", case.slug, sent)
    return case


@transaction.atomic
def case_send_back(*, user: Any, case: Case, remark: str) -> Case:
    """A moderator returns a draft to its author with a remark (required, at most
    ``MAX_REMARK`` characters), which the author reads on the case until the next submit."""
    _require_moderator(user)
    text = (remark or "").strip()
    if not text:
        raise InputError.coded(
            "remark_missing", gettext_noop("say what the author should change"), field="remark"
        )
    if len(text) > MAX_REMARK:
        raise InputError.coded(
            "text_too_long",
            gettext_noop("at most %(n)s characters"),
            field="remark",
            value=len(text),
            n=MAX_REMARK,
        )
    _lock(case)
    if case.status != Case.Status.DRAFT:
        raise InputError.coded(
            "case_not_draft",
            gettext_noop("only a draft is sent back"),
            field="status",
            value=case.status,
        )
    before = _state(case)
    case.review_requested_at = None
    case.moderation_remark = text
    case.save(update_fields=["review_requested_at", "moderation_remark", "updated_at"])
    _record(case, "send_back", before, user)
    _tell_author(case, user, "case_sent_back", {"remark": text, "link": _link("doers:edit", case)})
    return case


@transaction.atomic
def case_publish(*, user: Any, case: Case) -> Case:
    """Make a case public: approve a draft (moderators and administrators; the catalogue is
    edited). The author of an approved draft gets an e-mail with the public link."""
    _require_moderator(user)
    _lock(case)
    _require_summary(case)
    before = _state(case)
    _set_status(case, Case.Status.PUBLISHED)
    _record(case, "publish", before, user)
    if before["status"] == Case.Status.DRAFT:
        _tell_author(case, user, "case_approved", {"link": _link("doers:detail", case)})
    return case


@transaction.atomic
def case_unpublish(*, user: Any, case: Case) -> Case:
    """Back to draft: a moderator, or a member of the case's organisation withdrawing it."""
    _require_edit(user, case)
    _lock(case)
    before = _state(case)
    _set_status(case, Case.Status.DRAFT)
    _record(case, "unpublish", before, user)
    return case


@transaction.atomic
def case_archive(*, user: Any, case: Case) -> Case:
    _require_moderator(user)
    _lock(case)
    before = _state(case)
    _set_status(case, Case.Status.ARCHIVED)
    _record(case, "archive", before, user)
    return case
