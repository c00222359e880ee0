"""What the scan's pages, API and command line show, shaped from what ``selectors`` read: texts
in the active language, the tailored report (rows, next steps, chart), the network's aggregate
view and its export rows."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, gettext
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
from circulair.core.scan.charts import distribution_chart, score_chart
from circulair.web.apps.common.pdf import html_to_pdf, pdf_builder
from circulair.web.apps.scan import selectors
from circulair.web.apps.scan.models import Response
from circulair.web.apps.scan.services import questionnaire_of, score_from_json

MIN_GROUP = selectors.MIN_GROUP

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

UNMASKED_NOTICE = _(
    "Not for publication: you see groups of fewer than 3 governments unmasked because you hold "
    "the analyst or scan coordinator role. Such a group can reveal one government's answers; "
    "share only what the small-group rule shows."
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


def case_examples(section_ref: str | None, limit: int = 2) -> list[dict[str, str]]:
    """Published cases of the doers catalogue illustrating an action domain, with their links
    (``selectors.example_cases``)."""
    return [
        {"name": c.title, "slug": c.slug, "url": reverse("doers:detail", args=[c.slug])}
        for c in selectors.example_cases(section_ref, limit)
    ]


def report(response: Response, *, top: int = 5) -> dict[str, Any]:
    """Everything the tailored report shows, for a submitted response."""

    if not response.is_submitted or not response.score:
        raise Http404("only submitted scans have a report")
    q = questionnaire_of(response.questionnaire)
    s = score_from_json(response.score)
    peers = selectors.peer_scores(response)
    pct = percentiles(s, peers)
    prev = selectors.previous_round(response)
    ch = change(score_from_json(prev.score), s) if prev and prev.score else None
    rows = section_rows(q, s, pct, ch)
    instruments = selectors.records_by_slug("lg_policy_instrument")
    communities = selectors.records_by_slug("lg_community_of_practice")
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


@pdf_builder("scan.report")
def report_pdf(args: dict[str, Any]) -> bytes:
    """A submitted scan's report as PDF (built by a worker, see
    :func:`~circulair.web.apps.common.pdf.pdf_response`)."""
    r = Response.objects.select_related("organisation", "questionnaire").get(
        pk=int(args["response"])
    )
    return html_to_pdf(render_to_string("scan/report_print.html", report(r)))


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


def network_view(
    year: int | None = None, code: str | None = None, *, unmasked: bool = False
) -> dict[str, Any]:
    """Aggregates over submitted responses: never one government's answers (AGGREGATE_RULE).
    ``unmasked`` (only for ``selectors.may_see_small_groups``) also shows the groups the rule
    withholds, with the notice that they are not for publication."""
    items = selectors.network_items(year, code)
    option_text: dict[str, dict[str, str]] = {}
    type_text: dict[str, str] = {}
    titles: dict[str, str] = {}
    for x in items:
        q = x["questionnaire"]
        prof = q.profile
        mq = next((y for y in q.questions if y.id == "profiel_motieven"), None)
        bq = next((y for y in q.questions if y.id == "profiel_drempels"), None)
        tq = q.question(prof["government_type"]) if "government_type" in prof else None
        for quest in (mq, bq, tq):
            if quest is not None:
                for o in quest.options:
                    option_text.setdefault(quest.id, {})[o.value] = tr(o.text)
        if tq is not None:
            type_text.update(option_text.get(tq.id, {}))
        titles.update({sec.id: tr(sec.title) for sec in q.scored_sections()})
    total = selectors.group_stats(items, unmasked=unmasked)
    shown = bool(items) and (unmasked or len(items) >= MIN_GROUP)
    bins = [0] * 5
    for x in items:
        bins[min(4, int(x["overall"] // 2))] += 1
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_prov: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for x in items:
        by_type[x["type"]].append(x)
        by_prov[x["province"]].append(x)
    sections: dict[str, list[float]] = defaultdict(list)
    for x in items:
        for k, v in x["sections"].items():
            sections[k].append(v)
    mo, ba = option_text.get("profiel_motieven", {}), option_text.get("profiel_drempels", {})

    def named(st: dict[str, Any]) -> dict[str, Any]:
        if not st.get("suppressed"):
            st["motives"] = [(mo.get(k, k), c) for k, c in st["motives"]]
            st["barriers"] = [(ba.get(k, k), c) for k, c in st["barriers"]]
        return st

    def stats(group: list[dict[str, Any]]) -> dict[str, Any]:
        return selectors.group_stats(group, unmasked=unmasked)

    return {
        "year": year,
        "n": len(items),
        "total": named(total),
        "distribution": [{"range": f"{2 * i}–{2 * i + 2}", "n": c} for i, c in enumerate(bins)]
        if shown
        else [],
        "sections": [
            {"id": k, "title": titles.get(k, k), "mean": statistics.fmean(v)}
            for k, v in sections.items()
        ]
        if shown
        else [],
        "by_type": [
            {"group": type_text.get(k, k), "key": k, **named(stats(v))}
            for k, v in sorted(by_type.items())
        ],
        "by_province": [{"group": k, **named(stats(v))} for k, v in sorted(by_prov.items())],
        "rules": {"active": str(ACTIVE_RULE), "aggregate": str(AGGREGATE_RULE)},
        "min_group": MIN_GROUP,
        "unmasked": unmasked,
        **({"notice": str(UNMASKED_NOTICE)} if unmasked else {}),
    }


def network_rows(view: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """The network view as long rows (dimension, group, metric, value) for CSV/XLSX export."""
    out: list[tuple[str, str, str, Any]] = []
    if view.get("unmasked"):
        out.append(("notice", "all", "not_for_publication", view["notice"]))

    def add(dim: str, group: str, st: dict[str, Any]) -> None:
        out.append((dim, group, "n", st["n"]))
        if st.get("suppressed"):
            return
        if st.get("small"):
            out.append((dim, group, "not_for_publication", 1))
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


def network_chart(view: dict[str, Any]) -> str:
    """The network page's score distribution as inline SVG ('' when groups are too small)."""
    if not view["distribution"]:
        return ""
    return distribution_chart(
        [d["range"] for d in view["distribution"]],
        [d["n"] for d in view["distribution"]],
        {"x": gettext("overall score (0–10)"), "y": gettext("governments")},
    ).decode()


# --- page rows ------------------------------------------------------------------------------


def index_sections(q: Questionnaire | None) -> list[dict[str, Any]]:
    """The start page's list of the questionnaire's sections with their number of questions."""
    if not q:
        return []
    return [
        {"title": tr(s.title), "kind": s.kind, "weight": s.weight, "n": len(q.questions_in(s.id))}
        for s in q.sections
    ]


def fill_steps(q: Any, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The filling page's steps (one per section) with their answered required questions."""
    steps = []
    for s in q.sections:
        qs = q.questions_in(s.id)
        req = [x for x in qs if x.required]
        done = sum(1 for x in req if answers.get(x.id) not in (None, "", []))
        steps.append(
            {
                "id": s.id,
                "title": tr(s.title),
                "kind": s.kind,
                "done": done,
                "total": len(req),
            }
        )
    return steps
