"""The header line: which column is which, long form or wide form, and what is missing.

Why: a wrong header makes every row wrong, so it is checked first and on its own; its
problems are all reported before any row is read.
"""

from __future__ import annotations

import re

from ...errors import gettext_noop
from .cells import cell_text
from .checks import Problems
from .columns import ALIASES, LONG_COLUMNS, REQUIRED_LONG, REQUIRED_WIDE, YEAR_MAX, YEAR_MIN
from .readers import Table

__all__ = ["read_header"]

MISSING_ONE = gettext_noop("missing column: %(missing)s (the header names %(header)s)")
MISSING_MANY = gettext_noop("missing columns: %(missing)s (the header names %(header)s)")
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
        out.add(
            "header_missing",
            gettext_noop("the first line must be the header (column names)"),
            1,
            None,
        )
        return None
    for i, cell in enumerate(table.header):
        name = cell_text(cell)
        if not name:
            if any(cell_text(r[i]) for _, r in table.rows if i < len(r)):
                out.add(
                    "column_unnamed",
                    gettext_noop("column %(n)s has values but no name"),
                    1,
                    None,
                    n=i + 1,
                )
                ok = False
            continue
        low = name.lower()
        if low in seen:
            out.add(
                "column_twice",
                gettext_noop("column '%(name)s' appears twice (columns %(first)s and %(second)s)"),
                1,
                name,
                name=name,
                first=seen[low] + 1,
                second=i + 1,
            )
            ok = False
            continue
        seen[low] = i
        if low in ALIASES:
            columns[ALIASES[low]] = i
        elif _YEAR_HEADER.fullmatch(name):
            y = int(float(name))
            twin = next((h for yy, h in years.values() if yy == y), None)
            if not YEAR_MIN <= y <= YEAR_MAX:
                out.add(
                    "year_range",
                    gettext_noop("a year column must lie between %(min)s and %(max)s"),
                    1,
                    name,
                    min=YEAR_MIN,
                    max=YEAR_MAX,
                )
                ok = False
            elif twin is not None:
                out.add(
                    "year_column_twice",
                    gettext_noop("year %(year)s has two columns ('%(first)s' and '%(second)s')"),
                    1,
                    name,
                    year=y,
                    first=twin,
                    second=name,
                )
                ok = False
            years[i] = (y, name)
        else:
            out.add(
                "column_unknown",
                gettext_noop("unknown column (expected %(expected)s, or one column per year)"),
                1,
                name,
                expected=", ".join(LONG_COLUMNS),
            )
            ok = False
    wide = "year" not in columns and bool(years)
    if "year" in columns and years:
        out.add(
            "long_and_wide",
            gettext_noop(
                "both a 'year' column and year columns: use the long form or the wide form, "
                "not both"
            ),
            1,
            "year",
        )
        return None
    if wide and "value" in columns:
        out.add(
            "wide_value_column",
            gettext_noop(
                "a 'value' column does not belong in the wide form (values go in the year columns)"
            ),
            1,
            "value",
        )
        ok = False
    required = REQUIRED_WIDE if wide else REQUIRED_LONG
    missing = [c for c in required if c not in columns]
    if missing:
        out.add(
            "columns_missing",
            MISSING_MANY if len(missing) > 1 else MISSING_ONE,
            1,
            None,
            missing=", ".join(missing),
            header=", ".join(cell_text(c) for c in table.header if cell_text(c)),
        )
        return None
    return (columns, years, wide) if ok else None
