"""Problems for people, in the reader's language.

Core and the services describe what is wrong with an input as :class:`~circulair.core.errors.
Problem` objects: English, and, for a message written for translation, a template with a
stable code and its parameters. They are translated here, where they are shown (pages, job
pages, the API), with the active language of the request; a problem stored with an upload or a
job keeps its code and parameters, so it is shown again in the language of whoever reads it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.utils.translation import gettext

from circulair.core.errors import Problem


def problem_text(p: Problem) -> str:
    """The whole problem (where, what, the value found) in the active language."""
    return p.text(gettext)


def problem_texts(problems: Iterable[Problem]) -> list[str]:
    return [problem_text(p) for p in problems]


def stored_problem_texts(stored: Iterable[dict[str, Any]]) -> list[str]:
    """Problems kept as :meth:`Problem.as_dict` (an upload's, a job's), in the active language."""
    return [problem_text(Problem.from_dict(d)) for d in stored]


def problem_json(p: Problem) -> dict[str, Any]:
    """A problem for the API: its fields, its code and parameters when it has them, and its
    ``message`` in the request's language (without the place, which the fields give)."""
    out = p.as_dict()
    if p.code:
        out["message"] = problem_message(p)
    return out


def problem_message(p: Problem) -> str:
    """What is wrong, without the place, in the active language (a form shows it at its field)."""
    return replace(p, file=None, row=None, field=None, value=None).text(gettext)
