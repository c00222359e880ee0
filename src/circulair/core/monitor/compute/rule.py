"""The status vocabulary of the monitor and the status rule in words.

Why: the page shows exactly what a status means, so the words live next to the defaults
(trend window, band) that the rule quotes; :mod:`.evaluate` applies the same rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

__all__ = [
    "DEFAULT_BAND_Z",
    "DEFAULT_WINDOW",
    "STATUSES",
    "STATUS_LABELS",
    "STATUS_RULE",
    "Better",
    "Status",
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
