"""Assessing targets (``compute/evaluate.py``): hand-computed pace, trend, projection, status.

Every expected number below is worked out in the comment next to it (rounded to the digits
shown), not taken from the code.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circulair.core.errors import InputError
from circulair.core.monitor.compute import (
    STATUS_RULE,
    assess,
    assess_all,
)
from circulair.core.monitor.model import Indicator, Observation, Target

RMC = Indicator(
    "rmc", "Raw Material Consumption", "Raw Material Consumption", "Mt", "lower_is_better"
)
RMC_2030 = Target(
    "rmc-2030",
    "rmc",
    "VLG",
    target_year=2030,
    target_value=-30,
    target_type="relative",
    unit="%",
    baseline_year=2010,
)
WASTE = Indicator("waste", "Restafval", "Residual waste", "kg/inh", "lower_is_better")
SHARE = Indicator("share", "Aandeel", "Share", "%", "higher_is_better")


def obs(
    indicator: str, points: dict[int, float], unit: str, region: str = "VLG"
) -> list[Observation]:
    return [Observation(indicator, region, y, v, unit) for y, v in points.items()]


def approx(x: float, rel: float = 1e-4) -> object:
    return pytest.approx(x, rel=rel)


# --- the figures of the texts: 567 Mt (2010) -> 642 Mt (2018), target -30 % vs 2010 ------------


def test_rmc_two_points_hand_computed() -> None:
    a = assess(RMC_2030, obs("rmc", {2010: 567, 2018: 642}, "Mt"), today_year=2025, indicator=RMC)
    # target level = 567 x (1 - 0.30) = 396.9 Mt, baseline from the 2010 observation
    assert a.baseline_value == 567
    assert a.target_level == approx(396.9, 1e-12)
    # distance = 396.9 - 642 = -245.1 Mt = -38.18 % of 642
    assert a.distance_abs == approx(-245.1, 1e-12)
    assert a.distance_pct == approx(-38.1776)
    # required: (396.9 / 642)^(1/12) - 1 = -0.0392829 a year; -245.1 / 12 = -20.425 Mt a year
    assert a.years_left == 12
    assert a.required_rate == approx(-0.0392829)
    assert a.required_change == approx(-20.425)
    # observed: slope ln(642/567)/8 = 0.124228/8 = 0.0155286; rate exp(.) - 1 = +1.5650 %
    assert a.trend_model == "log-linear"
    assert a.trend_slope == approx(0.0155286)
    assert a.observed_rate == approx(0.0156498)
    # two points: no standard error, no band
    assert a.trend_slope_se is None and a.projection_low is None
    # projection 2030 = 642 x (642/567)^(12/8) = 642 x 1.204836 = 773.50 Mt
    assert a.projection == approx(773.505)
    assert a.status == "off_track"
    assert a.reach_year is None and a.years_early_late is None
    assert any("never reached" in n for n in a.notes)


def test_three_point_exact_log_linear_on_track() -> None:
    # 100, 90, 81: exactly -10 % a year, residuals 0, so se = 0.
    target = Target("t", "waste", "VLG", target_year=2025, target_value=50, unit="kg/inh")
    a = assess(
        target,
        obs("waste", {2016: 100, 2017: 90, 2018: 81}, "kg/inh"),
        today_year=2020,
        indicator=WASTE,
    )
    assert a.trend_slope == approx(math.log(0.9), 1e-12)  # ln 0.9 = -0.1053605
    assert a.observed_rate == approx(-0.1, 1e-12)
    assert a.trend_slope_se == pytest.approx(0, abs=1e-12)
    # required (50/81)^(1/7) - 1 = exp(-0.482426/7) - 1 = -0.0665968
    assert a.required_rate == approx(-0.0665968)
    # projection 81 x 0.9^7 = 81 x 0.4782969 = 38.742049
    assert a.projection == approx(38.742049)
    assert a.status == "on_track"
    # reached after ln(50/81)/ln(0.9) = 0.482426/0.1053605 = 4.57881 years: 2022.58, 2.42 early
    assert a.reach_year == approx(2022.57881)
    assert a.years_early_late == approx(-2.42119)


# Three points around a -5 % line with residuals (+e, -2e, +e) on the log scale, e = 0.02:
# slope = ln 0.95 = -0.0512933 exactly, SSR = 6e^2, s^2 = 6e^2/(3-2), Sxx = 2,
# se = sqrt(3) e = 0.0346410. Latest value 100 x 0.95 x e^0.02 = 96.91913.
E = 0.02
NOISY = {
    2016: 100 / 0.95 * math.exp(E),
    2017: 100 * math.exp(-2 * E),
    2018: 100 * 0.95 * math.exp(E),
}


def test_noisy_series_at_risk() -> None:
    target = Target("t", "waste", "VLG", target_year=2028, target_value=42, unit="kg/inh")
    a = assess(target, obs("waste", NOISY, "kg/inh"), today_year=2020, indicator=WASTE)
    assert a.latest_value == approx(96.91913)
    assert a.trend_slope == approx(-0.0512933)
    assert a.trend_slope_se == approx(0.0346410)
    # rate interval: exp(-0.0512933 -/+ 1.644854 x 0.0346410) - 1 = -0.102617 .. +0.005702
    assert a.observed_rate == approx(-0.05, 1e-12)
    assert a.observed_rate_low == approx(-0.102617)
    assert a.observed_rate_high == approx(0.005702, 1e-3)
    # required: (42 / 96.91913)^(1/10) - 1 = -0.0802200 a year
    assert a.required_rate == approx(-0.0802200)
    # projection 2028: 96.91913 x 0.95^10 = 58.0291; band 96.91913 x exp(10 x (-0.108274))
    # = 32.8237 and 96.91913 x exp(10 x 0.0056861) = 102.5897
    assert a.projection == approx(58.0291)
    assert a.projection_low == approx(32.8237)
    assert a.projection_high == approx(102.5897)
    # -5 % a year is slower than -8.02 %, but the optimistic -10.26 % is fast enough
    assert a.status == "at_risk"
    # at -5 %: ln(42/96.91913)/ln(0.95) = 16.3025 years -> 2034.30, 6.30 years late
    assert a.years_early_late == approx(6.30247)


def test_noisy_series_off_track() -> None:
    # required (20 / 96.91913)^(1/10) - 1 = -0.145992: beyond even the optimistic -10.26 %
    target = Target("t", "waste", "VLG", target_year=2028, target_value=20, unit="kg/inh")
    a = assess(target, obs("waste", NOISY, "kg/inh"), today_year=2020, indicator=WASTE)
    assert a.required_rate == approx(-0.145992)
    assert a.status == "off_track"
    assert "even the optimistic end" in a.reason


def test_already_met_future_target() -> None:
    target = Target("t", "waste", "VLG", target_year=2030, target_value=100, unit="kg/inh")
    a = assess(
        target, obs("waste", {2016: 110, 2018: 95}, "kg/inh"), today_year=2020, indicator=WASTE
    )
    assert a.status == "met"
    assert a.distance_abs == 5  # 100 - 95: could still rise 5 kg and be met
    assert a.reach_year == 2018 and a.years_early_late == -12


def test_met_but_moving_away_is_noted() -> None:
    target = Target("t", "waste", "VLG", target_year=2030, target_value=100, unit="kg/inh")
    a = assess(
        target, obs("waste", {2016: 90, 2018: 95}, "kg/inh"), today_year=2020, indicator=WASTE
    )
    assert a.status == "met"
    assert any("moves away" in n for n in a.notes)


def test_no_observations() -> None:
    a = assess(RMC_2030, [], today_year=2025, indicator=RMC)
    assert a.status == "no_data"
    assert "no observation" in a.reason
    assert a.latest_value is None


def test_relative_target_without_baseline() -> None:
    a = assess(RMC_2030, obs("rmc", {2015: 600, 2018: 642}, "Mt"), today_year=2025, indicator=RMC)
    assert a.status == "no_data"
    assert "baseline" in a.reason and "2010" in a.reason
    assert a.latest_value == 642 and a.target_level is None


def test_relative_target_with_given_baseline_value() -> None:
    t = Target(
        "rmc-2030",
        "rmc",
        "VLG",
        target_year=2030,
        target_value=-30,
        target_type="relative",
        unit="%",
        baseline_year=2010,
        baseline_value=567_000,
    )
    # baseline_value of a relative target is in the indicator's unit (Mt) -> 396 900 Mt
    a = assess(t, obs("rmc", {2018: 642}, "Mt"), today_year=2025, indicator=RMC)
    assert a.target_level == approx(396_900, 1e-12)


def test_single_observation_gives_required_pace_but_no_trend() -> None:
    target = Target("t", "waste", "VLG", target_year=2030, target_value=100, unit="kg/inh")
    a = assess(target, obs("waste", {2020: 150}, "kg/inh"), today_year=2022, indicator=WASTE)
    assert a.status == "no_data"
    assert a.reason.startswith("no data on trend")
    # (100/150)^(1/10) - 1 = exp(-0.405465/10) - 1 = -0.0397355
    assert a.required_rate == approx(-0.0397355)
    assert a.observed_rate is None and a.projection is None


def test_single_observation_already_met() -> None:
    target = Target("t", "waste", "VLG", target_year=2030, target_value=100, unit="kg/inh")
    a = assess(target, obs("waste", {2020: 90}, "kg/inh"), today_year=2022, indicator=WASTE)
    assert a.status == "met"


def test_past_target_met_and_missed() -> None:
    target = Target("t", "waste", "VLG", target_year=2020, target_value=100, unit="kg/inh")
    met = assess(
        target,
        obs("waste", {2018: 120, 2019: 110, 2020: 99, 2021: 104}, "kg/inh"),
        today_year=2025,
        indicator=WASTE,
    )
    assert met.status == "met"
    assert met.evaluation_year == 2020 and met.evaluation_value == 99
    assert met.years_early_late == 0

    missed = assess(
        target,
        obs("waste", {2018: 120, 2020: 105, 2022: 95}, "kg/inh"),
        today_year=2025,
        indicator=WASTE,
    )
    assert missed.status == "missed"
    assert missed.evaluation_year == 2020
    # reached later, in 2022: two years late
    assert missed.reach_year == 2022 and missed.years_early_late == 2


def test_past_target_without_observation_in_target_year() -> None:
    target = Target("t", "waste", "VLG", target_year=2020, target_value=100, unit="kg/inh")
    a = assess(
        target, obs("waste", {2017: 130, 2019: 110}, "kg/inh"), today_year=2025, indicator=WASTE
    )
    assert a.status == "missed"
    assert a.evaluation_year == 2019
    assert any("no observation in the target year 2020" in n for n in a.notes)
    # trend: ln(110/130)/2 = -0.0835265; from 110 in 2019 the level 100 is reached after
    # ln(100/110)/(-0.0835265) = -0.0953102/-0.0835265 = 1.14108 years -> 0.14108 years late
    assert a.years_early_late == approx(0.14108)


def test_zero_and_negative_values_fall_back_to_linear() -> None:
    # A net balance: -2, 0, 2 (exactly +2 a year), to reach 10 by 2022 (+2 a year needed).
    ind = Indicator("net", "Saldo", "Net balance", "kt", "higher_is_better")
    target = Target("t", "net", "VLG", target_year=2022, target_value=10, unit="kt")
    a = assess(
        target, obs("net", {2016: -2, 2017: 0, 2018: 2}, "kt"), today_year=2020, indicator=ind
    )
    assert a.trend_model == "linear"
    assert any("linear trend instead of log-linear" in n for n in a.notes)
    assert a.observed_rate is None
    assert a.observed_change == approx(2, 1e-12)
    # both the latest value and the target are positive, so the required rate exists:
    # (10/2)^(1/4) - 1 = 0.495349; the status compares changes, as the trend is linear
    assert a.required_rate == approx(0.495349)
    assert a.required_change == approx(2, 1e-12)  # (10 - 2) / 4
    assert a.projection == approx(10, 1e-12)  # 2 + 2 x 4
    assert a.status == "on_track"  # exactly the required pace
    assert a.years_early_late == pytest.approx(0, abs=1e-9)
    assert a.distance_pct == approx(400, 1e-12)  # (10 - 2) / |2|


def test_negative_latest_value_distance_uses_absolute_value() -> None:
    ind = Indicator("net", "Saldo", "Net balance", "kt", "higher_is_better")
    target = Target("t", "net", "VLG", target_year=2022, target_value=0, unit="kt")
    a = assess(target, obs("net", {2017: -6, 2018: -4}, "kt"), today_year=2020, indicator=ind)
    assert a.distance_abs == 4 and a.distance_pct == 100
    assert a.required_rate is None and a.required_change == 1  # 4 / 4 years; no rate from -4
    # linear +2 a year from -4: 0 after 2 years, in 2020: 2 years early
    assert a.status == "on_track" and a.years_early_late == approx(-2, 1e-12)


def test_higher_is_better_strict_target() -> None:
    # 30, 33, 36.3: exactly +10 % a year; "more than half" by 2030
    target = Target("t", "share", "VLG", target_year=2030, target_value=50, unit="%", strict=True)
    a = assess(
        target,
        obs("share", {2020: 30, 2021: 33, 2022: 36.3}, "%"),
        today_year=2023,
        indicator=SHARE,
    )
    assert a.direction == "higher_is_better"
    # required (50/36.3)^(1/8) - 1 = exp(0.320213/8) - 1 = 0.0408375
    assert a.required_rate == approx(0.0408375)
    assert a.observed_rate == approx(0.1, 1e-9)
    assert a.status == "on_track"
    # ln(50/36.3)/ln(1.1) = 3.35961 years after 2022 -> 2025.36, 4.64 years early
    assert a.years_early_late == approx(-4.64039)
    # exactly 50 % is not "more than half"; without `strict` it would be met
    at_50 = obs("share", {2022: 50}, "%")
    assert assess(target, at_50, today_year=2023, indicator=SHARE).status == "no_data"
    loose = Target("t", "share", "VLG", target_year=2030, target_value=50, unit="%")
    assert assess(loose, at_50, today_year=2023, indicator=SHARE).status == "met"


def test_higher_is_better_at_risk_mirrors_lower() -> None:
    # The NOISY series inverted (1/value): the same slope with the opposite sign.
    inv = {y: 10_000 / v for y, v in NOISY.items()}
    ind = Indicator("x", "x", "x", "t", "higher_is_better")
    target = Target("t", "x", "VLG", target_year=2028, target_value=10_000 / 42, unit="t")
    a = assess(target, obs("x", inv, "t"), today_year=2020, indicator=ind)
    assert a.trend_slope == approx(0.0512933)
    assert a.status == "at_risk"


def test_window_limits_the_trend() -> None:
    points = {2000: 50.0, 2005: 60.0, 2010: 200.0, 2014: 180.0, 2016: 162.0, 2018: 145.8}
    target = Target("t", "waste", "VLG", target_year=2030, target_value=100, unit="kg/inh")
    a = assess(target, obs("waste", points, "kg/inh"), today_year=2020, indicator=WASTE, window=4)
    assert a.trend_years == [2014, 2016, 2018]  # years >= 2018 - 4
    assert a.observed_rate == approx(math.sqrt(0.9) - 1, 1e-9)  # -10 % per two years
    one = assess(target, obs("waste", points, "kg/inh"), today_year=2020, indicator=WASTE, window=1)
    assert one.status == "no_data" and one.trend_model is None


def test_units_are_converted_to_the_indicator_unit() -> None:
    series = [
        Observation("rmc", "VLG", 2010, 567_000, "kt"),
        Observation("rmc", "VLG", 2018, 642_000_000, "t"),
    ]
    a = assess(RMC_2030, series, today_year=2025, indicator=RMC)
    assert a.unit == "Mt"
    assert a.latest_value == approx(642, 1e-12) and a.target_level == approx(396.9, 1e-12)


def test_absolute_target_in_another_unit() -> None:
    fp = Indicator("fp", "Voetafdruk", "Footprint", "t/inh", "lower_is_better")
    target = Target("t", "fp", "VLG", target_year=2050, target_value=2000, unit="kg/inh")
    a = assess(target, obs("fp", {2016: 5.0}, "t/inh"), today_year=2020, indicator=fp)
    assert a.target_level == 2.0


def test_other_regions_and_indicators_are_ignored() -> None:
    data = (
        obs("rmc", {2010: 567, 2018: 642}, "Mt")
        + obs("rmc", {2018: 1.0}, "Mt", region="BE")
        + obs("waste", {2018: 1.0}, "kg/inh")
    )
    a = assess(RMC_2030, data, today_year=2025, indicator=RMC)
    assert a.n_observations == 2


def test_bad_inputs_raise() -> None:
    dup = obs("rmc", {2018: 642}, "Mt") * 2
    with pytest.raises(InputError, match="two observations"):
        assess(RMC_2030, dup, today_year=2025, indicator=RMC)
    with pytest.raises(InputError, match="cannot be converted"):
        assess(RMC_2030, obs("rmc", {2018: 642}, "kg/inh"), today_year=2025, indicator=RMC)
    with pytest.raises(InputError) as e:
        assess(RMC_2030, [], today_year=2025, indicator=WASTE, window=0, band_z=-1)
    assert {p.field for p in e.value.problems} == {"window", "band_z", "indicator"}


def test_as_dict_is_json_and_carries_the_rule() -> None:
    a = assess(RMC_2030, obs("rmc", {2010: 567, 2018: 642}, "Mt"), today_year=2025, indicator=RMC)
    d = json.loads(json.dumps(a.as_dict(), allow_nan=False))
    assert d["status"] == "off_track" and d["status_label"] == "off track"
    assert d["status_rule"] == STATUS_RULE
    assert d["target_level"] == pytest.approx(396.9)


def test_assess_all_collects_every_problem() -> None:
    t2 = Target("w", "waste", "VLG", target_year=2030, target_value=100, unit="kg/inh")
    data = obs("rmc", {2018: 1}, "kg/inh") + obs("waste", {2018: 1}, "Mt")
    with pytest.raises(InputError) as e:
        assess_all([RMC_2030, t2], data, today_year=2025, indicators={"rmc": RMC, "waste": WASTE})
    assert len(e.value.problems) == 2
    ok = assess_all([RMC_2030, t2], [], today_year=2025, indicators={"rmc": RMC, "waste": WASTE})
    assert [a.status for a in ok] == ["no_data", "no_data"]


@given(
    v0=st.floats(1, 1000),
    v1=st.floats(1, 1000),
    level=st.floats(1, 1000),
    years_left=st.integers(1, 30),
)
def test_on_track_iff_observed_pace_at_least_required(
    v0: float, v1: float, level: float, years_left: int
) -> None:
    target = Target(
        "t", "waste", "VLG", target_year=2018 + years_left, target_value=level, unit="kg/inh"
    )
    a = assess(
        target, obs("waste", {2016: v0, 2018: v1}, "kg/inh"), today_year=2018, indicator=WASTE
    )
    if v1 <= level:
        assert a.status == "met"
        return
    assert a.status in ("on_track", "off_track")  # two points: no band, no "at risk"
    assert a.required_rate is not None and a.observed_rate is not None
    if a.observed_rate < a.required_rate - 1e-9:
        assert a.status == "on_track"
    elif a.observed_rate > a.required_rate + 1e-9:
        assert a.status == "off_track"
