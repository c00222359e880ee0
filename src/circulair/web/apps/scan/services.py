"""Writes of the circular scan: publish questionnaire versions, start rounds, save answers,
submit (freeze and score), import survey exports.

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
import itertools
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from circulair.core.errors import InputError, Problem
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
from circulair.web.apps.common.tables import Source, iter_table
from circulair.web.apps.common.uploads import upload_keep
from circulair.web.apps.common.writes import validated_create
from circulair.web.apps.geography.models import Municipality
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
        raise InputError.single("expected a year between 2000 and 2100", field="year", value=year)
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


# --- survey import --------------------------------------------------------------------------

IMPORT_COLUMNS = ("organisation", "enterprise_number", "refnis", "year")
TRUE_WORDS = {"ja", "yes", "j", "y", "1", "true", "waar"}
FALSE_WORDS = {"nee", "no", "n", "0", "false", "onwaar"}


def _cell_value(q: Any, raw: str) -> Any:
    """Turn a survey-export cell into an answer of the question's type (None when blank)."""
    text = raw.strip()
    if not text:
        return None
    if q.type == "maturity":
        try:
            return int(text)
        except ValueError:
            return text
    if q.type == "yes_no":
        low = text.lower()
        return True if low in TRUE_WORDS else False if low in FALSE_WORDS else text
    if q.type == "number":
        try:
            n = float(text.replace(",", "."))
        except ValueError:
            return text
        return int(n) if n.is_integer() and q.integer else n
    if q.type == "choice" and q.multiple:
        return [p.strip() for p in text.split(";") if p.strip()]
    return text


def survey_import(
    *,
    content: Source,
    file_name: str,
    user: Any = None,
    questionnaire: QuestionnaireVersion | None = None,
) -> dict[str, Any]:
    """Import a survey export: one row per government and round, one column per question id.

    Columns: ``organisation`` (name, required), ``enterprise_number`` (optional; matched first),
    ``refnis`` (optional municipality, for the by-province view), ``year`` (required), then the
    question ids of the questionnaire version (multiple choices separated by ';', yes/no as
    ja/nee/yes/no/1/0). Unknown organisations are created on the government side. Complete rows
    are submitted (scored); incomplete rows are kept as rounds in progress and reported.
    All-or-nothing: any bad cell refuses the whole file, naming file, line, column and value.
    """

    try:
        out = _survey_import(
            content=content, file=file_name, user=user, questionnaire=questionnaire
        )
    except InputError as e:
        upload_keep(purpose="scan-import", name=file_name, content=content, user=user, error=e)
        raise
    upload_keep(purpose="scan-import", name=file_name, content=content, user=user)
    return out


def _survey_import(
    *, content: Source, file: str, user: Any, questionnaire: QuestionnaireVersion | None
) -> dict[str, Any]:
    header, rows = iter_table(content, file)
    first = next(rows, None)
    numbered = itertools.chain([first], rows) if first is not None else iter(())
    qv = questionnaire or latest_questionnaire()
    q = questionnaire_of(qv)
    known = {x.id: x for x in q.questions}
    problems: list[Problem] = []
    if first is None:
        raise InputError.single("the file has no data rows", file=file)
    for col in ("organisation", "year"):
        if col not in header:
            problems.append(Problem("required column is missing", file=file, row=1, field=col))
    for col in header:
        if col not in known and col not in IMPORT_COLUMNS:
            problems.append(
                Problem(
                    f"not a question of {q.id} v{q.version} nor one of {', '.join(IMPORT_COLUMNS)}",
                    file=file,
                    row=1,
                    field=col,
                )
            )
    if problems:
        raise InputError(problems)
    municipalities = {m.refnis: m for m in Municipality.objects.all()}
    parsed: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    seen: dict[tuple[str, int], int] = {}
    for line, row in numbered:
        meta: dict[str, Any] = {}
        name = (row.get("organisation") or "").strip()
        if not name:
            problems.append(
                Problem(
                    "an organisation name is required", file=file, row=line, field="organisation"
                )
            )
        meta["organisation"] = name
        meta["enterprise_number"] = (row.get("enterprise_number") or "").strip()
        refnis = (row.get("refnis") or "").strip()
        if refnis and refnis not in municipalities:
            problems.append(
                Problem(
                    "not a municipality REFNIS code of this region",
                    file=file,
                    row=line,
                    field="refnis",
                    value=refnis,
                )
            )
        meta["municipality"] = municipalities.get(refnis)
        try:
            year = int((row.get("year") or "").strip())
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(
                    "expected a year between 2000 and 2100",
                    file=file,
                    row=line,
                    field="year",
                    value=row.get("year"),
                )
            )
            year = 0
        meta["year"] = year
        key = (meta["enterprise_number"] or name.lower(), year)
        if name and year and key in seen:
            problems.append(
                Problem(
                    f"the same organisation and year as line {seen[key]}",
                    file=file,
                    row=line,
                    field="organisation",
                    value=name,
                )
            )
        seen[key] = line
        answers: dict[str, Any] = {}
        for col, cell in row.items():
            if col in known:
                v = _cell_value(known[col], cell or "")
                if v is not None:
                    answers[col] = v
        try:
            validate_answers(q, answers)
        except InputError as e:
            problems.extend(p.at(file=file, row=line) for p in e.problems)
        parsed.append((line, meta, answers))
    if problems:
        raise InputError(problems)
    submitted, drafts, created_orgs = 0, [], []
    with transaction.atomic():
        for line, meta, answers in sorted(parsed, key=lambda t: (t[1]["year"], t[0])):
            org = None
            if meta["enterprise_number"]:
                org = Organisation.objects.filter(
                    enterprise_number=meta["enterprise_number"]
                ).first()
            if org is None:
                org = Organisation.objects.filter(name__iexact=meta["organisation"]).first()
            if org is None:
                org = Organisation(
                    name=meta["organisation"],
                    enterprise_number=meta["enterprise_number"],
                    side=Organisation.Side.GOVERNMENT,
                    municipality=meta["municipality"],
                )
                try:
                    org.full_clean()
                except Exception as exc:  # ValidationError: name the row
                    raise InputError.single(
                        f"organisation not valid: {exc}",
                        file=file,
                        row=line,
                        field="enterprise_number",
                        value=meta["enterprise_number"],
                    ) from exc
                org.save()
                created_orgs.append(org.name)
            elif meta["municipality"] is not None and org.municipality_id is None:
                org.municipality = meta["municipality"]
                org.save(update_fields=["municipality"])
            try:
                r = response_start(
                    user=user,
                    organisation=org,
                    year=meta["year"],
                    questionnaire=qv,
                    check_member=False,
                )
            except InputError as e:
                raise InputError([p.at(file=file, row=line) for p in e.problems]) from e
            r.source = "import"
            r.save(update_fields=["source"])
            missing = answers_save(user=user, response=r, answers=answers, check_member=False)
            if missing:
                drafts.append({"line": line, "organisation": org.name, "missing": missing})
            else:
                response_submit(user=user, response=r, check_member=False)
                submitted += 1
    return {
        "rows": len(parsed),
        "submitted": submitted,
        "in_progress": drafts,
        "organisations_created": created_orgs,
        "questionnaire": f"{qv.code} v{qv.version}",
    }
