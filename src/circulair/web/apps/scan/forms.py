"""Turning a posted step of the scan into answers, with a problem per bad field.

The scan's questions are data (a questionnaire version), so the form is built from the version
rather than declared as a Django Form; values are checked by the core validator afterwards.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from circulair.core.errors import InputError, Problem, gettext_noop, problem
from circulair.core.scan import Questionnaire
from circulair.core.scan.answers import ANSWER_NUMBER

PREFIX = "q_"


def step_answers(q: Questionnaire, section: str, data: QueryDict) -> dict[str, Any]:
    """Answers of one section from POST data (blank fields clear the answer).

    Raises InputError naming the question for values that cannot be read (e.g. text in a number
    field); range and option checks are left to :func:`circulair.core.scan.validate_answers`.
    """
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for x in q.questions_in(section):
        name = PREFIX + x.id
        if x.type == "choice" and x.multiple:
            out[x.id] = [v for v in data.getlist(name) if v] or None
            continue
        raw = (data.get(name) or "").strip()
        if not raw:
            out[x.id] = None
            continue
        if x.type == "maturity":
            try:
                out[x.id] = int(raw)
            except ValueError:
                problems.append(
                    problem(
                        "answer_level",
                        gettext_noop("choose a level from 0 to 4"),
                        field=x.id,
                        value=raw,
                    )
                )
        elif x.type == "yes_no":
            if raw not in ("yes", "no"):
                problems.append(
                    problem(
                        "answer_yes_no", gettext_noop("answer yes or no"), field=x.id, value=raw
                    )
                )
            out[x.id] = raw == "yes"
        elif x.type == "number":
            try:
                n = float(raw.replace(",", "."))
            except ValueError:
                problems.append(problem("answer_number", ANSWER_NUMBER, field=x.id, value=raw))
                continue
            out[x.id] = int(n) if x.integer and n.is_integer() else n
        else:
            out[x.id] = raw
    if problems:
        raise InputError(problems)
    return out


def field_value(question: Any, value: Any) -> Any:
    """The answer as the form shows it (yes/no as 'yes'/'no', lists as lists)."""
    if question.type == "yes_no" and isinstance(value, bool):
        return "yes" if value else "no"
    return value


def posted_values(q: Questionnaire, section: str, data: QueryDict) -> dict[str, Any]:
    """What the user typed in a step, as the form shows it, so a refused step loses nothing."""
    out: dict[str, Any] = {}
    for x in q.questions_in(section):
        name = PREFIX + x.id
        if x.type == "choice" and x.multiple:
            out[x.id] = data.getlist(name)
        elif x.type == "maturity":
            raw = data.get(name, "")
            out[x.id] = int(raw) if raw.isdigit() else raw
        else:
            out[x.id] = data.get(name, "")
    return out


class SurveyImportForm(forms.Form):
    """A survey export: one row per government and round (CSV or XLSX)."""

    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))
