"""The extract's files (``kbo/reader/source.py``): folder or zip, header and field counts."""

from __future__ import annotations

import zipfile
from pathlib import Path

from circulair.core.atlas.kbo.reader.source import Source, csv_rows, read_meta
from circulair.core.errors import ProblemCollector


def _rows(folder: Path, name: str = "x.csv") -> tuple[list[tuple[int, list[str]]], list[str]]:
    problems = ProblemCollector()
    src = Source(folder)
    try:
        rows = [(line, f) for line, f, _cols in csv_rows(src, name, ("A", "B"), problems)]
    finally:
        src.close()
    return rows, [f"{p.file}:{p.row}: {p.message}" for p in problems.items]


def test_rows_with_their_line_numbers(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text('"B","A","C"\n1,2,3\n\n4,5\n6,7,8\n', encoding="utf-8")
    rows, problems = _rows(tmp_path)
    assert rows == [(2, ["1", "2", "3"]), (5, ["6", "7", "8"])]  # the blank line 3 is skipped
    assert problems == ["x.csv:4: expected 3 fields as in the header, found 2"]


def test_file_and_header_problems(tmp_path: Path) -> None:
    assert _rows(tmp_path) == ([], ["x.csv:None: missing file (expected columns: A, B)"])
    (tmp_path / "x.csv").write_text("", encoding="utf-8")
    assert _rows(tmp_path)[1] == ["x.csv:1: empty file: no header (expected columns: A, B)"]
    (tmp_path / "x.csv").write_text("A,C\n1,2\n", encoding="utf-8")
    assert _rows(tmp_path)[1] == ["x.csv:1: bad header: missing column B (expected columns: A, B)"]
    (tmp_path / "x.csv").write_text("A,B,A\n1,2,3\n", encoding="utf-8")
    assert _rows(tmp_path)[1] == ["x.csv:1: bad header: duplicate column A"]


def test_text_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    # a bad byte well past the first read buffer: reported as a problem of the file
    good = "".join(f"{i},{i}\n" for i in range(5000)).encode()
    (tmp_path / "x.csv").write_bytes(b"A,B\n" + good + b"\xe9,3\n")
    _rows_read, problems = _rows(tmp_path)
    assert len(problems) == 1 and "not UTF-8 text" in problems[0]


def test_small_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_bytes(b"A,B\n1,2\n\xe9,3\n")
    _rows_read, problems = _rows(tmp_path)
    assert len(problems) == 1 and "not UTF-8 text" in problems[0]


def test_zip_members_are_found_in_any_folder(tmp_path: Path) -> None:
    archive = tmp_path / "extract.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("KboOpenData_0131/x.csv", "\ufeffA,B\n1,2\n")  # with a byte-order mark
        z.writestr("KboOpenData_0131/meta.csv", '"Variable","Value"\n"ExtractNumber","131"\n')
    assert _rows(archive) == ([(2, ["1", "2"])], [])
    src = Source(archive)
    try:
        assert src.exists("meta.csv") and not src.exists("y.csv")
        assert read_meta(src, ProblemCollector()) == {"ExtractNumber": "131"}
    finally:
        src.close()
