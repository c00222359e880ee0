"""The one number rule: finite, in range, decimal comma read, ambiguous comma refused."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circulair.core.errors import InputError
from circulair.core.numbers import MAX_ABS, finite_number, number_problem, whole_number


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-MAX_ABS, max_value=MAX_ABS))
def test_every_finite_number_in_range_is_accepted_as_itself(x: float) -> None:
    assert number_problem(x, field="q") is None
    assert finite_number(repr(x), field="q") == x


@given(
    st.one_of(
        st.just(math.nan),
        st.just(math.inf),
        st.just(-math.inf),
        st.floats(min_value=MAX_ABS * 1.0001, allow_infinity=False),
        st.sampled_from(
            [
                "nan",
                "NaN",
                "inf",
                "-Infinity",
                "1e400",
                "",
                " ",
                "abc",
                "1,500",
                "12,345",
                "(",
                "1e15000",
            ]
        ),
    )
)
def test_non_finite_huge_empty_and_ambiguous_are_refused_naming_the_field(x: object) -> None:
    p = number_problem(x, field="quantity", row=3, file="f.csv")
    assert p is not None and p.field == "quantity" and p.row == 3 and p.value is x
    with pytest.raises(InputError):
        finite_number(x, field="quantity")


def test_decimal_comma_and_ranges() -> None:
    assert finite_number("12,5", field="q") == 12.5
    assert finite_number("-0,25", field="q") == -0.25
    assert finite_number("1500", field="q") == 1500
    assert "ambiguous" in number_problem("1,500", field="q").message  # type: ignore[union-attr]
    at_least = number_problem("-1", field="q", minimum=0)
    assert at_least is not None and str(at_least) == "field 'q': must be at least 0 (got '-1')"
    assert (at_least.code, at_least.params) == ("number_below_minimum", (("minimum", "0"),))
    assert "whole" in number_problem("2,5", field="n", integer=True).message  # type: ignore
    assert whole_number("2024", field="year", minimum=2000, maximum=2100) == 2024
    assert number_problem(True, field="b") is not None
    assert number_problem(10**30, field="big") is not None
