"""One rule for every number a person enters: finite, within range, or refused with the field.

Python reads ``"nan"``, ``"inf"`` and ``"1e400"`` as floats, and one such value stored in a
listing, a series or a population made every later computation over it fail. Every numeric input
of the platform (forms, API fields, imports, query parameters) is checked here.
"""

from __future__ import annotations

import math
import re
from typing import Any

from circulair.core.errors import InputError, Problem, gettext_noop, problem

# No quantity, coordinate, cost or count in this domain comes near this; a larger one is a typo
# or an attack, and it would overflow sums and products downstream.
MAX_ABS = 1e15
# "12,5" is a decimal comma (Belgian Excel); "1,500" could be either reading, so it is refused.
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_AMBIGUOUS_COMMA = re.compile(r"[+-]?\d{1,3},\d{3}")
NOT_A_NUMBER = gettext_noop("must be a number")


def number_problem(
    value: Any,
    *,
    field: str,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
    file: str | None = None,
    row: int | str | None = None,
) -> Problem | None:
    """Why ``value`` is not an acceptable number for ``field`` (``None`` when it is)."""
    where: dict[str, Any] = {"field": field, "file": file, "row": row, "value": value}
    if isinstance(value, bool):
        return problem("number_invalid", NOT_A_NUMBER, **where)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return problem(
                "number_empty", gettext_noop("must be a number (the cell is empty)"), **where
            )
        if _AMBIGUOUS_COMMA.fullmatch(text):
            return problem(
                "number_ambiguous",
                gettext_noop(
                    "is ambiguous: write 1500 for fifteen hundred or 1,5 for one and a half"
                ),
                **where,
            )
        try:
            x = float(_decimal_point(text))
        except ValueError:
            return problem("number_invalid", NOT_A_NUMBER, **where)
    elif isinstance(value, int | float):
        x = float(value) if not isinstance(value, int) or abs(value) <= MAX_ABS else math.inf
    else:
        return problem("number_invalid", NOT_A_NUMBER, **where)
    if not math.isfinite(x):
        return problem(
            "number_not_finite",
            gettext_noop("must be a finite number (not NaN or infinity)"),
            **where,
        )
    if abs(x) > MAX_ABS:
        return problem(
            "number_too_large",
            gettext_noop("must be at most %(limit)s in size"),
            **where,
            limit=f"{MAX_ABS:g}",
        )
    if integer and x != int(x):
        return problem("number_not_whole", gettext_noop("must be a whole number"), **where)
    if minimum is not None and x < minimum:
        return problem(
            "number_below_minimum",
            gettext_noop("must be at least %(minimum)s"),
            **where,
            minimum=f"{minimum:g}",
        )
    if maximum is not None and x > maximum:
        return problem(
            "number_above_maximum",
            gettext_noop("must be at most %(maximum)s"),
            **where,
            maximum=f"{maximum:g}",
        )
    return None


def _decimal_point(text: str) -> str:
    """Belgian spreadsheets write a decimal comma (``12,5``): read it as ``12.5``."""
    return text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text


def number_value(value: Any) -> float:
    """The float of a value :func:`number_problem` accepted (decimal comma read as a point)."""
    return float(_decimal_point(value.strip()) if isinstance(value, str) else value)


def finite_number(
    value: Any,
    *,
    field: str,
    minimum: float | None = None,
    maximum: float | None = None,
    file: str | None = None,
    row: int | str | None = None,
) -> float:
    """``value`` as a finite float within range, or :class:`InputError` naming the field."""
    problem = number_problem(
        value, field=field, minimum=minimum, maximum=maximum, file=file, row=row
    )
    if problem is not None:
        raise InputError([problem])
    return float(_decimal_point(value.strip()) if isinstance(value, str) else value)


def whole_number(
    value: Any,
    *,
    field: str,
    minimum: int | None = None,
    maximum: int | None = None,
    file: str | None = None,
    row: int | str | None = None,
) -> int:
    """``value`` as an int within range, or :class:`InputError` naming the field."""
    problem = number_problem(
        value, field=field, minimum=minimum, maximum=maximum, integer=True, file=file, row=row
    )
    if problem is not None:
        raise InputError([problem])
    return int(float(_decimal_point(value.strip()) if isinstance(value, str) else value))
