"""Survey exports imported in bulk: one row per government and round, checked in one streaming
pass and written in one short transaction (issue 16).

Why its own path: a national survey export can hold hundreds of thousands of rounds; starting,
saving and submitting them one by one (the form's path, with its queries per round) ran at about
150 rows a second. Here every organisation and round is looked up once, the checked rows wait on
disk (:class:`~circulair.web.apps.common.writes.Spool`) and are written by
:class:`~circulair.web.apps.common.writes.Inserter`. The round rules are those of
:func:`~circulair.web.apps.scan.services.response_start`: one response per organisation and
year, no new round while an earlier one is in progress, none before a later one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circulair.core.errors import (
    FILE_EMPTY,
    IMPORT_LISTED,
    InputError,
    Problem,
    ProblemCollector,
    gettext_noop,
    problem,
)
from circulair.core.scan import Questionnaire, score, validate_answers
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import changes_insert
from circulair.web.apps.common.jobs import Progress
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.tables import Source, iter_table
from circulair.web.apps.common.uploads import READING, import_job, import_start, upload_keep
from circulair.web.apps.common.writes import Inserter, Spool
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.organisations.models import Organisation, validate_enterprise_number
from circulair.web.apps.scan.models import QuestionnaireVersion, Response
from circulair.web.apps.scan.services import latest_questionnaire, questionnaire_of, score_to_json

log = logging.getLogger(__name__)

IMPORT_COLUMNS = ("organisation", "enterprise_number", "refnis", "year")
TRUE_WORDS = {"ja", "yes", "j", "y", "1", "true", "waar"}
FALSE_WORDS = {"nee", "no", "n", "0", "false", "onwaar"}

#: The columns of an imported round, in :class:`Inserter` order.
RESPONSE_ROW = (
    "organisation_id",
    "year",
    "status",
    "answers",
    "score",
    "submitted_at",
    "submitted_by_id",
)
ORGANISATION_ROW = ("name", "enterprise_number", "municipality_id")

YEAR_RANGE = gettext_noop("expected a year between 2000 and 2100")


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


class _Organisations:
    """The organisations of an import: the existing ones found once by enterprise number, then
    by name (case-insensitive), and the new ones the file introduces, numbered from -1 down so
    that a later row of the same government finds the same new organisation."""

    def __init__(self) -> None:
        self.by_number: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.side: dict[int, str] = {}
        self.without_place: set[int] = set()
        for pk, name, number, side, place in Organisation.objects.order_by("pk").values_list(
            "pk", "name", "enterprise_number", "side", "municipality_id"
        ):
            if number:
                self.by_number.setdefault(number, pk)
            self.by_name.setdefault(name.lower(), pk)
            self.side[pk] = side
            if place is None:
                self.without_place.add(pk)
        self.new = Spool()
        self.new_names: list[str] = []  # the first IMPORT_LISTED, for the report
        self.place: dict[int, int] = {}

    def ref(self, name: str, number: str, place: int | None) -> int:
        """The organisation a row names: an existing id, or a new one's negative number."""
        ref = self.by_number.get(number) if number else None
        if ref is None:
            ref = self.by_name.get(name.lower())
        if ref is None:
            ref = -(self.new.count + 1)
            self.new.add((name, number, place))
            if len(self.new_names) < IMPORT_LISTED:
                self.new_names.append(name)
            if number:
                self.by_number[number] = ref
            self.by_name[name.lower()] = ref
        elif ref > 0 and place is not None and ref in self.without_place:
            self.place[ref] = place
        return ref

    def placed(self) -> dict[int, list[int]]:
        """Existing organisations without a municipality that the file places, by place."""
        out: dict[int, list[int]] = {}
        for pk, place in self.place.items():
            out.setdefault(place, []).append(pk)
        return out


class _Rounds:
    """The rounds already stored per organisation: years, the latest, the one in progress."""

    def __init__(self) -> None:
        self.years: dict[int, set[int]] = {}
        self.draft: dict[int, int] = {}
        for org, year, status in Response.objects.values_list("organisation_id", "year", "status"):
            self.years.setdefault(org, set()).add(year)
            if status == Response.Status.DRAFT:
                self.draft[org] = year

    def check(self, org: int, rounds: list[tuple[int, int, bool]]) -> Iterator[Problem]:
        """Problems of the file's rounds ``(year, line, complete)`` of one organisation."""
        stored = self.years.get(org, set())
        latest = max(stored, default=0)
        draft = self.draft.get(org)
        for year, line, complete in sorted(rounds):
            if year in stored:
                yield problem(
                    "scan_round_exists",
                    gettext_noop(
                        "this organisation already has a scan for this year; "
                        "a new round starts the next year"
                    ),
                    row=line,
                    field="year",
                    value=year,
                )
            elif draft is not None:
                yield problem(
                    "scan_round_open",
                    gettext_noop("the %(year)s round is still in progress: submit it first"),
                    row=line,
                    field="year",
                    value=year,
                    year=draft,
                )
            elif latest > year:
                yield problem(
                    "scan_round_later",
                    gettext_noop("a later round already exists"),
                    row=line,
                    field="year",
                    value=year,
                )
            if not complete:
                draft = year
            latest = max(latest, year)


def survey_import(
    *,
    content: Source,
    file_name: str,
    user: Any = None,
    questionnaire: QuestionnaireVersion | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import a survey export: one row per government and round, one column per question id.

    Columns: ``organisation`` (name, required), ``enterprise_number`` (optional; matched first),
    ``refnis`` (optional municipality, for the by-province view), ``year`` (required), then the
    question ids of the questionnaire version (multiple choices separated by ';', yes/no as
    ja/nee/yes/no/1/0). Unknown organisations are created on the government side. Complete rows
    are submitted (scored); incomplete rows are kept as rounds in progress and reported (the
    first :data:`IMPORT_LISTED` of them; ``in_progress_count`` counts all).
    All-or-nothing: any bad cell refuses the whole file, naming file, line, column and value;
    the file is kept with its outcome either way. A signed-in ``user`` needs the rule
    ``scan.survey.import``; without one (the CLI) the machine's operator imports."""
    if acting_user(user) is not None:
        permissions.require(user, "scan.survey.import")
    qv = questionnaire or latest_questionnaire()
    started = time.perf_counter()
    orgs = _Organisations()
    with orgs.new, Spool() as spool:
        try:
            out = _check(content, file_name, questionnaire_of(qv), orgs, spool)
        except InputError as e:
            upload_keep(purpose="scan-import", name=file_name, content=content, user=user, error=e)
            raise
        checked = time.perf_counter()
        if progress is not None:
            progress(READING, "storing")
        with transaction.atomic():
            up = upload_keep(purpose="scan-import", name=file_name, content=content, user=user)
            created = _write(orgs, spool, qv, user, up, file_name)
    log.info(
        "scan survey import %s: %d rows, checked in %.1f s, written in %.1f s",
        file_name,
        out["rows"],
        checked - started,
        time.perf_counter() - checked,
    )
    return {
        **out,
        "organisations_created": created,
        "organisations_created_count": orgs.new.count,
        "questionnaire": f"{qv.code} v{qv.version}",
    }


def _header_problems(header: list[str], file: str, q: Questionnaire) -> list[Problem]:
    out = [
        problem(
            "column_required",
            gettext_noop("required column is missing"),
            file=file,
            row=1,
            field=col,
        )
        for col in ("organisation", "year")
        if col not in header
    ]
    known = {x.id for x in q.questions}
    out += [
        problem(
            "scan_column_unknown",
            gettext_noop("not a question of %(questionnaire)s nor one of %(columns)s"),
            file=file,
            row=1,
            field=col,
            questionnaire=f"{q.id} v{q.version}",
            columns=", ".join(IMPORT_COLUMNS),
        )
        for col in header
        if col not in known and col not in IMPORT_COLUMNS
    ]
    return out


def _check(
    content: Source, file: str, q: Questionnaire, orgs: _Organisations, spool: Spool
) -> dict[str, Any]:
    """Check every row (spooling the good ones); the counts, or an InputError naming them all."""
    header, rows = iter_table(content, file)
    problems = ProblemCollector(IMPORT_LISTED, file=file)
    problems.extend(_header_problems(header, file, q))
    problems.raise_if_any()
    questions = [(c, x) for x in q.questions for c in header if c == x.id]
    places = dict(Municipality.objects.values_list("refnis", "pk"))
    unanswered = validate_answers(q, {})  # a row without answers: every required question
    rounds: dict[int, Any] = {}
    drafts: list[dict[str, Any]] = []
    count = submitted = in_progress = 0
    for line, row in rows:
        count += 1
        rp: list[Problem] = []
        name = (row.get("organisation") or "").strip()
        number = (row.get("enterprise_number") or "").strip()
        refnis = (row.get("refnis") or "").strip()
        place = places.get(refnis) if refnis else None
        if not name:
            rp.append(
                problem(
                    "scan_organisation_required",
                    gettext_noop("an organisation name is required"),
                    field="organisation",
                )
            )
        elif len(name) > 200:
            rp.append(
                problem(
                    "text_too_long",
                    gettext_noop("at most %(n)d characters (this has %(got)d)"),
                    field="organisation",
                    value=name[:40] + "…",
                    n=200,
                    got=len(name),
                )
            )
        if refnis and place is None:
            rp.append(
                problem(
                    "refnis_unknown",
                    gettext_noop("not a municipality REFNIS code of this region"),
                    field="refnis",
                    value=refnis,
                )
            )
        raw_year = (row.get("year") or "").strip()
        year = int(raw_year) if raw_year.isdigit() else 0
        if not 2000 <= year <= 2100:
            rp.append(problem("year_range", YEAR_RANGE, field="year", value=row.get("year")))
        answers = {}
        for col, question in questions:
            v = _cell_value(question, row.get(col) or "")
            if v is not None:
                answers[col] = v
        try:
            missing = validate_answers(q, answers) if answers else unanswered
        except InputError as e:
            rp.extend(e.problems)
            missing = []
        ref = None
        if name and not rp:
            ref = orgs.by_number.get(number) if number else None
            if ref is None and orgs.by_name.get(name.lower()) is None and number:
                try:
                    validate_enterprise_number(number)
                except ValidationError as e:
                    rp.append(
                        Problem(" ".join(e.messages), field="enterprise_number", value=number)
                    )
            if not rp:
                ref = orgs.ref(name, number, place)
                if ref > 0 and orgs.side[ref] != Organisation.Side.GOVERNMENT:
                    rp.append(
                        problem(
                            "scan_not_government",
                            gettext_noop(
                                "the scan is for local governments "
                                "(organisations of the government side)"
                            ),
                            field="organisation",
                            value=name,
                        )
                    )
        if ref is not None and not rp:
            entry = (year, line, not missing)
            known = rounds.get(ref)
            if known is None:
                rounds[ref] = entry
            else:
                known = [known] if isinstance(known, tuple) else known
                first = next((ln for y, ln, _c in known if y == year), None)
                if first is not None:
                    rp.append(
                        problem(
                            "scan_round_twice",
                            gettext_noop("the same organisation and year as line %(line)s"),
                            field="organisation",
                            value=name,
                            line=first,
                        )
                    )
                known.append(entry)
                rounds[ref] = known
        if rp:
            problems.extend(p.at(file=file, row=line) for p in rp)
            continue
        if problems:
            continue
        if missing:
            in_progress += 1
            if len(drafts) < IMPORT_LISTED:
                drafts.append({"line": line, "organisation": name, "missing": missing})
            spool.add((ref, year, answers, None))
        else:
            submitted += 1
            spool.add((ref, year, answers, score_to_json(score(q, answers))))
    if not count:
        problems.add(problem("file_empty", FILE_EMPTY, file=file))
    problems.raise_if_any()
    stored = _Rounds()
    for ref, known in rounds.items():
        listed = [known] if isinstance(known, tuple) else known
        if ref < 0 and len(listed) == 1:
            continue  # a new government's one round: nothing to check
        problems.extend(p.at(file=file) for p in stored.check(ref, listed))
    problems.raise_if_any()
    return {
        "rows": count,
        "submitted": submitted,
        "in_progress": drafts,
        "in_progress_count": in_progress,
    }


def _write(
    orgs: _Organisations,
    spool: Spool,
    qv: QuestionnaireVersion,
    user: Any,
    upload: Any,
    file_name: str,
) -> list[str]:
    """Write the new organisations, then the rounds (submitted ones with their score), each
    round with one "imported" entry in the change log naming the upload; the names of the
    organisations created (the first :data:`IMPORT_LISTED`)."""
    by = getattr(acting_user(user), "pk", None)
    entry = {"upload": [None, upload.pk], "file": [None, file_name]}
    new_ids: list[int] = []
    writer = Inserter(Organisation, ORGANISATION_ROW, side=Organisation.Side.GOVERNMENT)
    for chunk in orgs.new.chunks():  # logged through their rounds' entries (same upload)
        new_ids.extend(writer.insert(chunk))
    rounds = Inserter(
        Response, RESPONSE_ROW, questionnaire_id=qv.pk, created_by_id=by, source="import"
    )
    now = timezone.now()
    for place, pks in orgs.placed().items():
        Organisation.objects.filter(pk__in=pks).update(municipality_id=place)
    for chunk in spool.chunks():
        rows = []
        for ref, year, answers, scored in chunk:
            org = new_ids[-ref - 1] if ref < 0 else ref
            rows.append(
                (
                    org,
                    year,
                    Response.Status.SUBMITTED if scored else Response.Status.DRAFT,
                    answers,
                    scored,
                    now if scored else None,
                    by if scored else None,
                )
            )
        ids = rounds.insert(rows)
        changes_insert(Response, ids, "import", entry, user=user, upload=upload)
    return orgs.new_names


IMPORT_KIND = "scan.import"


def survey_import_start(*, user: Any, content: Source, file_name: str) -> Job:
    """Queue a large survey export (a national one holds hundreds of thousands of rounds);
    ``/jobs/<id>/`` follows it. The permission is checked now and again by the worker."""
    permissions.require(user, "scan.survey.import")
    return import_start(IMPORT_KIND, content=content, file_name=file_name, user=user)


def survey_import_outcome(result: dict[str, Any]) -> str:
    """The sentence a finished survey import ends with, in the reader's language."""
    return _(
        "Imported %(rows)d rounds: %(submitted)d submitted, %(open)d in progress; "
        "%(created)d organisations created."
    ) % {
        "rows": result.get("rows", 0),
        "submitted": result.get("submitted", 0),
        "open": result.get("in_progress_count", 0),
        "created": result.get("organisations_created_count", 0),
    }


@import_job(
    IMPORT_KIND, title=gettext_lazy("Import of a survey export"), outcome=survey_import_outcome
)
def survey_import_run(
    stream: IO[bytes], params: dict[str, Any], user: Any, progress: Progress
) -> dict[str, Any]:
    """The worker's side: the same import, as the account that uploaded the file; the result
    keeps the counts and leads to the coordination overview (the lists stay out of the job)."""
    out = survey_import(
        content=stream, file_name=str(params["file_name"]), user=user, progress=progress
    )
    return {
        "rows": out["rows"],
        "submitted": out["submitted"],
        "in_progress_count": out["in_progress_count"],
        "organisations_created_count": out["organisations_created_count"],
        "questionnaire": out["questionnaire"],
        "url": reverse("scan:coordination"),
    }
