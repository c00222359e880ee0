"""Scores of the circular scan: per action domain, per instrument group and overall, on 0-10.

Why: the 2022 survey of Lokaal Circulair asked governments to rate themselves (average 4.3/10,
DOMAIN.md section 7); the scan replaces that single self-rating by a score built from concrete
answers, compared with peers and with the government's own previous round. The rule is stated
in :data:`SCORING_RULE` so the report can print it next to the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from circulair.core.errors import InputError, Problem
from circulair.core.scan.answers import answer_points, validate_answers
from circulair.core.scan.questionnaire import Questionnaire

SCORING_RULE = (
    "Each scored question gives points from 0 to 1: a maturity level L (0-4) gives L/4, yes "
    "gives 1 and no 0, a choice gives the score of the chosen option. A section (action domain "
    "or instrument group) scores 10 x the weighted mean of its questions' points, with the "
    "question weights of the questionnaire. The overall score is the weighted mean of all "
    "section scores with the section weights (version 1: every section weight 1, so the five "
    "domains and three instrument groups count equally). Only complete responses are scored. "
    "The maturity level of a score S is round(S / 2.5) (halves up), i.e. the step of the 0-4 "
    "scale nearest to the mean answer."
)

PERCENTILE_RULE = (
    "The percentile of a score among a set of peers is 100 x (number of peers with a lower "
    "score + half the number with an equal score) / number of peers; scores are compared "
    "after rounding to 9 decimals. Peers are the respondents of the same government type and "
    "population class; 'all' are all respondents. No peers gives no percentile."
)

#: Names of the maturity levels a 0-10 score maps to (index = round(score / 2.5)).
MATURITY_LEVELS: tuple[dict[str, str], ...] = (
    {"nl": "Nog niet gestart", "en": "Not started"},
    {"nl": "Verkennend", "en": "Exploring"},
    {"nl": "Opstartend", "en": "Getting started"},
    {"nl": "Gevorderd", "en": "Advanced"},
    {"nl": "Voortrekker", "en": "Front-runner"},
)

#: Population classes for peer groups: (slug, lower bound inclusive, upper bound exclusive).
POPULATION_CLASSES: tuple[tuple[str, float, float], ...] = (
    ("tot-10k", 0, 10_000),
    ("10k-25k", 10_000, 25_000),
    ("25k-50k", 25_000, 50_000),
    ("50k-100k", 50_000, 100_000),
    ("100k-plus", 100_000, math.inf),
)

OVERALL = "overall"


@dataclass(frozen=True)
class ScanScore:
    """Scores of one complete response, with the profile used to find its peers.

    ``sections`` holds every domain and instrument-group score by section id; ``domains`` and
    ``groups`` are the same numbers split by kind. ``points`` keeps each scored question's points
    (0-1) so recommendations can see which answers hold a section back.
    """

    questionnaire: str
    version: int
    sections: dict[str, float]
    domains: dict[str, float]
    groups: dict[str, float]
    overall: float
    points: dict[str, float] = field(default_factory=dict)
    government_type: str | None = None
    population: float | None = None

    @property
    def population_class(self) -> str | None:
        """Population class slug, or None when the population is unknown."""
        return None if self.population is None else population_class(self.population)

    def value(self, key: str) -> float | None:
        """The overall score (key ``overall``) or a section score, None when absent."""
        return self.overall if key == OVERALL else self.sections.get(key)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for an API or a stored report (scores rounded to one decimal)."""
        return {
            "questionnaire": self.questionnaire,
            "version": self.version,
            "overall": round(self.overall, 1),
            "overall_level": maturity_level(self.overall),
            "domains": {k: round(v, 1) for k, v in self.domains.items()},
            "groups": {k: round(v, 1) for k, v in self.groups.items()},
            "levels": {k: maturity_level(v) for k, v in self.sections.items()},
            "government_type": self.government_type,
            "population": self.population,
            "population_class": self.population_class,
        }


def maturity_level(score: float) -> int:
    """The maturity level (0-4) of a 0-10 score: round(score / 2.5), halves rounded up."""
    return max(0, min(len(MATURITY_LEVELS) - 1, math.floor(score / 2.5 + 0.5 + 1e-9)))


def maturity_level_name(score: float, lang: str = "nl") -> str:
    """Name of the maturity level of a 0-10 score, in Dutch (default) or English."""
    return MATURITY_LEVELS[maturity_level(score)][lang]


def population_class(n: float) -> str:
    """The population class slug of a number of inhabitants (see POPULATION_CLASSES).

    For an intercommunale, POM, province or partnership, pass the population it serves.
    """
    if isinstance(n, bool) or not isinstance(n, (int, float)) or not math.isfinite(n) or n < 0:
        raise InputError.single(
            "population must be a number of inhabitants, 0 or more", field="population", value=n
        )
    return next(slug for slug, lo, hi in POPULATION_CLASSES if lo <= n < hi)


def score(q: Questionnaire, answers: Mapping[str, Any]) -> ScanScore:
    """Score a complete response against the questionnaire version it was given for.

    Raises
    ------
    InputError
        For bad values (see :func:`validate_answers`), or, when the response is incomplete, one
        problem per missing question naming its id in ``field``.
    """
    missing = validate_answers(q, answers)
    if missing:
        raise InputError(
            [Problem("not answered; only complete responses are scored", field=m) for m in missing]
        )
    points = {x.id: answer_points(x, answers[x.id]) for x in q.questions if x.scored}
    sections: dict[str, float] = {}
    for s in q.scored_sections():
        qs = [x for x in q.questions_in(s.id) if x.scored]
        total = sum(x.weight for x in qs)
        sections[s.id] = 10 * sum(x.weight * points[x.id] for x in qs) / total
    weights = {s.id: s.weight for s in q.scored_sections()}
    overall = sum(weights[k] * v for k, v in sections.items()) / sum(weights.values())
    kinds = {s.id: s.kind for s in q.sections}
    gov_q, pop_q = q.profile.get("government_type"), q.profile.get("population")
    gov = answers.get(gov_q) if gov_q else None
    pop = answers.get(pop_q) if pop_q else None
    return ScanScore(
        questionnaire=q.id,
        version=q.version,
        sections=sections,
        domains={k: v for k, v in sections.items() if kinds[k] == "domain"},
        groups={k: v for k, v in sections.items() if kinds[k] == "instrument_group"},
        overall=overall,
        points=points,
        government_type=gov if isinstance(gov, str) else None,
        population=float(pop) if isinstance(pop, (int, float)) else None,
    )


def percentile_rank(value: float, others: Sequence[float]) -> float | None:
    """Percentile of ``value`` among ``others`` by PERCENTILE_RULE; None when there are none."""
    if not others:
        return None
    v = round(value, 9)
    lower = sum(1 for o in others if round(o, 9) < v)
    equal = sum(1 for o in others if round(o, 9) == v)
    return 100 * (lower + 0.5 * equal) / len(others)


@dataclass(frozen=True)
class Percentiles:
    """Where a score stands among peers (same type and population class) and among all.

    ``peers`` and ``all`` map ``overall`` and each section id to a percentile (0-100) or None;
    ``n_peers`` and ``n_all`` count the respondents compared with.
    """

    government_type: str | None
    population_class: str | None
    n_peers: int
    n_all: int
    peers: dict[str, float | None]
    all: dict[str, float | None]


def percentiles(score: ScanScore, others: Iterable[ScanScore]) -> Percentiles:
    """Compare a score with the other respondents (do not include the respondent itself).

    Only responses to the same questionnaire (any version) count; a section is compared with
    those others that have that section. Rule: :data:`PERCENTILE_RULE`.
    """
    pool = [o for o in others if o.questionnaire == score.questionnaire]
    cls = score.population_class
    same = [
        o
        for o in pool
        if score.government_type is not None
        and cls is not None
        and o.government_type == score.government_type
        and o.population_class == cls
    ]
    keys = [OVERALL, *score.sections]

    def ranks(group: list[ScanScore]) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for k in keys:
            mine = score.value(k)
            vals = [v for v in (o.value(k) for o in group) if v is not None]
            out[k] = None if mine is None else percentile_rank(mine, vals)
        return out

    return Percentiles(score.government_type, cls, len(same), len(pool), ranks(same), ranks(pool))


@dataclass(frozen=True)
class ScoreChange:
    """Change since the previous round: score differences (current minus previous) by key.

    ``delta`` holds ``overall`` and every section present in both rounds; ``levels`` the
    maturity level before and after; ``added``/``removed`` the sections only in one round (a
    later questionnaire version may add or drop a section).
    """

    delta: dict[str, float]
    levels: dict[str, tuple[int, int]]
    added: tuple[str, ...]
    removed: tuple[str, ...]


def change(prev: ScanScore, cur: ScanScore) -> ScoreChange:
    """Change between two rounds of the same government (the versions may differ)."""
    if prev.questionnaire != cur.questionnaire:
        raise InputError.single(
            "the two rounds answer different questionnaires",
            field="questionnaire",
            value=(prev.questionnaire, cur.questionnaire),
        )
    keys = [OVERALL, *(k for k in cur.sections if k in prev.sections)]
    delta: dict[str, float] = {}
    levels: dict[str, tuple[int, int]] = {}
    for k in keys:
        a, b = prev.value(k), cur.value(k)
        if a is not None and b is not None:
            delta[k] = b - a
            levels[k] = (maturity_level(a), maturity_level(b))
    return ScoreChange(
        delta,
        levels,
        tuple(k for k in cur.sections if k not in prev.sections),
        tuple(k for k in prev.sections if k not in cur.sections),
    )
