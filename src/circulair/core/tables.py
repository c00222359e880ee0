"""Reading CSV text as numbered records: one reader for every import.

Line numbers are the file's own (the line a record starts on, as a text editor shows it), so a
blank line or a quoted multi-line cell does not shift the numbers of later rows; the header is
line 1. A file the csv module cannot read (a cell over the field limit, a NUL byte) becomes an
:class:`InputError` naming the file and line, never a traceback.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from circulair.core.errors import InputError

Record = tuple[int, dict[str, str]]


def csv_records(text: str, *, file: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, cells) for every record, blank lines included as ``[]``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            reason = str(e)
            if "field larger than field limit" in reason:
                reason = (f"a cell is longer than {csv.field_size_limit():,} characters "
                          "(is the file a table?)")
            raise InputError.single(f"not a readable CSV file: {reason}", file=file,
                                    row=start) from None
        yield start, cells


def csv_dicts(text: str, *, file: str, delimiter: str = ",") -> tuple[list[str], list[Record]]:
    """(lower-cased header, [(line, {column: stripped text})]) of CSV text.

    Blank records are skipped (their numbers are not reused); cells under no header are ignored;
    a missing trailing cell reads as ``""``.
    """
    it = csv_records(text.lstrip("\ufeff"), file=file, delimiter=delimiter)
    header: list[str] = []
    for _line, cells in it:
        if cells:
            header = [c.strip().lower() for c in cells]
            break
    rows: list[Record] = []
    for line, cells in it:
        row = {h: (cells[i].strip() if i < len(cells) else "")
               for i, h in enumerate(header) if h}
        if any(row.values()):
            rows.append((line, row))
    return header, rows
