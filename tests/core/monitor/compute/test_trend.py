"""The observed pace (``compute/trend.py``): least squares, band, projection, years to reach.

Every expected number is worked out in the comment next to it.
"""

from __future__ import annotations

import math

import pytest

from circulair.core.monitor.compute import DEFAULT_BAND_Z, Trend, fit_trend


def approx(x: float, rel: float = 1e-4) -> object:
    return pytest.approx(x, rel=rel)


def test_fit_trend_matches_hand_least_squares() -> None:
    # y = 1, 3, 2 at x = 0, 1, 2: means 1 and 2, Sxy = (-1)(-1) + 0 + (1)(0) = 1, Sxx = 2,
    # slope 0.5, intercept 1.5; fitted 1.5, 2, 2.5; residuals -0.5, 1, -0.5: SSR = 1.5,
    # s^2 = 1.5 / (3 - 2), se = sqrt(1.5 / 2) = 0.8660254
    t = fit_trend([0, 1, 2], [1, 3, 2], log=False)
    assert t is not None
    assert t.slope == approx(0.5, 1e-12)
    assert t.slope_se == approx(0.8660254)
    assert t.slope_low == approx(0.5 - DEFAULT_BAND_Z * 0.8660254)
    assert fit_trend([2020], [1.0], log=True) is None


def test_log_linear_fit_gives_the_yearly_rate() -> None:
    # 100, 90, 81 at 2016-2018: ln values fall by ln 0.9 a year exactly, so the slope is
    # ln 0.9 = -0.1053605, the rate exp(slope) - 1 = -10 %, and the residuals (and se) are 0
    t = fit_trend([2016, 2017, 2018], [100, 90, 81], log=True)
    assert t is not None and t.model == "log-linear" and t.years == [2016, 2017, 2018]
    assert t.slope == approx(math.log(0.9), 1e-12)
    assert t.rate == approx(-0.1, 1e-12)
    assert t.slope_se == pytest.approx(0, abs=1e-12)
    assert t.rate_low == approx(-0.1, 1e-9) and t.rate_high == approx(-0.1, 1e-9)
    # two points: the line passes through both, no standard error and no band
    two = fit_trend([2016, 2018], [100, 81], log=True)
    assert two is not None and two.slope_se is None and two.slope_low is None
    assert two.rate == approx(-0.1, 1e-12)  # 81 / 100 = 0.9 ** 2 over two years
    linear = fit_trend([2016, 2018], [100, 81], log=False)
    assert linear is not None and linear.rate is None and linear.slope == approx(-9.5, 1e-12)


def _trend(model: str, slope: float) -> Trend:
    return Trend(model, [2016, 2018], slope, None, None, None, None, None, None)  # type: ignore[arg-type]


def test_project_from_a_start_value() -> None:
    log = _trend("log-linear", math.log(0.9))
    assert log.project(100, 2) == approx(81, 1e-12)  # 100 x 0.9 x 0.9
    assert log.project(100, 2, slope=0.0) == 100
    lin = _trend("linear", -9.5)
    assert lin.project(100, 2) == approx(81, 1e-12)  # 100 - 2 x 9.5
    assert lin.project(100, 1, slope=1.0) == 101


def test_years_to_reach_a_level() -> None:
    log = _trend("log-linear", math.log(0.9))
    assert log.years_to_reach(100, 81) == approx(2, 1e-12)  # 0.9 ** 2 = 0.81
    assert log.years_to_reach(100, 120) is None  # falling: never rises to 120
    assert log.years_to_reach(100, 0) is None  # no logarithm of 0
    lin = _trend("linear", -9.5)
    assert lin.years_to_reach(100, 81) == approx(2, 1e-12)  # 19 / 9.5
    assert lin.years_to_reach(100, 100) is None  # already there: not "in 0 years"
    assert _trend("linear", 0.0).years_to_reach(100, 81) is None
