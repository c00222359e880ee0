"""The observed pace: a least-squares trend, its band, and projections along it.

Why: "on track" compares the observed pace with the required one; the trend is kept apart
from the assessment so that its formulas (package notes, *Observed trend* and *Projection*)
can be checked by hand on their own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .rule import DEFAULT_BAND_Z

__all__ = ["Trend", "fit_trend"]


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
