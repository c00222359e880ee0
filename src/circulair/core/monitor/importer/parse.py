"""Reading, validating and converting the observations of one file, all or nothing.

Why: this is the one entry point of the import: it picks the reader, checks the header, then
every row (long form) or every filled year cell (wide form), and returns only a valid file.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from ...errors import InputError, gettext_noop, problem
from ..model import Indicator, Observation
from .cells import cell_text
from .checks import (
    Problems,
    RowContext,
    SeenLines,
    build_observation,
    check_indicator,
    check_region,
    check_text,
    check_unit,
    check_value,
    check_year,
)
from .columns import MISSING_MARKERS, NOTE_MAX_LENGTH, SOURCE_MAX_LENGTH
from .header import read_header
from .readers import read_csv, read_xlsx

__all__ = ["parse_observations"]


def parse_observations(
    content: bytes | IO[bytes],
    file_name: str,
    *,
    indicators: Mapping[str, Indicator],
    regions: set[str] | frozenset[str],
    existing: set[tuple[str, str, int]] | None = None,
    series: Mapping[tuple[str, str], Mapping[int, float]] | None = None,
    confirm: bool = False,
) -> list[Observation]:
    """Read, validate and convert the observations of a CSV or XLSX file; all or nothing.

    Parameters
    ----------
    content : bytes or binary file
        The file as uploaded (a seekable file is read in chunks, never whole).
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
    series : mapping of (indicator, region) to {year: value}, optional
        The stored values, in each indicator's unit: the neighbours of the plausibility rule
        (:mod:`.plausibility`). Without it every series counts as empty.
    confirm : bool
        True when the person importing confirms implausible values: they are then stored as
        converted instead of being refused.

    Returns
    -------
    list of Observation
        In file order, each value in its indicator's unit.

    Raises
    ------
    InputError
        With every problem of the file (file, line, column, value); then nothing is returned.
    """
    out = Problems(file_name)
    lower = file_name.lower()
    if isinstance(content, bytes | bytearray):
        content = io.BytesIO(content)
    content.seek(0)
    magic = content.read(4)
    content.seek(0)
    if lower.endswith((".xlsx", ".xlsm")):
        table = read_xlsx(content, file_name)
    elif lower.endswith((".csv", ".txt", ".tsv")):
        if magic == b"PK\x03\x04":
            raise InputError(
                [
                    problem(
                        "file_xlsx_named_csv",
                        gettext_noop(
                            "this looks like an XLSX workbook, not a CSV file: save it with the "
                            ".xlsx extension"
                        ),
                        file=file_name,
                    )
                ]
            )
        table = read_csv(content, file_name)
    else:
        raise InputError(
            [
                problem(
                    "file_type",
                    gettext_noop("unsupported file type: upload a .csv or .xlsx file"),
                    file=file_name,
                )
            ]
        )
    head = read_header(table, out)
    if head is None:
        raise InputError(out.items)
    columns, year_cols, wide = head
    ctx = RowContext(
        indicators=indicators,
        indicator_keys={k.lower(): k for k in indicators},
        regions={r.lower(): r for r in regions},
        existing=set(existing or ()),
        seen=SeenLines(),
        out=out,
        series=series or {},
        confirm=confirm,
    )
    width = len(table.header)
    result: list[Observation] = []

    def cell(cells: list[Any], name: str) -> Any:
        i = columns.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    data_rows = 0
    for line, cells in table.rows:
        if not any(cell_text(c) for c in cells):
            continue
        data_rows += 1
        if len(cells) > width and any(cell_text(c) for c in cells[width:]):
            out.add(
                "row_too_wide",
                gettext_noop(
                    "the line has %(cells)s cells but the header has %(width)s columns "
                    "(a delimiter inside a value? quote the value)"
                ),
                line,
                None,
                cells=len(cells),
                width=width,
            )
            continue
        ind = check_indicator(ctx, cell(cells, "indicator"), line, "indicator")
        region = check_region(ctx, cell(cells, "region"), line, "region")
        unit = check_unit(ctx, cell(cells, "unit"), ind, line, "unit")
        source = check_text(ctx, cell(cells, "source"), line, "source", SOURCE_MAX_LENGTH)
        note = check_text(ctx, cell(cells, "note"), line, "note", NOTE_MAX_LENGTH)
        if not wide:
            year = check_year(ctx, cell(cells, "year"), line, "year")
            value = check_value(ctx, cell(cells, "value"), line, "value")
            obs = build_observation(
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
            if cell_text(raw).lower() in MISSING_MARKERS:
                continue
            value = check_value(ctx, raw, line, heading)
            obs = build_observation(
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
        out.add("file_no_rows", gettext_noop("the file has a header but no data lines"), 1, None)
    if out.items:
        raise InputError(out.items)
    return result
