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

from ...errors import Problem, gettext_noop, problem
from ..model import Indicator, Observation
from ..units import convert, parse_unit
from .cells import cell_text, parse_number
from .columns import YEAR_MAX, YEAR_MIN
from .plausibility import IMPLAUSIBLE, explain, implausibility

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

    def add(
        self, code: str, template: str, row: int, fld: str | None, value: Any = None, **params: Any
    ) -> None:
        """A coded problem (``template`` marked with ``gettext_noop``, shown translated)."""
        self.items.append(
            problem(
                code,
                template,
                file=self.file,
                row=row,
                field=fld,
                value=None if value is None or value == "" else value,
                **params,
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


def _suggest(value: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.75)
    return close[0] if close else None


INDICATOR_UNKNOWN = gettext_noop("unknown indicator")
INDICATOR_UNKNOWN_NEAR = gettext_noop("unknown indicator; did you mean '%(suggestion)s'?")
REGION_UNKNOWN = gettext_noop("unknown region")
REGION_UNKNOWN_NEAR = gettext_noop("unknown region; did you mean '%(suggestion)s'?")
YEAR_NOT_WHOLE = gettext_noop("the year must be a whole number")
VALUE_NOT_NUMBER = gettext_noop("the value is not a number")


def check_indicator(ctx: RowContext, raw: Any, line: int, col: str) -> Indicator | None:
    text = cell_text(raw)
    if not text:
        ctx.out.add("indicator_empty", gettext_noop("the indicator is empty"), line, col)
        return None
    key = ctx.indicator_keys.get(text.lower())
    if key is None:
        near = _suggest(text.lower(), sorted(ctx.indicator_keys))
        template = INDICATOR_UNKNOWN_NEAR if near else INDICATOR_UNKNOWN
        ctx.out.add("indicator_unknown", template, line, col, text, suggestion=near or "")
        return None
    return ctx.indicators[key]


def check_region(ctx: RowContext, raw: Any, line: int, col: str) -> str | None:
    text = cell_text(raw)
    if not text:
        ctx.out.add("region_empty", gettext_noop("the region is empty"), line, col)
        return None
    region = ctx.regions.get(text.lower())
    if region is None:
        near = _suggest(text, sorted(ctx.regions.values()))
        template = REGION_UNKNOWN_NEAR if near else REGION_UNKNOWN
        ctx.out.add("region_unknown", template, line, col, text, suggestion=near or "")
    return region


def check_unit(ctx: RowContext, raw: Any, ind: Indicator | None, line: int, col: str) -> str | None:
    text = cell_text(raw)
    if not text:
        if ind is None:
            ctx.out.add("unit_empty", gettext_noop("the unit is empty"), line, col)
        else:
            ctx.out.add(
                "unit_empty",
                gettext_noop("the unit is empty (the indicator's unit is '%(unit)s')"),
                line,
                col,
                unit=ind.unit,
            )
        return None
    if ind is None:
        return text
    a, b = parse_unit(text), parse_unit(ind.unit)
    if a.dimension != b.dimension:
        ctx.out.add(
            "unit_not_convertible",
            gettext_noop(
                "unit '%(unit)s' cannot be converted to the unit of indicator "
                "'%(indicator)s', '%(indicator_unit)s'"
            ),
            line,
            col,
            text,
            unit=text,
            indicator=ind.slug,
            indicator_unit=ind.unit,
        )
        return None
    return text


def check_year(ctx: RowContext, raw: Any, line: int, col: str) -> int | None:
    if isinstance(raw, bool | datetime | date | time):
        ctx.out.add("year_not_whole", YEAR_NOT_WHOLE, line, col, raw)
        return None
    text = cell_text(raw)
    if not text:
        ctx.out.add("year_empty", gettext_noop("the year is empty"), line, col)
        return None
    if not re.fullmatch(r"[+-]?\d+", text):
        ctx.out.add("year_not_whole", YEAR_NOT_WHOLE, line, col, text)
        return None
    year = int(text)
    if not YEAR_MIN <= year <= YEAR_MAX:
        ctx.out.add(
            "year_range",
            gettext_noop("the year must lie between %(min)s and %(max)s"),
            line,
            col,
            year,
            min=YEAR_MIN,
            max=YEAR_MAX,
        )
        return None
    return year


def check_value(ctx: RowContext, raw: Any, line: int, col: str) -> float | None:
    if isinstance(raw, bool | datetime | date | time):
        ctx.out.add("value_not_number", VALUE_NOT_NUMBER, line, col, raw)
        return None
    if isinstance(raw, int | float):
        if math.isfinite(raw):
            return float(raw)
        ctx.out.add(
            "value_not_finite", gettext_noop("the value is not a finite number"), line, col, raw
        )
        return None
    text = cell_text(raw)
    if not text:
        ctx.out.add(
            "value_empty",
            gettext_noop("the value is empty (leave the line out if there is no figure)"),
            line,
            col,
        )
        return None
    v = parse_number(text)
    if v is None:
        ctx.out.add("value_not_number", VALUE_NOT_NUMBER, line, col, text)
    return v


def check_text(ctx: RowContext, raw: Any, line: int, col: str, limit: int) -> str:
    text = cell_text(raw)
    if len(text) > limit:
        ctx.out.add(
            "text_too_long",
            gettext_noop("the %(column)s is longer than %(limit)s characters"),
            line,
            col,
            text[:40] + "...",
            column=col,
            limit=limit,
        )
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
                    "share_range",
                    gettext_noop("a share must lie between 0 and 100 %% (this is %(pct)s %%)"),
                    line,
                    value_col,
                    value,
                    pct=f"{pct:g}",
                )
                converted = None
    if ind is not None and region is not None and year is not None:
        key = (ind.slug, region, year)
        first = ctx.seen.line(ind.slug, region, year)
        if first is not None:
            ctx.out.add(
                "observation_twice",
                gettext_noop(
                    "duplicate: line %(first)s already gives %(indicator)s, %(region)s, %(year)s"
                ),
                line,
                year_col,
                year,
                first=first,
                indicator=ind.slug,
                region=region,
                year=year,
            )
            return None
        ctx.seen.add(ind.slug, region, year, line)
        if key in ctx.existing:
            ctx.out.add(
                "observation_stored",
                gettext_noop(
                    "an observation of %(indicator)s, %(region)s, %(year)s is already stored"
                ),
                line,
                year_col,
                year,
                indicator=ind.slug,
                region=region,
                year=year,
            )
            return None
    if ind is None or region is None or year is None or converted is None or value is None:
        return None
    if not ctx.confirm:
        found = implausibility(
            value, converted, series=ctx.series.get((ind.slug, region), {}), year=year
        )
        if found is not None:
            template, params = explain(found, raw=value, unit=str(unit), ind_unit=ind.unit)
            ctx.out.add(IMPLAUSIBLE, template, line, value_col, value, **params)
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
