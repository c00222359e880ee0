"""Answers to a questionnaire version: which values each question takes, and the points a
valid answer is worth.

Why apart from :mod:`.questionnaire`: that module reads and checks the questionnaire itself
(the file a coordinator publishes); this one checks what a government answers, every refusal
coded and shown in the reader's language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from circulair.core.errors import InputError, Problem, gettext_noop, problem
from circulair.core.scan.questionnaire import (
    MATURITY_STEPS,
    Question,
    Questionnaire,
    _number,
)

__all__ = ["ANSWER_NUMBER", "answer_points", "next_points", "validate_answers"]

#: The one wording of "not a number" for an answer (the form's reading and the core check).
ANSWER_NUMBER = gettext_noop("must be a number")


def _answer_problem(q: Question, v: Any) -> tuple[str, str, dict[str, Any]] | None:
    """Why ``v`` is not a valid answer to ``q`` (code, template, parameters), or None."""
    if q.type == "maturity":
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < MATURITY_STEPS:
            return (
                "answer_level",
                gettext_noop("a maturity level must be a whole number from 0 to %(top)s"),
                {"top": MATURITY_STEPS - 1},
            )
    elif q.type == "yes_no":
        if not isinstance(v, bool):
            return "answer_yes_no", gettext_noop("a yes/no answer must be true or false"), {}
    elif q.type == "choice":
        values = ", ".join(sorted(o.value for o in q.options))
        known = {o.value for o in q.options}
        if q.multiple:
            if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
                return (
                    "answer_choices",
                    gettext_noop("a multiple-choice answer must be a list of option values"),
                    {},
                )
            if len(set(v)) != len(v):
                return "answer_choice_twice", gettext_noop("an option is chosen twice"), {}
            unknown = [x for x in v if x not in known]
            if unknown:
                return (
                    "answer_option",
                    gettext_noop("not an option: %(unknown)s; expected %(expected)s"),
                    {"unknown": ", ".join(unknown), "expected": values},
                )
        elif not isinstance(v, str) or v not in known:
            return (
                "answer_option",
                gettext_noop("not an option; expected one of %(expected)s"),
                {"expected": values},
            )
    elif q.type == "number":
        if not _number(v):
            return "answer_number", ANSWER_NUMBER, {}
        if q.integer and float(v) != math.floor(v):
            return "answer_whole", gettext_noop("must be a whole number"), {}
        if q.minimum is not None and v < q.minimum:
            return "answer_min", gettext_noop("must be at least %(min)s"), {"min": f"{q.minimum:g}"}
        if q.maximum is not None and v > q.maximum:
            return "answer_max", gettext_noop("must be at most %(max)s"), {"max": f"{q.maximum:g}"}
    elif not isinstance(v, str):
        return "answer_text", gettext_noop("must be text"), {}
    return None


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def validate_answers(q: Questionnaire, answers: Mapping[str, Any]) -> list[str]:
    """Check answers against the questionnaire version they were given for.

    Returns
    -------
    list of str
        Ids of required questions without an answer (None or blank text), in questionnaire
        order; empty when the response is complete. A partly filled-in response is valid; it
        just cannot be scored yet.

    Raises
    ------
    InputError
        For every answer to an unknown question and every value of the wrong type or range;
        each problem names the question id (``field``) and the value.
    """
    known = {x.id: x for x in q.questions}
    problems: list[Problem] = []
    for qid, v in answers.items():
        question = known.get(qid)
        if question is None:
            problems.append(
                problem(
                    "answer_unknown_question",
                    gettext_noop("no such question in questionnaire %(questionnaire)s"),
                    field=str(qid),
                    value=v,
                    questionnaire=f"{q.id} v{q.version}",
                )
            )
            continue
        if _is_blank(v):
            continue
        why = _answer_problem(question, v)
        if why:
            code, template, params = why
            problems.append(problem(code, template, field=qid, value=v, **params))
    if problems:
        raise InputError(problems)
    return [x.id for x in q.questions if x.required and _is_blank(answers.get(x.id))]


def answer_points(question: Question, value: Any) -> float:
    """Points (0-1) of a valid answer to a scored question: level / 4, yes = 1, option score."""
    if question.type == "maturity":
        return int(value) / (MATURITY_STEPS - 1)
    if question.type == "yes_no":
        return 1.0 if value else 0.0
    opt = question.option(str(value))
    return opt.score if opt is not None and opt.score is not None else 0.0


def next_points(question: Question, points: float) -> float | None:
    """Points of the next better answer (one step up), or None when already at the top."""
    if question.type == "maturity":
        step = 1 / (MATURITY_STEPS - 1)
        return None if points >= 1 - 1e-9 else min(1.0, points + step)
    if question.type == "yes_no":
        return None if points >= 1 else 1.0
    better = sorted(
        o.score for o in question.options if o.score is not None and o.score > points + 1e-9
    )
    return better[0] if better else None
