"""Row checks: every cell of a row validated, every problem collected with line and column.

Why: a person fixing a file needs every problem at once; each check records its problem and
returns None instead of raising, so that one bad cell never hides the next.
"""

from __future__ import annotations

import difflib
import math
import re
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ...errors import Problem
from ..model import Indicator, Observation
from ..units import convert, parse_unit
from .cells import cell_text, parse_number
from .columns import YEAR_MAX, YEAR_MIN
from .plausibility import explain, implausibility

__all__ = [
    "Problems",
    "RowContext",
    "build_observation",
    "check_indicator",
    "check_region",
    "check_text",
    "check_unit",
    "check_value",
    "check_year",
]


class Problems:
    """The problems of one file, each carrying the file name (an empty value is left out)."""

    def __init__(self, file_name: str) -> None:
        self.file = file_name
        self.items: list[Problem] = []

    def add(self, message: str, row: int, fld: str | None, value: Any = None) -> None:
        self.items.append(
            Problem(
                message,
                file=self.file,
                row=row,
                field=fld,
                value=None if value is None or value == "" else value,
            )
        )


@dataclass
class RowContext:
    """What every row check needs: known indicators and regions (by lower-case key), the
    stored keys, the keys read so far (with their line), where problems go, the stored series
    by (indicator, region) for the plausibility rule, and whether implausible values are
    confirmed (then they pass)."""

    indicators: Mapping[str, Indicator]
    indicator_keys: Mapping[str, str]
    regions: Mapping[str, str]
    existing: set[tuple[str, str, int]]
    seen: SeenLines
    out: Problems
    series: Mapping[tuple[str, str], Mapping[int, float]] = field(default_factory=dict)
    confirm: bool = False


class SeenLines:
    """The line that gave each (indicator, region, year) read so far.

    Why not a dict keyed by the triple: a million rows kept ~170 MB of tuples and ints alive
    (a third of an import's memory bound); years are bounded (:data:`YEAR_MIN`-:data:`YEAR_MAX`),
    so one array of line numbers per series costs 4 bytes a year, 0 meaning "not seen"."""

    def __init__(self) -> None:
        self._series: dict[tuple[str, str], array[int]] = {}

    def line(self, slug: str, region: str, year: int) -> int | None:
        """The line that gave this key, or None."""
        lines = self._series.get((slug, region))
        got = lines[year - YEAR_MIN] if lines is not None else 0
        return got or None

    def add(self, slug: str, region: str, year: int, line: int) -> None:
        lines = self._series.get((slug, region))
        if lines is None:
            lines = self._series[(slug, region)] = array("I", [0]) * (YEAR_MAX - YEAR_MIN + 1)
        lines[year - YEAR_MIN] = line


def _suggest(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""


def check_indicator(ctx: RowContext, raw: Any, line: int, col: str) -> Indicator | None:
    text = cell_text(raw)
    if not text:
        ctx.out.add("the indicator is empty", line, col)
        return None
    key = ctx.indicator_keys.get(text.lower())
    if key is None:
        ctx.out.add(
            "unknown indicator" + _suggest(text.lower(), sorted(ctx.indicator_keys)),
            line,
            col,
            text,
        )
        return None
    return ctx.indicators[key]


def check_region(ctx: RowContext, raw: Any, line: int, col: str) -> str | None:
    text = cell_text(raw)
    if not text:
        ctx.out.add("the region is empty", line, col)
        return None
    region = ctx.regions.get(text.lower())
    if region is None:
        ctx.out.add(
            "unknown region" + _suggest(text, sorted(ctx.regions.values())), line, col, text
        )
    return region


def check_unit(ctx: RowContext, raw: Any, ind: Indicator | None, line: int, col: str) -> str | None:
    text = cell_text(raw)
    if not text:
        hint = f" (the indicator's unit is '{ind.unit}')" if ind else ""
        ctx.out.add("the unit is empty" + hint, line, col)
        return None
    if ind is None:
        return text
    a, b = parse_unit(text), parse_unit(ind.unit)
    if a.dimension != b.dimension:
        ctx.out.add(
            f"unit '{text}' cannot be converted to the unit of indicator '{ind.slug}', "
            f"'{ind.unit}'",
            line,
            col,
            text,
        )
        return None
    return text


def check_year(ctx: RowContext, raw: Any, line: int, col: str) -> int | None:
    if isinstance(raw, bool | datetime | date | time):
        ctx.out.add("the year must be a whole number", line, col, raw)
        return None
    text = cell_text(raw)
    if not text:
        ctx.out.add("the year is empty", line, col)
        return None
    if not re.fullmatch(r"[+-]?\d+", text):
        ctx.out.add("the year must be a whole number", line, col, text)
        return None
    year = int(text)
    if not YEAR_MIN <= year <= YEAR_MAX:
        ctx.out.add(f"the year must lie between {YEAR_MIN} and {YEAR_MAX}", line, col, year)
        return None
    return year


def check_value(ctx: RowContext, raw: Any, line: int, col: str) -> float | None:
    if isinstance(raw, bool | datetime | date | time):
        ctx.out.add("the value is not a number", line, col, raw)
        return None
    if isinstance(raw, int | float):
        if math.isfinite(raw):
            return float(raw)
        ctx.out.add("the value is not a finite number", line, col, raw)
        return None
    text = cell_text(raw)
    if not text:
        ctx.out.add("the value is empty (leave the line out if there is no figure)", line, col)
        return None
    v = parse_number(text)
    if v is None:
        ctx.out.add("the value is not a number", line, col, text)
    return v


def check_text(ctx: RowContext, raw: Any, line: int, col: str, limit: int) -> str:
    text = cell_text(raw)
    if len(text) > limit:
        ctx.out.add(f"the {col} is longer than {limit} characters", line, col, text[:40] + "...")
    return text


def build_observation(
    ctx: RowContext,
    *,
    ind: Indicator | None,
    region: str | None,
    year: int | None,
    value: float | None,
    unit: str | None,
    source: str,
    note: str,
    line: int,
    year_col: str,
    value_col: str,
) -> Observation | None:
    """Final checks that need several cells; the observation when the row is valid."""
    converted: float | None = None
    if ind is not None and value is not None and unit is not None:
        converted = convert(value, unit, ind.unit)
        if parse_unit(ind.unit).dimension == "share":
            pct = convert(converted, ind.unit, "%")
            if not -1e-9 <= pct <= 100 + 1e-9:
                ctx.out.add(
                    f"a share must lie between 0 and 100 % (this is {pct:g} %)",
                    line,
                    value_col,
                    value,
                )
                converted = None
    if ind is not None and region is not None and year is not None:
        key = (ind.slug, region, year)
        first = ctx.seen.line(ind.slug, region, year)
        if first is not None:
            ctx.out.add(
                f"duplicate: line {first} already gives {ind.slug}, {region}, {year}",
                line,
                year_col,
                year,
            )
            return None
        ctx.seen.add(ind.slug, region, year, line)
        if key in ctx.existing:
            ctx.out.add(
                f"an observation of {ind.slug}, {region}, {year} is already stored",
                line,
                year_col,
                year,
            )
            return None
    if ind is None or region is None or year is None or converted is None or value is None:
        return None
    if not ctx.confirm:
        found = implausibility(
            value, converted, series=ctx.series.get((ind.slug, region), {}), year=year
        )
        if found is not None:
            ctx.out.add(
                explain(found, raw=value, unit=str(unit), ind_unit=ind.unit),
                line,
                value_col,
                value,
            )
            return None
    return Observation(
        indicator=ind.slug,
        region=region,
        year=year,
        value=converted,
        unit=ind.unit,
        source=source,
        note=note,
    )
