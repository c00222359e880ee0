"""Reading CSV text as numbered records: one reader for every import.

Line numbers are the file's own (the line a record starts on, as a text editor shows it), so a
blank line or a quoted multi-line cell does not shift the numbers of later rows; the header is
line 1. A file the csv module cannot read (a cell over the field limit, a NUL byte) becomes an
:class:`InputError` naming the file and line, never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from circulair.core.errors import Amount, InputError, Problem, gettext_noop, problem

Record = tuple[int, dict[str, str]]
DELIMITERS = (",", ";", "\t", "|")


def decode_text(content: bytes, *, file: str) -> str:
    """A table file's text: UTF-8 with or without BOM, else Windows-1252 (what Excel writes
    in a Belgian locale); anything else is an :class:`InputError`."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError([problem("file_not_text", NOT_TEXT, file=file)]) from None


NOT_TEXT = gettext_noop("the file is not text (expected a CSV in UTF-8 or Windows-1252)")
CHUNK = 1 << 20


def stream_encoding(stream: IO[bytes], *, file: str) -> str:
    """The encoding :func:`decode_text` would pick, found by one pass over the stream in
    chunks (the whole file never in memory); the stream is left at its start."""
    stream.seek(0)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    ok = {"utf-8-sig": True, "cp1252": True}
    while chunk := stream.read(CHUNK):
        for name, dec in (("utf-8-sig", utf8), ("cp1252", cp1252)):
            if ok[name]:
                try:
                    dec.decode(chunk)
                except UnicodeDecodeError:
                    ok[name] = False
        if not ok["utf-8-sig"] and not ok["cp1252"]:
            break
    if ok["utf-8-sig"]:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            ok["utf-8-sig"] = False
    stream.seek(0)
    for name, good in ok.items():
        if good:
            return name
    raise InputError([problem("file_not_text", NOT_TEXT, file=file)])


class _Borrowed(io.RawIOBase):
    """A caller's binary stream read through a text wrapper that must not close it (the
    upload is kept after it is read)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def text_stream(stream: IO[bytes], *, file: str, encoding: str | None = None) -> io.TextIOWrapper:
    """The stream's text, decoded as :func:`decode_text` does, read lazily; line ends are
    kept as in the file (what :mod:`csv` needs for its line numbers)."""
    encoding = encoding or stream_encoding(stream, file=file)
    stream.seek(0)
    raw = io.BufferedReader(_Borrowed(stream), CHUNK)
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def detect_delimiter(text: str) -> str:
    """The delimiter of a CSV: the most frequent of ``, ; tab |`` outside quotes in its first
    non-blank line (a Belgian Excel CSV uses ``;``); ``,`` when there is none."""
    first = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    outside = "".join(part for i, part in enumerate(first.split('"')) if i % 2 == 0)
    best = max(DELIMITERS, key=outside.count)
    return best if outside.count(best) else ","


def csv_records(
    text: str | Iterable[str], *, file: str, delimiter: str = ",", nul_ok: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, cells) for every record, blank lines included as ``[]``.

    ``text`` is the whole text or its lines as read (a :func:`text_stream`), so a big file is
    read one record at a time. A cell with a NUL character (binary data; PostgreSQL refuses it
    in text) is refused unless ``nul_ok`` (then the caller names the column itself)."""
    lines = io.StringIO(text, newline="") if isinstance(text, str) else text
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            if "field larger than field limit" in str(e):
                bad = problem(
                    "csv_cell_too_long",
                    gettext_noop(
                        "not a readable CSV file: a cell is longer than %(limit)s characters "
                        "(is the file a table?)"
                    ),
                    file=file,
                    row=start,
                    limit=Amount(csv.field_size_limit()),
                )
            else:
                bad = problem(
                    "csv_unreadable",
                    gettext_noop("not a readable CSV file: %(reason)s"),
                    file=file,
                    row=start,
                    reason=str(e),
                )
            raise InputError([bad]) from None
        if not nul_ok and any("\x00" in c for c in cells):
            raise InputError(
                [
                    problem(
                        "csv_nul",
                        gettext_noop(
                            "not a readable CSV file: a cell holds a NUL character "
                            "(is the file text?)"
                        ),
                        file=file,
                        row=start,
                    )
                ]
            )
        yield start, cells


def csv_dicts(
    text: str, *, file: str, delimiter: str | None = None
) -> tuple[list[str], list[Record]]:
    """(lower-cased header, [(line, {column: stripped text})]) of CSV text.

    The delimiter is detected (:func:`detect_delimiter`) unless given.
    Blank records are skipped (their numbers are not reused); cells under no header are ignored;
    a missing trailing cell reads as ``""``.
    """
    text = text.lstrip("\ufeff")
    header, rows = csv_dict_rows(
        io.StringIO(text, newline=""),
        file=file,
        delimiter=delimiter or detect_delimiter(text),
    )
    return header, list(rows)


def csv_stream_dicts(
    stream: IO[bytes], *, file: str, delimiter: str | None = None
) -> tuple[list[str], Iterator[Record]]:
    """:func:`csv_dicts` of a binary stream, one record at a time: the rows are an iterator
    (a NUL-character problem is raised when it is exhausted, with all of them)."""
    encoding = stream_encoding(stream, file=file)
    if delimiter is None:
        probe = text_stream(stream, file=file, encoding=encoding)
        first = next((line for line in probe if line.strip()), "")
        probe.detach()
        delimiter = detect_delimiter(first)
    lines = text_stream(stream, file=file, encoding=encoding)
    return csv_dict_rows(lines, file=file, delimiter=delimiter)


def csv_dict_rows(
    lines: Iterable[str], *, file: str, delimiter: str
) -> tuple[list[str], Iterator[Record]]:
    """The header and the lazily read rows of :func:`csv_dicts` over lines of text."""
    it = csv_records(lines, file=file, delimiter=delimiter, nul_ok=True)
    header: list[str] = []
    for _line, cells in it:
        if cells:
            header = [c.strip().lower() for c in cells]
            break

    def rows() -> Iterator[Record]:
        problems: list[Problem] = []
        for line, cells in it:
            row = {
                h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h
            }
            bad = [
                problem(
                    "cell_nul",
                    gettext_noop("holds a NUL character (binary data, not text)"),
                    file=file,
                    row=line,
                    field=h,
                    value=v.replace("\x00", "\\x00")[:40],
                )
                for h, v in row.items()
                if "\x00" in v
            ]
            if bad:
                problems += bad
            elif any(row.values()) and not problems:
                yield line, row
        if problems:
            raise InputError(problems)

    return header, rows()


# --- writing: one table writer for every export ---------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


def is_formula_like(value: Any) -> bool:
    """Would a spreadsheet read this text cell as a formula? (``-12.5`` is a number, not one.)"""
    return (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and _PLAIN_NUMBER.fullmatch(value) is None
    )


def csv_cell(value: Any) -> Any:
    """A cell safe to open in a spreadsheet: formula-like text gets a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value


def write_table(
    header: list[str], rows: Iterable[Iterable[Any]], fmt: str, *, sheet: str = "data"
) -> bytes:
    """CSV (UTF-8) or XLSX bytes of a table; text that looks like a formula stays text.

    Cells entered by people (titles, sources, notes) are exported; a value such as
    ``=HYPERLINK(...)`` or ``+cmd|...`` would run as a formula in the reader's spreadsheet. In
    CSV it is written with a leading apostrophe; in XLSX it is stored as a text cell.
    """
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet[:31] or "data")

        def cell(v: Any) -> Any:
            c = WriteOnlyCell(ws, value=v)
            if c.data_type == "f":
                c.data_type = "s"
            return c

        ws.append([cell(h) for h in header])
        for r in rows:
            ws.append([cell(v) for v in r])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    if fmt != "csv":
        raise ValueError(f"unknown table format {fmt!r} (expected csv or xlsx)")
    sbuf = io.StringIO()
    w = csv.writer(sbuf, lineterminator="\n")
    w.writerow([csv_cell(h) for h in header])
    w.writerows([csv_cell(v) for v in r] for r in rows)
    return sbuf.getvalue().encode("utf-8")
