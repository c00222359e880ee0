"""Field values of the extract: numbers with their mod-97 check, dates, employee classes.

Why: enterprise and establishment numbers, dates and employee classes appear in several files;
each is read and explained (in a problem message) the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from circulair.core.atlas.kbo.records import (
    _DATE_RE,
    _OPEN_RE,
    _RANGE_RE,
    EMPLOYEE_CLASS_COLUMN,
    EMPLOYEE_CLASS_MIDPOINTS,
    _check_digits_ok,
    _Int64,
    format_number,
)
from circulair.core.errors import ProblemCollector

__all__ = [
    "EMPLOYEE_HELP",
    "employee_value",
    "kbo_number_problem",
    "parse_number",
    "report_duplicates",
    "start_and_employees",
    "to_array",
    "valid_date",
]


def parse_number(text: str, pattern: re.Pattern[str]) -> int | None:
    """The number written in ``text`` (dots dropped) if it has the form and its check digits."""
    if pattern.fullmatch(text) is None:
        return None
    n = int(text.replace(".", ""))
    return n if _check_digits_ok(n) else None


def kbo_number_problem(text: str, pattern: re.Pattern[str], what: str) -> str:
    """Why :func:`parse_number` refused ``text``: the form, or else the check digits."""
    if pattern.fullmatch(text) is None:
        return f"not {what}"
    return "check digits do not match (the last two digits must be 97 - (first eight mod 97))"


def valid_date(text: str) -> bool:
    """Whether ``text`` is a real calendar date written ``dd-mm-yyyy``."""
    m = _DATE_RE.fullmatch(text)
    if m is None:
        return False
    try:
        dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return False
    return True


def employee_value(text: str) -> float | None:
    """Midpoint for an EmployeeClass value; NaN when empty; None when unreadable."""
    t = text.strip()
    if not t:
        return float("nan")
    if t in EMPLOYEE_CLASS_MIDPOINTS:
        return EMPLOYEE_CLASS_MIDPOINTS[t]
    m = _RANGE_RE.fullmatch(t)
    if m is not None:
        lo, hi = int(m.group(1)), int(m.group(2))
        return (lo + hi) / 2.0 if lo <= hi else None
    m = _OPEN_RE.fullmatch(t)
    if m is not None:
        return float(m.group(1))
    return None


EMPLOYEE_HELP = (
    "employee class must be an RSZ class code 0-9, a range such as '10-19', "
    "an open class such as '1000+', or empty"
)


def to_array(a: array[Any], dtype: type[np.generic]) -> NDArray[Any]:
    """A NumPy copy of a compact :class:`array.array` buffer (rows are gathered in those)."""
    return np.frombuffer(a, dtype=dtype).copy() if len(a) else np.zeros(0, dtype=dtype)


def report_duplicates(
    numbers: _Int64, lines: _Int64, file: str, column: str, problems: ProblemCollector
) -> None:
    """A problem for every repeated number, naming the line of its first occurrence."""
    order = np.argsort(numbers, kind="stable")
    s = numbers[order]
    dup = np.nonzero(s[1:] == s[:-1])[0]
    for i in dup:
        problems.add(
            f"duplicate number (first on line {int(lines[order[i]])})",
            file,
            int(lines[order[i + 1]]),
            column,
            format_number(int(s[i + 1])),
        )


def start_and_employees(
    f: Sequence[str],
    cols: Mapping[str, int],
    has_class: bool,
    problems: ProblemCollector,
    name: str,
    line: int,
) -> float:
    """Check the row's StartDate; return its employee-class weight (NaN when absent/bad)."""
    if not valid_date(f[cols["StartDate"]]):
        problems.add("date must be dd-mm-yyyy", name, line, "StartDate", f[cols["StartDate"]])
    if not has_class:
        return float("nan")
    value = employee_value(f[cols[EMPLOYEE_CLASS_COLUMN]])
    if value is None:
        problems.add(
            EMPLOYEE_HELP, name, line, EMPLOYEE_CLASS_COLUMN, f[cols[EMPLOYEE_CLASS_COLUMN]]
        )
        return float("nan")
    return value
