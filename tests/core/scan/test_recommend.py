"""Recommendations: which next steps, in which order, with which links (hand-computed values)."""

from __future__ import annotations

import pytest
from hypothesis import given

from circulair.core.errors import InputError
from circulair.core.scan import (
    RECOMMENDATION_RULE,
    load_questionnaire,
    parse_questionnaire,
    recommend,
    score,
)

from .conftest import ANSWERS_V1, mini_v1, mini_v2
from .test_scoring import V1, V1_ANSWERS

MINI = parse_questionnaire(mini_v1())


def test_weak_sections_ranked_by_weight_times_gap() -> None:
    # Scores: d1 1.25, d2 5.0 (weak, below 6.25), g1 6.25 (not weak). Section weights sum 4.
    recs = recommend(MINI, score(MINI, ANSWERS_V1))
    # q2: 10 x 1/4 x 3/4 x (1 - 0)   = 1.875
    # q3: 10 x 1/4 x 1/1 x (1 - 0.5) = 1.25
    # q1: 10 x 1/4 x 1/4 x 0.25      = 0.15625
    assert [(r.question, r.value) for r in recs] == [
        ("q2", pytest.approx(1.875)),
        ("q3", pytest.approx(1.25)),
        ("q1", pytest.approx(0.15625)),
    ]
    first = recs[0]
    assert (first.section, first.instrument, first.community) == ("d1", "instr-q2", "aankoop")
    assert first.text == {"nl": "improve q2", "en": "improve q2"}
    assert (first.points, first.next_points, first.section_score) == (0.0, 1.0, 1.25)
    assert [r.question for r in recommend(MINI, score(MINI, ANSWERS_V1), top=1)] == ["q2"]


def test_without_weak_sections_every_section_counts() -> None:
    answers = {**ANSWERS_V1, "q1": 4, "q2": True, "q3": "all", "q4": 3, "q5": 4}
    # g1 = 10 x (2 x 0.75 + 2 x 1) / 4 = 8.75; only q4 can still rise:
    # 10 x 2/4 x 2/4 x 0.25 = 0.625
    recs = recommend(MINI, score(MINI, answers))
    assert [(r.question, r.value) for r in recs] == [("q4", pytest.approx(0.625))]
    top = {**answers, "q4": 4}
    assert recommend(MINI, score(MINI, top)) == []


def test_score_and_questionnaire_version_must_match() -> None:
    v2 = parse_questionnaire(mini_v2())
    with pytest.raises(InputError, match="another questionnaire version"):
        recommend(v2, score(MINI, ANSWERS_V1))
    with pytest.raises(InputError):
        recommend(MINI, score(MINI, ANSWERS_V1), top=-1)


def test_rule_is_stated() -> None:
    assert "weight x gap to the next level" in RECOMMENDATION_RULE


@given(V1_ANSWERS)
def test_shipped_recommendations_are_linked_and_ordered(answers: dict[str, object]) -> None:
    s = score(V1, answers)
    recs = recommend(V1, s, top=5)
    assert len(recs) <= 5
    values = [r.value for r in recs]
    assert values == sorted(values, reverse=True)
    for r in recs:
        assert r.value > 0 and r.next_points > r.points
        assert r.community in {"aankoop", "stadsontwikkeling", "monitoring"}
        assert r.instrument and r.text["nl"] and r.text["en"]
    if s.overall < 10:
        assert recs


def test_shipped_v1_low_scorer_gets_five_steps() -> None:
    q = load_questionnaire(1)
    answers = {
        x.id: (
            1
            if x.type == "maturity"
            else False
            if x.type == "yes_no"
            else x.options[0].value
            if x.type == "choice" and not x.multiple
            else ["kennis"]
            if x.id == "profiel_drempels"
            else []
            if x.type == "choice"
            else 8000
            if x.type == "number"
            else ""
        )
        for x in q.questions
    }
    recs = recommend(q, score(q, answers))
    assert len(recs) == 5
    # The yes/no questions (gap 1 in one go) outrank one maturity step.
    assert {r.question for r in recs[:2]} == {"strat_goedgekeurd", "ext_subsidies"}
