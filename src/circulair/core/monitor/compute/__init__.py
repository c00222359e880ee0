"""Where an indicator stands against its target: distance, required pace, trend, status.

Why: the monitor must tell, per indicator, target and region, not only the latest figure but
whether the observed pace is enough to reach the target in time (DOMAIN.md section 3: latest
value, distance to target, required yearly change versus observed trend, on/off track, and a
projection). Every number below is simple enough to recompute by hand, and the status rule is
stated in :data:`STATUS_RULE` so that the page can show exactly what a status means.

Modules: :mod:`.rule` (statuses, labels, defaults, the rule in words), :mod:`.trend` (the
least-squares pace), :mod:`.direction` (which way is better), :mod:`.assessment` (the result)
and :mod:`.evaluate` (:func:`assess`, :func:`assess_all`).

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

from .assessment import Assessment
from .direction import resolve_direction
from .evaluate import assess, assess_all
from .rule import (
    DEFAULT_BAND_Z,
    DEFAULT_WINDOW,
    STATUS_LABELS,
    STATUS_RULE,
    STATUSES,
    Status,
    status_rule,
)
from .trend import Trend, fit_trend

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
