"""Where the extract's CSV files come from (folder or zip) and how their rows are walked.

Why: every file is checked the same way before its values are: present, a header with the
expected columns (named in the message), no duplicate column, the header's field count on
every line, and readable UTF-8 CSV; each file's reader then validates only values.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from circulair.core.errors import ProblemCollector

__all__ = ["Source", "csv_rows", "read_meta"]


class Source:
    """A folder or a zip file holding the extract's CSV files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.members: dict[str, str] = {}
        if path.is_file():
            self.zip = zipfile.ZipFile(path)
            for member in self.zip.namelist():
                self.members.setdefault(member.rsplit("/", 1)[-1], member)

    def exists(self, name: str) -> bool:
        """Whether the extract holds ``name`` (in a zip: at any folder depth)."""
        if self.zip is not None:
            return name in self.members
        return (self.path / name).is_file()

    @contextmanager
    def open(self, name: str) -> Iterator[io.TextIOBase]:
        """``name`` as UTF-8 text (a byte-order mark is dropped), streamed, not loaded."""
        if self.zip is not None:
            with (
                self.zip.open(self.members[name]) as raw,
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
            ):
                yield text
        else:
            with (self.path / name).open(encoding="utf-8-sig", newline="") as f:
                yield f

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def csv_rows(
    src: Source,
    name: str,
    required: Sequence[str],
    problems: ProblemCollector,
) -> Iterator[tuple[int, list[str], dict[str, int]]]:
    """Yield (line, fields, column index) for each data row of ``name``; header and field-count
    problems are reported here, so callers only validate values."""
    if not src.exists(name):
        problems.add(f"missing file (expected columns: {', '.join(required)})", name)
        return
    with src.open(name) as f:
        reader = csv.reader(f)
        try:
            header = next(reader, None)
        except UnicodeDecodeError as e:  # a small file is decoded whole on the first read
            problems.add(f"not UTF-8 text: {e}", name)
            return
        if header is None:
            problems.add(
                f"empty file: no header (expected columns: {', '.join(required)})", name, 1
            )
            return
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            problems.add(
                f"bad header: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (expected columns: {', '.join(required)})",
                name,
                1,
                None,
                ",".join(header),
            )
            return
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            problems.add(f"bad header: duplicate column {', '.join(dupes)}", name, 1)
            return
        cols = {h: i for i, h in enumerate(header)}
        width = len(header)
        try:
            for fields in reader:
                if not fields:
                    continue
                if len(fields) != width:
                    problems.add(
                        f"expected {width} fields as in the header, found {len(fields)}",
                        name,
                        reader.line_num,
                    )
                    continue
                yield reader.line_num, fields, cols
        except csv.Error as e:
            problems.add(f"unreadable CSV: {e}", name, reader.line_num)
        except UnicodeDecodeError as e:
            problems.add(f"not UTF-8 text: {e}", name, reader.line_num + 1)


def read_meta(src: Source, problems: ProblemCollector) -> dict[str, str]:
    """meta.csv (Variable, Value) when present: the extract's number and date, for provenance."""
    meta: dict[str, str] = {}
    if not src.exists("meta.csv"):
        return meta
    for _line, fields, cols in csv_rows(src, "meta.csv", ("Variable", "Value"), problems):
        meta[fields[cols["Variable"]].strip()] = fields[cols["Value"]].strip()
    return meta
