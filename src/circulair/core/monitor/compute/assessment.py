"""The result of assessing one target: every figure the page shows, JSON-ready.

Why: the web page, the API and the CLI all show the same assessment, so its fields and its
plain-dict form are defined once, apart from how they are computed (:mod:`.evaluate`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from .rule import STATUS_LABELS, Better, Status, status_rule

__all__ = ["Assessment"]


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
