"""Reads of the agenda register: visibility, roles, knowledge references, evaluation facts."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.functional import cached_property

from circulair.core.agenda import evaluation as ev
from circulair.core.agenda.charts import bar_chart, svg_inline
from circulair.web.apps.agenda.models import (
    Action,
    ActionResult,
    AgendaLead,
    AgendaSetting,
    Bottleneck,
    Programme,
    Signatory,
)
from circulair.web.apps.common.history import history_latest_id
from circulair.web.apps.common.pdf import template_to_pdf
from circulair.web.apps.common.permissions import is_administrator
from circulair.web.apps.common.public_cache import cached
from circulair.web.apps.knowledge.models import Record, name_in_language
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.organisations.selectors import organisation_ids_of

#: Other names accepted for an agenda slug (CLI and API): the knowledge base's slugs are Dutch.
AGENDA_ALIASES = {
    "manufacturing": "maakindustrie",
    "building": "circulair-bouwen",
    "bouwen": "circulair-bouwen",
    "chemistry": "chemie-kunststoffen",
    "chemie": "chemie-kunststoffen",
    "bio-economy": "bio-economie",
    "food": "voedselketen",
    "water": "waterkringlopen",
}
#: Manufacturing agenda slug (the brief's "maakindustrie" is the knowledge base's slug).
MANUFACTURING = "maakindustrie"
#: The monitor indicator behind the target "more than half of manufacturers work circularly".
SHARE_INDICATOR = "circular-manufacturers-share"
SHARE_REGION = "VLG"


# --- roles ---------------------------------------------------------------------------------
my_org_ids = organisation_ids_of


def led_agenda_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(AgendaLead.objects.filter(user=user).values_list("agenda_id", flat=True))


is_admin = is_administrator


def can_edit_action(user: Any, action: Action) -> bool:
    """Administrators, and members of the action's own organisation."""
    return is_admin(user) or action.organisation_id in my_org_ids(user)


def can_lead(user: Any, agenda_id: int | None) -> bool:
    """Administrators, and the leads of that agenda."""
    return is_admin(user) or (agenda_id is not None and agenda_id in led_agenda_ids(user))


# --- knowledge references ------------------------------------------------------------------
def agenda_record(slug: str) -> Record:
    slug = AGENDA_ALIASES.get(slug, slug)
    rec = Record.objects.filter(kind="work_agenda", slug=slug).first()
    if rec is None:
        known = ", ".join(Record.objects.filter(kind="work_agenda").values_list("slug", flat=True))
        raise Http404(f"unknown agenda '{slug}'; known: {known}")
    return rec


def records(kind: str) -> QuerySet[Record]:
    return Record.objects.filter(kind=kind).order_by("order", "slug")


def records_of_agenda(kind: str, agenda: Record) -> QuerySet[Record]:
    """Work paths / value chains whose knowledge record refers to this agenda."""
    return records(kind).filter(relations__role="agenda", relations__to_record=agenda)


def r_loops() -> dict[str, str | None]:
    return {r.slug: r.attributes.get("loop") for r in records("r_strategy")}


def commitment_of(agenda: Record) -> int:
    """The agenda's commitment: its setting, else the knowledge base's rule, else 5."""
    s = AgendaSetting.objects.filter(agenda=agenda).first()
    if s is not None:
        return s.min_actions_per_year
    rule = Record.objects.filter(kind="commitment_rule", slug=agenda.slug).first()
    if rule is not None and rule.attributes.get("min_actions_per_year"):
        return int(rule.attributes["min_actions_per_year"])
    return ev.DEFAULT_MIN_ACTIONS


# --- register reads ------------------------------------------------------------------------
LIST_RELATED = ("organisation", "agenda", "work_path", "lever", "value_chain", "municipality")


def action_visible_to(user: Any) -> QuerySet[Action]:
    """Public actions for everyone; all actions of one's own organisations and led agendas;
    everything for administrators."""
    qs = Action.objects.select_related(*LIST_RELATED)
    if is_admin(user):
        return qs
    cond = Q(public=True)
    orgs, led = my_org_ids(user), led_agenda_ids(user)
    if orgs:
        cond |= Q(organisation_id__in=orgs)
    if led:
        cond |= Q(agenda_id__in=led)
    return qs.filter(cond)


#: Columns a list row never shows (the related records' JSON attributes cost most to load).
LIST_DEFERRED = [
    f"{rel}__{f}"
    for rel in ("agenda", "work_path", "lever", "value_chain")
    for f in ("attributes", "description_nl", "description_en", "data_file")
]


def action_list(user: Any) -> QuerySet[Action]:
    return (
        action_visible_to(user)
        .defer(*LIST_DEFERRED)
        .prefetch_related(
            Prefetch(
                "r_strategies", queryset=Record.objects.only("id", "slug", "name_nl", "name_en")
            )
        )
    )


_ROW_COLUMNS = (
    "pk",
    "title",
    "public",
    "organisation__name",
    "agenda__name_nl",
    "agenda__name_en",
    "work_path__name_nl",
    "work_path__name_en",
    "lever__name_nl",
    "lever__name_en",
    "start",
    "status",
)


def action_rows(ids: list[int]) -> list[dict[str, Any]]:
    """The list page's columns of these actions, in this order, as plain values (2 queries).

    Why: a 50-row page built from model instances with six related records each, then resolved
    attribute by attribute by the template, cost about 70 ms of CPU; plain values cost a few.
    Names follow the active language (English where the record has one).
    """
    from django.urls import reverse

    status = {k: str(v) for k, v in Action.Status.choices}
    found = {r[0]: r for r in Action.objects.filter(pk__in=ids).values_list(*_ROW_COLUMNS)}
    loops: dict[int, list[str]] = {}
    for aid, nl, en_name in (
        Action.r_strategies.through.objects.filter(action_id__in=ids)
        .order_by("action_id", "record__order", "record__slug")
        .values_list("action_id", "record__name_nl", "record__name_en")
    ):
        loops.setdefault(aid, []).append(name_in_language(nl, en_name))
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
                "r_strategies": ", ".join(loops.get(pk, [])),
                "start": r[10].isoformat() if r[10] else "",
                "status": r[11],
                "status_label": status.get(r[11], r[11]),
            }
        )
    return rows


class CachedCountPaginator(Paginator):
    """Counts once per query and register version: the count is most of a list page's
    database time at 100,000 actions, and it only changes when the register does."""

    @cached_property
    def count(self) -> int:

        try:
            sql = str(self.object_list.query)  # type: ignore[attr-defined]
        except Exception:
            return int(super().count)
        key = "agenda-count:" + hashlib.sha1(f"{sql}:{register_version()}".encode()).hexdigest()
        return int(
            cached(
                key, EVALUATION_CACHE_SECONDS, lambda: int(super(CachedCountPaginator, self).count)
            )
        )


def action_detail(user: Any, pk: int) -> Action:
    a = (
        action_visible_to(user)
        .select_related("programme", "created_by")
        .prefetch_related("r_strategies", "partners", "figures")
        .filter(pk=pk)
        .first()
    )
    if a is None:
        raise Http404("no such action")
    return a


def signatory_list() -> QuerySet[Signatory]:
    return Signatory.objects.select_related("organisation", "agenda").order_by(
        "agenda__order", "organisation__name"
    )


SIGNATORY_ROW = (
    "pk",
    "organisation__name",
    "agenda__name_nl",
    "agenda__name_en",
    "year_signed",
    "min_actions",
)


def signatory_rows(values: Any) -> list[dict[str, Any]]:
    """Rows of the signatories page from ``SIGNATORY_ROW`` values (plain values render several
    times faster than model instances resolved by the template)."""
    from django.urls import reverse

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


def programme_list() -> QuerySet[Programme]:
    # Meta.ordering is not applied to aggregate queries: order explicitly for stable pages.
    return (
        Programme.objects.select_related("kind", "agenda", "lever")
        .annotate(n_projects=Count("projects"))
        .order_by("-year", "name", "pk")
    )


def bottleneck_list() -> QuerySet[Bottleneck]:
    return Bottleneck.objects.select_related("agenda", "reported_by")


# --- evaluation facts ----------------------------------------------------------------------
def _active_q(year: int, prefix: str = "") -> Q:
    """Database side of :func:`circulair.core.agenda.evaluation.counts_in_year`."""
    p = prefix
    return Q(
        **{f"{p}status__in": sorted(ev.COUNTED_STATUSES), f"{p}start__lte": dt.date(year, 12, 31)}
    ) & (Q(**{f"{p}end__isnull": True}) | Q(**{f"{p}end__gte": dt.date(year, 1, 1)}))


def action_facts(agenda: Record, year: int) -> list[ev.ActionFact]:
    """The agenda's actions that may count for ``year`` (the core applies the rule again).

    Unordered on purpose: with the list's ORDER BY the database would walk the start-date index
    instead of the (agenda, status, start) one. Knowledge records are fetched by id and mapped.
    """
    slugs = dict(
        Record.objects.filter(
            kind__in=["work_path", "value_chain", "lever", "r_strategy"]
        ).values_list("pk", "slug")
    )
    rows = list(
        Action.objects.filter(_active_q(year), agenda=agenda)
        .order_by()
        .values_list(
            "id",
            "organisation_id",
            "status",
            "start",
            "end",
            "work_path_id",
            "value_chain_id",
            "lever_id",
            "programme_id",
        )
    )
    partners: dict[int, set[int]] = {}
    rs: dict[int, set[str]] = {}
    active = _active_q(year, "action__") & Q(action__agenda=agenda)
    for aid, oid in (
        Action.partners.through.objects.filter(active)
        .order_by()
        .values_list("action_id", "organisation_id")
    ):
        partners.setdefault(aid, set()).add(oid)
    for aid, rid in (
        Action.r_strategies.through.objects.filter(active)
        .order_by()
        .values_list("action_id", "record_id")
    ):
        rs.setdefault(aid, set()).add(slugs[rid])
    get = slugs.get
    return [
        ev.ActionFact(
            id=r[0],
            owner=r[1],
            status=r[2],
            start=r[3],
            end=r[4],
            partners=frozenset(partners.get(r[0], ())),
            work_path=get(r[5]) if r[5] else None,
            value_chain=get(r[6]) if r[6] else None,
            lever=get(r[7]) if r[7] else None,
            r_strategies=frozenset(rs.get(r[0], ())),
            programme=r[8],
        )
        for r in rows
    ]


#: Seconds an evaluation stays cached. The key holds the id of the latest change-log entry, so
#: any change made through the services (pages, API, CLI, imports) is seen at once; edits in the
#: Django admin (not logged) are seen after at most this long.
EVALUATION_CACHE_SECONDS = 60


def register_version() -> int:
    """Id of the latest change to the register (every service write logs one)."""
    return history_latest_id("agenda")


def evaluation(agenda: Record, year: int) -> ev.Evaluation:
    """The agenda's evaluation for ``year`` (cached per register version, see above)."""
    return cached(
        f"agenda-eval:{agenda.pk}:{year}:{register_version()}",
        EVALUATION_CACHE_SECONDS,
        lambda: _evaluation(agenda, year),
    )


def _evaluation(agenda: Record, year: int) -> ev.Evaluation:
    sigs = [
        ev.SignatoryFact(organisation=o, name=n, year_signed=y, min_actions=m)
        for o, n, y, m in Signatory.objects.filter(agenda=agenda).values_list(
            "organisation_id", "organisation__name", "year_signed", "min_actions"
        )
    ]
    progs = [
        ev.ProgrammeFact(id=i, kind=k, stage=s, outcome=o)
        for i, k, s, o in Programme.objects.filter(agenda=agenda).values_list(
            "id", "kind__slug", "stage", "outcome"
        )
    ]
    bns = [
        ev.BottleneckFact(id=i, title=t, status=s, policy_level=p)
        for i, t, s, p in Bottleneck.objects.filter(agenda=agenda).values_list(
            "id", "title", "status", "policy_level"
        )
    ]
    return ev.evaluate(
        agenda=agenda.slug,
        year=year,
        actions=action_facts(agenda, year),
        signatories=sigs,
        work_paths=list(records_of_agenda("work_path", agenda).values_list("slug", flat=True)),
        value_chains=list(records_of_agenda("value_chain", agenda).values_list("slug", flat=True)),
        levers=list(records("lever").values_list("slug", flat=True)),
        r_loops=r_loops(),
        programmes=progs,
        stages=list(Programme.Stage.values),
        bottlenecks=bns,
        agenda_min_actions=commitment_of(agenda),
    )


def manufacturer_share(year: int) -> ev.Share:
    """Share of manufacturers (NACE C, >= 10 employees) with an action counted in ``year``
    (cached like the evaluation; organisations' NACE/size edits show within a minute)."""
    return cached(
        f"agenda-share:{year}:{register_version()}",
        EVALUATION_CACHE_SECONDS,
        lambda: manufacturer_share_uncached(year),
    )


def manufacturer_share_uncached(year: int) -> ev.Share:
    orgs = [
        ev.OrganisationFact(id=i, nace_code=n, employee_class=c)
        for i, n, c in Organisation.objects.exclude(nace_code="").values_list(
            "id", "nace_code", "employee_class"
        )
    ]
    active_q = _active_q(year)
    owners = set(
        Action.objects.filter(active_q)
        .order_by()
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    partners = set(
        Action.partners.through.objects.filter(_active_q(year, "action__"))
        .order_by()
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    return ev.manufacturer_share(orgs, owners | partners)


def labels(kind: str) -> dict[str, str]:
    return {r.slug: r.name for r in records(kind)}


def years_with_actions() -> list[int]:
    ys = Action.objects.exclude(start__isnull=True).dates("start", "year")
    return sorted({d.year for d in ys}, reverse=True)


# --- pages ---------------------------------------------------------------------------------
def agenda_overview() -> list[dict[str, Any]]:
    """Every agenda with its number of signatories and actions (two grouped queries)."""
    sigs = dict(Signatory.objects.values_list("agenda_id").annotate(n=Count("id")))
    acts = dict(Action.objects.values_list("agenda_id").annotate(n=Count("id")))
    return [
        {"record": r, "signatories": sigs.get(r.pk, 0), "actions": acts.get(r.pk, 0)}
        for r in records("work_agenda")
    ]


def _chart(labels_: list[str], values: list[float], title: str) -> str:

    return svg_inline(bar_chart(labels_, values, title=title))


def evaluation_context(agenda: Record, year: int) -> dict[str, Any]:
    from django.utils.translation import gettext as _

    e = evaluation(agenda, year)
    wp, vc, lv, rs = (
        labels("work_path"),
        labels("value_chain"),
        labels("lever"),
        labels("r_strategy"),
    )
    loop_names = {r.attributes.get("code", r.slug): r.name for r in records("loop")}
    kinds = labels("programme_type")
    stage_labels = dict(Programme.Stage.choices)
    ctx: dict[str, Any] = {
        "agenda": agenda,
        "year": year,
        "e": e,
        "rule": rule_text(),
        "share_rule": rule_text(share=True),
        "commitment": commitment_of(agenda),
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
    }
    # Bars drawn with CSS (widths in %): the page is evaluated on every request, matplotlib is
    # kept for the annual report.
    for key in ("work_paths", "value_chains", "levers", "loops"):
        top = max((n for _s, _l, n in ctx[key]), default=0) or 1
        ctx[key] = [(s, label, n, round(100 * n / top)) for s, label, n in ctx[key]]
    if agenda.slug == MANUFACTURING:
        ctx["share"] = manufacturer_share(year)
    return ctx


def rule_text(share: bool = False) -> str:
    """The counting rule in the current language (Dutch or English)."""
    from django.utils.translation import get_language

    nl = (get_language() or "nl").startswith("nl")
    if share:
        return ev.SHARE_RULE_NL if nl else ev.SHARE_RULE
    return ev.RULE_NL if nl else ev.RULE


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def report_context(year: int) -> dict[str, Any]:
    """The annual report: per agenda and per lever the impact projects, key figures and
    highlights of ``year`` (actions counted by the evaluation rule), with charts."""
    from django.db.models import Sum
    from django.utils.translation import gettext as _

    active = Action.objects.filter(_active_q(year))
    by_agenda = dict(active.values_list("agenda_id").annotate(n=Count("id")))
    by_lever = dict(
        active.exclude(lever__isnull=True).values_list("lever_id").annotate(n=Count("id"))
    )
    completed = dict(
        active.filter(status=ev.COMPLETED).values_list("agenda_id").annotate(n=Count("id"))
    )
    started = dict(active.filter(start__year=year).values_list("agenda_id").annotate(n=Count("id")))
    sigs = dict(
        Signatory.objects.filter(year_signed__lte=year)
        .values_list("agenda_id")
        .annotate(n=Count("id"))
    )
    progs = dict(
        Programme.objects.filter(year__lte=year)
        .exclude(agenda__isnull=True)
        .values_list("agenda_id")
        .annotate(n=Count("id"))
    )
    open_bn = dict(
        Bottleneck.objects.filter(status__in=["open", "escalated"])
        .values_list("agenda_id")
        .annotate(n=Count("id"))
    )
    figures: dict[int, list[tuple[str, str, float]]] = {}
    for aid, label, unit, total in (
        ActionResult.objects.filter(action__in=active)
        .values_list("action__agenda_id", "label", "unit")
        .annotate(total=Sum("value"))
        .order_by("action__agenda_id", "label")
    ):
        figures.setdefault(aid, []).append((label, unit, total))

    def projects(**kw: Any) -> list[Action]:
        qs = active.filter(**kw).select_related("organisation", "work_path", "lever", "agenda")
        return list(qs.order_by("-impact_project", "-status", "title")[:6])

    def highlights(**kw: Any) -> list[Action]:
        return list(
            active.filter(status=ev.COMPLETED, **kw)
            .exclude(results="")
            .select_related("organisation")
            .order_by("-end", "title")[:3]
        )

    agendas = []
    for r in records("work_agenda"):
        agendas.append(
            {
                "record": r,
                "number": r.attributes.get("number_002"),
                "key": {
                    "signatories": sigs.get(r.pk, 0),
                    "actions": by_agenda.get(r.pk, 0),
                    "started": started.get(r.pk, 0),
                    "completed": completed.get(r.pk, 0),
                    "programmes": progs.get(r.pk, 0),
                    "open_bottlenecks": open_bn.get(r.pk, 0),
                },
                "figures": figures.get(r.pk, []),
                "projects": projects(agenda=r),
                "highlights": highlights(agenda=r),
            }
        )
    levers = [
        {
            "record": r,
            "actions": by_lever.get(r.pk, 0),
            "projects": projects(lever=r),
            "highlights": highlights(lever=r),
        }
        for r in records("lever")
    ]
    return {
        "year": year,
        "agendas": agendas,
        "levers": levers,
        "rule": rule_text(),
        "total": sum(by_agenda.values()),
        "programmes": list(programme_list().filter(year=year)),
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


REPORT_PDF_CACHE_SECONDS = 3600


def report_pdf(year: int) -> bytes:
    """The annual report as PDF, built once per year, language and register version.

    Why: a PDF costs 1-3 s of CPU and the report is public, so anonymous visitors asking for it
    again must not rebuild it (a burst of them starved every page). Data the register version
    does not cover (organisations' size classes, the knowledge base) is at most an hour old.
    """
    from django.utils.translation import get_language

    key = f"agenda-report-pdf:{year}:{get_language()}:{register_version()}"
    return cached(
        key,
        REPORT_PDF_CACHE_SECONDS,
        lambda: template_to_pdf("agenda/report_print.html", report_context(year)),
    )
