"""Reads of the circular scan: whose responses a user sees, a response's peers and previous
round, and the network's per-government facts with the small-group rule (aggregates only).

Reads only: the report and the network view are shaped in ``presenters``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.http import Http404

from circulair.core.scan import Questionnaire, ScanScore
from circulair.core.scan.questionnaire import default_scan_dir
from circulair.web.apps.common import permissions
from circulair.web.apps.doers.models import Case
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.organisations.selectors import organisations_of
from circulair.web.apps.scan.models import QuestionnaireVersion, Response
from circulair.web.apps.scan.services import (
    latest_questionnaire,
    questionnaire_of,
    score_from_json,
)

#: Groups smaller than this show their count only (no mean, share or motives), so the network
#: view never reveals one government's answers.
MIN_GROUP = 3


def government_organisations(user: Any) -> QuerySet[Organisation]:
    """The government organisations the user is a member of (whose scans they may fill in)."""
    return organisations_of(user).filter(side=Organisation.Side.GOVERNMENT)


def may_follow_network(user: Any) -> bool:
    """Scan coordinators and administrators follow every government's scans (read-only: they
    never answer or submit for a government they are not a member of)."""
    return permissions.can(user, "scan.network.follow")


def may_import_surveys(user: Any) -> bool:
    """Scan coordinators and administrators import survey exports (rounds of many
    governments, creating the governments the platform does not know yet)."""
    return permissions.can(user, "scan.survey.import")


def survey_import_columns() -> dict[str, Any]:
    """What a survey export holds: the fixed columns and the question ids of the questionnaire
    version an import is checked against (the latest), for the import page."""
    qv = latest_questionnaire()
    return {
        "questionnaire": f"{qv.code} v{qv.version}",
        "required": ["organisation", "year"],
        "optional": ["enterprise_number", "refnis"],
        "questions": [x.id for x in questionnaire_of(qv).questions],
    }


def may_answer(user: Any, response: Response) -> bool:
    """Only members of the response's government answer and submit it (services check it too)."""
    return permissions.can(user, "scan.response.answer", response)


def require_answerer(user: Any, response: Response) -> None:
    """Refuse (403) a write by someone who may see the response but not answer it (a scan
    coordinator, an administrator), before anything is read from the request."""
    permissions.require(user, "scan.response.answer", response)


def responses_visible_to(user: Any) -> QuerySet[Response]:
    """The one rule for who sees a response, used by every page, PDF, export and API answer:
    members of its government; scan coordinators and administrators see every government's."""
    qs = Response.objects.select_related("organisation", "questionnaire")
    return permissions.restrict(user, "scan.response.view", qs)


def responses_of(user: Any) -> QuerySet[Response]:
    """Responses of the user's own organisations (the start page's 'your scans')."""
    return responses_visible_to(user).filter(organisation__in=organisations_of(user))


def response_of(user: Any, pk: int) -> Response:
    """A response the user may see (:func:`responses_visible_to`); 404 otherwise (its existence
    is private)."""
    r = responses_visible_to(user).filter(pk=pk).first()
    if r is None:
        raise Http404("no such scan among the scans you may see")
    return r


def latest_rounds(user: Any) -> QuerySet[Response]:
    """Each government's latest round (draft or submitted) among the responses ``user`` may
    see, without the answers (the coordinator's overview)."""
    visible = responses_visible_to(user)
    latest = (
        Response.objects.filter(pk__in=visible.values("pk"), organisation=OuterRef("organisation"))
        .order_by("-year")
        .values("year")[:1]
    )
    return (
        visible.filter(year=Subquery(latest))
        .select_related("organisation__municipality")
        .defer("answers")
    )


def governments() -> QuerySet[Organisation]:
    """Every government organisation (the coordinator's overview lists those without a round)."""
    return Organisation.objects.filter(side=Organisation.Side.GOVERNMENT).select_related(
        "municipality"
    )


def response_list(*, year: int | None = None) -> QuerySet[Response]:
    """Every government's responses (the operator's command line), the latest year first."""
    qs = Response.objects.select_related("organisation", "questionnaire").order_by("-year", "pk")
    return qs.filter(year=year) if year else qs


def response_get(pk: int) -> Response | None:
    """Any response by id (the operator's command line); None when there is none."""
    return Response.objects.select_related("organisation", "questionnaire").filter(pk=pk).first()


def _latest_per_org(responses: Iterable[Response]) -> list[Response]:
    best: dict[int, Response] = {}
    for r in responses:
        cur = best.get(r.organisation_id)
        if cur is None or r.year > cur.year:
            best[r.organisation_id] = r
    return list(best.values())


def submitted_version() -> str:
    """Changes when a scan is submitted (or one is removed): a report compares with the
    others' latest rounds, so its stored PDF is of this version."""
    agg = Response.objects.filter(status=Response.Status.SUBMITTED).aggregate(
        n=Count("pk"), last=Max("submitted_at")
    )
    last = agg["last"]
    return f"{agg['n']}-{int(last.timestamp()) if last else 0}"


def peer_scores(response: Response) -> list[ScanScore]:
    """Scores of the other governments: each one's latest submitted round up to this year."""
    others = (
        Response.objects.filter(
            status=Response.Status.SUBMITTED,
            questionnaire__code=response.questionnaire.code,
            year__lte=response.year,
        )
        .exclude(organisation_id=response.organisation_id)
        .only("organisation_id", "year", "score")
    )
    return [score_from_json(r.score) for r in _latest_per_org(others) if r.score]


def previous_round(response: Response) -> Response | None:
    return (
        Response.objects.filter(
            organisation_id=response.organisation_id,
            status=Response.Status.SUBMITTED,
            year__lt=response.year,
        )
        .select_related("questionnaire")
        .order_by("-year")
        .first()
    )


def records_by_slug(kind: str) -> dict[str, Record]:
    """Knowledge records of ``kind`` by slug (the report's instruments and communities)."""
    return {r.slug: r for r in Record.objects.filter(kind=kind)}


@lru_cache(maxsize=1)
def _case_links() -> dict[str, list[str]]:
    """Domain → work agendas (shipped data, read once per process)."""
    path: Path = default_scan_dir() / "examples.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {k: list(v) for k, v in (data.get("domains") or {}).items()}


def example_cases(section_ref: str | None, limit: int = 2) -> list[Case]:
    """Published cases of the doers catalogue illustrating an action domain (none for the
    instrument groups). The link between domains and work agendas is data
    (``data/scan/examples.yaml``); cases come in catalogue order (seeded cases first)."""
    agendas = _case_links().get(section_ref or "", [])
    if not agendas:
        return []
    return list(
        Case.objects.filter(
            status=Case.Status.PUBLISHED, agendas__kind="work_agenda", agendas__slug__in=agendas
        )
        .distinct()
        .order_by("pk")
        .only("slug", "title")[:limit]
    )


# --- network view ---------------------------------------------------------------------------


def _is_active(q: Questionnaire, s: ScanScore) -> bool:
    domain_ids = {sec.id for sec in q.sections if sec.kind == "domain"}
    return any(
        points >= 0.5 - 1e-9
        for qid, points in s.points.items()
        if q.question(qid).section in domain_ids
    )


def network_items(year: int | None = None, code: str | None = None) -> list[dict[str, Any]]:
    """One item per government: its latest submitted round in ``year`` (all years: its latest
    round) of questionnaire ``code``, as the facts the network view aggregates. Only for
    :func:`group_stats` and the aggregate view: never shown one by one."""
    qs = Response.objects.filter(status=Response.Status.SUBMITTED).select_related(
        "questionnaire", "organisation__municipality__province"
    )
    if year is not None:
        qs = qs.filter(year=year)
    if code:
        qs = qs.filter(questionnaire__code=code)
    items: list[dict[str, Any]] = []
    for r in _latest_per_org(qs):
        q = questionnaire_of(r.questionnaire)
        s = score_from_json(r.score or {})
        muni = r.organisation.municipality
        items.append(
            {
                "questionnaire": q,
                "overall": s.overall,
                "sections": s.sections,
                "active": _is_active(q, s),
                "type": s.government_type or "?",
                "province": muni.province.name if muni is not None and muni.province_id else "?",
                "motives": list(r.answers.get("profiel_motieven") or []),
                "barriers": list(r.answers.get("profiel_drempels") or []),
            }
        )
    return items


def may_see_small_groups(user: Any) -> bool:
    """Analysts, scan coordinators and administrators see the network's small groups unmasked
    (marked not for publication); everybody else gets the small-group rule. The one rule for
    the network page, its export and the API."""
    return permissions.can(user, "scan.network.unmasked")


def group_stats(items: list[dict[str, Any]], *, unmasked: bool = False) -> dict[str, Any]:
    """A group's count, and only for groups of at least ``MIN_GROUP`` its share of active
    governments, mean score and three most named motives and barriers. ``unmasked`` (see
    :func:`may_see_small_groups`) shows smaller groups too, flagged ``small``."""
    n = len(items)
    if n == 0 or (n < MIN_GROUP and not unmasked):
        return {"n": n, "suppressed": True}
    small = {"small": True} if n < MIN_GROUP else {}
    return {
        "n": n,
        "suppressed": False,
        **small,
        "share_active": sum(1 for x in items if x["active"]) / n,
        "mean_score": statistics.fmean(x["overall"] for x in items),
        "motives": Counter(m for x in items for m in x["motives"]).most_common(3),
        "barriers": Counter(b for x in items for b in x["barriers"]).most_common(3),
    }


def network_years() -> list[int]:
    return sorted(
        set(
            Response.objects.filter(status=Response.Status.SUBMITTED).values_list("year", flat=True)
        ),
        reverse=True,
    )


def questionnaire_versions() -> QuerySet[QuestionnaireVersion]:
    return QuestionnaireVersion.objects.all()
