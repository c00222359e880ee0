"""Writes of the circular scan: publish questionnaire versions, start rounds, save answers,
submit (freeze and score); survey exports are imported by :mod:`.imports`.

Rules (shown to users on the scan pages and in docs/scan.md):
- Only members of a government organisation (side ``overheid``) can start, fill in and submit
  its scan; every member is a contributor.
- One response per organisation and round (year). A submitted response is frozen; the next
  round starts a new response (for a later year) with the latest questionnaire version.
- Only complete responses are scored; the score is computed when submitting and stored in full
  precision, with the questionnaire version it was computed with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from circulair.core.errors import InputError, gettext_noop
from circulair.core.scan import (
    Questionnaire,
    ScanScore,
    parse_questionnaire,
    score,
    validate_answers,
)
from circulair.core.scan.questionnaire import available_versions, default_scan_dir
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import change_record
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.writes import validated_create
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.scan.models import QuestionnaireVersion, Response


def _digest(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def questionnaire_publish(
    *, raw: Mapping[str, Any], name: str
) -> tuple[QuestionnaireVersion, bool]:
    """Store a questionnaire version after validating it; returns (version, created).

    A published version is immutable: publishing different content under an existing
    (code, version) is refused, because stored answers were given to that exact text.
    """
    q = parse_questionnaire(dict(raw), name)
    digest = _digest(raw)
    existing = QuestionnaireVersion.objects.filter(code=q.id, version=q.version).first()
    if existing is not None:
        if existing.sha256 != digest:
            raise InputError.single(
                "this version is already published with other content; publish it as a new "
                "version (answers already given must keep their text)",
                file=name,
                field="version",
                value=q.version,
            )
        return existing, False
    qv = QuestionnaireVersion.objects.create(
        code=q.id,
        version=q.version,
        title_nl=q.title.get("nl", ""),
        title_en=q.title.get("en", ""),
        content=dict(raw),
        sha256=digest,
    )
    return qv, True


def questionnaire_sync(directory: Path | None = None) -> dict[str, int]:
    """Publish every shipped questionnaire version not yet stored (part of the reference data)."""
    d = directory or default_scan_dir()
    created = 0
    for v in available_versions(d):
        path = d / f"questionnaire-v{v}.yaml"
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        _qv, new = questionnaire_publish(raw=raw, name=path.name)
        created += int(new)
    return {"questionnaire_versions": created}


@lru_cache(maxsize=32)
def _parsed(pk: int, digest: str) -> Questionnaire:
    qv = QuestionnaireVersion.objects.get(pk=pk)
    return parse_questionnaire(qv.content, f"{qv.code}-v{qv.version}")


def questionnaire_of(qv: QuestionnaireVersion) -> Questionnaire:
    """The parsed questionnaire of a stored version (cached by content checksum)."""
    return _parsed(qv.pk, qv.sha256)


def latest_questionnaire(code: str | None = None) -> QuestionnaireVersion:
    qs = QuestionnaireVersion.objects.all()
    if code:
        qs = qs.filter(code=code)
    qv = qs.order_by("-version").first()
    if qv is None:
        raise InputError.single(
            "no questionnaire is published; run 'circulair setup'", field="questionnaire"
        )
    return qv


def _require_contributor(user: Any, organisation: Organisation) -> None:
    if not permissions.can(user, "scan.organisation.act", organisation):
        raise InputError.single(
            "only members of this organisation can fill in its scan",
            field="organisation",
            value=organisation.name,
        )


def response_start(
    *,
    user: Any,
    organisation: Organisation,
    year: int,
    questionnaire: QuestionnaireVersion | None = None,
    check_member: bool = True,
) -> Response:
    """Start a round for a government; refuses a second response for the same year and a new
    round while an earlier round is still in progress."""
    if check_member:
        _require_contributor(user, organisation)
    if organisation.side != Organisation.Side.GOVERNMENT:
        raise InputError.single(
            "the scan is for local governments (organisations of the government side)",
            field="organisation",
            value=organisation.name,
        )
    if not 2000 <= year <= 2100:
        raise InputError.coded(
            "year_range",
            gettext_noop("expected a year between 2000 and 2100"),
            field="year",
            value=year,
        )
    rounds = Response.objects.filter(organisation=organisation)
    if rounds.filter(year=year).exists():
        raise InputError.single(
            "this organisation already has a scan for this year; a new round starts the next year",
            field="year",
            value=year,
        )
    open_round = rounds.filter(status=Response.Status.DRAFT).first()
    if open_round is not None:
        raise InputError.single(
            f"the {open_round.year} round is still in progress: submit it first",
            field="year",
            value=year,
        )
    if rounds.filter(year__gt=year).exists():
        raise InputError.single("a later round already exists", field="year", value=year)
    qv = questionnaire or latest_questionnaire()
    return validated_create(
        Response,
        organisation=organisation,
        questionnaire=qv,
        year=year,
        created_by=acting_user(user),
    )


def answers_save(
    *, user: Any, response: Response, answers: Mapping[str, Any], check_member: bool = True
) -> list[str]:
    """Save some answers (a step of the form, or an API patch); returns the missing ids.

    Values are checked against the response's own questionnaire version; one bad value refuses
    the whole save, with one problem per bad answer. A blank value (None or empty text) clears
    the answer. The changed answers are recorded, old → new, in the platform's change log.
    """
    if check_member:
        _require_contributor(user, response.organisation)
    if response.is_submitted:
        raise InputError.single(
            "this scan is submitted and frozen; start the next round for new answers",
            field="status",
            value=response.status,
        )
    q = questionnaire_of(response.questionnaire)
    merged = dict(response.answers or {})
    changes: list[tuple[str, Any, Any]] = []
    for qid, value in answers.items():
        v = None if value is None or (isinstance(value, str) and not value.strip()) else value
        if isinstance(v, list) and not v:
            v = None
        old = merged.get(qid)
        if v == old:
            continue
        changes.append((qid, old, v))
        if v is None:
            merged.pop(qid, None)
        else:
            merged[qid] = v

    missing = validate_answers(q, merged)  # raises InputError naming every bad answer
    with transaction.atomic():
        response.answers = merged
        response.save(update_fields=["answers", "updated_at"])
        if changes:
            change_record(response, "answer", {qid: [old, new] for qid, old, new in changes}, user)
    return missing


def score_to_json(s: ScanScore) -> dict[str, Any]:
    """Full-precision score for storage (ScanScore.as_dict rounds for display)."""
    return {
        "questionnaire": s.questionnaire,
        "version": s.version,
        "sections": s.sections,
        "domains": s.domains,
        "groups": s.groups,
        "overall": s.overall,
        "points": s.points,
        "government_type": s.government_type,
        "population": s.population,
    }


def score_from_json(d: Mapping[str, Any]) -> ScanScore:
    return ScanScore(
        questionnaire=d["questionnaire"],
        version=int(d["version"]),
        sections=dict(d["sections"]),
        domains=dict(d["domains"]),
        groups=dict(d["groups"]),
        overall=float(d["overall"]),
        points=dict(d.get("points") or {}),
        government_type=d.get("government_type"),
        population=d.get("population"),
    )


def response_submit(*, user: Any, response: Response, check_member: bool = True) -> Response:
    """Freeze a complete response and store its score.

    Raises InputError listing every unanswered required question when it is incomplete.
    """
    if check_member:
        _require_contributor(user, response.organisation)
    if response.is_submitted:
        raise InputError.single(
            "this scan is already submitted", field="status", value=response.status
        )
    s = score(questionnaire_of(response.questionnaire), response.answers or {})
    response.score = score_to_json(s)
    response.status = Response.Status.SUBMITTED
    response.submitted_at = timezone.now()
    response.submitted_by = acting_user(user)
    response.save(update_fields=["score", "status", "submitted_at", "submitted_by", "updated_at"])
    return response
