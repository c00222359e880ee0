"""Assessing targets: distance, required pace, trend, projection and status, per target.

Why: this applies, per target and region, every formula of the package notes and the status
rule of :mod:`.rule`, collecting every problem of the input before raising.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from ...errors import InputError, Problem
from ..model import Indicator, Observation, Target
from ..units import convert
from .assessment import Assessment
from .direction import is_beyond, resolve_direction
from .rule import DEFAULT_BAND_Z, DEFAULT_WINDOW, Status
from .trend import Trend, fit_trend

__all__ = ["assess", "assess_all"]

_REL_TOL = 1e-9  # projections equal to the target level within this count as reaching it


def _series(
    target: Target, observations: Iterable[Observation], unit: str | None
) -> tuple[list[tuple[int, float]], str | None]:
    """The target's observations as sorted (year, value) in one unit, and that unit.

    Why: the trend needs one value per year in one unit; the unit is ``unit``, else the first
    observation's. Two observations of a year and unconvertible units are all collected.
    """
    rows = [
        o for o in observations if o.indicator == target.indicator and o.region == target.region
    ]
    if unit is None and rows:
        unit = rows[0].unit
    problems: list[Problem] = []
    by_year: dict[int, float] = {}
    for o in rows:
        where = f"{o.indicator}, {o.region}, {o.year}"
        if o.year in by_year:
            problems.append(
                Problem(f"two observations for {where}", row=where, field="year", value=o.year)
            )
            continue
        try:
            by_year[o.year] = convert(o.value, o.unit, unit or o.unit)
        except InputError as e:
            problems.extend(p.at(row=where) for p in e.problems)
    if problems:
        raise InputError(problems)
    return sorted(by_year.items()), unit


def assess(
    target: Target,
    observations: Iterable[Observation],
    *,
    today_year: int,
    indicator: Indicator | None = None,
    window: int = DEFAULT_WINDOW,
    band_z: float = DEFAULT_BAND_Z,
) -> Assessment:
    """Assess one target against the observations of its indicator and region.

    Parameters
    ----------
    target : Target
    observations : iterable of Observation
        May hold other indicators and regions; only the target's are used. At most one per
        year; units must convert to the level unit.
    today_year : int
        The current year: a target year before it is evaluated as met or missed.
    indicator : Indicator, optional
        Gives the level unit and the direction; without it the target's unit (absolute) or the
        observations' unit (relative) is used, and the direction comes from the target.
    window : int
        Years of change the trend looks back from the latest observation (>= 1).
    band_z : float
        Multiplier of the slope's standard error for the band (1.645: 90 %).

    Returns
    -------
    Assessment
        See the module notes for every formula and :data:`STATUS_RULE` for the status.

    Raises
    ------
    InputError
        For invalid parameters, an indicator that is not the target's, two observations of one
        year, units that do not convert, or a direction that cannot be decided.
    """
    bad = []
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        bad.append(
            Problem("window must be a whole number of years >= 1", field="window", value=window)
        )
    if not (isinstance(band_z, int | float) and math.isfinite(band_z) and band_z > 0):
        bad.append(Problem("band_z must be a positive number", field="band_z", value=band_z))
    if indicator is not None and indicator.slug != target.indicator:
        bad.append(
            Problem(
                f"indicator '{indicator.slug}' is not the target's ('{target.indicator}')",
                row=target.slug,
                field="indicator",
                value=indicator.slug,
            )
        )
    if bad:
        raise InputError(bad)

    if indicator is not None:
        unit: str | None = indicator.unit
    elif target.target_type == "absolute":
        unit = target.unit
    else:
        unit = None
    series, unit = _series(target, observations, unit)
    unit = unit or target.unit
    values = dict(series)
    notes: list[str] = []

    # Baseline and target level (both in the level unit).
    baseline_year = target.baseline_year
    baseline: float | None = None
    if target.baseline_value is not None:
        baseline = (
            target.baseline_value
            if target.target_type == "relative"
            else convert(target.baseline_value, target.unit, unit)
        )
    elif baseline_year is not None and baseline_year in values:
        baseline = values[baseline_year]
        notes.append(f"baseline value taken from the observation of {baseline_year}")
    level: float | None
    if target.target_type == "relative":
        level = None if baseline is None else baseline * (1 + target.relative_change_percent / 100)
    else:
        level = convert(target.target_value, target.unit, unit)
    better = resolve_direction(
        target,
        indicator,
        None
        if baseline is None or target.target_type == "relative"
        else convert(baseline, unit, target.unit),
    )

    common: dict[str, Any] = dict(
        target=target.slug,
        indicator=target.indicator,
        region=target.region,
        unit=unit,
        direction=better,
        target_type=target.target_type,
        target_year=target.target_year,
        today_year=today_year,
        window=window,
        band_z=float(band_z),
        n_observations=len(series),
        baseline_year=baseline_year,
        baseline_value=baseline,
        target_level=level,
    )
    if not series:
        return Assessment(
            **common,
            status="no_data",
            reason=f"no observation of '{target.indicator}' for region '{target.region}'",
            notes=notes,
        )
    latest_year, latest = series[-1]
    common.update(latest_year=latest_year, latest_value=latest)
    if level is None:
        return Assessment(
            **common,
            status="no_data",
            notes=notes,
            reason=f"relative target: no baseline value given and no "
            f"observation in the baseline year {baseline_year}",
        )

    distance = level - latest
    common.update(
        distance_abs=distance, distance_pct=None if latest == 0 else 100 * distance / abs(latest)
    )

    # Required pace.
    years_left = target.target_year - latest_year
    common["years_left"] = years_left
    if years_left > 0:
        common["required_change"] = distance / years_left
        if latest > 0 and level > 0:
            common["required_rate"] = (level / latest) ** (1 / years_left) - 1
        else:
            notes.append(
                "the required pace is given as a yearly change in the unit, not as a "
                "rate: the latest value or the target level is zero or negative"
            )

    # Observed trend.
    in_window = [(y, v) for y, v in series if y >= latest_year - window]
    trend: Trend | None = None
    if len(in_window) < 2:
        notes.append(
            f"only {len(in_window)} observation in the {window}-year window "
            f"({latest_year - window}-{latest_year}): no trend"
        )
    else:
        ys, vs = [y for y, _ in in_window], [v for _, v in in_window]
        log = all(v > 0 for v in vs) and level > 0
        if not log:
            notes.append(
                "linear trend instead of log-linear: a value in the window or the "
                "target level is zero or negative, which has no logarithm"
            )
        trend = fit_trend(ys, vs, log=log, band_z=band_z)
        assert trend is not None
        common.update(
            trend_model=trend.model,
            trend_years=trend.years,
            trend_slope=trend.slope,
            trend_slope_se=trend.slope_se,
        )
        if log:
            common.update(
                observed_rate=trend.rate,
                observed_rate_low=trend.rate_low,
                observed_rate_high=trend.rate_high,
            )
        else:
            common.update(
                observed_change=trend.slope,
                observed_change_low=trend.slope_low,
                observed_change_high=trend.slope_high,
            )
        if trend.slope_se is None:
            notes.append(
                "two observations in the window: the pace passes exactly through "
                "them and has no standard error, so there is no band and no "
                "'at risk'"
            )

    # Projection to the target year.
    central: float | None = None
    optimistic: float | None = None
    if trend is not None and years_left > 0:
        central = trend.project(latest, years_left)
        common.update(projection_year=target.target_year, projection=central)
        if trend.slope_low is not None and trend.slope_high is not None:
            a = trend.project(latest, years_left, trend.slope_low)
            b = trend.project(latest, years_left, trend.slope_high)
            common.update(projection_low=min(a, b), projection_high=max(a, b))
            optimistic = min(a, b) if better == "lower_is_better" else max(a, b)

    def beyond(v: float, tol: float = 0.0) -> bool:
        assert level is not None
        return is_beyond(v, level, better, target.strict, tol)

    def reach_by_trend() -> None:
        assert level is not None
        t = trend.years_to_reach(latest, level) if trend is not None else None
        if t is not None:
            common.update(
                reach_year=latest_year + t, years_early_late=latest_year + t - target.target_year
            )
        elif trend is not None:
            notes.append("at the observed pace the target level is never reached")

    # Status.
    status: Status
    if target.target_year < today_year or latest_year >= target.target_year:
        at = values.get(target.target_year)
        if at is not None:
            eval_year = target.target_year
        else:
            before = [y for y, _ in series if y < target.target_year]
            eval_year = before[-1] if before else series[0][0]
            notes.append(
                f"no observation in the target year {target.target_year}: evaluated "
                f"with the observation of {eval_year}"
            )
        eval_value = values[eval_year]
        common.update(evaluation_year=eval_year, evaluation_value=eval_value)
        if beyond(eval_value):
            status = "met"
            reason = (
                f"target year {target.target_year} evaluated: {eval_value:g} {unit} in "
                f"{eval_year} is beyond the target level {level:g}"
            )
            common.update(
                reach_year=float(eval_year), years_early_late=float(eval_year - target.target_year)
            )
        else:
            status = "missed"
            reason = (
                f"target year {target.target_year} evaluated: {eval_value:g} {unit} in "
                f"{eval_year} is not beyond the target level {level:g}"
            )
            later = [y for y, v in series if y > eval_year and beyond(v)]
            if later:
                common.update(
                    reach_year=float(later[0]),
                    years_early_late=float(later[0] - target.target_year),
                )
                notes.append(f"the target level was reached later, in {later[0]}")
            else:
                reach_by_trend()
    elif beyond(latest):
        status = "met"
        reason = (
            f"the latest value {latest:g} {unit} ({latest_year}) is already beyond the "
            f"target level {level:g}"
        )
        common.update(
            reach_year=float(latest_year), years_early_late=float(latest_year - target.target_year)
        )
        notes.append(f"met at the latest in {latest_year}")
        if central is not None and not beyond(central, _REL_TOL):
            notes.append(
                "but the observed trend moves away from the target: at this pace it "
                "is no longer met in the target year"
            )
    elif trend is None:
        status = "no_data"
        reason = (
            "no data on trend: fewer than two observations in the trend window; the "
            "required pace is shown but cannot be compared with an observed pace"
        )
    else:
        assert central is not None
        if beyond(central, _REL_TOL):
            status = "on_track"
            reason = "the observed pace is at least the required pace"
        elif optimistic is not None and beyond(optimistic, _REL_TOL):
            status = "at_risk"
            reason = (
                "the observed pace is below the required pace, but the optimistic end "
                "of the projection band reaches the target"
            )
        else:
            status = "off_track"
            reason = (
                "the observed pace is below the required pace"
                + ("" if optimistic is not None else " (no band: fewer than three observations)")
                + (
                    ", and even the optimistic end of the band misses the target"
                    if optimistic is not None
                    else ""
                )
            )
        reach_by_trend()
    return Assessment(**common, status=status, reason=reason, notes=notes)


def assess_all(
    targets: Iterable[Target],
    observations: Iterable[Observation],
    *,
    today_year: int,
    indicators: Mapping[str, Indicator] | None = None,
    window: int = DEFAULT_WINDOW,
    band_z: float = DEFAULT_BAND_Z,
) -> list[Assessment]:
    """:func:`assess` for every target, collecting the problems of all before raising."""
    obs = list(observations)
    out: list[Assessment] = []
    problems: list[Problem] = []
    for t in targets:
        ind = None if indicators is None else indicators.get(t.indicator)
        try:
            out.append(
                assess(t, obs, today_year=today_year, indicator=ind, window=window, band_z=band_z)
            )
        except InputError as e:
            problems.extend(e.problems)
    if problems:
        raise InputError(problems)
    return out
