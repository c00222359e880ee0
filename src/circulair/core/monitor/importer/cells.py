"""One cell's content: its text, its value as the sheet shows it, and a number in it.

Why: spreadsheets from Flemish offices write ``396,9`` as often as ``396.9``, and XLSX cells
carry numbers, percentages and dates; every check reads cells through these few rules.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["cell_text", "parse_number", "shown_value"]

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_GROUPED_DOT = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d*")  # 1.234,5
_GROUPED_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+\.\d*")  # 1,234.5
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


def shown_value(cell: Any) -> Any:
    """A worksheet cell's value as the sheet shows it: a number formatted as a percentage
    (0.44 shown as 44 %) counts as the percentage, since the unit column then says "%"."""
    value = getattr(cell, "value", None)
    fmt = getattr(cell, "number_format", None) or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        return value * 100
    return value


def cell_text(cell: Any) -> str:
    """A cell as stripped text (numbers as written: 2015.0 -> '2015')."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
