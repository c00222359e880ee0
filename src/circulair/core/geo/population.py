"""Population figures: import and apply.

Why: the shipped population is a proxy (see ``scripts/build_geography.py``); users replace it
with Statbel's official figures or a scenario. Imports are all-or-nothing so that a half-applied
file never mixes two sources silently.
"""

from __future__ import annotations

from dataclasses import replace
from typing import IO

from circulair.core.errors import IMPORT_LISTED, InputError, ProblemCollector, gettext_noop, problem
from circulair.core.geo.reference import RegionGeography
from circulair.core.numbers import number_problem, number_value
from circulair.core.tables import csv_dicts, csv_stream_dicts

POPULATION_NOT_COUNT = gettext_noop("population must be a non-negative integer")


def parse_population_csv(
    text: str | IO[bytes], geo: RegionGeography, file: str = "population.csv"
) -> dict[str, int]:
    """Read ``refnis,population`` rows into REFNIS -> population.

    Every value must be a non-negative integer (``12000`` or ``12000.0``; thousands separators
    are refused rather than guessed), every REFNIS code known in the region and given once.
    The file need not cover every municipality: the others keep their figure. All problems are
    raised together in one InputError. ``text`` may be a binary file: it is read a row at a
    time.
    """
    problems = ProblemCollector(IMPORT_LISTED, file=file)
    header, records = (
        csv_dicts(text, file=file) if isinstance(text, str) else csv_stream_dicts(text, file=file)
    )
    if "refnis" not in header or "population" not in header:
        raise InputError(
            [
                problem(
                    "columns_missing",
                    gettext_noop("bad header: expected columns refnis,population"),
                    file=file,
                    row=1,
                    value=",".join(header),
                )
            ]
        )
    out: dict[str, int] = {}
    first_row: dict[str, int] = {}
    for row_no, row in records:
        refnis, value = row.get("refnis", ""), row.get("population", "")
        if not geo.has_municipality(refnis):
            problems.add(
                problem(
                    "municipality_unknown",
                    gettext_noop("unknown municipality in region %(region)s"),
                    file=file,
                    row=row_no,
                    field="refnis",
                    value=refnis,
                    region=geo.code,
                )
            )
        elif refnis in first_row:
            problems.add(
                problem(
                    "municipality_twice",
                    gettext_noop("municipality given twice (first in row %(first)s)"),
                    file=file,
                    row=row_no,
                    field="refnis",
                    value=refnis,
                    first=first_row[refnis],
                )
            )
        else:
            first_row[refnis] = row_no
        n = _count(value)
        if n is None:
            problems.add(
                problem(
                    "population_not_count",
                    POPULATION_NOT_COUNT,
                    file=file,
                    row=row_no,
                    field="population",
                    value=value,
                )
            )
        elif geo.has_municipality(refnis) and first_row.get(refnis) == row_no:
            out[refnis] = n
    problems.raise_if_any()
    return out


def with_population(
    geo: RegionGeography, pop: dict[str, int], source: str = "imported"
) -> RegionGeography:
    """A copy of ``geo`` where the municipalities in ``pop`` carry the given figures and
    ``population_source`` = ``source``; the others are unchanged."""
    problems = [
        problem(
            "municipality_unknown", gettext_noop("unknown municipality"), field="refnis", value=r
        )
        for r in sorted(pop)
        if not geo.has_municipality(r)
    ]
    problems += [
        problem("population_not_count", POPULATION_NOT_COUNT, field=r, value=v)
        for r, v in sorted(pop.items())
        if isinstance(v, bool) or not isinstance(v, int) or v < 0
    ]
    if problems:
        raise InputError(problems)
    munis = tuple(
        replace(m, population=pop[m.refnis], population_source=source) if m.refnis in pop else m
        for m in geo.municipalities
    )
    return replace(geo, municipalities=munis)


def _count(text: str) -> int | None:
    """A population count (``inf``, ``nan`` and ``1e400`` are refused, not a traceback)."""
    if number_problem(text, field="population", minimum=0, maximum=1e10, integer=True):
        return None
    return int(number_value(text))
