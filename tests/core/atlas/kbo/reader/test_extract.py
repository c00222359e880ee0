"""Reading a KBO extract (``kbo/reader/``, ``kbo/records.py``): every file validated.

The sample extract and its 14 establishments are described in ``../conftest.py``.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from circulair.core.atlas.kbo import format_number, locate_establishments, read_kbo
from circulair.core.errors import InputError

# --- reading --------------------------------------------------------------------------------------


def test_read_fixture(extract):
    assert extract.rows == {
        "enterprise.csv": 13,
        "establishment.csv": 14,
        "address.csv": 27,
        "activity.csv": 23,
    }
    assert extract.skipped == {
        "activity.csv: NACE version 2003": 3,
        "activity.csv: NACE version 2025": 1,
        "activity.csv: SECO activity of an enterprise": 1,
        "address.csv: struck off (DateStrikingOff set)": 1,
        "address.csv: type ABBR of a branch": 1,
    }
    assert extract.meta["ExtractNumber"] == "131"
    assert extract.describe() == "KBO open data extract 131 snapshot 03-01-2025"
    assert len(extract.enterprise_numbers) == 13
    assert len(extract.establishment_numbers) == 14
    assert extract.employee_class_source is None
    # kept: 13 establishment activity rows of 2008 + 5 enterprise MAIN rows of 2008
    assert len(extract.activity_entity) == 18
    assert len(extract.establishments_with_activity) == 11


def test_format_number_round_trip(extract):
    assert format_number(201310929) == "0201.310.929"
    assert format_number(2000000339) == "2.000.000.339"
    assert [format_number(int(n)) for n in extract.establishment_numbers[:2]] == [
        "2.000.123.469",
        "2.001.234.516",
    ]


def test_read_zip_gives_the_same(tmp_path, extract, kbo):
    archive = tmp_path / "KboOpenData_0131_2025_01_Full.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in kbo.DATA.glob("*.csv"):
            z.write(f, f"KboOpenData_0131/{f.name}")
    from_zip = read_kbo(archive)
    assert from_zip.rows == extract.rows
    assert np.array_equal(from_zip.address_entity, extract.address_entity)
    assert from_zip.places == extract.places


def test_prefix_filter_keeps_only_what_is_needed(geo, extract, kbo):
    codes = [c for cs in kbo.GROUPS.values() for c in cs]
    small = read_kbo(kbo.DATA, nace_prefixes=codes)
    assert len(small.activity_entity) == 17  # the retail row (47110) is dropped
    assert small.skipped["activity.csv: NACE code outside the kept prefixes"] == 1
    full = locate_establishments(extract, geo, sector_groups=kbo.GROUPS)
    filtered = locate_establishments(small, geo, sector_groups=kbo.GROUPS)
    assert filtered.counts == full.counts  # 47110 still counts as "no NACE match"
    with pytest.raises(InputError, match="does not cover this code"):
        locate_establishments(small, geo, sector_groups={"handel": ["4711"]})


# --- bad input ------------------------------------------------------------------------------------


def test_bad_enterprise_number_names_file_line_column(tmp_path, kbo):
    folder = kbo.copy(tmp_path)
    kbo.edit(folder, "establishment.csv", 7, '"0417.222.338"', '"0417.222.33"')
    with pytest.raises(InputError) as e:
        read_kbo(folder)
    (p,) = e.value.problems
    assert (p.file, p.row, p.field, p.value) == (
        "establishment.csv",
        7,
        "EnterpriseNumber",
        "0417.222.33",
    )
    assert "establishment.csv, line 7, column 'EnterpriseNumber': not an enterprise number" in str(
        e.value
    )


def test_check_digits_are_verified(tmp_path, kbo):
    folder = kbo.copy(tmp_path)
    kbo.edit(folder, "enterprise.csv", 3, '"0404.456.148"', '"0404.456.149"')
    with pytest.raises(InputError) as e:
        read_kbo(folder)
    (p,) = e.value.problems
    assert (p.file, p.row, p.field) == ("enterprise.csv", 3, "EnterpriseNumber")
    assert "check digits" in p.message


def test_every_bad_row_in_every_file_is_reported(tmp_path, kbo):
    folder = kbo.copy(tmp_path)
    kbo.edit(folder, "enterprise.csv", 5, "03-02-1975", "31-02-1975")
    kbo.edit(folder, "establishment.csv", 2, '"2.000.123.469"', '"2000123469"')
    kbo.edit(folder, "activity.csv", 4, '"MAIN"', '"HOOFD"')
    kbo.edit(folder, "activity.csv", 6, '"2008"', '"08"')
    kbo.edit(folder, "address.csv", 5, '"2000",', "")  # one field short
    kbo.edit(folder, "address.csv", 26, '"","",', '"","",1-1-2021')
    with pytest.raises(InputError) as e:
        read_kbo(folder)
    got = [(p.file, p.row, p.field) for p in e.value.problems]
    assert got == [
        ("enterprise.csv", 5, "StartDate"),
        ("establishment.csv", 2, "EstablishmentNumber"),
        ("address.csv", 5, None),
        ("address.csv", 26, "DateStrikingOff"),
        ("activity.csv", 4, "Classification"),
        ("activity.csv", 6, "NaceVersion"),
    ]
    text = str(e.value)
    assert "address.csv, line 5: expected 13 fields as in the header, found 12" in text
    assert (
        "activity.csv, line 4, column 'Classification': classification must be MAIN, "
        "SECO or ANCI (got 'HOOFD')" in text
    )


def test_header_problem_names_file_and_expected_columns(tmp_path, kbo):
    folder = kbo.copy(tmp_path)
    kbo.edit(folder, "activity.csv", 1, '"NaceVersion",', "")
    (folder / "address.csv").unlink()
    with pytest.raises(InputError) as e:
        read_kbo(folder)
    by_file = {p.file: p for p in e.value.problems}
    assert set(by_file) == {"activity.csv", "address.csv"}
    assert by_file["activity.csv"].row == 1
    assert by_file["activity.csv"].message.startswith(
        "bad header: missing column NaceVersion (expected columns: EntityNumber, "
        "ActivityGroup, NaceVersion, NaceCode, Classification)"
    )
    assert by_file["address.csv"].message.startswith(
        "missing file (expected columns: EntityNumber, TypeOfAddress,"
    )


def test_duplicate_numbers(tmp_path, kbo):
    folder = kbo.copy(tmp_path)
    kbo.edit(folder, "establishment.csv", 4, '"2.002.345.660"', '"2.001.234.516"')
    with pytest.raises(InputError) as e:
        read_kbo(folder)
    (p,) = e.value.problems
    assert (p.file, p.row, p.field, p.value) == (
        "establishment.csv",
        4,
        "EstablishmentNumber",
        "2.001.234.516",
    )
    assert "first on line 3" in p.message


def test_problem_list_is_capped(tmp_path, kbo):
    folder = kbo.copy(tmp_path)
    text = (folder / "activity.csv").read_text(encoding="utf-8").replace('"MAIN"', '"X"')
    (folder / "activity.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_kbo(folder, max_problems=5)
    assert len(e.value.problems) == 6
    # 20 rows are MAIN: 5 listed, 15 counted
    assert e.value.problems[-1].message == "... and 15 more problems not listed"
    with pytest.raises(InputError) as e:
        read_kbo(folder, max_problems=None)
    assert len(e.value.problems) == 20


def test_bad_employee_class(tmp_path, kbo):
    folder = kbo.copy(tmp_path)
    kbo.add_column(folder, "establishment.csv", "EmployeeClass", {"2.000.123.469": "veel"})
    with pytest.raises(InputError) as e:
        read_kbo(folder)
    (p,) = e.value.problems
    assert (p.file, p.row, p.field, p.value) == ("establishment.csv", 2, "EmployeeClass", "veel")


def test_not_an_extract(tmp_path):
    with pytest.raises(InputError, match="not a folder or zip"):
        read_kbo(tmp_path / "nothing")
