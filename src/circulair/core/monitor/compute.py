"""Where an indicator stands against its target: distance, required pace, trend, status.

Why: the monitor must tell, per indicator, target and region, not only the latest figure but
whether the observed pace is enough to reach the target in time (DOMAIN.md section 3: latest
value, distance to target, required yearly change versus observed trend, on/off track, and a
projection). Every number below is simple enough to recompute by hand, and the status rule is
stated in :data:`STATUS_RULE` so that the page can show exactly what a status means.

Method
------
Values are first converted to one *level unit*: the indicator's unit when the indicator is
given, else the unit of an absolute target, else the observations' unit.

Target level
    Absolute target: ``target_value``. Relative target: ``baseline × (1 + target_value/100)``,
    with the baseline value as given, else the observation of the baseline year; without either
    the status is "no data" and ``reason`` says why. (RMC -30 % versus 567 Mt -> 396.9 Mt.)
Distance
    ``distance_abs = target_level - latest_value`` (the change still needed, signed; when the
    target is met it points away from the target) and ``distance_pct = 100 × distance_abs /
    |latest_value|`` (None when the latest value is 0).
Required pace
    Over ``years_left = target_year - latest_year > 0``: the constant yearly relative change
    ``required_rate = (target_level / latest_value) ** (1 / years_left) - 1`` (None unless both
    are positive) and the constant yearly absolute change ``required_change = (target_level -
    latest_value) / years_left``.
Observed trend
    Least squares over the observations with ``year >= latest_year - window`` (a window of 10
    spans 10 years of change, up to 11 annual points). *Log-linear* (``ln value = a + b·year``)
    when every value in the window and the target level are positive: ``observed_rate =
    exp(b) - 1``, a constant yearly relative change. Otherwise *linear* (``value = a + c·year``,
    ``observed_change = c`` per year; a zero or negative value has no logarithm), said in
    ``notes``. The slope's standard error is ``s / sqrt(Sxx)`` with ``s² = SSR / (n - 2)``; it
    needs at least 3 points (with 2 the line passes through both exactly). The confidence
    interval is ``slope ± band_z × se`` (``band_z = 1.645``: 90 % two-sided under a normal
    approximation; with few points a Student-t multiplier would be wider, so the band is
    optimistic about its own precision).
Projection
    From the latest observation at the observed pace to the target year: ``latest ×
    exp(b × Δt)`` (log-linear) or ``latest + c × Δt`` (linear), with the band from the slope's
    interval. Anchoring at the latest value (not at the fitted line) makes "the projection
    reaches the target" the same statement as "the observed pace is at least the required
    pace". The band covers the uncertainty of the pace only, not year-to-year noise.
Early or late
    At the observed pace, the (fractional) year the target level is reached, minus the target
    year: negative is early, positive late, None when the pace never gets there. For a target
    already met, the year of the observation that meets it (so "at least" that early).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..errors import InputError, Problem
from .model import Indicator, Observation, Target
from .units import convert

__all__ = [
    "DEFAULT_BAND_Z",
    "DEFAULT_WINDOW",
    "STATUSES",
    "STATUS_LABELS",
    "STATUS_RULE",
    "Assessment",
    "Status",
    "Trend",
    "assess",
    "assess_all",
    "fit_trend",
    "resolve_direction",
    "status_rule",
]

Status = Literal["met", "on_track", "at_risk", "off_track", "missed", "no_data"]
Better = Literal["lower_is_better", "higher_is_better"]

STATUSES: tuple[Status, ...] = ("met", "on_track", "at_risk", "off_track", "missed", "no_data")
STATUS_LABELS: Mapping[str, Mapping[str, str]] = {
    "met": {"en": "met", "nl": "bereikt"},
    "on_track": {"en": "on track", "nl": "op koers"},
    "at_risk": {"en": "at risk", "nl": "in gevaar"},
    "off_track": {"en": "off track", "nl": "niet op koers"},
    "missed": {"en": "missed", "nl": "niet gehaald"},
    "no_data": {"en": "no data", "nl": "geen gegevens"},
}
DEFAULT_WINDOW = 10
DEFAULT_BAND_Z = 1.6448536269514722  # 90 % two-sided, standard normal
_REL_TOL = 1e-9  # projections equal to the target level within this count as reaching it


def status_rule(window: int = DEFAULT_WINDOW, band_z: float = DEFAULT_BAND_Z) -> str:
    """The status rule in words for a given window and band (English, for the page)."""
    band = 100 * math.erf(band_z / math.sqrt(2))
    return (
        "'Beyond the target' means at or past the target level in the better direction "
        "(strictly past it for a 'more than' target). "
        "No data: there is no observation for the indicator and region; or a relative target "
        "has neither a baseline value nor an observation in its baseline year; or the target "
        "is not yet met and fewer than two observations lie in the trend window (no data on "
        "trend; the required pace is still shown). "
        "Target year already past (before the current year) or already observed: met if the "
        "observation of the target year (when missing, the latest one before it) is beyond "
        "the target, missed otherwise. "
        f"Otherwise: met if the latest observation is beyond the target; on track if the "
        f"observed pace (least-squares trend over the last {window} years, log-linear, linear "
        f"when a value is zero or negative) is at least the required pace (the constant "
        f"yearly change that takes the latest value to the target level in the target year), "
        f"which is the same as the projection from the latest value at that pace reaching the "
        f"target; at risk if it is not, but the optimistic end of the projection's {band:.0f} % "
        f"band (from the pace's standard error; needs three or more observations) reaches the "
        f"target; off track otherwise."
    )


STATUS_RULE = status_rule()
"""The status rule in words, for the monitor page (defaults: window 10, band 90 %)."""


@dataclass(frozen=True)
class Trend:
    """A least-squares trend through the last observations of a series.

    Attributes
    ----------
    model : {"log-linear", "linear"}
    years : list of int
        The years used.
    slope : float
        Per year: on the log scale (log-linear) or in the level unit (linear).
    slope_se : float or None
        Standard error of the slope; None with fewer than 3 points.
    slope_low, slope_high : float or None
        ``slope ∓ band_z × slope_se``.
    rate, rate_low, rate_high : float or None
        ``exp(slope) - 1`` and its interval (log-linear only): the yearly relative change.
    """

    model: Literal["log-linear", "linear"]
    years: list[int]
    slope: float
    slope_se: float | None
    slope_low: float | None
    slope_high: float | None
    rate: float | None
    rate_low: float | None
    rate_high: float | None

    def project(self, start_value: float, years_ahead: float, slope: float | None = None) -> float:
        """The value ``years_ahead`` after a point of value ``start_value`` at the slope."""
        b = self.slope if slope is None else slope
        if self.model == "log-linear":
            return start_value * math.exp(b * years_ahead)
        return start_value + b * years_ahead

    def years_to_reach(self, start_value: float, level: float) -> float | None:
        """Years from ``start_value`` to ``level`` at the slope; None if never (or now)."""
        if self.slope == 0:
            return None
        if self.model == "log-linear":
            if start_value <= 0 or level <= 0:
                return None
            t = math.log(level / start_value) / self.slope
        else:
            t = (level - start_value) / self.slope
        return t if t > 0 else None


@dataclass(frozen=True)
class Assessment:
    """Where one target stands; every field is JSON-serialisable through :meth:`as_dict`.

    Values are in ``unit``; rates are fractions per year (-0.0393 = -3.93 % a year). Fields that
    cannot be computed are None and ``notes`` or ``reason`` say why.
    """

    target: str
    indicator: str
    region: str
    unit: str
    direction: Better
    target_type: str
    target_year: int
    today_year: int
    window: int
    band_z: float
    status: Status
    reason: str
    n_observations: int = 0
    latest_year: int | None = None
    latest_value: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    target_level: float | None = None
    distance_abs: float | None = None
    distance_pct: float | None = None
    years_left: int | None = None
    required_rate: float | None = None
    required_change: float | None = None
    trend_model: str | None = None
    trend_years: list[int] = field(default_factory=list)
    trend_slope: float | None = None
    trend_slope_se: float | None = None
    observed_rate: float | None = None
    observed_rate_low: float | None = None
    observed_rate_high: float | None = None
    observed_change: float | None = None
    observed_change_low: float | None = None
    observed_change_high: float | None = None
    projection_year: int | None = None
    projection: float | None = None
    projection_low: float | None = None
    projection_high: float | None = None
    evaluation_year: int | None = None
    evaluation_value: float | None = None
    reach_year: float | None = None
    years_early_late: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        """The status in English words (``"on track"``)."""
        return STATUS_LABELS[self.status]["en"]

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON: non-finite floats become None, the status label is added."""
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, float) and not math.isfinite(v):
                d[k] = None
        d["status_label"] = self.status_label
        d["status_rule"] = status_rule(self.window, self.band_z)
        return d


def resolve_direction(
    target: Target, indicator: Indicator | None = None, baseline_level: float | None = None
) -> Better:
    """Which way is better for this target.

    Why: an indicator such as RMI has no direction of its own, yet a target on it does. In
    order: the target's own direction; the indicator's (unless ``"none"``); the sign of a
    relative target (-30 % means lower is better); the sign of ``target - baseline`` for an
    absolute target with a baseline value, or else with ``baseline_level`` (in the target's
    unit; :func:`assess` passes the observation of the baseline year).

    Raises
    ------
    InputError
        When none of these decides (e.g. a relative target of 0 % on a direction-less
        indicator).
    """
    for direction in (target.direction, indicator.direction if indicator is not None else "none"):
        if direction == "lower_is_better" or direction == "higher_is_better":
            return direction
    if target.target_type == "relative":
        change = target.relative_change_percent
        if change != 0:
            return "lower_is_better" if change < 0 else "higher_is_better"
    else:
        base = target.baseline_value if target.baseline_value is not None else baseline_level
        if base is not None and target.target_value != base:
            return "lower_is_better" if target.target_value < base else "higher_is_better"
    raise InputError.single(
        "cannot tell which way is better for this target: give the target or its indicator a "
        "direction",
        row=target.slug,
        field="direction",
    )


def fit_trend(
    years: Sequence[int], values: Sequence[float], *, log: bool, band_z: float = DEFAULT_BAND_Z
) -> Trend | None:
    """Least-squares line through ``(year, value)`` (on the log scale when ``log``).

    Returns None with fewer than 2 points. Years must be distinct; for ``log`` every value must
    be positive.
    """
    n = len(years)
    if n < 2:
        return None
    ys = [math.log(v) for v in values] if log else [float(v) for v in values]
    xm = sum(years) / n
    ym = sum(ys) / n
    dx = [x - xm for x in years]
    sxx = sum(d * d for d in dx)
    b = sum(d * (y - ym) for d, y in zip(dx, ys, strict=True)) / sxx
    a = ym - b * xm
    se: float | None = None
    lo: float | None = None
    hi: float | None = None
    if n >= 3:
        ssr = sum((y - (a + b * x)) ** 2 for x, y in zip(years, ys, strict=True))
        se = math.sqrt(ssr / (n - 2) / sxx)
        lo, hi = b - band_z * se, b + band_z * se
    return Trend(
        model="log-linear" if log else "linear",
        years=list(years),
        slope=b,
        slope_se=se,
        slope_low=lo,
        slope_high=hi,
        rate=math.expm1(b) if log else None,
        rate_low=math.expm1(lo) if log and lo is not None else None,
        rate_high=math.expm1(hi) if log and hi is not None else None,
    )


def _beyond(value: float, level: float, better: Better, strict: bool, tol: float = 0.0) -> bool:
    """Whether ``value`` is at (or, if ``strict``, past) ``level`` in the better direction."""
    slack = tol * max(abs(level), abs(value), 1.0)
    if better == "lower_is_better":
        return value < level if strict else value <= level + slack
    return value > level if strict else value >= level - slack


def _series(
    target: Target, observations: Iterable[Observation], unit: str | None
) -> tuple[list[tuple[int, float]], str | None]:
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
        return _beyond(v, level, better, target.strict, tol)

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
