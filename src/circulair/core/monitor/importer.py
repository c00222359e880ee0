"""Import of monitor observations from CSV or XLSX, validated row by row, all or nothing.

Why: the figures of the monitor come from spreadsheets kept by administrations and statistics
offices. A bad row must never slip in silently (a share typed as a fraction, a kilotonne
figure in a megatonne series, a year typed twice), and a person fixing a file needs every
problem at once, each with its line and column, not one per attempt. So every row is checked,
every problem is collected, and nothing is returned unless the whole file is valid.

Template (long form, one observation per line; :func:`template_csv`)
--------------------------------------------------------------------
========  ========  ==========================================================================
column    required  content
========  ========  ==========================================================================
indicator yes       indicator slug (``rmc``, ``household-waste-per-inhabitant``)
region    yes       region code (``VLG``, ``BE``, ``EU27``)
year      yes       calendar year, 1900-2100
value     yes       the number; ``.`` or ``,`` as decimal mark (``396.9``, ``396,9``); when
                    both appear the last one is the decimal mark and the other groups
                    thousands (``1.234,5``, ``1,234.5``); spaces between digit groups allowed
unit      yes       unit of the value; converted to the indicator's unit when compatible
                    (``kt`` -> ``Mt``, ``t/inh`` -> ``kg/inh``, fraction -> ``%``; see
                    :mod:`circulair.core.monitor.units`)
source    no        where the figure comes from (at most 300 characters)
note      no        anything needed to interpret it (at most 2000 characters)
========  ========  ==========================================================================

Wide form: columns ``indicator, region, unit`` (``source`` and ``note`` optional) and one
column per year, headed by the year (``2015, 2016, ...``). Each filled cell is an
observation; an empty cell or a missing-value marker (``-``, ``:``, ``..``, ``n/a``, ``na``,
``n.b.``, ``nb``) means "no figure for that year". The long form has no such gaps: a line with
an empty value is an error (leave the line out instead).

Rules
-----
* The first line is the header; column names are case-insensitive and may be in Dutch
  (``indicator, regio, jaar, waarde, eenheid, bron, opmerking``). Unknown or repeated columns
  are errors. Completely empty lines are skipped.
* CSV: UTF-8 (a byte-order mark is fine) or, failing that, Windows-1252 (what Excel writes in
  Flanders); the delimiter is ``,``, ``;`` or a tab, taken from the header line. XLSX: the first
  sheet; formulas count with their last computed value; a number formatted as a percentage
  counts as the percentage shown (a cell holding 0.44 shown as "44%" is 44, to go with unit
  ``%``).
* Every row is checked for: unknown indicator, unknown region, year not a whole number in
  1900-2100, value not a finite number, unit missing or not convertible to the indicator's
  unit (both named), a share outside 0-100 %, text too long, the same (indicator, region, year)
  earlier in the file (both lines named) or already stored (``existing``).
* Problems carry the file name, the line (``row``; header = line 1) and the column (``field``;
  in the wide form, the year column). One :class:`InputError` carries all of them.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ..errors import InputError, Problem
from ..tables import csv_records, decode_text, detect_delimiter
from .model import Indicator, Observation
from .units import convert, parse_unit

__all__ = [
    "LONG_COLUMNS",
    "MISSING_MARKERS",
    "NOTE_MAX_LENGTH",
    "SOURCE_MAX_LENGTH",
    "WIDE_COLUMNS",
    "YEAR_MAX",
    "YEAR_MIN",
    "parse_number",
    "parse_observations",
    "template_csv",
]

LONG_COLUMNS = ("indicator", "region", "year", "value", "unit", "source", "note")
WIDE_COLUMNS = ("indicator", "region", "unit", "source", "note")
_REQUIRED_LONG = ("indicator", "region", "year", "value", "unit")
_REQUIRED_WIDE = ("indicator", "region", "unit")
_ALIASES: Mapping[str, str] = {
    "indicator": "indicator",
    "indicatoren": "indicator",
    "region": "region",
    "regio": "region",
    "gebied": "region",
    "year": "year",
    "jaar": "year",
    "value": "value",
    "waarde": "value",
    "unit": "unit",
    "eenheid": "unit",
    "source": "source",
    "bron": "source",
    "note": "note",
    "opmerking": "note",
    "notes": "note",
    "toelichting": "note",
}
YEAR_MIN, YEAR_MAX = 1900, 2100
SOURCE_MAX_LENGTH = 300  # the web model's Observation.source length
NOTE_MAX_LENGTH = 2000
MISSING_MARKERS = frozenset({"", "-", "–", "—", ":", "..", "n/a", "na", "n.b.", "nb"})

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_GROUPED_DOT = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d*")  # 1.234,5
_GROUPED_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+\.\d*")  # 1,234.5
_YEAR_HEADER = re.compile(r"\d{4}(?:\.0+)?")
_SPACES = re.compile(r"[\s\u00a0\u202f']+")


def parse_number(text: str) -> float | None:
    """A finite number from a cell's text, or None when it is not one.

    ``.`` or ``,`` alone is the decimal mark; when both appear, the last is the decimal mark
    and the other must group thousands in threes. Spaces (also non-breaking) and apostrophes
    between digits are ignored. ``nan`` and ``inf`` are refused.
    """
    s = _SPACES.sub("", text.strip())
    if not s:
        return None
    if "." in s and "," in s:
        if _GROUPED_DOT.fullmatch(s):
            s = s.replace(".", "").replace(",", ".")
        elif _GROUPED_COMMA.fullmatch(s):
            s = s.replace(",", "")
        else:
            return None
    if not _NUMBER.fullmatch(s):
        return None
    v = float(s.replace(",", "."))
    return v if math.isfinite(v) else None


def template_csv(*, wide: bool = False) -> str:
    """The import template: header line and example lines (see the module notes).

    Parameters
    ----------
    wide : bool
        The wide form (one column per year) instead of the long form.
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    # Example rows use figures the source documents give (RMI 567 Mt in 2010 and 642 Mt in
    # 2018, 003:836-839; 476 kg household waste per inhabitant, 004), never invented values.
    if wide:
        w.writerow([*WIDE_COLUMNS[:3], "2010", "2018", "source", "note"])
        w.writerow(
            ["rmi", "VLG", "Mt", "567", "642", "CE Monitor (003:836-839)", "raw material input"]
        )
    else:
        w.writerow(LONG_COLUMNS)
        w.writerow(
            [
                "rmi",
                "VLG",
                "2018",
                "642",
                "Mt",
                "CE Monitor (003:836-839)",
                "raw material input in raw-material equivalents",
            ]
        )
        w.writerow(
            [
                "household-waste-per-inhabitant",
                "VLG",
                "2020",
                "476",
                "kg/inh",
                "Lokaal Circulair (004:88-92)",
                "",
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class _Table:
    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # (line number, cells)


def _read_csv(content: bytes, file_name: str) -> _Table:
    text = decode_text(content, file=file_name)
    delimiter = detect_delimiter(text)
    header: list[Any] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for start, cells in csv_records(text, file=file_name, delimiter=delimiter):
        if header is None:
            header = list(cells)
        else:
            rows.append((start, list(cells)))
    return _Table(header or [], rows)


def _read_xlsx(content: bytes, file_name: str) -> _Table:
    try:
        from openpyxl import load_workbook
    except ImportError as e:  # pragma: no cover - openpyxl is a dependency of the platform
        raise InputError.single("XLSX import needs the openpyxl package", file=file_name) from e
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise InputError.single(
            f"not a readable XLSX file ({type(e).__name__})", file=file_name
        ) from e
    try:
        if not wb.worksheets:
            raise InputError.single("the workbook has no sheet", file=file_name)
        ws = wb.worksheets[0]
        header: list[Any] | None = None
        rows: list[tuple[int, list[Any]]] = []
        for line, row in enumerate(ws.iter_rows(min_row=1), start=1):
            cells = [_shown(c) for c in row]
            while cells and cells[-1] is None:
                cells.pop()
            if line == 1:
                header = cells
            else:
                rows.append((line, cells))
        return _Table(header or [], rows)
    finally:
        wb.close()


def _shown(cell: Any) -> Any:
    """A worksheet cell's value as the sheet shows it: a number formatted as a percentage
    (0.44 shown as 44 %) counts as the percentage, since the unit column then says "%"."""
    value = getattr(cell, "value", None)
    fmt = getattr(cell, "number_format", None) or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        return value * 100
    return value


def _text(cell: Any) -> str:
    """A cell as stripped text (numbers as written: 2015.0 -> '2015')."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


class _Problems:
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
class _Context:
    indicators: Mapping[str, Indicator]
    indicator_keys: Mapping[str, str]
    regions: Mapping[str, str]
    existing: set[tuple[str, str, int]]
    seen: dict[tuple[str, str, int], int]
    out: _Problems


def _suggest(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""


def _check_indicator(ctx: _Context, raw: Any, line: int, col: str) -> Indicator | None:
    text = _text(raw)
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


def _check_region(ctx: _Context, raw: Any, line: int, col: str) -> str | None:
    text = _text(raw)
    if not text:
        ctx.out.add("the region is empty", line, col)
        return None
    region = ctx.regions.get(text.lower())
    if region is None:
        ctx.out.add(
            "unknown region" + _suggest(text, sorted(ctx.regions.values())), line, col, text
        )
    return region


def _check_unit(ctx: _Context, raw: Any, ind: Indicator | None, line: int, col: str) -> str | None:
    text = _text(raw)
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


def _check_year(ctx: _Context, raw: Any, line: int, col: str) -> int | None:
    if isinstance(raw, bool | datetime | date | time):
        ctx.out.add("the year must be a whole number", line, col, raw)
        return None
    text = _text(raw)
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


def _check_value(ctx: _Context, raw: Any, line: int, col: str) -> float | None:
    if isinstance(raw, bool | datetime | date | time):
        ctx.out.add("the value is not a number", line, col, raw)
        return None
    if isinstance(raw, int | float):
        if math.isfinite(raw):
            return float(raw)
        ctx.out.add("the value is not a finite number", line, col, raw)
        return None
    text = _text(raw)
    if not text:
        ctx.out.add("the value is empty (leave the line out if there is no figure)", line, col)
        return None
    v = parse_number(text)
    if v is None:
        ctx.out.add("the value is not a number", line, col, text)
    return v


def _check_text(ctx: _Context, raw: Any, line: int, col: str, limit: int) -> str:
    text = _text(raw)
    if len(text) > limit:
        ctx.out.add(f"the {col} is longer than {limit} characters", line, col, text[:40] + "...")
    return text


def _observation(
    ctx: _Context,
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
        if key in ctx.seen:
            ctx.out.add(
                f"duplicate: line {ctx.seen[key]} already gives {ind.slug}, {region}, {year}",
                line,
                year_col,
                year,
            )
            return None
        ctx.seen[key] = line
        if key in ctx.existing:
            ctx.out.add(
                f"an observation of {ind.slug}, {region}, {year} is already stored",
                line,
                year_col,
                year,
            )
            return None
    if ind is None or region is None or year is None or converted is None:
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


def _header(
    table: _Table, out: _Problems
) -> tuple[dict[str, int], dict[int, tuple[int, str]], bool] | None:
    """Column positions by name, year columns (index -> (year, heading)), and wide or not."""
    columns: dict[str, int] = {}
    years: dict[int, tuple[int, str]] = {}
    seen: dict[str, int] = {}
    ok = True
    if not any(_text(c) for c in table.header):
        out.add("the first line must be the header (column names)", 1, None)
        return None
    for i, cell in enumerate(table.header):
        name = _text(cell)
        if not name:
            if any(_text(r[i]) for _, r in table.rows if i < len(r)):
                out.add(f"column {i + 1} has values but no name", 1, None)
                ok = False
            continue
        low = name.lower()
        if low in seen:
            out.add(f"column '{name}' appears twice (columns {seen[low] + 1} and {i + 1})", 1, name)
            ok = False
            continue
        seen[low] = i
        if low in _ALIASES:
            columns[_ALIASES[low]] = i
        elif _YEAR_HEADER.fullmatch(name):
            y = int(float(name))
            twin = next((h for yy, h in years.values() if yy == y), None)
            if not YEAR_MIN <= y <= YEAR_MAX:
                out.add(f"a year column must lie between {YEAR_MIN} and {YEAR_MAX}", 1, name)
                ok = False
            elif twin is not None:
                out.add(f"year {y} has two columns ('{twin}' and '{name}')", 1, name)
                ok = False
            years[i] = (y, name)
        else:
            out.add(
                f"unknown column (expected {', '.join(LONG_COLUMNS)}, or one column per year)",
                1,
                name,
            )
            ok = False
    wide = "year" not in columns and bool(years)
    if "year" in columns and years:
        out.add(
            "both a 'year' column and year columns: use the long form or the wide form, not both",
            1,
            "year",
        )
        return None
    if wide and "value" in columns:
        out.add(
            "a 'value' column does not belong in the wide form (values go in the year columns)",
            1,
            "value",
        )
        ok = False
    required = _REQUIRED_WIDE if wide else _REQUIRED_LONG
    missing = [c for c in required if c not in columns]
    if missing:
        out.add(
            f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)} "
            f"(the header names {', '.join(_text(c) for c in table.header if _text(c))})",
            1,
            None,
        )
        return None
    return (columns, years, wide) if ok else None


def parse_observations(
    content: bytes,
    file_name: str,
    *,
    indicators: Mapping[str, Indicator],
    regions: set[str] | frozenset[str],
    existing: set[tuple[str, str, int]] | None = None,
) -> list[Observation]:
    """Read, validate and convert the observations of a CSV or XLSX file; all or nothing.

    Parameters
    ----------
    content : bytes
        The file as uploaded.
    file_name : str
        Its name: ``.xlsx``/``.xlsm`` is read as a workbook, ``.csv``/``.txt``/``.tsv`` as
        text; the name is also put in every problem.
    indicators : mapping of str to Indicator
        Known indicators by slug; values are converted to their unit.
    regions : set of str
        Known region codes (matched case-insensitively, returned as given here).
    existing : set of (indicator, region, year), optional
        Observations already stored; a row repeating one is an error (the caller decides to
        delete or replace first). Never modified.

    Returns
    -------
    list of Observation
        In file order, each value in its indicator's unit.

    Raises
    ------
    InputError
        With every problem of the file (file, line, column, value); then nothing is returned.
    """
    out = _Problems(file_name)
    lower = file_name.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        table = _read_xlsx(content, file_name)
    elif lower.endswith((".csv", ".txt", ".tsv")):
        if content[:4] == b"PK\x03\x04":
            raise InputError.single(
                "this looks like an XLSX workbook, not a CSV file: save "
                "it with the .xlsx extension",
                file=file_name,
            )
        table = _read_csv(content, file_name)
    else:
        raise InputError.single(
            "unsupported file type: upload a .csv or .xlsx file", file=file_name
        )
    head = _header(table, out)
    if head is None:
        raise InputError(out.items)
    columns, year_cols, wide = head
    ctx = _Context(
        indicators=indicators,
        indicator_keys={k.lower(): k for k in indicators},
        regions={r.lower(): r for r in regions},
        existing=set(existing or ()),
        seen={},
        out=out,
    )
    width = len(table.header)
    result: list[Observation] = []

    def cell(cells: list[Any], name: str) -> Any:
        i = columns.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    data_rows = 0
    for line, cells in table.rows:
        if not any(_text(c) for c in cells):
            continue
        data_rows += 1
        if len(cells) > width and any(_text(c) for c in cells[width:]):
            out.add(
                f"the line has {len(cells)} cells but the header has {width} columns "
                f"(a delimiter inside a value? quote the value)",
                line,
                None,
            )
            continue
        ind = _check_indicator(ctx, cell(cells, "indicator"), line, "indicator")
        region = _check_region(ctx, cell(cells, "region"), line, "region")
        unit = _check_unit(ctx, cell(cells, "unit"), ind, line, "unit")
        source = _check_text(ctx, cell(cells, "source"), line, "source", SOURCE_MAX_LENGTH)
        note = _check_text(ctx, cell(cells, "note"), line, "note", NOTE_MAX_LENGTH)
        if not wide:
            year = _check_year(ctx, cell(cells, "year"), line, "year")
            value = _check_value(ctx, cell(cells, "value"), line, "value")
            obs = _observation(
                ctx,
                ind=ind,
                region=region,
                year=year,
                value=value,
                unit=unit,
                source=source,
                note=note,
                line=line,
                year_col="year",
                value_col="value",
            )
            if obs is not None:
                result.append(obs)
            continue
        for i, (year, heading) in year_cols.items():
            raw = cells[i] if i < len(cells) else None
            if _text(raw).lower() in MISSING_MARKERS:
                continue
            value = _check_value(ctx, raw, line, heading)
            obs = _observation(
                ctx,
                ind=ind,
                region=region,
                year=year,
                value=value,
                unit=unit,
                source=source,
                note=note,
                line=line,
                year_col=heading,
                value_col=heading,
            )
            if obs is not None:
                result.append(obs)
    if data_rows == 0 and not out.items:
        out.add("the file has a header but no data lines", 1, None)
    if out.items:
        raise InputError(out.items)
    return result
