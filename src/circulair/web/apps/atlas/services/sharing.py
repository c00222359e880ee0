"""Sharing a siting run: with one organisation its owner belongs to, and/or by a link.

Only the run's owner or an administrator may share or stop sharing (``PermissionDenied``
otherwise: callers first fetch the run through :mod:`..selectors`, so a stranger has a 404
before reaching here). A new link replaces the old one, whose token stops working at once;
the token is returned once and only its hash is stored. Every write is one transaction, checked
with ``full_clean`` and written to the change log of the run (action ``share``).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from circulair.core.errors import InputError, gettext_noop
from circulair.web.apps.atlas.models import RunShare, share_token_hash
from circulair.web.apps.atlas.selectors import KINDS
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import change_record
from circulair.web.apps.common.mail import site_url
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.writes import validated_save
from circulair.web.apps.organisations.models import Organisation


def may_share(user: Any, job: Job) -> bool:
    """The run's owner and administrators decide who else sees it."""
    return permissions.can(user, "atlas.run.share", job)


def share_link(token: str) -> str:
    """The absolute share link of a token (``SITE_URL`` + ``/atlas/shared/<token>/``)."""
    return site_url(reverse("atlas:shared", args=[token]))


def _require(user: Any, job: Job) -> None:
    if job.kind not in KINDS:
        raise InputError.coded(
            "job_not_atlas", gettext_noop("not an atlas run"), field="job", value=job.pk
        )
    if not may_share(user, job):
        raise PermissionDenied(str(permissions.RULES["atlas.run.share"].refusal))


def _locked(job: Job) -> RunShare | None:
    return RunShare.objects.select_for_update().filter(job=job).first()


@transaction.atomic
def run_share_with_organisation(user: Any, job: Job, organisation: Organisation) -> RunShare:
    """Share ``job`` with the members of ``organisation``, which its owner must belong to (a run
    is shared with one organisation: this replaces an earlier one)."""
    _require(user, job)
    owner = job.created_by
    if owner is None or organisation.pk not in permissions.member_org_ids(owner):
        raise InputError.coded(
            "share_owner_not_member",
            gettext_noop("the run's owner is not a member of this organisation"),
            field="organisation",
            value=organisation.pk,
        )
    share = _locked(job) or RunShare(job=job, created_by=user)
    before = share.organisation.name if share.organisation is not None else None
    share.organisation = organisation
    validated_save(share)
    if before != organisation.name:
        change_record(job, "share", {"organisation": [before, organisation.name]}, user)
    return share


@transaction.atomic
def run_share_link_create(user: Any, job: Job) -> str:
    """A new share link for ``job``; returns its token (shown once: only its hash is kept). An
    earlier link stops working."""
    _require(user, job)
    share = _locked(job) or RunShare(job=job, created_by=user)
    had = bool(share.token_hash)
    token = secrets.token_urlsafe(32)
    share.token_hash = share_token_hash(token)
    validated_save(share)
    change_record(job, "share", {"link": ["replaced" if had else None, "created"]}, user)
    return token


@transaction.atomic
def run_share_stop(user: Any, job: Job) -> bool:
    """Stop sharing ``job``: with its organisation and by link. False if it was not shared."""
    _require(user, job)
    share = _locked(job)
    if share is None:
        return False
    changes: dict[str, list[Any]] = {}
    if share.organisation is not None:
        changes["organisation"] = [share.organisation.name, None]
    if share.token_hash:
        changes["link"] = ["active", None]
    share.delete()
    change_record(job, "share", changes or {"share": ["empty", None]}, user)
    return True
