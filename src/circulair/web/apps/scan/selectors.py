"""Reads of the circular scan: whose responses a user sees, the tailored report, and the
network's aggregate view (aggregates only, with small groups suppressed)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from circulair.core.scan import (
    MATURITY_LEVELS,
    Questionnaire,
    ScanScore,
    change,
    maturity_level,
    percentiles,
    recommend,
)
from circulair.core.scan.charts import score_chart
from circulair.core.scan.questionnaire import default_scan_dir
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.organisations.selectors import organisations_of
from circulair.web.apps.scan.models import QuestionnaireVersion, Response
from circulair.web.apps.scan.services import questionnaire_of, score_from_json

#: Groups smaller than this show their count only (no mean, share or motives), so the network
#: view never reveals one government's answers.
MIN_GROUP = 3

ACTIVE_RULE = _(
    "A government counts as active in the circular economy when at least one scored question of "
    "an action domain is answered at 'first steps' or better (maturity level 2 or more, or yes): "
    "at least one project or pilot is running."
)

AGGREGATE_RULE = _(
    "The network view counts each government once: its latest submitted round in the chosen "
    "year (or, for 'all years', its latest round). Groups of fewer than 3 "
    "governments show only their number, never a mean, share or answer."
)

#: The core's rules (English constants) as translatable text for the pages; a test checks that
#: the English text here is the core's text word for word, so the two cannot drift apart.
RULE_TEXTS = {
    "scoring": _(
        "Each scored question gives points from 0 to 1: a maturity level L (0-4) gives L/4, yes "
        "gives 1 and no 0, a choice gives the score of the chosen option. A section (action "
        "domain or instrument group) scores 10 x the weighted mean of its questions' points, "
        "with the question weights of the questionnaire. The overall score is the weighted mean "
        "of all section scores with the section weights (version 1: every section weight 1, so "
        "the five domains and three instrument groups count equally). Only complete responses "
        "are scored. The maturity level of a score S is round(S / 2.5) (halves up), i.e. the "
        "step of the 0-4 scale nearest to the mean answer."
    ),
    "percentile": _(
        "The percentile of a score among a set of peers is 100 x (number of peers with a lower "
        "score + half the number with an equal score) / number of peers; scores are compared "
        "after rounding to 9 decimals. Peers are the respondents of the same government type "
        "and population class; 'all' are all respondents. No peers gives no percentile."
    ),
    "recommendation": _(
        "Candidates are the scored questions not yet at their best answer, in the weak sections "
        "(score below 6.25, i.e. below the level 'Advanced'); when no section is weak, in every "
        "section. The expected value of a candidate is the rise of the overall 0-10 score if the "
        "answer moved one step up: 10 x (section weight / sum of section weights) x (question "
        "weight / sum of question weights in its section) x (points of the next answer - "
        "current points), i.e. weight x gap to the next level. Candidates are ranked by "
        "expected value (highest first), then by section score (weakest first), then in "
        "questionnaire order."
    ),
}


def lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def tr(value: Any) -> str:
    """Pick the current language of a {nl, en} text."""
    if isinstance(value, dict):
        return str(value.get(lang()) or value.get("nl") or "")
    return "" if value is None else str(value)


def government_organisations(user: Any) -> QuerySet[Organisation]:
    """The government organisations the user is a member of (whose scans they may fill in)."""
    return organisations_of(user).filter(side=Organisation.Side.GOVERNMENT)


def responses_of(user: Any) -> QuerySet[Response]:
    """Responses of the user's own organisations only; nobody else's, staff included."""
    return Response.objects.filter(organisation__in=organisations_of(user)).select_related(
        "organisation", "questionnaire"
    )


def response_of(user: Any, pk: int) -> Response:
    """A response of one of the user's organisations; 404 otherwise (its existence is private)."""
    r = responses_of(user).filter(pk=pk).first()
    if r is None:
        raise Http404("no such scan among your organisation's scans")
    return r


def _latest_per_org(responses: Iterable[Response]) -> list[Response]:
    best: dict[int, Response] = {}
    for r in responses:
        cur = best.get(r.organisation_id)
        if cur is None or r.year > cur.year:
            best[r.organisation_id] = r
    return list(best.values())


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


def _kb(kind: str) -> dict[str, Record]:
    return {r.slug: r for r in Record.objects.filter(kind=kind)}


@lru_cache(maxsize=1)
def _case_links() -> dict[str, list[str]]:
    """Domain → work agendas (shipped data, read once per process)."""
    path: Path = default_scan_dir() / "examples.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {k: list(v) for k, v in (data.get("domains") or {}).items()}


def case_examples(section_ref: str | None, limit: int = 2) -> list[dict[str, str]]:
    """Published cases of the doers catalogue illustrating an action domain (none for the
    instrument groups). The link between domains and work agendas is data
    (``data/scan/examples.yaml``); cases come in catalogue order (seeded cases first)."""
    from circulair.web.apps.doers.models import Case

    agendas = _case_links().get(section_ref or "", [])
    if not agendas:
        return []
    cases = (
        Case.objects.filter(
            status=Case.Status.PUBLISHED, agendas__kind="work_agenda", agendas__slug__in=agendas
        )
        .distinct()
        .order_by("pk")
        .only("slug", "title")[:limit]
    )
    return [
        {"name": c.title, "slug": c.slug, "url": reverse("doers:detail", args=[c.slug])}
        for c in cases
    ]


def _answer_text(question: Any, points: float) -> str:
    if question.type == "maturity":
        return str(round(points * 4))
    if question.type == "yes_no":
        return str(_("yes") if points >= 1 else _("no"))
    opt = next(
        (o for o in question.options if o.score is not None and abs(o.score - points) < 1e-9), None
    )
    return tr(opt.text) if opt else f"{points:.2f}"


def _step_text(question: Any, points: float, next_points: float) -> str:
    """'from level 1 to 2', or 'from no to yes', or between the options' texts."""
    a, b = _answer_text(question, points), _answer_text(question, next_points)
    if question.type == "maturity":
        return str(_("from level %(a)s to %(b)s") % {"a": a, "b": b})
    return str(_("from ‘%(a)s’ to ‘%(b)s’") % {"a": a, "b": b})


def section_rows(q: Questionnaire, s: ScanScore, pct: Any, ch: Any) -> list[dict[str, Any]]:
    rows = []
    for sec in q.scored_sections():
        value = s.sections[sec.id]
        rows.append(
            {
                "id": sec.id,
                "title": tr(sec.title),
                "kind": sec.kind,
                "weight": sec.weight,
                "score": value,
                "level": maturity_level(value),
                "level_name": tr(MATURITY_LEVELS[maturity_level(value)]),
                "peers": pct.peers.get(sec.id) if pct else None,
                "all": pct.all.get(sec.id) if pct else None,
                "delta": ch.delta.get(sec.id) if ch else None,
            }
        )
    return rows


def report(response: Response, *, top: int = 5) -> dict[str, Any]:
    """Everything the tailored report shows, for a submitted response."""

    if not response.is_submitted or not response.score:
        raise Http404("only submitted scans have a report")
    q = questionnaire_of(response.questionnaire)
    s = score_from_json(response.score)
    peers = peer_scores(response)
    pct = percentiles(s, peers)
    prev = previous_round(response)
    ch = change(score_from_json(prev.score), s) if prev and prev.score else None
    rows = section_rows(q, s, pct, ch)
    instruments, communities = _kb("lg_policy_instrument"), _kb("lg_community_of_practice")
    recs = []
    for rec in recommend(q, s, top=top):
        sec = q.section(rec.section)
        inst, com = instruments.get(rec.instrument), communities.get(rec.community)
        recs.append(
            {
                "text": tr(rec.text),
                "section": tr(sec.title),
                "value": rec.value,
                "question": tr(q.question(rec.question).text),
                "step": _step_text(q.question(rec.question), rec.points, rec.next_points),
                "instrument": {
                    "slug": rec.instrument,
                    "name": inst.name if inst else rec.instrument,
                    "url": reverse(
                        "knowledge:detail", args=["lg_policy_instrument", rec.instrument]
                    )
                    if inst
                    else "",
                },
                "community": {
                    "slug": rec.community,
                    "name": com.name if com else rec.community,
                    "url": reverse(
                        "knowledge:detail", args=["lg_community_of_practice", rec.community]
                    )
                    if com
                    else "",
                },
                "examples": case_examples(sec.ref if sec.kind == "domain" else None),
            }
        )
    peer_median = {}
    for sec in q.scored_sections():
        vals = [o.sections[sec.id] for o in peers if sec.id in o.sections]
        peer_median[sec.id] = statistics.median(vals) if vals else None
    chart = score_chart(
        [r["title"] for r in rows],
        [r["score"] for r in rows],
        [peer_median[r["id"]] for r in rows],
        labels={
            "you": response.organisation.name,
            "peers": "mediaan van de andere deelnemers"
            if lang() == "nl"
            else "median of the other respondents",
        },
    )
    return {
        "response": response,
        "questionnaire": q,
        "score": s,
        "overall": s.overall,
        "overall_level": tr(MATURITY_LEVELS[maturity_level(s.overall)]),
        "rows": rows,
        "percentiles": pct,
        "previous": prev,
        "change": ch,
        "overall_delta": ch.delta.get("overall") if ch else None,
        "recommendations": recs,
        "chart_svg": chart.decode("utf-8"),
        "rules": {k: str(v) for k, v in RULE_TEXTS.items()},
        "levels": [tr(x) for x in MATURITY_LEVELS],
    }


def report_data(response: Response) -> dict[str, Any]:
    """The report as plain data (API, CLI --format json)."""
    r = report(response)
    s: ScanScore = r["score"]
    pct = r["percentiles"]
    return {
        "response": response.pk,
        "organisation": response.organisation.name,
        "year": response.year,
        "questionnaire": f"{s.questionnaire} v{s.version}",
        "score": s.as_dict(),
        "sections": [{k: v for k, v in row.items()} for row in r["rows"]],
        "percentiles": {
            "government_type": pct.government_type,
            "population_class": pct.population_class,
            "n_peers": pct.n_peers,
            "n_all": pct.n_all,
            "peers": pct.peers,
            "all": pct.all,
        },
        "change": None
        if r["change"] is None
        else {
            "previous_year": r["previous"].year,
            "delta": r["change"].delta,
            "added": list(r["change"].added),
            "removed": list(r["change"].removed),
        },
        "recommendations": [{k: v for k, v in x.items()} for x in r["recommendations"]],
        "rules": r["rules"],
    }


# --- network view ---------------------------------------------------------------------------


def _is_active(q: Questionnaire, s: ScanScore) -> bool:
    domain_ids = {sec.id for sec in q.sections if sec.kind == "domain"}
    return any(
        points >= 0.5 - 1e-9
        for qid, points in s.points.items()
        if q.question(qid).section in domain_ids
    )


def _group_stats(items: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(items)
    if n < MIN_GROUP:
        return {"n": n, "suppressed": True}
    return {
        "n": n,
        "suppressed": False,
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


def network_view(year: int | None = None, code: str | None = None) -> dict[str, Any]:
    """Aggregates over submitted responses: never one government's answers (AGGREGATE_RULE)."""
    qs = Response.objects.filter(status=Response.Status.SUBMITTED).select_related(
        "questionnaire", "organisation__municipality__province"
    )
    if year is not None:
        qs = qs.filter(year=year)
    if code:
        qs = qs.filter(questionnaire__code=code)
    items: list[dict[str, Any]] = []
    option_text: dict[str, dict[str, str]] = {}
    type_text: dict[str, str] = {}
    for r in _latest_per_org(qs):
        q = questionnaire_of(r.questionnaire)
        s = score_from_json(r.score or {})
        prof = q.profile
        mq = next((x for x in q.questions if x.id == "profiel_motieven"), None)
        bq = next((x for x in q.questions if x.id == "profiel_drempels"), None)
        tq = q.question(prof["government_type"]) if "government_type" in prof else None
        for quest in (mq, bq, tq):
            if quest is not None:
                for o in quest.options:
                    option_text.setdefault(quest.id, {})[o.value] = tr(o.text)
        if tq is not None:
            type_text.update(option_text.get(tq.id, {}))
        muni = r.organisation.municipality
        items.append(
            {
                "overall": s.overall,
                "sections": s.sections,
                "active": _is_active(q, s),
                "type": s.government_type or "?",
                "province": muni.province.name if muni is not None and muni.province_id else "?",
                "motives": list(r.answers.get("profiel_motieven") or []),
                "barriers": list(r.answers.get("profiel_drempels") or []),
                "titles": {sec.id: tr(sec.title) for sec in q.scored_sections()},
            }
        )
    total = _group_stats(items)
    bins = [0] * 5
    for x in items:
        bins[min(4, int(x["overall"] // 2))] += 1
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_prov: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for x in items:
        by_type[x["type"]].append(x)
        by_prov[x["province"]].append(x)
    sections: dict[str, list[float]] = defaultdict(list)
    titles: dict[str, str] = {}
    for x in items:
        titles.update(x["titles"])
        for k, v in x["sections"].items():
            sections[k].append(v)
    mo, ba = option_text.get("profiel_motieven", {}), option_text.get("profiel_drempels", {})

    def named(stats: dict[str, Any]) -> dict[str, Any]:
        if not stats.get("suppressed"):
            stats["motives"] = [(mo.get(k, k), c) for k, c in stats["motives"]]
            stats["barriers"] = [(ba.get(k, k), c) for k, c in stats["barriers"]]
        return stats

    return {
        "year": year,
        "n": len(items),
        "total": named(total),
        "distribution": [{"range": f"{2 * i}–{2 * i + 2}", "n": c} for i, c in enumerate(bins)]
        if len(items) >= MIN_GROUP
        else [],
        "sections": [
            {"id": k, "title": titles.get(k, k), "mean": statistics.fmean(v)}
            for k, v in sections.items()
        ]
        if len(items) >= MIN_GROUP
        else [],
        "by_type": [
            {"group": type_text.get(k, k), "key": k, **named(_group_stats(v))}
            for k, v in sorted(by_type.items())
        ],
        "by_province": [{"group": k, **named(_group_stats(v))} for k, v in sorted(by_prov.items())],
        "rules": {"active": str(ACTIVE_RULE), "aggregate": str(AGGREGATE_RULE)},
        "min_group": MIN_GROUP,
    }


def network_rows(view: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """The network view as long rows (dimension, group, metric, value) for CSV/XLSX export."""
    out: list[tuple[str, str, str, Any]] = []

    def add(dim: str, group: str, st: dict[str, Any]) -> None:
        out.append((dim, group, "n", st["n"]))
        if st.get("suppressed"):
            return
        out.append((dim, group, "share_active", round(st["share_active"], 4)))
        out.append((dim, group, "mean_score", round(st["mean_score"], 2)))
        for name, c in st["motives"]:
            out.append((dim, group, f"motive: {name}", c))
        for name, c in st["barriers"]:
            out.append((dim, group, f"barrier: {name}", c))

    add("all", "all", view["total"])
    for d in view["distribution"]:
        out.append(("distribution", d["range"], "n", d["n"]))
    for sec in view["sections"]:
        out.append(("section", sec["title"], "mean_score", round(sec["mean"], 2)))
    for g in view["by_type"]:
        add("type", g["group"], g)
    for g in view["by_province"]:
        add("province", g["group"], g)
    return out


def questionnaire_versions() -> QuerySet[QuestionnaireVersion]:
    return QuestionnaireVersion.objects.all()
