"""Every importer refuses a hostile file quickly with a message naming it, and changes nothing:
a CSV cell of 50 MB, an XLSX decompression bomb, a file that is not a workbook, an upload above
the size limit. (Speed is measured by ``benchmarks/bench_imports.py``; tests assert no time.)"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from circulair.core.errors import InputError

pytestmark = pytest.mark.django_db

FIELD_MB = 50
LIMIT = f"{csv.field_size_limit():,}"


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The messages are asserted in English (the Dutch ones are checked by test_i18n)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _org() -> Any:
    from circulair.web.apps.organisations.models import Organisation

    return Organisation.objects.create(name="Limiet NV", side=Organisation.Side.BUSINESS)


def _importers() -> dict[str, tuple[str, Callable[[Any, str], Any]]]:
    """Importer name -> (its header, a call importing (content, file name) as the operator)."""
    from circulair.web.apps.agenda import services as agenda
    from circulair.web.apps.doers.services import cases_import
    from circulair.web.apps.exchange.services import listings_import
    from circulair.web.apps.geography import selectors as geo
    from circulair.web.apps.geography.services import population_import
    from circulair.web.apps.monitor.services import observations_import
    from circulair.web.apps.scan.services.imports import survey_import

    return {
        "monitor": (
            "indicator,region,year,value,unit",
            lambda c, n: observations_import(content=c, file_name=n),
        ),
        "population": (
            "refnis,population",
            lambda c, n: population_import(
                region=geo.region_default(), file_name=n, content=c, source="x"
            ),
        ),
        "agenda": (
            "title,agenda",
            lambda c, n: agenda.actions_import(
                user=None, content=c, file_name=n, organisation=_org()
            ),
        ),
        "signatories": (
            "organisation,agenda,year_signed",
            lambda c, n: agenda.signatories_import(user=None, content=c, file_name=n),
        ),
        "exchange": (
            "kind,title,material,quantity,unit,available_from,available_to,refnis",
            lambda c, n: listings_import(organisation=_org(), content=c, file_name=n),
        ),
        "scan": ("organisation,year", lambda c, n: survey_import(content=c, file_name=n)),
        "doers": ("title,summary", lambda c, n: cases_import(content=c, file_name=n)),
    }


def _counts() -> dict[str, int]:
    from circulair.web.apps.agenda.models import Action, Signatory
    from circulair.web.apps.common.models import Change
    from circulair.web.apps.doers.models import Case
    from circulair.web.apps.exchange.models import Listing
    from circulair.web.apps.geography.models import Municipality
    from circulair.web.apps.monitor.models import Observation
    from circulair.web.apps.scan.models import Response

    counts = {
        m.__name__: m.objects.count()
        for m in (Action, Signatory, Change, Case, Listing, Observation, Response)
    }
    counts["imported populations"] = Municipality.objects.filter(population_origin="import").count()
    return counts


def _bomb(path: Path, megabytes: int) -> Path:
    """A real zip bomb shaped as an XLSX: its sheet unpacks to ``megabytes`` of spaces (about
    a thousand times its packed size), written in chunks."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b" " * (1 << 20)
            for _ in range(megabytes):
                f.write(chunk)
    return path


@pytest.mark.parametrize(
    "name", ["monitor", "population", "agenda", "signatories", "exchange", "scan", "doers"]
)
def test_a_50_mb_cell_is_refused_naming_file_and_line(name: str, tmp_path: Path) -> None:
    header, run = _importers()[name]
    path = tmp_path / "big.csv"
    with path.open("wb") as f:
        f.write(header.encode() + b'\n"')
        f.write(b"x" * (FIELD_MB << 20))
        f.write(b'"' + b"," * header.count(",") + b"\n")
    before = _counts()
    with pytest.raises(InputError) as ei:
        run(path, "big.csv")
    assert [str(p) for p in ei.value.problems] == [
        f"big.csv, line 2: not a readable CSV file: a cell is longer than {LIMIT} characters "
        "(is the file a table?)"
    ]
    assert _counts() == before


@pytest.mark.parametrize("name", ["monitor", "agenda", "signatories", "exchange", "scan", "doers"])
def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(
    name: str, tmp_path: Path, settings: Any
) -> None:
    settings.CIRCULAIR_XLSX_MAX_UNCOMPRESSED_MB = 40  # the test's bomb is small, the rule the same
    _header, run = _importers()[name]
    bomb = _bomb(tmp_path / "bomb.xlsx", 48)
    before = _counts()
    with pytest.raises(InputError) as ei:
        run(bomb, "bomb.xlsx")
    assert [str(p) for p in ei.value.problems] == [
        "bomb.xlsx: the workbook unpacks to 48 MB, more than the limit of 40 MB "
        "(save it as CSV, or split it)"
    ]
    assert ei.value.problems[0].code == "xlsx_too_large"
    assert _counts() == before


def test_the_amounts_of_a_refusal_are_written_the_reader_s_way(
    tmp_path: Path, settings: Any
) -> None:
    """1,200 MB in English is 1.200 MB in Dutch; the problem keeps the number, not the text."""
    from django.utils import translation

    from circulair.web.apps.common.texts import problem_text

    settings.CIRCULAIR_XLSX_MAX_UNCOMPRESSED_MB = 1000
    _header, run = _importers()["agenda"]
    with pytest.raises(InputError) as ei:
        run(_bomb(tmp_path / "bomb.xlsx", 1200), "bomb.xlsx")
    (p,) = ei.value.problems
    with translation.override("nl"):
        assert problem_text(p) == (
            "bomb.xlsx: de werkmap pakt uit tot 1.200 MB, meer dan de limiet van 1.000 MB "
            "(bewaar ze als CSV, of splits ze)"
        )
    with translation.override("en"):
        assert "unpacks to 1,200 MB, more than the limit of 1,000 MB" in problem_text(p)


def test_an_xlsx_packed_a_thousand_times_is_refused_under_the_size_limit(tmp_path: Path) -> None:
    _header, run = _importers()["exchange"]
    with pytest.raises(InputError) as ei:
        run(_bomb(tmp_path / "dense.xlsx", 20), "dense.xlsx")
    (problem,) = ei.value.problems
    assert str(problem).startswith(
        "dense.xlsx: the workbook member xl/worksheets/sheet1.xml is packed "
    )
    assert str(problem).endswith(
        " times (a spreadsheet packs about 10 times): refused as a possible decompression bomb"
    )


@pytest.mark.parametrize("name", ["monitor", "agenda", "exchange", "scan"])
def test_a_file_named_xlsx_that_is_not_a_zip_is_refused(name: str) -> None:
    _header, run = _importers()[name]
    before = _counts()
    with pytest.raises(InputError) as ei:
        run(b"title,agenda\nx,y\n" * 1000, "table.xlsx")
    assert [str(p) for p in ei.value.problems] == [
        "table.xlsx: not a readable XLSX workbook (the file is not a zip archive)"
    ]
    assert _counts() == before


@pytest.mark.parametrize("name", ["monitor", "population", "agenda", "exchange", "scan", "doers"])
def test_an_upload_above_the_limit_is_refused_with_its_size(name: str, settings: Any) -> None:
    settings.CIRCULAIR_UPLOAD_MAX_MB = 1
    header, run = _importers()[name]
    content = header.encode() + b"\n" + b"a" * (3 << 19) + b"\n"
    before = _counts()
    with pytest.raises(InputError) as ei:
        run(content, "large.csv")
    assert [str(p) for p in ei.value.problems] == [
        "large.csv: the file is 1.5 MB, more than the upload limit of 1 MB (split it, or ask "
        "the operator to raise CIRCULAIR_UPLOAD_MAX_MB)"
    ]
    assert _counts() == before


def test_the_rows_of_a_streamed_csv_keep_the_file_line_numbers(tmp_path: Path) -> None:
    from circulair.web.apps.common.tables import iter_table

    path = tmp_path / "t.csv"
    path.write_bytes('\ufeffa;b\r\n\r\n"x\r\ny";1\r\nz;\xe9\r\n'.encode())
    header, rows = iter_table(path, "t.csv")
    assert header == ["a", "b"]
    assert list(rows) == [(3, {"a": "x\r\ny", "b": "1"}), (5, {"a": "z", "b": "é"})]
    path.write_bytes("a,b\n\xe9,1\n".encode("cp1252"))
    assert list(iter_table(path, "t.csv")[1]) == [(2, {"a": "é", "b": "1"})]
