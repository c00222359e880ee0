"""Plausibility of an imported value after unit conversion: no silent surprises.

Why: a unit column that does not match its figures converts without error and stores nonsense.
A row ``rmc, VLG, 2020, 460, kg`` for an indicator kept in ``Mt`` becomes 0.00000046 Mt, shown
as ``0.000 Mt``, and the import reports "1 new" as if all were well. Such a value is refused
with the reason, unless the person importing confirms it (``confirm``).

Rule
----
Only a value whose raw figure is non-zero is judged (an exact zero is a legitimate figure, and a
wrong unit never turns a non-zero figure into an exact zero). Let ``v`` be the value converted to
the indicator's unit.

(a) The series (same indicator and region) has stored non-zero values. Its *neighbours* are the
    stored values nearest in time: the value of the same year when one is stored (the value the
    import would replace), otherwise the nearest stored year before and the nearest stored year
    after (one of them at the ends of the series). Stored zeros are skipped: they carry no
    magnitude. ``v`` is implausible when it is at least :data:`FACTOR` (1000) times larger or
    smaller, in absolute value, than *every* neighbour. Why 1000: it is the step between
    adjacent mass units (kg, t, kt, Mt), the most frequent slip; a real series does not change
    a thousandfold from one observed year to the next, while a tenfold change (a recovering
    sector, a small region) can be real and must pass.
(b) The series has no stored non-zero value. ``v`` is implausible when it rounds to zero at the
    :data:`DISPLAY_DECIMALS` (3) decimals the monitor shows observations with: it would be
    stored and shown as ``0.000`` although the file says otherwise (the kg-for-Mt case).

Values in the same file are not each other's neighbours: a whole series in a wrong unit has
no right value to compare with, and rule (b) catches the slip that matters there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...errors import Problem, gettext_noop
from ..units import parse_unit

__all__ = [
    "CONFIRM_HINT",
    "DISPLAY_DECIMALS",
    "FACTOR",
    "IMPLAUSIBLE",
    "Implausible",
    "explain",
    "fmt_number",
    "implausibility",
    "neighbours",
    "refused_as_implausible",
]

FACTOR = 1000.0
"""A value this many times larger or smaller than every neighbour is implausible."""

DISPLAY_DECIMALS = 3
"""Decimals the monitor shows an observation with (the pages' ``floatformat:"-3"``)."""


CONFIRM_HINT = "; check the unit, or confirm the import to store it as it is"
"""How every refusal by this rule ends, in English."""


@dataclass(frozen=True)
class Implausible:
    """Why a converted value looks wrong.

    Attributes
    ----------
    reason : {"neighbours", "rounds_to_zero"}
        Rule (a) or rule (b) of the module docstring.
    converted : float
        The value in the indicator's unit.
    ratio : float
        (a) How many times larger (> 1) or smaller (< 1) the value is than the nearest
        neighbour in magnitude; (b) 0.
    neighbours : tuple of (int, float)
        (a) The neighbouring (year, value) pairs compared with, by year; (b) empty.
    """

    reason: str
    converted: float
    ratio: float
    neighbours: tuple[tuple[int, float], ...] = ()


def neighbours(series: Mapping[int, float], year: int) -> tuple[tuple[int, float], ...]:
    """The stored non-zero values nearest in time to ``year`` (rule (a)), by year.

    The value of ``year`` itself when stored, else the nearest earlier and nearest later year.
    """
    usable = {y: v for y, v in series.items() if v != 0 and math.isfinite(v)}
    if year in usable:
        return ((year, usable[year]),)
    before = [y for y in usable if y < year]
    after = [y for y in usable if y > year]
    picked = ([max(before)] if before else []) + ([min(after)] if after else [])
    return tuple((y, usable[y]) for y in picked)


def implausibility(
    raw: float, converted: float, *, series: Mapping[int, float], year: int
) -> Implausible | None:
    """Whether an imported value is implausible, and why; None when it is plausible.

    Parameters
    ----------
    raw : float
        The figure as written in the file, in the file's unit.
    converted : float
        The same figure converted to the indicator's unit.
    series : mapping of int to float
        The stored values of the same indicator and region, by year, in the indicator's unit.
    year : int
        The year of the imported value.
    """
    if raw == 0 or not math.isfinite(converted):
        return None
    near = neighbours(series, year)
    if near:
        if converted == 0:
            return Implausible("neighbours", converted, 0.0, near)
        ratios = [abs(converted) / abs(v) for _, v in near]
        closest = min(ratios, key=_spread)
        if _spread(closest) >= FACTOR:
            return Implausible("neighbours", converted, closest, near)
        return None
    if round(converted, DISPLAY_DECIMALS) == 0:
        return Implausible("rounds_to_zero", converted, 0.0)
    return None


def _spread(ratio: float) -> float:
    """How many times apart two magnitudes are, whichever is larger (inf for an underflow)."""
    return math.inf if ratio == 0 else max(ratio, 1 / ratio)


def fmt_number(v: float, digits: int = 12) -> str:
    """A number in plain decimal notation with up to ``digits`` significant digits, grouped
    by thousands (``4.6e-07`` -> ``"0.00000046"``, ``1e8`` -> ``"100,000,000"``)."""
    d = Decimal(f"{v:.{digits}g}")
    text = f"{d:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


#: The code of every refusal by this rule (:func:`refused_as_implausible` looks for it).
IMPLAUSIBLE = "value_implausible"

# The reasons, with the file's unit converted (``… kg is … Mt``) or not; "in" reads the same
# in Dutch ("440 Mt in 2018").
_REASONS = {
    ("rounds_to_zero", False): gettext_noop(
        "%(given)s: it rounds to %(zero)s %(unit)s at the %(decimals)s decimals shown and the "
        "series has no values to compare with; check the unit, or confirm the import to store "
        "it as it is"
    ),
    ("rounds_to_zero", True): gettext_noop(
        "%(given)s is %(converted)s: it rounds to %(zero)s %(unit)s at the %(decimals)s "
        "decimals shown and the series has no values to compare with; check the unit, or "
        "confirm the import to store it as it is"
    ),
    ("zero", False): gettext_noop(
        "%(given)s: zero, while the neighbouring values are not (%(neighbours)s); check the "
        "unit, or confirm the import to store it as it is"
    ),
    ("zero", True): gettext_noop(
        "%(given)s is %(converted)s: zero, while the neighbouring values are not "
        "(%(neighbours)s); check the unit, or confirm the import to store it as it is"
    ),
    ("smaller", False): gettext_noop(
        "%(given)s: about %(ratio)s times smaller than the neighbouring values "
        "(%(neighbours)s); check the unit, or confirm the import to store it as it is"
    ),
    ("smaller", True): gettext_noop(
        "%(given)s is %(converted)s: about %(ratio)s times smaller than the neighbouring "
        "values (%(neighbours)s); check the unit, or confirm the import to store it as it is"
    ),
    ("larger", False): gettext_noop(
        "%(given)s: about %(ratio)s times larger than the neighbouring values "
        "(%(neighbours)s); check the unit, or confirm the import to store it as it is"
    ),
    ("larger", True): gettext_noop(
        "%(given)s is %(converted)s: about %(ratio)s times larger than the neighbouring "
        "values (%(neighbours)s); check the unit, or confirm the import to store it as it is"
    ),
}


def explain(
    found: Implausible, *, raw: float, unit: str, ind_unit: str
) -> tuple[str, dict[str, Any]]:
    """The reason for a refused value: its template (translated where it is shown) and
    parameters, the numbers written out."""
    converted = parse_unit(unit).symbol != parse_unit(ind_unit).symbol
    params: dict[str, Any] = {
        "given": f"{fmt_number(raw)} {unit}",
        "converted": f"{fmt_number(found.converted)} {ind_unit}",
        "unit": ind_unit,
    }
    if found.reason == "rounds_to_zero":
        params |= {"zero": f"0.{'0' * DISPLAY_DECIMALS}", "decimals": DISPLAY_DECIMALS}
        return _REASONS[("rounds_to_zero", converted)], params
    params["neighbours"] = ", ".join(
        f"{fmt_number(v)} {ind_unit} in {y}" for y, v in found.neighbours
    )
    if found.ratio == 0:
        how = "zero"
    elif found.ratio < 1:
        how, params["ratio"] = "smaller", fmt_number(1 / found.ratio, 2)
    else:
        how, params["ratio"] = "larger", fmt_number(found.ratio, 2)
    return _REASONS[(how, converted)], params


def refused_as_implausible(problem: Problem) -> bool:
    """Whether a problem is a refusal by this rule (which a confirmed import would store)."""
    return problem.code == IMPLAUSIBLE
