"""Reading an uploaded CSV or XLSX file into a header and numbered rows of cells.

Why: the checks must not care which format a file came in; both readers give the same
table, with the line number a person sees in their spreadsheet for every row. The rows are
read from the file as they are checked (a million-row file is never a list in memory); each
pass over :attr:`Table.rows` reads the file again.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import load_workbook

from ...errors import InputError, gettext_noop, problem
from ...tables import csv_records, detect_delimiter, stream_encoding, text_stream
from .cells import shown_value

__all__ = ["Table", "read_csv", "read_xlsx"]

Cells = tuple[int, list[Any]]  # (line number, cells)


@dataclass(frozen=True)
class Table:
    """A file as read: the header cells and the data rows with their line numbers (an
    iterable that reads the file again on every pass)."""

    header: list[Any]
    rows: Iterable[Cells]


def _stream(content: bytes | IO[bytes]) -> IO[bytes]:
    return io.BytesIO(content) if isinstance(content, bytes | bytearray) else content


class _CsvRows:
    def __init__(self, stream: IO[bytes], file_name: str, encoding: str, delimiter: str) -> None:
        self.stream, self.file, self.encoding, self.delimiter = (
            stream,
            file_name,
            encoding,
            delimiter,
        )

    def records(self) -> Generator[Cells, None, None]:
        lines = text_stream(self.stream, file=self.file, encoding=self.encoding)
        try:
            yield from csv_records(lines, file=self.file, delimiter=self.delimiter)
        finally:
            lines.detach()

    def __iter__(self) -> Iterator[Cells]:
        it = self.records()
        next(it, None)  # the header
        for start, cells in it:
            yield start, list(cells)


def read_csv(content: bytes | IO[bytes], file_name: str) -> Table:
    """The rows of a CSV file (UTF-8 or Windows-1252; delimiter taken from the header)."""
    stream = _stream(content)
    encoding = stream_encoding(stream, file=file_name)
    probe = text_stream(stream, file=file_name, encoding=encoding)
    first = next((line for line in probe if line.strip()), "")
    probe.detach()
    rows = _CsvRows(stream, file_name, encoding, detect_delimiter(first))
    records = rows.records()
    head = next(records, None)
    next(
        records, None
    )  # a file unreadable from line 2 (a giant cell) is refused before its header is judged
    records.close()
    return Table(list(head[1]) if head else [], rows)


class _XlsxRows:
    def __init__(self, stream: IO[bytes], file_name: str) -> None:
        self.stream, self.file = stream, file_name

    def lines(self) -> Generator[Cells, None, None]:
        self.stream.seek(0)
        wb = load_workbook(self.stream, read_only=True, data_only=True)
        try:
            if not wb.worksheets:
                raise InputError(
                    [
                        problem(
                            "xlsx_no_sheet",
                            gettext_noop("the workbook has no sheet"),
                            file=self.file,
                        )
                    ]
                )
            for line, row in enumerate(wb.worksheets[0].iter_rows(min_row=1), start=1):
                cells = [shown_value(c) for c in row]
                while cells and cells[-1] is None:
                    cells.pop()
                yield line, cells
        finally:
            wb.close()

    def __iter__(self) -> Iterator[Cells]:
        it = self.lines()
        next(it, None)
        yield from it


def read_xlsx(content: bytes | IO[bytes], file_name: str) -> Table:
    """The rows of a workbook's first sheet, cells as shown (formulas by their last value)."""
    rows = _XlsxRows(_stream(content), file_name)
    lines = rows.lines()
    try:
        head = next(lines, None)
        lines.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise InputError(
            [
                problem(
                    "xlsx_unreadable", gettext_noop("not a readable XLSX workbook"), file=file_name
                )
            ]
        ) from e
    return Table(list(head[1]) if head else [], rows)
