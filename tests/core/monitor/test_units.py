"""Unit registry: factors, spellings, incompatibility, and round trips (hypothesis)."""

from __future__ import annotations

import math
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circulair.core.errors import InputError
from circulair.core.monitor.units import (
    UNITS,
    canonical_unit,
    compatible,
    conversion_factor,
    convert,
    parse_unit,
)


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (1, "Mt", "kt", 1000),
        (642, "Mt", "t", 642_000_000),
        (36_000, "kt", "Mt", 36),
        (1500, "kg", "t", 1.5),
        (0.476, "t/inh", "kg/inh", 476),
        (477, "kg/inh", "t/inh", 0.477),
        (0.44, "1", "%", 44),
        (11.5, "%", "1", 0.115),
        (750, "million m3", "m3", 750_000_000),
        (78, "Mt CO2e", "kt CO2e", 78_000),
        (4.3, "score/10", "score/10", 4.3),
    ],
)
def test_factors(value: float, src: str, dst: str, expected: float) -> None:
    assert convert(value, src, dst) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("spelling", "symbol"),
    [
        ("Mt/yr", "Mt"),
        ("Mt per year", "Mt"),
        ("Mt/jaar", "Mt"),
        ("miljoen ton", "Mt"),
        ("megatonnes", "Mt"),
        ("kton", "kt"),
        ("Tonnes", "t"),
        ("KG", "kg"),
        ("kg/inw", "kg/inh"),
        ("kg per inhabitant", "kg/inh"),
        ("kg per inwoner", "kg/inh"),
        ("kg/capita", "kg/inh"),
        ("kg/inw/jaar", "kg/inh"),
        ("ton/inw", "t/inh"),
        ("t per capita", "t/inh"),
        ("percent", "%"),
        ("Procent", "%"),
        ("fraction", "1"),
        ("m³", "m3"),
        ("million m3/yr", "million m3"),
        ("miljoen m³", "million m3"),
        ("Mt CO2e/yr", "Mt CO2e"),
        ("kt CO2-eq", "kt CO2e"),
        ("  Mt  ", "Mt"),
        ("score/10", "score/10"),
    ],
)
def test_spellings(spelling: str, symbol: str) -> None:
    assert canonical_unit(spelling) == symbol


def test_ambiguous_case_is_not_guessed() -> None:
    # "mt" / "MT" also mean "metric ton": refuse to read them as megatonnes.
    assert parse_unit("mt").passthrough
    assert parse_unit("MT").passthrough
    assert not compatible("mt", "Mt")


def test_incompatible_units_name_both() -> None:
    with pytest.raises(InputError) as e:
        convert(1, "kt", "kg/inh")
    msg = str(e.value)
    assert "'kt'" in msg and "'kg/inh'" in msg
    assert e.value.problems[0].field == "unit"
    assert not compatible("%", "Mt")
    assert not compatible("score/10", "score/5")
    assert compatible("score/10", "score/10/yr")
    assert not compatible("", "Mt")


def test_empty_unit_and_nonfinite_value_are_refused() -> None:
    with pytest.raises(InputError):
        parse_unit("  ")
    with pytest.raises(InputError):
        convert(math.nan, "Mt", "kt")
    with pytest.raises(InputError):
        convert(math.inf, "Mt", "Mt")


def test_factors_are_exact() -> None:
    assert conversion_factor("kg", "Mt") * 10**9 == 1
    assert conversion_factor("%", "1") * 100 == 1


SAME_DIMENSION = [
    (a, b) for a, b in permutations(UNITS, 2) if UNITS[a].dimension == UNITS[b].dimension
]
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(value=finite, pair=st.sampled_from(SAME_DIMENSION))
def test_round_trip(value: float, pair: tuple[str, str]) -> None:
    a, b = pair
    back = convert(convert(value, a, b), b, a)
    assert back == pytest.approx(value, rel=1e-15, abs=1e-300)


@given(value=finite, pair=st.sampled_from(SAME_DIMENSION), via=st.sampled_from(list(UNITS)))
def test_conversion_is_transitive(value: float, pair: tuple[str, str], via: str) -> None:
    a, b = pair
    if UNITS[via].dimension != UNITS[a].dimension:
        assert not compatible(a, via)
        return
    direct = convert(value, a, b)
    assert convert(convert(value, a, via), via, b) == pytest.approx(direct, rel=1e-14, abs=1e-300)


@given(value=finite, a=st.sampled_from(list(UNITS)), b=st.sampled_from(list(UNITS)))
def test_incompatible_always_raises(value: float, a: str, b: str) -> None:
    if UNITS[a].dimension == UNITS[b].dimension:
        assert compatible(a, b)
    else:
        with pytest.raises(InputError):
            convert(value, a, b)
