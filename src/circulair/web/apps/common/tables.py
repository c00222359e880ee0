"""Reading an uploaded table (a CSV — UTF-8 or Windows-1252, delimiter `,` `;` tab or `|` —
or the first sheet of an XLSX) as numbered rows.

Shared by every import so that line numbers in error messages mean the same everywhere: the
header is line 1, the first data row line 2; blank rows are skipped (their line numbers are not
reused), cells are stripped, dates become ISO text, columns without a header are ignored.
"""

from __future__ import annotations

import io

from circulair.core.errors import InputError
from circulair.core.tables import csv_dicts, decode_text

Rows = list[tuple[int, dict[str, str]]]


def read_table(content: bytes, file_name: str) -> tuple[list[str], Rows]:
    """(lower-cased header, [(line, {column: text})]) of a CSV or XLSX file."""
    if file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook  # heavy (about 0.2 s to import): only for XLSX files

        try:
            ws = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:  # zipfile/openpyxl errors: not a workbook
            raise InputError.single("not a readable XLSX workbook", file=file_name) from exc
        it = ws.iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(it, [])]
        rows = [
            (
                i,
                {
                    h: ""
                    if v is None
                    else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v).strip())
                    for h, v in zip(header, r, strict=False)
                    if h
                },
            )
            for i, r in enumerate(it, start=2)
            if any(v not in (None, "") for v in r)
        ]
        return header, rows
    return csv_dicts(decode_text(content, file=file_name), file=file_name)
