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

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from circulair.core.errors import Amount, InputError, Problem
from circulair.web.apps.common import jobs
from circulair.web.apps.common.models import Job


def amount_text(a: Amount) -> str:
    """An amount of a problem written the active language's way (grouped digits)."""
    return number_format(a.value, a.decimals, use_l10n=True, force_grouping=True)


def problem_text(p: Problem) -> str:
    """The whole problem (where, what, the value found) in the active language."""
    return p.text(gettext, amount_text)


def input_error_text(e: InputError) -> str:
    """An input error's summary and problems in the active language (the CLI's message)."""
    return e.text(gettext, amount_text)


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
    return replace(p, file=None, row=None, field=None, value=None).text(gettext, amount_text)


#: A job's phase as its handler reports it, as people read it.
PHASES = {
    "reading": gettext_lazy("reading the file"),
    "storing": gettext_lazy("storing"),
    "building": gettext_lazy("building the report"),
    "done": gettext_lazy("done"),
    "cancelled": gettext_lazy("cancelled"),
    "cancelling…": gettext_lazy("cancelling…"),
}


def job_summary(job: Job) -> dict[str, Any]:
    """What the job page and the jobs API say of a job, in the active language: its title,
    phase and percentage, then its outcome and the page it leads to, or its problems."""
    outcome = jobs.OUTCOMES.get(job.kind)
    done = job.status == Job.Status.DONE
    error = job.error or {}
    return {
        "title": str(jobs.TITLES.get(job.kind, job.kind)),
        "phase": str(PHASES.get(job.message, job.message)),
        "percent": round(100 * job.progress),
        "outcome": outcome(job.result or {}) if outcome and done else "",
        "next_url": (job.result or {}).get("url", "") if done else "",
        "problems": stored_problem_texts(error.get("problems", [])),
        "problems_json": [problem_json(Problem.from_dict(d)) for d in error.get("problems", [])],
        "problem_count": error.get("problem_count", 0),
    }
