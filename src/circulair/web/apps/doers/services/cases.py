"""Writes of one case: create, edit, add an image (its status and review: ``review``)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from circulair.core.errors import InputError, Problem, gettext_noop, problem
from circulair.web.apps.common import permissions
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.doers.models import Case, CaseImage
from circulair.web.apps.doers.services.access import _require_edit, is_staff
from circulair.web.apps.doers.services.search_index import case_search_text, case_terms_sync
from circulair.web.apps.doers.services.validation import RESERVED_SLUGS, _validate

log = logging.getLogger(__name__)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "case"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Case.objects.filter(slug=slug).exists():
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
    # the R-strategies being set are indexed too (their search words)
    case.search_text = case_search_text(case, strategies=m2m.get("r_strategies"))
    case.full_clean()
    case.save()
    case_terms_sync([case.pk])
    for k, v in m2m.items():
        getattr(case, k).set(v)


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def case_create(*, user: Any, data: dict[str, Any]) -> Case:
    """Create a draft case for an organisation the user belongs to (staff: any or none)."""
    permissions.require(user, "doers.case.create")
    problems: list[Problem] = []
    if not is_staff(user) and not data.get("organisation"):
        problems.append(
            problem(
                "organisation_missing",
                gettext_noop("choose one of your organisations"),
                field="organisation",
            )
        )
    clean = _validate(data, user, problems)
    if problems:
        raise InputError(problems)
    case = Case(
        created_by=acting_user(user),
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
    # a moderator editing a case of no organisation (a seeded one) may leave it so
    if (
        not is_staff(user)
        and "organisation" in data
        and not data["organisation"]
        and case.organisation_id is not None
    ):
        problems.append(
            problem(
                "organisation_missing",
                gettext_noop("choose one of your organisations"),
                field="organisation",
            )
        )
    clean = _validate(data, user, problems, case)
    if problems:
        raise InputError(problems)
    if case.origin == Case.Origin.DATA:
        case.origin = Case.Origin.EDITED
    _apply(case, clean)
    return case


def case_image_add(*, user: Any, case: Case, image: Any, caption: str = "") -> CaseImage:
    """Keep an uploaded image with the case (stored under MEDIA_ROOT/doers/)."""
    _require_edit(user, case)
    img = CaseImage(case=case, image=image, caption=caption[:200], position=case.images.count())
    img.full_clean()
    img.save()
    return img
