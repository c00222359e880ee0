"""Shared setup of the observation import tests, as the session fixture ``imp``.

``imp.INDICATORS`` and ``imp.REGIONS`` are what the platform knows; ``imp.csv_bytes`` and
``imp.xlsx_bytes`` write a file; ``imp.parse`` imports one against them and ``imp.problems``
expects it to fail and returns the problems; ``imp.valid_rows`` draws valid long-form rows
(use ``data.draw(imp.valid_rows())`` in a property test), with ``imp.UNITS_FOR`` the units
each indicator accepts and the largest value drawn in that unit; a drawn value is 0 or at least
0.001 in its indicator's unit, so that it is also plausible in an empty series (it does not
round to 0 at the 3 decimals shown; see ``importer.plausibility``).
"""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import strategies as st
from openpyxl import Workbook

from circulair.core.errors import InputError, Problem
from circulair.core.monitor.importer import LONG_COLUMNS, parse_observations
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
UNITS_FOR = {
    "rmc": [("Mt", 1e3), ("kt", 1e6), ("t", 1e9), ("Mt/yr", 1e3)],
    "household-waste-per-inhabitant": [("kg/inh", 1e3), ("t/inh", 1.0), ("kg/inw", 1e3)],
    "recycling-rate-household": [("%", 100.0), ("1", 1.0), ("percent", 100.0)],
    "water-use": [("million m3", 1e3), ("m3", 1e9)],
    "local-governments-self-score": [("score/10", 10.0)],
}


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
        low = convert(0.001, INDICATORS[slug].unit, unit)
        value = draw(st.just(0.0) | st.floats(low, top, allow_nan=False, allow_infinity=False))
        note = draw(
            st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
        )
        rows.append([slug, region, str(year), repr(value), unit, "gen", note])
    return rows


@pytest.fixture(scope="session")
def imp() -> SimpleNamespace:
    return SimpleNamespace(
        INDICATORS=INDICATORS,
        REGIONS=REGIONS,
        UNITS_FOR=UNITS_FOR,
        csv_bytes=csv_bytes,
        xlsx_bytes=xlsx_bytes,
        parse=parse,
        problems=problems,
        valid_rows=valid_rows,
    )
