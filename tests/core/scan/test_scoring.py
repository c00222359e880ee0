"""Scores, levels, population classes, percentiles and change, checked against hand sums.

Mini questionnaire (conftest): d1 = q1 (maturity, weight 1) + q2 (yes/no, weight 3);
d2 = q3 (choice 0 / 0.5 / 1, weight 1); g1 = q4 + q5 (maturity, weight 2 each);
section weights d1 1, d2 1, g1 2.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circulair.core.errors import InputError
from circulair.core.scan import (
    MATURITY_LEVELS,
    PERCENTILE_RULE,
    SCORING_RULE,
    ScanScore,
    change,
    load_questionnaire,
    maturity_level,
    maturity_level_name,
    parse_questionnaire,
    percentile_rank,
    percentiles,
    population_class,
    score,
)

from .conftest import ANSWERS_V1, mini_v1

MINI = parse_questionnaire(mini_v1())


def test_hand_computed_scores() -> None:
    s = score(MINI, ANSWERS_V1)
    # d1: q1 = 2/4 = 0.5, q2 = no = 0 -> 10 x (1 x 0.5 + 3 x 0) / 4 = 1.25
    assert s.domains["d1"] == pytest.approx(1.25)
    # d2: q3 = 'half' = 0.5 -> 10 x 0.5 = 5.0
    assert s.domains["d2"] == pytest.approx(5.0)
    # g1: q4 = 4/4 = 1, q5 = 1/4 -> 10 x (2 x 1 + 2 x 0.25) / 4 = 6.25
    assert s.groups == {"g1": pytest.approx(6.25)}
    # overall: (1 x 1.25 + 1 x 5.0 + 2 x 6.25) / 4 = 18.75 / 4 = 4.6875
    assert s.overall == pytest.approx(4.6875)
    assert s.points == {"q1": 0.5, "q2": 0.0, "q3": 0.5, "q4": 1.0, "q5": 0.25}
    assert (s.government_type, s.population, s.population_class) == ("gemeente", 12000.0, "10k-25k")
    d = s.as_dict()
    assert d["overall"] == 4.7 and d["overall_level"] == 2
    # levels: 1.25/2.5 = 0.5 -> 1 (halves up); 5/2.5 = 2; 6.25/2.5 = 2.5 -> 3
    assert d["levels"] == {"d1": 1, "d2": 2, "g1": 3}


def test_rules_are_stated() -> None:
    assert "L/4" in SCORING_RULE and "weighted mean" in SCORING_RULE
    assert "half the number with an equal score" in PERCENTILE_RULE


@pytest.mark.parametrize(
    ("value", "level", "name"),
    [
        (0.0, 0, "Not started"),
        (1.24, 0, "Not started"),
        (1.25, 1, "Exploring"),
        (3.75, 2, "Getting started"),
        (6.2, 2, "Getting started"),
        (6.25, 3, "Advanced"),
        (8.75, 4, "Front-runner"),
        (10.0, 4, "Front-runner"),
    ],
)
def test_maturity_levels(value: float, level: int, name: str) -> None:
    assert maturity_level(value) == level
    assert maturity_level_name(value, "en") == name
    assert maturity_level_name(value) == MATURITY_LEVELS[level]["nl"]


@pytest.mark.parametrize(
    ("n", "cls"),
    [
        (0, "tot-10k"),
        (9_999, "tot-10k"),
        (10_000, "10k-25k"),
        (24_999.5, "10k-25k"),
        (25_000, "25k-50k"),
        (50_000, "50k-100k"),
        (100_000, "100k-plus"),
        (3_000_000, "100k-plus"),
    ],
)
def test_population_class(n: float, cls: str) -> None:
    assert population_class(n) == cls


@pytest.mark.parametrize("n", [-1, float("inf"), True, "1000"])
def test_population_class_rejects_non_counts(n: Any) -> None:
    with pytest.raises(InputError):
        population_class(n)


def _s(overall: float, gov: str, pop: float, questionnaire: str = "mini") -> ScanScore:
    return ScanScore(
        questionnaire,
        1,
        {"d1": overall},
        {"d1": overall},
        {},
        overall,
        government_type=gov,
        population=pop,
    )


def test_percentile_rank_rule() -> None:
    # below 1 of 4 (2.0), equal to 2 (5.0, 5.0), above 1 (7.0): (1 + 0.5 x 2) / 4 = 50 %
    assert percentile_rank(5.0, [2.0, 5.0, 5.0, 7.0]) == 50.0
    assert percentile_rank(0.1 + 0.2, [0.3]) == 50.0  # float noise counts as a tie
    assert percentile_rank(1.0, []) is None


def test_percentiles_on_a_fixture_set() -> None:
    me = _s(5.0, "gemeente", 12_000)
    others = [
        _s(4.0, "gemeente", 15_000),
        _s(5.0, "gemeente", 20_000),
        _s(7.0, "gemeente", 24_000),
        _s(1.0, "gemeente", 30_000),  # other population class: not a peer
        _s(2.0, "stad", 12_000),  # other type: not a peer
        _s(9.0, "gemeente", 12_000, "x"),  # other questionnaire: ignored
    ]
    p = percentiles(me, others)
    assert (p.government_type, p.population_class, p.n_peers, p.n_all) == (
        "gemeente",
        "10k-25k",
        3,
        5,
    )
    # peers 4, 5, 7: lower 1, equal 1 -> (1 + 0.5) / 3 = 50 %
    assert p.peers == {"overall": 50.0, "d1": 50.0}
    # all 4, 5, 7, 1, 2: lower 3, equal 1 -> 3.5 / 5 = 70 %
    assert p.all == {"overall": 70.0, "d1": 70.0}


def test_percentiles_without_peers_or_profile() -> None:
    me = ScanScore("mini", 1, {"d1": 3.0}, {"d1": 3.0}, {}, 3.0)
    p = percentiles(me, [_s(4.0, "gemeente", 15_000)])
    assert p.n_peers == 0 and p.peers == {"overall": None, "d1": None}
    assert p.all["overall"] == 0.0


def test_change_since_previous_round() -> None:
    prev = score(MINI, ANSWERS_V1)
    cur = score(MINI, {**ANSWERS_V1, "q2": True})
    c = change(prev, cur)
    # d1 becomes 10 x (0.5 + 3 x 1) / 4 = 8.75 (+7.5); overall (8.75 + 5 + 12.5) / 4 = 6.5625
    assert c.delta["d1"] == pytest.approx(7.5)
    assert c.delta["overall"] == pytest.approx(6.5625 - 4.6875)
    assert c.delta["d2"] == 0 and c.delta["g1"] == 0
    assert c.levels["d1"] == (1, 4) and c.levels["overall"] == (2, 3)
    assert (c.added, c.removed) == ((), ())


def test_change_across_versions_reports_added_and_removed_sections() -> None:
    prev = ScanScore("mini", 1, {"d1": 2.0, "old": 1.0}, {"d1": 2.0, "old": 1.0}, {}, 1.5)
    cur = ScanScore("mini", 2, {"d1": 3.0, "new": 4.0}, {"d1": 3.0, "new": 4.0}, {}, 3.5)
    c = change(prev, cur)
    assert c.delta == {"overall": 2.0, "d1": 1.0}
    assert (c.added, c.removed) == (("new",), ("old",))
    with pytest.raises(InputError):
        change(prev, ScanScore("other", 1, {}, {}, {}, 0.0))


V1 = load_questionnaire(1)


def _answer(x: object) -> st.SearchStrategy[object]:
    from circulair.core.scan import Question

    assert isinstance(x, Question)
    if x.type == "maturity":
        return st.integers(0, 4)
    if x.type == "yes_no":
        return st.booleans()
    if x.type == "choice" and x.multiple:
        return st.lists(st.sampled_from([o.value for o in x.options]), unique=True)
    if x.type == "choice":
        return st.sampled_from([o.value for o in x.options])
    if x.type == "number":
        return st.integers(0, 10_000_000)
    return st.text()


V1_ANSWERS = st.fixed_dictionaries({x.id: _answer(x) for x in V1.questions})


@given(V1_ANSWERS)
def test_scores_stay_within_0_and_10(answers: dict[str, object]) -> None:
    s = score(V1, answers)
    assert set(s.domains) | set(s.groups) == {x.id for x in V1.scored_sections()}
    for v in [s.overall, *s.sections.values()]:
        assert 0 <= v <= 10
    assert min(s.sections.values()) - 1e-9 <= s.overall <= max(s.sections.values()) + 1e-9


def test_shipped_v1_extremes() -> None:
    low = {
        x.id: (
            0
            if x.type == "maturity"
            else False
            if x.type == "yes_no"
            else x.options[0].value
            if x.type == "choice" and not x.multiple
            else []
            if x.type == "choice"
            else 5000
            if x.type == "number"
            else ""
        )
        for x in V1.questions
    }
    high = {
        **low,
        **{
            x.id: (
                4 if x.type == "maturity" else True if x.type == "yes_no" else x.options[-1].value
            )
            for x in V1.questions
            if x.scored
        },
    }
    assert score(V1, low).overall == 0
    assert score(V1, high).overall == pytest.approx(10)
