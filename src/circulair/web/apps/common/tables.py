"""Reading an uploaded table (a CSV — UTF-8 or Windows-1252, delimiter `,` `;` tab or `|` —
or the first sheet of an XLSX) as numbered rows, one at a time.

Shared by every import so that line numbers in error messages mean the same everywhere: the
header is line 1, the first data row line 2; blank rows are skipped (their line numbers are not
reused), cells are stripped, dates become ISO text, columns without a header are ignored.

Why streaming: an import of a million rows must not hold the file's text and a list of all its
rows in memory at once; the rows are read from the upload (spooled to disk by Django above
2.5 MB) as they are checked. A file above the upload limit, or an XLSX that would unpack past
its limit (a decompression bomb), is refused before a row is read, in milliseconds.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from circulair.core.errors import Amount, InputError, gettext_noop, problem
from circulair.core.tables import csv_stream_dicts

Row = tuple[int, dict[str, str]]
Rows = list[Row]
#: What an import may be given: the bytes, an open binary file (an upload) or a path.
Source = bytes | IO[bytes] | Path

MB = 1 << 20
XLSX_UNREADABLE = gettext_noop("not a readable XLSX workbook")


def source_stream(source: Source) -> IO[bytes]:
    """A seekable binary stream over the source, at its start (a path is opened)."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if isinstance(source, Path):
        return source.open("rb")
    stream: Any = getattr(source, "file", source)  # a Django UploadedFile wraps its file
    stream.seek(0)
    return stream


class ProgressReader(io.RawIOBase):
    """A binary file that reports how far it has been read: ``report(fraction)`` after each
    read, so a background import shows its progress from the bytes consumed, whatever parses
    them (the CSV reader or the XLSX's zip). Wrap it in :class:`io.BufferedReader`."""

    def __init__(self, raw: IO[bytes], report: Any) -> None:
        super().__init__()
        self.raw = raw
        self.size = max(source_size(raw), 1)
        self.report = report
        self.high = 0.0  # reported fractions only grow (a kept upload reads the file again)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self.raw.readinto(b)  # type: ignore[attr-defined]
        self.high = max(self.high, min(self.raw.tell() / self.size, 1.0))
        self.report(self.high)
        return int(n or 0)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        self.raw.close()
        super().close()


def source_size(stream: IO[bytes]) -> int:
    """The stream's length in bytes; it is left at its start."""
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    return size


def size_check(stream: IO[bytes], file_name: str) -> int:
    """The size of an upload, refused above ``CIRCULAIR_UPLOAD_MAX_MB``."""
    size = source_size(stream)
    limit = int(getattr(settings, "CIRCULAIR_UPLOAD_MAX_MB", 200))
    if size > limit * MB:
        raise InputError(
            [
                problem(
                    "file_too_large",
                    gettext_noop(
                        "the file is %(size)s MB, more than the upload limit of %(limit)s MB "
                        "(split it, or ask the operator to raise CIRCULAIR_UPLOAD_MAX_MB)"
                    ),
                    file=file_name,
                    size=Amount(size / MB, 1),
                    limit=Amount(limit),
                )
            ]
        )
    return size


def xlsx_check(stream: IO[bytes], file_name: str) -> None:
    """Refuse a file that is not a workbook, or that would unpack past the limits, before
    openpyxl reads it: the zip's directory declares every member's size, and Python's zipfile
    never unpacks more than a member declares, so the sum bounds what reading costs."""
    try:
        with zipfile.ZipFile(stream) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(
            [
                problem(
                    "xlsx_unreadable",
                    gettext_noop("not a readable XLSX workbook (the file is not a zip archive)"),
                    file=file_name,
                )
            ]
        ) from None
    finally:
        stream.seek(0)
    if not any(m.filename.startswith("xl/") for m in members):
        raise InputError(
            [
                problem(
                    "xlsx_unreadable",
                    gettext_noop("not a readable XLSX workbook (the archive holds no workbook)"),
                    file=file_name,
                )
            ]
        )
    total = sum(m.file_size for m in members)
    limit = int(getattr(settings, "CIRCULAIR_XLSX_MAX_UNCOMPRESSED_MB", 500))
    if total > limit * MB:
        raise InputError(
            [
                problem(
                    "xlsx_too_large",
                    gettext_noop(
                        "the workbook unpacks to %(size)s MB, more than the limit of %(limit)s MB "
                        "(save it as CSV, or split it)"
                    ),
                    file=file_name,
                    size=Amount(total / MB),
                    limit=Amount(limit),
                )
            ]
        )
    ratio = int(getattr(settings, "CIRCULAIR_XLSX_MAX_RATIO", 200))
    for m in members:
        if m.file_size > MB and m.file_size > ratio * max(m.compress_size, 1):
            raise InputError(
                [
                    problem(
                        "xlsx_bomb",
                        gettext_noop(
                            "the workbook member %(member)s is packed %(ratio)s times (a "
                            "spreadsheet packs about 10 times): refused as a possible "
                            "decompression bomb"
                        ),
                        file=file_name,
                        member=m.filename,
                        ratio=Amount(m.file_size / max(m.compress_size, 1)),
                    )
                ]
            )


def _xlsx_rows(stream: IO[bytes], file_name: str) -> tuple[list[str], Iterator[Row]]:
    from openpyxl import load_workbook  # heavy (about 0.2 s to import): only for XLSX files

    xlsx_check(stream, file_name)
    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
        ws = wb.active
        it = ws.iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(it, [])]
    except Exception as exc:  # zipfile/openpyxl errors: not a workbook
        raise InputError([problem("xlsx_unreadable", XLSX_UNREADABLE, file=file_name)]) from exc

    def rows() -> Iterator[Row]:
        try:
            for i, r in enumerate(it, start=2):
                if any(v not in (None, "") for v in r):
                    yield (
                        i,
                        {
                            h: ""
                            if v is None
                            else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v).strip())
                            for h, v in zip(header, r, strict=False)
                            if h
                        },
                    )
        except InputError:
            raise
        except Exception as exc:  # a sheet that breaks half-way (bad XML)
            raise InputError([problem("xlsx_unreadable", XLSX_UNREADABLE, file=file_name)]) from exc
        finally:
            wb.close()

    return header, rows()


def iter_table(source: Source, file_name: str) -> tuple[list[str], Iterator[Row]]:
    """(lower-cased header, rows as they are read) of a CSV or XLSX file; see the module."""
    stream = source_stream(source)
    size_check(stream, file_name)
    if file_name.lower().endswith(".xlsx"):
        header, rows = _xlsx_rows(stream, file_name)
    else:
        header, rows = csv_stream_dicts(stream, file=file_name)
    # The first row is read now: a file that cannot be read at all (a giant cell on line 2) is
    # refused as unreadable before its columns are checked, as when the whole file was read.
    first = next(rows, None)
    return header, itertools.chain([] if first is None else [first], rows)


_LOOKUPS: ContextVar[dict[Any, Any] | None] = ContextVar("import_lookups", default=None)


@contextmanager
def lookups() -> Iterator[None]:
    """Within an import, every reference (a slug, an organisation, a municipality) is looked up
    once through :func:`looked_up`: a million rows naming one agenda cost one query, not a
    million. Outside an import nothing is remembered."""
    token = _LOOKUPS.set({})
    try:
        yield
    finally:
        _LOOKUPS.reset(token)


def looked_up(key: Any, find: Callable[[], Any]) -> Any:
    """``find()``, remembered under ``key`` while :func:`lookups` is active."""
    memo = _LOOKUPS.get()
    if memo is None:
        return find()
    if key not in memo:
        memo[key] = find()
    return memo[key]


def read_table(source: Source, file_name: str) -> tuple[list[str], Rows]:
    """:func:`iter_table` with the rows in a list (for files known to be small)."""
    header, rows = iter_table(source, file_name)
    return header, list(rows)
