"""Reading an uploaded CSV or XLSX file into a header and numbered rows of cells.

Why: the checks must not care which format a file came in; both readers give the same
table, with the line number a person sees in their spreadsheet for every row.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from ...errors import InputError
from ...tables import csv_records, decode_text, detect_delimiter
from .cells import shown_value

__all__ = ["Table", "read_csv", "read_xlsx"]


@dataclass(frozen=True)
class Table:
    """A file as read: the header cells and the data rows with their line numbers."""

    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # (line number, cells)


def read_csv(content: bytes, file_name: str) -> Table:
    """The rows of a CSV file (UTF-8 or Windows-1252; delimiter taken from the header)."""
    text = decode_text(content, file=file_name)
    delimiter = detect_delimiter(text)
    header: list[Any] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for start, cells in csv_records(text, file=file_name, delimiter=delimiter):
        if header is None:
            header = list(cells)
        else:
            rows.append((start, list(cells)))
    return Table(header or [], rows)


def read_xlsx(content: bytes, file_name: str) -> Table:
    """The rows of a workbook's first sheet, cells as shown (formulas by their last value)."""
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
            cells = [shown_value(c) for c in row]
            while cells and cells[-1] is None:
                cells.pop()
            if line == 1:
                header = cells
            else:
                rows.append((line, cells))
        return Table(header or [], rows)
    finally:
        wb.close()
