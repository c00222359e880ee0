"""What the agenda's pages, API and command line show, shaped from what ``selectors`` read: list
rows, the evaluation page (labels, CSS bar widths), the evaluation as JSON, the annual report
with its charts, and its PDF."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from circulair.core.agenda import evaluation as ev
from circulair.core.agenda.charts import bar_chart, svg_inline
from circulair.web.apps.agenda import selectors
from circulair.web.apps.agenda.models import Action, Bottleneck, Programme
from circulair.web.apps.common.pdf import pdf_builder, template_to_pdf
from circulair.web.apps.knowledge.models import Record, name_in_language


# --- list rows -----------------------------------------------------------------------------
def action_rows(ids: list[int]) -> list[dict[str, Any]]:
    """The list page's columns of these actions, in this order, as plain values (2 queries).

    Why: a 50-row page built from model instances with six related records each, then resolved
    attribute by attribute by the template, cost about 70 ms of CPU; plain values cost a few.
    Names follow the active language (English where the record has one).
    """
    status = {k: str(v) for k, v in Action.Status.choices}
    found, loops = selectors.action_row_values(ids)
    base = reverse("agenda:action", args=[0]).rsplit("0/", 1)[0]
    rows = []
    for pk in ids:
        r = found.get(pk)
        if r is None:  # deleted since the page's ids were read
            continue
        rows.append(
            {
                "pk": pk,
                "url": f"{base}{pk}/",
                "title": r[1],
                "public": r[2],
                "organisation": r[3] or "",
                "agenda": name_in_language(r[4], r[5]),
                "work_path": name_in_language(r[6], r[7]),
                "lever": name_in_language(r[8], r[9]),
                "r_strategies": ", ".join(name_in_language(nl, en) for nl, en in loops.get(pk, [])),
                "start": r[10].isoformat() if r[10] else "",
                "status": r[11],
                "status_label": status.get(r[11], r[11]),
            }
        )
    return rows


def signatory_rows(values: Any) -> list[dict[str, Any]]:
    """Rows of the signatories page from ``SIGNATORY_ROW`` values (plain values render several
    times faster than model instances resolved by the template)."""
    base = reverse("agenda:signatory", args=[0]).rsplit("0/", 1)[0]
    return [
        {
            "url": f"{base}{pk}/",
            "organisation": org,
            "agenda": name_in_language(a_nl, a_en),
            "year_signed": year,
            "min_actions": "—" if m is None else m,
        }
        for pk, org, a_nl, a_en, year, m in values
    ]


# --- the yearly evaluation -----------------------------------------------------------------
def rule_text(share: bool = False) -> str:
    """The counting rule in the current language (Dutch or English)."""
    nl = (get_language() or "nl").startswith("nl")
    if share:
        return ev.SHARE_RULE_NL if nl else ev.SHARE_RULE
    return ev.RULE_NL if nl else ev.RULE


def timezone_year() -> int:
    return timezone.localdate().year


def evaluation_context(agenda: Record, year: int) -> dict[str, Any]:
    e = selectors.evaluation(agenda, year)
    wp, vc, lv, rs = (
        selectors.labels("work_path"),
        selectors.labels("value_chain"),
        selectors.labels("lever"),
        selectors.labels("r_strategy"),
    )
    loop_names = {r.attributes.get("code", r.slug): r.name for r in selectors.records("loop")}
    kinds = selectors.labels("programme_type")
    stage_labels = dict(Programme.Stage.choices)
    levels, statuses = dict(Bottleneck.Level.choices), dict(Bottleneck.Status.choices)
    ctx: dict[str, Any] = {
        "agenda": agenda,
        "year": year,
        "e": e,
        "rule": rule_text(),
        "share_rule": rule_text(share=True),
        "commitment": selectors.commitment_of(agenda),
        "work_paths": [(s, wp.get(s, s), n) for s, n in e.work_paths.items()],
        "value_chains": [(s, vc.get(s, s), n) for s, n in e.value_chains.items()],
        "levers": [(s, lv.get(s, s), n) for s, n in e.levers.items()],
        "r_strategies": [(s, rs.get(s, s), n) for s, n in e.r_strategies.items()],
        "loops": [(s, loop_names.get(s, s), n) for s, n in e.loops.items()],
        "stages": [(s, stage_labels.get(s, s), n) for s, n in e.programmes_by_stage.items()],
        "programme_kinds": [(s, kinds.get(s, s), n) for s, n in e.programmes_by_kind.items()],
        "short": len(e.shortfalls),
        # rows prepared here: a template loop with translation tags per row is slow at 400 rows
        "signatory_rows": [
            (
                str(s.organisation),
                s.name,
                str(s.actions),
                str(s.commitment),
                "short" if s.falls_short else "ok",
                _("short by %(n)s") % {"n": s.short_by}
                if s.falls_short
                else _("meets the commitment"),
            )
            for s in e.signatories
        ],
        "years": list(range(timezone_year() + 1, 2016, -1)),
        "open_bottlenecks": [
            (b.title, levels.get(b.policy_level, b.policy_level), statuses.get(b.status, b.status))
            for b in e.open_bottlenecks
        ],
    }
    # Bars drawn with CSS (widths in %): the page is evaluated on every request, matplotlib is
    # kept for the annual report.
    for key in ("work_paths", "value_chains", "levers", "loops"):
        top = max((n for _s, _l, n in ctx[key]), default=0) or 1
        ctx[key] = [(s, label, n, round(100 * n / top)) for s, label, n in ctx[key]]
    if agenda.slug == selectors.MANUFACTURING:
        ctx["share"] = selectors.manufacturer_share(year)
    return ctx


def evaluation_json(agenda: Any, year: int) -> dict[str, Any]:
    """The evaluation as JSON (shared by the API and the CLI)."""
    e = selectors.evaluation(agenda, year)
    out: dict[str, Any] = {
        "agenda": e.agenda,
        "year": e.year,
        "rule": e.rule,
        "commitment": selectors.commitment_of(agenda),
        "counted_actions": e.counted_actions,
        "signatories": [
            {
                "organisation_id": s.organisation,
                "name": s.name,
                "commitment": s.commitment,
                "actions": s.actions,
                "short_by": s.short_by,
                "falls_short": s.falls_short,
            }
            for s in e.signatories
        ],
        "shortfalls": [s.name for s in e.shortfalls],
        "work_paths": e.work_paths,
        "uncovered_work_paths": e.uncovered_work_paths,
        "value_chains": e.value_chains,
        "uncovered_value_chains": e.uncovered_value_chains,
        "levers": e.levers,
        "r_strategies": e.r_strategies,
        "loops": e.loops,
        "status_counts": e.status_counts,
        "programmes": {
            "by_stage": e.programmes_by_stage,
            "by_kind": e.programmes_by_kind,
            "outcomes": [{"id": i, "stage": s, "outcome": o} for i, s, o in e.programme_outcomes],
            "funded_actions": e.funded_actions,
        },
        "open_bottlenecks": [
            {"id": b.id, "title": b.title, "status": b.status, "policy_level": b.policy_level}
            for b in e.open_bottlenecks
        ],
    }
    if agenda.slug == selectors.MANUFACTURING:
        share = selectors.manufacturer_share(year)
        out["manufacturer_share"] = {
            "manufacturers": share.manufacturers,
            "active": share.active,
            "percent": share.percent,
            "indicator": selectors.SHARE_INDICATOR,
        }
    return out


# --- the annual report ---------------------------------------------------------------------
def _chart(labels_: list[str], values: list[float], title: str) -> str:
    return svg_inline(bar_chart(labels_, values, title=title))


def report_number(value: float) -> str:
    """A figure in the active language's notation with thousands grouped (nl ``1.234,5``,
    en ``1,234.5``), at most two decimals (half up, as people round) and none when whole."""
    rounded = Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    decimals = f"{rounded:f}".rstrip("0").rstrip(".").partition(".")[2]
    return number_format(rounded, len(decimals), use_l10n=True, force_grouping=True)


def _key_rows(key: dict[str, int], figures: list[tuple[str, str, float]]) -> list[tuple[str, str]]:
    """The key-figures table: one (label, number) row per figure; a result's unit goes in its
    row header, so the number column holds numbers only and aligns right."""
    rows = [
        (_("Signatories"), key["signatories"]),
        (_("Actions active"), key["actions"]),
        (_("Started this year"), key["started"]),
        (_("Completed"), key["completed"]),
        (_("Programmes"), key["programmes"]),
        (_("Open bottlenecks"), key["open_bottlenecks"]),
    ]
    out = [(label, report_number(n)) for label, n in rows]
    for label, unit, total in figures:
        head = _("%(label)s (%(unit)s)") % {"label": label, "unit": unit} if unit else label
        out.append((head, report_number(total)))
    return out


def _no_actions_line(name: str, year: int) -> str:
    return _("%(name)s: no actions reported in %(year)s") % {"name": name, "year": year}


def report_context(year: int) -> dict[str, Any]:
    """The annual report: per agenda and per lever the impact projects, key figures and
    highlights of ``year`` (actions counted by the evaluation rule), with charts.

    An agenda or lever without counted actions gets one line (``quiet_agendas``,
    ``quiet_levers``) instead of a section: five empty agenda pages made most of the PDF."""
    c = selectors.report_counts(year)
    agendas: list[dict[str, Any]] = []
    quiet_agendas: list[str] = []
    for r in selectors.records("work_agenda"):
        key = {
            "signatories": c.signatories.get(r.pk, 0),
            "actions": c.by_agenda.get(r.pk, 0),
            "started": c.started.get(r.pk, 0),
            "completed": c.completed.get(r.pk, 0),
            "programmes": c.programmes.get(r.pk, 0),
            "open_bottlenecks": c.open_bottlenecks.get(r.pk, 0),
        }
        if not key["actions"]:
            quiet_agendas.append(_no_actions_line(r.name, year))
        agendas.append(
            {
                "record": r,
                "number": r.attributes.get("number_002"),
                "key": key,
                "key_rows": _key_rows(key, c.figures.get(r.pk, [])),
                "projects": selectors.impact_projects(year, agenda=r) if key["actions"] else [],
                "highlights": selectors.highlights(year, agenda=r) if key["actions"] else [],
            }
        )
    levers: list[dict[str, Any]] = [
        {
            "record": r,
            "actions": c.by_lever.get(r.pk, 0),
            "projects": selectors.impact_projects(year, lever=r) if c.by_lever.get(r.pk) else [],
            "highlights": selectors.highlights(year, lever=r) if c.by_lever.get(r.pk) else [],
        }
        for r in selectors.records("lever")
    ]
    return {
        "year": year,
        "agendas": [a for a in agendas if a["key"]["actions"]],
        "quiet_agendas": quiet_agendas,
        "levers": [lv for lv in levers if lv["actions"]],
        "quiet_levers": [
            _no_actions_line(lv["record"].name, year) for lv in levers if not lv["actions"]
        ],
        "rule": rule_text(),
        "total": sum(c.by_agenda.values()),
        "programmes": selectors.programmes_of_year(year),
        "agenda_chart": _chart(
            [a["record"].name for a in agendas],
            [a["key"]["actions"] for a in agendas],
            _("Actions per work agenda, %(y)s") % {"y": year},
        ),
        "lever_chart": _chart(
            [lv["record"].name for lv in levers],
            [lv["actions"] for lv in levers],
            _("Actions per lever, %(y)s") % {"y": year},
        ),
        "years": list(range(timezone_year() + 1, 2016, -1)),
    }


@pdf_builder("agenda.annual")
def report_pdf(args: dict[str, Any]) -> bytes:
    """The annual report of ``args["year"]`` as PDF (built by a worker, see
    :func:`~circulair.web.apps.common.pdf.pdf_response`; one file per year, language and
    register version)."""
    return template_to_pdf("agenda/report_print.html", report_context(int(args["year"])))
