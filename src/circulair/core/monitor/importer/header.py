"""The header line: which column is which, long form or wide form, and what is missing.

Why: a wrong header makes every row wrong, so it is checked first and on its own; its
problems are all reported before any row is read.
"""

from __future__ import annotations

import re

from .cells import cell_text
from .checks import Problems
from .columns import ALIASES, LONG_COLUMNS, REQUIRED_LONG, REQUIRED_WIDE, YEAR_MAX, YEAR_MIN
from .readers import Table

__all__ = ["read_header"]

_YEAR_HEADER = re.compile(r"\d{4}(?:\.0+)?")


def read_header(
    table: Table, out: Problems
) -> tuple[dict[str, int], dict[int, tuple[int, str]], bool] | None:
    """Column positions by name, year columns (index -> (year, heading)), and wide or not."""
    columns: dict[str, int] = {}
    years: dict[int, tuple[int, str]] = {}
    seen: dict[str, int] = {}
    ok = True
    if not any(cell_text(c) for c in table.header):
        out.add("the first line must be the header (column names)", 1, None)
        return None
    for i, cell in enumerate(table.header):
        name = cell_text(cell)
        if not name:
            if any(cell_text(r[i]) for _, r in table.rows if i < len(r)):
                out.add(f"column {i + 1} has values but no name", 1, None)
                ok = False
            continue
        low = name.lower()
        if low in seen:
            out.add(f"column '{name}' appears twice (columns {seen[low] + 1} and {i + 1})", 1, name)
            ok = False
            continue
        seen[low] = i
        if low in ALIASES:
            columns[ALIASES[low]] = i
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
    required = REQUIRED_WIDE if wide else REQUIRED_LONG
    missing = [c for c in required if c not in columns]
    if missing:
        out.add(
            f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)} "
            f"(the header names {', '.join(cell_text(c) for c in table.header if cell_text(c))})",
            1,
            None,
        )
        return None
    return (columns, years, wide) if ok else None
