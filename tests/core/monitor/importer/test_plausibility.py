"""The plausibility rule of the import: a unit slip is refused with its reason, unless confirmed."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from circulair.core.monitor.importer.plausibility import (
    FACTOR,
    Implausible,
    fmt_number,
    implausibility,
    neighbours,
    refused_as_implausible,
)

HEADER = "indicator,region,year,value,unit,source,note\n"
STORED = {("rmc", "VLG"): {2010: 500.0, 2018: 443.0, 2019: 45.0, 2021: 47.0}}


def test_kg_for_an_empty_mt_series_is_refused_with_the_reason(imp: SimpleNamespace) -> None:
    found = imp.problems((HEADER + "rmc,VLG,2020,460,kg,test,\n").encode())
    assert [(p.file, p.row, p.field, p.value) for p in found] == [("obs.csv", 2, "value", 460.0)]
    assert found[0].message == (
        "460 kg is 0.00000046 Mt: it rounds to 0.000 Mt at the 3 decimals shown and the series "
        "has no values to compare with; check the unit, or confirm the import to store it as "
        "it is"
    )
    assert refused_as_implausible(found[0])


def test_kg_next_to_stored_mt_values_names_the_neighbours(imp: SimpleNamespace) -> None:
    content = (HEADER + "rmc,VLG,2020,460,kg,test,\nrmc,BE,2020,460,Mt,test,\n").encode()
    found = imp.problems(content, series=STORED)
    assert [(p.row, p.field, p.value) for p in found] == [(2, "value", 460.0)]
    assert found[0].message == (
        "460 kg is 0.00000046 Mt: about 98,000,000 times smaller than the neighbouring values "
        "(45 Mt in 2019, 47 Mt in 2021); check the unit, or confirm the import to store it as "
        "it is"
    )


def test_a_thousandfold_larger_value_in_the_indicators_unit(imp: SimpleNamespace) -> None:
    found = imp.problems((HEADER + "rmc,VLG,2018,443000,Mt,test,\n").encode(), series=STORED)
    assert found[0].message == (
        "443,000 Mt: about 1,000 times larger than the neighbouring values (443 Mt in 2018); "
        "check the unit, or confirm the import to store it as it is"
    )


def test_confirmed_the_implausible_values_are_returned_as_converted(
    imp: SimpleNamespace,
) -> None:
    content = (HEADER + "rmc,VLG,2020,460,kg,test,\nrmc,BE,2020,460,kg,test,\n").encode()
    obs = imp.parse(content, series=STORED, confirm=True)
    assert [(o.region, o.year, o.value, o.unit) for o in obs] == [
        ("VLG", 2020, 4.6e-07, "Mt"),
        ("BE", 2020, 4.6e-07, "Mt"),
    ]


def test_plausible_values_pass(imp: SimpleNamespace) -> None:
    content = (
        HEADER
        + "rmc,VLG,2020,46000,kt,test,\n"  # 46 Mt between 45 and 47
        + "rmc,VLG,2022,0,Mt,test,\n"  # an exact zero is never judged
        + "rmc,BE,2020,0.0005,Mt,test,\n"  # empty series: rounds to 0.001, not to 0
        + "rmc,NL,2020,460,kt,test,\n"  # empty series: 0.46 Mt
    ).encode()
    obs = imp.parse(content, series=STORED)
    assert [(o.region, o.year, o.value) for o in obs] == [
        ("VLG", 2020, 46.0),
        ("VLG", 2022, 0.0),
        ("BE", 2020, 0.0005),
        ("NL", 2020, 0.46),
    ]


def test_neighbours_are_the_same_year_or_the_nearest_on_each_side() -> None:
    series = {2010: 500.0, 2015: 0.0, 2018: 443.0, 2021: 47.0}
    assert neighbours(series, 2018) == ((2018, 443.0),)
    assert neighbours(series, 2016) == ((2010, 500.0), (2018, 443.0))  # the stored 0 skipped
    assert neighbours(series, 2030) == ((2021, 47.0),)
    assert neighbours(series, 2000) == ((2010, 500.0),)
    assert neighbours({2015: 0.0}, 2016) == ()


def test_the_factor_is_inclusive_and_checked_against_every_neighbour() -> None:
    series = {2019: 1.0, 2021: 2000.0}
    assert implausibility(1000.0, 1000.0, series={2019: 1.0}, year=2020) == Implausible(
        "neighbours", 1000.0, 1000.0, ((2019, 1.0),)
    )
    assert implausibility(999.0, 999.0, series={2019: 1.0}, year=2020) is None
    # 1000 times the earlier year but half the later one: close to a neighbour, so plausible
    assert implausibility(1000.0, 1000.0, series=series, year=2020) is None
    assert implausibility(-5.0, -5e-9, series={}, year=2020) == Implausible(
        "rounds_to_zero", -5e-9, 0.0
    )


def test_numbers_are_written_in_plain_decimals() -> None:
    assert [fmt_number(v) for v in (4.6e-07, 1e8, 0.1 + 0.2, 1234567.891, -5e-9)] == [
        "0.00000046",
        "100,000,000",
        "0.3",
        "1,234,567.891",
        "-0.000000005",
    ]
    assert fmt_number(97826086.9, 2) == "98,000,000"


magnitudes = st.floats(1e-6, 1e9, allow_nan=False, allow_infinity=False)


@given(
    stored=st.dictionaries(st.integers(1990, 2030), magnitudes, min_size=1, max_size=8),
    year=st.integers(1990, 2030),
    # a factor strictly inside (1/FACTOR, FACTOR), applied to one of the neighbours
    log_factor=st.floats(-0.999, 0.999),
    pick=st.integers(0, 1),
    negative=st.booleans(),
)
def test_a_value_within_the_factor_of_a_neighbour_is_never_flagged(
    stored: dict[int, float], year: int, log_factor: float, pick: int, negative: bool
) -> None:
    near = neighbours(stored, year)
    base = near[pick % len(near)][1]
    value = base * FACTOR**log_factor * (-1 if negative else 1)
    assert implausibility(value, value, series=stored, year=year) is None
