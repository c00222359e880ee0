"""Writes of one case: create, edit, publish, withdraw, archive, add an image."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from circulair.core.errors import InputError, Problem
from circulair.web.apps.doers.models import Case, CaseImage
from circulair.web.apps.doers.services.access import _require_edit, can_publish, is_staff
from circulair.web.apps.doers.services.search_index import case_terms_sync
from circulair.web.apps.doers.services.validation import _validate, case_search_text

log = logging.getLogger(__name__)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "case"
    slug, n = base, 1
    while Case.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(case: Case, clean: dict[str, Any]) -> None:
    m2m = {k: clean.pop(k) for k in ("agendas", "r_strategies") if k in clean}
    for k, v in clean.items():
        setattr(case, k, v)
    if case.organisation is not None and not case.organisation_name:
        case.organisation_name = case.organisation.name
    if not case.slug:
        case.slug = _unique_slug(case.title)
    case.search_text = case_search_text(case)
    case.full_clean()
    case.save()
    case_terms_sync([case.pk])
    for k, v in m2m.items():
        getattr(case, k).set(v)


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def case_create(*, user: Any, data: dict[str, Any]) -> Case:
    """Create a draft case for an organisation the user belongs to (staff: any or none)."""
    if user is not None and not getattr(user, "is_authenticated", False):
        raise PermissionDenied("log in to add a case")
    problems: list[Problem] = []
    if not is_staff(user) and not data.get("organisation"):
        problems.append(Problem("choose one of your organisations", field="organisation"))
    clean = _validate(data, user, problems)
    if problems:
        raise InputError(problems)
    case = Case(
        created_by=user if getattr(user, "is_authenticated", False) else None,
        origin=Case.Origin.USER,
        status=Case.Status.DRAFT,
    )
    _apply(case, clean)
    log.info("case created: %s", case.slug)
    return case


@transaction.atomic
def case_update(*, user: Any, case: Case, data: dict[str, Any]) -> Case:
    """Change a case; a seeded case edited by a user is no longer refreshed by the seeding."""
    _require_edit(user, case)
    problems: list[Problem] = []
    if not is_staff(user) and "organisation" in data and not data["organisation"]:
        problems.append(Problem("choose one of your organisations", field="organisation"))
    clean = _validate(data, user, problems, case)
    if problems:
        raise InputError(problems)
    if case.origin == Case.Origin.DATA:
        case.origin = Case.Origin.EDITED
    _apply(case, clean)
    return case


def _set_status(case: Case, status: str) -> Case:
    case.status = status
    if status == Case.Status.PUBLISHED and case.published_at is None:
        case.published_at = timezone.now()
    case.save(update_fields=["status", "published_at", "updated_at"])
    return case


def case_publish(*, user: Any, case: Case) -> Case:
    """Make a case public (staff only: the catalogue is edited)."""
    if not can_publish(user):
        raise PermissionDenied("only staff publish cases")
    problems = []
    if not case.summary:
        problems.append(Problem("a published case needs a summary", field="summary"))
    if problems:
        raise InputError(problems)
    return _set_status(case, Case.Status.PUBLISHED)


def case_unpublish(*, user: Any, case: Case) -> Case:
    """Back to draft: staff, or a member of the case's organisation withdrawing it."""
    _require_edit(user, case)
    return _set_status(case, Case.Status.DRAFT)


def case_archive(*, user: Any, case: Case) -> Case:
    if not can_publish(user):
        raise PermissionDenied("only staff archive cases")
    return _set_status(case, Case.Status.ARCHIVED)


def case_image_add(*, user: Any, case: Case, image: Any, caption: str = "") -> CaseImage:
    """Keep an uploaded image with the case (stored under MEDIA_ROOT/doers/)."""
    _require_edit(user, case)
    img = CaseImage(case=case, image=image, caption=caption[:200], position=case.images.count())
    img.full_clean()
    img.save()
    return img
