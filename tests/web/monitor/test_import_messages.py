"""Every problem the monitor's file check reports is coded and shown in the reader's language
(issue 15): a file with one fault of each kind, read in Dutch and in English."""

from __future__ import annotations

import pytest
from django.utils import translation

from circulair.core.errors import InputError
from circulair.web.apps.common.texts import problem_text
from circulair.web.apps.monitor.services import observations_import

pytestmark = pytest.mark.django_db

ROWS = "\n".join(
    [
        "indicator,region,year,value,unit,source",
        "rmcc,VLG,2020,1,Mt,x",  # unknown indicator (did you mean rmc?)
        "rmc,XXX,2020,1,Mt,x",  # unknown region
        "rmc,VLG,twintig,1,Mt,x",  # year not whole
        "rmc,VLG,1800,1,Mt,x",  # year range
        "rmc,VLG,2021,veel,Mt,x",  # not a number
        "rmc,VLG,2022,,Mt,x",  # value empty
        "rmc,VLG,2023,1,,x",  # unit empty
        "rmc,VLG,2024,1,ha,x",  # unit not convertible
        "rmc,VLG,2025,1,Mt,x",
        "rmc,VLG,2025,2,Mt,x",  # duplicate of the line above
        "rmc,VLG,2026,1,Mt,x,extra",  # too many cells
    ]
)

DUTCH = {
    "indicator_unknown": "onbekende indicator; bedoelt u 'rmc'?",
    "region_unknown": "onbekende regio",
    "year_not_whole": "het jaar moet een geheel getal zijn",
    "year_range": "het jaar moet tussen 1900 en 2100 liggen",
    "value_not_number": "de waarde is geen getal",
    "value_empty": "de waarde is leeg",
    "unit_empty": "de eenheid is leeg (de eenheid van de indicator is 'Mt')",
    "unit_not_convertible": "eenheid 'ha' is niet om te rekenen naar de eenheid van indicator",
    "observation_twice": "dubbel: regel 10 geeft al rmc, VLG, 2025",
    "row_too_wide": "de regel heeft 7 cellen maar de kopregel 6 kolommen",
}


def test_every_problem_of_a_bad_file_is_coded_and_dutch() -> None:
    with pytest.raises(InputError) as ei:
        observations_import(content=ROWS.encode(), file_name="fouten.csv")
    problems = ei.value.problems
    assert all(p.code for p in problems), [p.message for p in problems if not p.code]
    assert {p.code for p in problems} == set(DUTCH)
    with translation.override("nl"):
        shown = {p.code: problem_text(p) for p in problems}
    for code, words in DUTCH.items():
        assert words in shown[code], (code, shown[code])
    assert shown["year_range"].startswith("fouten.csv, regel 5, kolom 'year': ")
    with translation.override("en"):
        english = {p.code: problem_text(p) for p in problems}
    assert "unknown indicator; did you mean 'rmc'?" in english["indicator_unknown"]
    assert "the year must lie between 1900 and 2100" in english["year_range"]


def test_header_problems_are_coded_and_dutch() -> None:
    bad = "indicator,region,year,2020,unit,unit,kleur\nrmc,VLG,2020,1,Mt,Mt,rood\n"
    with pytest.raises(InputError) as ei:
        observations_import(content=bad.encode(), file_name="kop.csv")
    with translation.override("nl"):
        shown = {p.code: problem_text(p) for p in ei.value.problems}
    assert all(p.code for p in ei.value.problems)
    assert "kolom 'unit' komt twee keer voor (kolommen 5 en 6)" in shown["column_twice"]
    assert "onbekende kolom (verwacht: " in shown["column_unknown"]
    with pytest.raises(InputError) as ei:
        observations_import(content=b"indicator,year\nrmc,2020\n", file_name="kort.csv")
    with translation.override("nl"):
        [text] = [problem_text(p) for p in ei.value.problems]
    assert "ontbrekende kolommen: region, value, unit (de kopregel noemt indicator, year)" in text
