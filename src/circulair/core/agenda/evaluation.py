"""Yearly evaluation of a work agenda: commitments, coverage, levers, R-loops, programmes.

Pure computation on plain facts (selectors in the web layer build them from the database), so the
same rule is used by the page, the API, the CLI and the annual report.

The commitment comes from source 000 ("Ambitie en engagement", lines 142-144): every signatory
organises, alone or jointly, at least 5 concrete actions or projects a year, and the ambitions are
evaluated yearly. The target fed by :func:`manufacturer_share` is "more than half of the Flemish
manufacturers (with at least ten employees) work circularly by 2030" (000:136-146).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: Statuses of an action and the transitions a service may make between them.
PLANNED, RUNNING, COMPLETED, STOPPED = "planned", "running", "completed", "stopped"
TRANSITIONS: Mapping[str, frozenset[str]] = {
    PLANNED: frozenset({RUNNING, STOPPED}),
    RUNNING: frozenset({COMPLETED, STOPPED}),
    COMPLETED: frozenset(),
    STOPPED: frozenset(),
}
#: Statuses that count: the action has actually started (a stopped one has run until its end).
COUNTED_STATUSES = frozenset({RUNNING, COMPLETED, STOPPED})

#: Commitment when an agenda sets none (source 000: "minstens 5 concrete acties of projecten").
DEFAULT_MIN_ACTIONS = 5

RULE = (
    "An action counts for year Y when it was active in Y: it started on or before 31 December Y "
    "and it has no end date or ended on or after 1 January Y; and its status is running, "
    "completed or stopped (a planned action has not started and never counts; a stopped action "
    "counts only for the years in which it ran, up to its end date). It counts for every "
    "signatory of the action's agenda that owns it or takes part in it as a partner (the "
    "commitment reads 'alone or together'), once per signatory. A signatory is evaluated from "
    "the year it signed; it falls short when its count is below its commitment (its own if set, "
    "otherwise the agenda's, otherwise 5)."
)

RULE_NL = (
    "Een actie telt voor jaar J als ze in J actief was: ze startte op of voor 31 december J en "
    "heeft geen einddatum of eindigde op of na 1 januari J; en haar status is lopend, afgerond of "
    "stopgezet (een geplande actie is niet gestart en telt nooit; een stopgezette actie telt "
    "alleen voor de jaren waarin ze liep, tot haar einddatum). Ze telt voor elke ondertekenaar "
    "van de werkagenda van de actie die ze trekt of er als partner aan meewerkt (het engagement "
    "luidt 'samen of apart'), één keer per ondertekenaar. Een ondertekenaar wordt geëvalueerd "
    "vanaf het jaar van ondertekening; hij schiet tekort als zijn aantal onder zijn engagement "
    "ligt (zijn eigen als dat bepaald is, anders dat van de werkagenda, anders 5)."
)

SHARE_RULE = (
    "Share of manufacturers: organisations whose main NACE-BEL code is in section C "
    "(divisions 10-33) with an employee class of 10 or more employees (RSZ class 3 and up); "
    "the share is those with at least one action counted for the year (any agenda, as owner or "
    "partner, by the rule above) over all such organisations on the platform, in per cent."
)


SHARE_RULE_NL = (
    "Aandeel maakbedrijven: organisaties met een NACE-BEL-hoofdcode in sectie C (afdelingen "
    "10-33) en een werknemersklasse van 10 of meer werknemers (RSZ-klasse 3 en hoger); het "
    "aandeel is het aantal met minstens één getelde actie in het jaar (elke werkagenda, als "
    "trekker of partner, volgens de telregel) op alle zulke organisaties op het platform, in "
    "procent."
)


def counts_in_year(status: str, start: dt.date | None, end: dt.date | None, year: int) -> bool:
    """Whether one action counts for ``year`` (see :data:`RULE`)."""
    if status not in COUNTED_STATUSES or start is None:
        return False
    return start <= dt.date(year, 12, 31) and (end is None or end >= dt.date(year, 1, 1))


@dataclass(frozen=True)
class ActionFact:
    """What the evaluation needs of one action."""

    id: int
    owner: int
    status: str
    start: dt.date | None
    end: dt.date | None = None
    partners: frozenset[int] = frozenset()
    work_path: str | None = None
    value_chain: str | None = None
    lever: str | None = None
    r_strategies: frozenset[str] = frozenset()
    programme: int | None = None


@dataclass(frozen=True)
class SignatoryFact:
    organisation: int
    name: str
    year_signed: int
    min_actions: int | None = None


@dataclass(frozen=True)
class ProgrammeFact:
    id: int
    kind: str
    stage: str
    outcome: str = ""


@dataclass(frozen=True)
class BottleneckFact:
    id: int
    title: str
    status: str
    policy_level: str


@dataclass(frozen=True)
class OrganisationFact:
    id: int
    nace_code: str
    employee_class: str


@dataclass(frozen=True)
class SignatoryResult:
    organisation: int
    name: str
    commitment: int
    actions: int
    short_by: int

    @property
    def falls_short(self) -> bool:
        return self.short_by > 0


@dataclass(frozen=True)
class Evaluation:
    agenda: str
    year: int
    rule: str
    signatories: list[SignatoryResult]
    counted_actions: int
    work_paths: dict[str, int]
    value_chains: dict[str, int]
    levers: dict[str, int]
    r_strategies: dict[str, int]
    loops: dict[str, int]
    programmes_by_stage: dict[str, int]
    programmes_by_kind: dict[str, int]
    programme_outcomes: list[tuple[int, str, str]]
    funded_actions: int
    open_bottlenecks: list[BottleneckFact]
    status_counts: dict[str, int] = field(default_factory=dict)

    @property
    def shortfalls(self) -> list[SignatoryResult]:
        return [s for s in self.signatories if s.falls_short]

    @property
    def uncovered_work_paths(self) -> list[str]:
        return [w for w, n in self.work_paths.items() if n == 0]

    @property
    def uncovered_value_chains(self) -> list[str]:
        return [v for v, n in self.value_chains.items() if n == 0]


def evaluate(
    *,
    agenda: str,
    year: int,
    actions: Iterable[ActionFact],
    signatories: Sequence[SignatoryFact],
    work_paths: Sequence[str],
    value_chains: Sequence[str],
    levers: Sequence[str],
    r_loops: Mapping[str, str | None],
    programmes: Sequence[ProgrammeFact] = (),
    stages: Sequence[str] = (),
    bottlenecks: Sequence[BottleneckFact] = (),
    open_statuses: frozenset[str] = frozenset({"open", "escalated"}),
    agenda_min_actions: int | None = None,
) -> Evaluation:
    """Evaluate one agenda for one year.

    Parameters
    ----------
    actions
        The agenda's actions (any year, any status; the rule filters).
    signatories
        The agenda's signatories; those that signed after ``year`` are left out.
    work_paths, value_chains, levers
        Slugs in display order; every one appears in the result, with 0 when uncovered.
    r_loops
        R-strategy slug -> loop (short/medium/long) or None for strategies outside the ladder.
    programmes, stages
        The agenda's programmes and the lifecycle stages in order (all appear, 0 when empty).
    """
    counted = [a for a in actions if counts_in_year(a.status, a.start, a.end, year)]
    per_org: Counter[int] = Counter()
    for a in counted:
        for org in {a.owner, *a.partners}:
            per_org[org] += 1
    default = agenda_min_actions if agenda_min_actions is not None else DEFAULT_MIN_ACTIONS
    sig_results = []
    for s in sorted(signatories, key=lambda s: (s.name.lower(), s.organisation)):
        if s.year_signed > year:
            continue
        need = s.min_actions if s.min_actions is not None else default
        n = per_org.get(s.organisation, 0)
        sig_results.append(SignatoryResult(s.organisation, s.name, need, n, max(0, need - n)))
    wp = {w: 0 for w in work_paths}
    vc = {v: 0 for v in value_chains}
    lv = {x: 0 for x in levers}
    rs: dict[str, int] = {r: 0 for r in r_loops}
    loops: dict[str, int] = {}
    for loop in r_loops.values():
        if loop is not None:
            loops.setdefault(loop, 0)
    status_counts: Counter[str] = Counter()
    for a in counted:
        status_counts[a.status] += 1
        if a.work_path is not None:
            wp[a.work_path] = wp.get(a.work_path, 0) + 1
        if a.value_chain is not None:
            vc[a.value_chain] = vc.get(a.value_chain, 0) + 1
        if a.lever is not None:
            lv[a.lever] = lv.get(a.lever, 0) + 1
        action_loops: set[str] = set()
        for r in a.r_strategies:
            rs[r] = rs.get(r, 0) + 1
            loop = r_loops.get(r)
            if loop is not None:
                action_loops.add(loop)
        for loop in action_loops:  # an action counts once per loop
            loops[loop] = loops.get(loop, 0) + 1
    by_stage = {s: 0 for s in stages}
    by_kind: Counter[str] = Counter()
    for p in programmes:
        by_stage[p.stage] = by_stage.get(p.stage, 0) + 1
        by_kind[p.kind] += 1
    funded = {a.id for a in counted if a.programme is not None}
    return Evaluation(
        agenda=agenda,
        year=year,
        rule=RULE,
        signatories=sig_results,
        counted_actions=len(counted),
        work_paths=wp,
        value_chains=vc,
        levers=lv,
        r_strategies=rs,
        loops=loops,
        programmes_by_stage=by_stage,
        programmes_by_kind=dict(sorted(by_kind.items())),
        programme_outcomes=[(p.id, p.stage, p.outcome) for p in programmes if p.outcome],
        funded_actions=len(funded),
        open_bottlenecks=[b for b in bottlenecks if b.status in open_statuses],
        status_counts=dict(sorted(status_counts.items())),
    )


def is_manufacturer(org: OrganisationFact) -> bool:
    """NACE section C (divisions 10-33) with 10 or more employees (RSZ class >= 3)."""
    division = org.nace_code[:2]
    if not division.isdigit() or not 10 <= int(division) <= 33:
        return False
    return org.employee_class.isdigit() and int(org.employee_class) >= 3


@dataclass(frozen=True)
class Share:
    manufacturers: int
    active: int

    @property
    def percent(self) -> float | None:
        return None if self.manufacturers == 0 else 100.0 * self.active / self.manufacturers


def manufacturer_share(
    organisations: Iterable[OrganisationFact], active_organisations: Iterable[int]
) -> Share:
    """Share of manufacturers with >= 10 employees that have at least one counted action.

    ``active_organisations`` are the ids of organisations with an action counted for the year
    (owner or partner, see :data:`SHARE_RULE`).
    """
    active = set(active_organisations)
    makers = [o.id for o in organisations if is_manufacturer(o)]
    return Share(manufacturers=len(makers), active=sum(1 for m in makers if m in active))
