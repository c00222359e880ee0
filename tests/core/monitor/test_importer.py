"""Observation import: CSV and XLSX, long and wide, every row validated, all or nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from circulair.core.errors import InputError, Problem
from circulair.core.monitor.importer import (
    LONG_COLUMNS,
    parse_number,
    parse_observations,
    template_csv,
)
from circulair.core.monitor.model import Indicator, Observation
from circulair.core.monitor.units import convert

INDICATORS = {
    i.slug: i
    for i in (
        Indicator("rmc", "RMC", "RMC", "Mt", "lower_is_better"),
        Indicator(
            "household-waste-per-inhabitant",
            "Huishoudelijk afval",
            "Household waste",
            "kg/inh",
            "lower_is_better",
        ),
        Indicator("recycling-rate-household", "Recyclage", "Recycling", "%", "higher_is_better"),
        Indicator("water-use", "Water", "Water", "million m3", "lower_is_better"),
        Indicator("local-governments-self-score", "Score", "Score", "score/10", "higher_is_better"),
    )
}
REGIONS = {"VLG", "BE", "NL", "EU27"}


def csv_bytes(
    rows: list[list[Any]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    header: list[str] | tuple[str, ...] = LONG_COLUMNS,
) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode(encoding)


def parse(content: bytes, name: str = "obs.csv", **kw: Any) -> list[Observation]:
    return parse_observations(content, name, indicators=INDICATORS, regions=REGIONS, **kw)


def problems(content: bytes, name: str = "obs.csv", **kw: Any) -> list[Problem]:
    with pytest.raises(InputError) as e:
        parse(content, name, **kw)
    return e.value.problems


def test_template_imports() -> None:
    inds = {**INDICATORS, "rmi": Indicator("rmi", "RMI", "RMI", "Mt", "none")}
    long = parse_observations(
        template_csv().encode(), "template.csv", indicators=inds, regions=REGIONS
    )
    assert [(o.indicator, o.year, o.value, o.unit) for o in long] == [
        ("rmi", 2018, 642.0, "Mt"),
        ("household-waste-per-inhabitant", 2020, 476.0, "kg/inh"),
    ]
    assert long[0].source.startswith("CE Monitor")
    wide = parse_observations(
        template_csv(wide=True).encode(), "template.csv", indicators=inds, regions=REGIONS
    )
    assert [(o.indicator, o.year, o.value) for o in wide] == [
        ("rmi", 2010, 567.0),
        ("rmi", 2018, 642.0),
    ]


def test_units_are_converted_to_the_indicator_unit() -> None:
    rows = [
        ["rmc", "VLG", 2018, "642000", "kt", "", ""],
        ["household-waste-per-inhabitant", "VLG", 2020, "0.476", "t/inh", "", ""],
        ["recycling-rate-household", "VLG", 2020, "0.44", "fraction", "", ""],
        ["water-use", "VLG", 2020, "750000000", "m3/yr", "", ""],
        ["local-governments-self-score", "VLG", 2021, "4.3", "score/10", "", ""],
    ]
    got = {o.indicator: (o.value, o.unit) for o in parse(csv_bytes(rows))}
    assert got["rmc"] == (pytest.approx(642), "Mt")
    assert got["household-waste-per-inhabitant"] == (pytest.approx(476), "kg/inh")
    assert got["recycling-rate-household"] == (pytest.approx(44), "%")
    assert got["water-use"] == (pytest.approx(750), "million m3")
    assert got["local-governments-self-score"] == (4.3, "score/10")


def fifty_rows() -> list[list[Any]]:
    rows = []
    for i in range(50):
        slug = ("rmc", "household-waste-per-inhabitant")[i % 2]
        unit = ("Mt", "kg/inh")[i % 2]
        rows.append([slug, "VLG", 1990 + i // 2, f"{500 + i}", unit, "test", ""])
    return rows


def test_three_bad_rows_among_fifty_report_exactly_those_and_change_nothing() -> None:
    rows = fifty_rows()
    rows[6][0] = "rmcc"  # line 8: unknown indicator
    rows[21][4] = "Mt"  # line 23: household waste in Mt, not convertible to kg/inh
    rows[38][3] = "twelve"  # line 40: not a number
    store: dict[tuple[str, str, int], float] = {("rmc", "VLG", 1900): 1.0}
    existing = set(store)

    def import_into(store: dict[tuple[str, str, int], float]) -> None:
        for o in parse(csv_bytes(rows), existing=existing):
            store[o.key] = o.value

    with pytest.raises(InputError) as e:
        import_into(store)
    found = e.value.problems
    assert [(p.row, p.field) for p in found] == [(8, "indicator"), (23, "unit"), (40, "value")]
    assert all(p.file == "obs.csv" for p in found)
    assert "did you mean 'rmc'" in found[0].message
    assert "'kg/inh'" in found[1].message and "'Mt'" in found[1].message
    assert found[2].value == "twelve"
    assert "line 40, column 'value'" in str(found[2])
    assert store == {("rmc", "VLG", 1900): 1.0}  # nothing imported
    assert existing == {("rmc", "VLG", 1900)}
    # fixed, all 50 import
    rows[6][0], rows[21][4], rows[38][3] = "rmc", "kg/inh", "538"
    assert len(parse(csv_bytes(rows))) == 50


def test_every_row_check() -> None:
    rows = [
        ["rmc", "VLG", "2018", "642", "Mt", "", ""],  # 2 ok
        ["rmc", "VLG", "2018", "640", "Mt", "", ""],  # 3 duplicate of 2
        ["rmc", "XX", "2017", "1", "Mt", "", ""],  # 4 unknown region
        ["rmc", "VLG", "1850", "1", "Mt", "", ""],  # 5 year out of range
        ["rmc", "VLG", "2016.5", "1", "Mt", "", ""],  # 6 year not whole
        ["rmc", "VLG", "2015", "", "Mt", "", ""],  # 7 empty value
        ["rmc", "VLG", "2014", "nan", "Mt", "", ""],  # 8 not finite
        ["rmc", "VLG", "2013", "1", "", "", ""],  # 9 empty unit
        ["recycling-rate-household", "VLG", "2013", "120", "%", "", ""],  # 10 share > 100
        ["rmc", "VLG", "2012", "1", "mt", "", ""],  # 11 ambiguous unit
        ["", "", "", "", "", "", ""],  # 12 empty line: skipped
        ["rmc", "VLG", "2011", "1", "Mt", "x" * 301, ""],  # 13 source too long
        ["rmc", "VLG", "2010", "1", "Mt", "", "", "extra"],  # 14 too many cells
        ["rmc", "VLG", "2030", "1", "Mt", "", ""],  # 15 already stored
    ]
    found = problems(csv_bytes(rows), existing={("rmc", "VLG", 2030)})
    by_line = {p.row: p for p in found}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15]
    assert len(found) == 12
    assert "line 2" in by_line[3].message and by_line[3].field == "year"
    assert by_line[4].field == "region"
    assert by_line[5].field == "year" and by_line[5].value == 1850
    assert by_line[6].field == "year"
    assert by_line[7].field == "value" and "empty" in by_line[7].message
    assert by_line[8].field == "value"
    assert by_line[9].field == "unit" and "'Mt'" in by_line[9].message
    assert by_line[10].field == "value" and "0 and 100" in by_line[10].message
    assert by_line[11].field == "unit"
    assert by_line[13].field == "source"
    assert "8 cells" in by_line[14].message
    assert "already stored" in by_line[15].message


def test_header_problems() -> None:
    assert [p.row for p in problems(csv_bytes([], header=["indicator", "region", "year"]))] == [1]
    found = problems(
        csv_bytes([["rmc", "VLG", 2018, 1, "Mt", "", "", "?"]], header=[*LONG_COLUMNS, "colour"])
    )
    assert [(p.row, p.field) for p in found] == [(1, "colour")]
    found = problems(csv_bytes([], header=["indicator", "region", "Year", "value", "unit", "year"]))
    assert "twice" in found[0].message
    assert problems(csv_bytes([]))[0].message.startswith("the file has a header but no data")
    assert problems(b"", "obs.csv")[0].row == 1
    assert "unsupported" in problems(b"a,b", "obs.pdf")[0].message


def test_dutch_excel_csv_semicolon_decimal_comma_cp1252() -> None:
    header = ["Indicator", "Regio", "Jaar", "Waarde", "Eenheid", "Bron", "Opmerking"]
    rows = [
        ["rmc", "vlg", "2018", "642,5", "Mt", "Studie", "geraamd, ± 5 %"],
        ["household-waste-per-inhabitant", "VLG", "2020", "1.234,5", "kg/inw", "", ""],
    ]
    content = csv_bytes(rows, delimiter=";", encoding="cp1252", header=header)
    got = parse(content)
    assert got[0].value == 642.5 and got[0].region == "VLG" and "± 5 %" in got[0].note
    assert got[1].value == 1234.5 and got[1].unit == "kg/inh"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("642", 642.0),
        ("-17", -17.0),
        ("396.9", 396.9),
        ("396,9", 396.9),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 234,5", 1234.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("abc", None),
        ("1.2.3", None),
        ("1,23.4", None),
        ("nan", None),
        ("inf", None),
        ("", None),
        ("12%", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_wide_csv() -> None:
    header = ["indicator", "region", "unit", "2016", "2017", "2018", "source"]
    rows = [
        ["rmc", "VLG", "Mt", "600", "-", "642", "CE Monitor"],
        ["household-waste-per-inhabitant", "BE", "t/inh", "0.48", "", ":", ""],
        ["rmc", "VLG", "Mt", "", "620", "641", ""],  # line 4: 2018 repeats line 2
        ["rmc", "NL", "Mt", "x", "", "", ""],
    ]  # line 5: not a number in 2016
    found = problems(csv_bytes(rows, header=header))
    assert [(p.row, p.field) for p in found] == [(4, "2018"), (5, "2016")]
    assert "line 2" in found[0].message
    rows = rows[:2]
    got = parse(csv_bytes(rows, header=header))
    assert [(o.indicator, o.region, o.year, o.value) for o in got] == [
        ("rmc", "VLG", 2016, 600.0),
        ("rmc", "VLG", 2018, 642.0),
        ("household-waste-per-inhabitant", "BE", 2016, pytest.approx(480.0)),
    ]
    assert got[0].source == "CE Monitor"


def test_wide_header_checks() -> None:
    found = problems(
        csv_bytes(
            [["rmc", "VLG", "Mt", "1", "2"]], header=["indicator", "region", "unit", "1850", "2015"]
        )
    )
    assert [(p.row, p.field) for p in found] == [(1, "1850")]
    found = problems(
        csv_bytes(
            [["rmc", "VLG", "2015", "Mt", "1"]],
            header=["indicator", "region", "year", "unit", "2015"],
        )
    )
    assert "both" in found[0].message


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    wb.create_sheet("ignored").append(["not", "read"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_long() -> None:
    rows: list[list[Any]] = [
        list(LONG_COLUMNS),
        ["rmc", "VLG", 2010, 567, "Mt", "003", None],
        ["rmc", "VLG", 2018.0, 642.0, "Mt/yr", "003", "rising"],
        [None] * 7,
        ["rmc", "VLG", 2019, "veel", "Mt", None, None],
        ["rmc", "BE", True, 5, "Mt", None, None],
    ]
    found = problems(xlsx_bytes(rows), "obs.xlsx")
    assert [(p.row, p.field) for p in found] == [(5, "value"), (6, "year")]
    assert all(p.file == "obs.xlsx" for p in found)
    got = parse(xlsx_bytes(rows[:3]), "obs.xlsx")
    assert [(o.year, o.value, o.note) for o in got] == [(2010, 567.0, ""), (2018, 642.0, "rising")]


def test_xlsx_wide() -> None:
    rows: list[list[Any]] = [
        ["indicator", "region", "unit", 2016, 2017, 2018],
        ["recycling-rate-household", "VLG", "1", 0.6, None, 0.65],
        ["rmc", "VLG", "Mt", 600, 610, "n/a"],
    ]
    got = parse(xlsx_bytes(rows), "obs.xlsx")
    assert [(o.indicator, o.year, round(o.value, 9)) for o in got] == [
        ("recycling-rate-household", 2016, 60.0),
        ("recycling-rate-household", 2018, 65.0),
        ("rmc", 2016, 600.0),
        ("rmc", 2017, 610.0),
    ]


def test_xlsx_percentage_format_counts_as_shown() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(LONG_COLUMNS))
    ws.append(["recycling-rate-household", "VLG", 2020, 0.44, "%", None, None])
    ws["D2"].number_format = "0%"  # Excel shows 44%
    buf = io.BytesIO()
    wb.save(buf)
    assert parse(buf.getvalue(), "obs.xlsx")[0].value == pytest.approx(44)


def test_unreadable_files() -> None:
    assert "XLSX" in problems(b"PK\x03\x04garbage", "obs.xlsx")[0].message
    assert "looks like an XLSX" in problems(xlsx_bytes([["a"]]), "obs.csv")[0].message


# --- hypothesis: generated valid rows always import; one corrupted row is always reported ----

UNITS_FOR = {
    "rmc": [("Mt", 1e3), ("kt", 1e6), ("t", 1e9), ("Mt/yr", 1e3)],
    "household-waste-per-inhabitant": [("kg/inh", 1e3), ("t/inh", 1.0), ("kg/inw", 1e3)],
    "recycling-rate-household": [("%", 100.0), ("1", 1.0), ("percent", 100.0)],
    "water-use": [("million m3", 1e3), ("m3", 1e9)],
    "local-governments-self-score": [("score/10", 10.0)],
}


@st.composite
def valid_rows(draw: st.DrawFn) -> list[list[str]]:
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(INDICATORS)),
                st.sampled_from(sorted(REGIONS)),
                st.integers(1900, 2100),
            ),
            min_size=1,
            max_size=25,
            unique=True,
        )
    )
    rows = []
    for slug, region, year in keys:
        unit, top = draw(st.sampled_from(UNITS_FOR[slug]))
        value = draw(st.floats(0, top, allow_nan=False, allow_infinity=False))
        note = draw(
            st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
        )
        rows.append([slug, region, str(year), repr(value), unit, "gen", note])
    return rows


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=valid_rows(), delimiter=st.sampled_from([",", ";", "\t"]))
def test_generated_valid_rows_always_import(rows: list[list[str]], delimiter: str) -> None:
    got = parse(csv_bytes(rows, delimiter=delimiter))  # type: ignore[arg-type]
    assert len(got) == len(rows)
    for o, r in zip(got, rows, strict=True):
        ind = INDICATORS[r[0]]
        assert (o.indicator, o.region, o.year, o.unit) == (r[0], r[1], int(r[2]), ind.unit)
        assert o.value == convert(float(r[3]), r[4], ind.unit)
        assert o.note == r[6].strip()


CORRUPTIONS = ("indicator", "region", "unit", "value", "year", "duplicate")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=valid_rows(),
    pick=st.integers(0, 10**6),
    kind=st.sampled_from(CORRUPTIONS),
    xlsx=st.booleans(),
)
def test_a_corrupted_row_is_always_reported_with_its_line(
    rows: list[list[str]], pick: int, kind: str, xlsx: bool
) -> None:
    if kind == "duplicate" and len(rows) < 2:
        kind = "value"
    i = pick % len(rows) if kind != "duplicate" else 1 + pick % (len(rows) - 1)
    row = rows[i]
    field = {"duplicate": "year"}.get(kind, kind)
    if kind == "indicator":
        row[0] = "no-such-indicator"
    elif kind == "region":
        row[1] = "ATLANTIS"
    elif kind == "unit":
        row[4] = "kg/inh" if INDICATORS[row[0]].unit != "kg/inh" else "Mt"
    elif kind == "value":
        row[3] = "12 kg"
    elif kind == "year":
        row[2] = "2101"
    else:
        source = rows[pick % i]
        row[0], row[1], row[2], row[4], row[3] = (
            source[0],
            source[1],
            source[2],
            UNITS_FOR[source[0]][0][0],
            "1",
        )
    content = xlsx_bytes([list(LONG_COLUMNS), *rows]) if xlsx else csv_bytes(rows)
    found = problems(content, "obs.xlsx" if xlsx else "obs.csv")
    assert [(p.row, p.field) for p in found] == [(i + 2, field)]
    if kind == "duplicate":
        assert f"line {pick % i + 2}" in found[0].message
